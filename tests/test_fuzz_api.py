"""No input produces a 500: requests generated from the OpenAPI document, bounded in count.

Every operation gets generated path, query, header and body values (schemathesis strategies
driven by hypothesis). Whatever comes in, the answer is below 500, and every 4xx is
application/problem+json.
"""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Role
from tests.factories import make_federation, token, transfer

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def fuzz_target(app, session):
    fed = make_federation(session)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    from datetime import date

    transfer(session, fed.book_id(session, fed.shg), cash.id, rf.id, 10_000, date(2026, 6, 1))
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, token(session, Role.ADMIN)


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_describes_every_route(fuzz_target):
    schema, _ = fuzz_target
    paths = {op.path for op in operations(schema)}
    assert {
        "/api/v1/journal-entries",
        "/api/v1/entry-sets",
        "/api/v1/institutions",
        "/api/v1/accounts/{account_id}/statement",
        "/api/v1/books/{book_id}/trial-balance",
    } <= paths


def test_no_generated_request_gets_a_server_error(fuzz_target, session):
    schema, secret = fuzz_target
    failures, statuses = [], []
    for operation in operations(schema):
        check_operation(operation, secret, session, failures, statuses)
    assert failures == []
    # The generated requests must mostly reach the handlers, not bounce off authentication
    # (a few cases carry a generated Authorization header of their own, and get 401).
    assert statuses.count(401) < len(statuses) // 20
    assert (
        sum(200 <= s < 300 for s in statuses) > 50
        and sum(s in (400, 404, 422) for s in statuses) > 50
    )


def check_operation(operation, secret, session, failures, statuses):
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), valid_key=st.booleans())
    def check(case, valid_key):
        headers = {"Authorization": f"Bearer {secret}"}
        if valid_key:
            headers["Idempotency-Key"] = uuid.uuid4().hex
        with session.begin_nested() as savepoint:
            response = case.call(headers=headers)
            savepoint.rollback()
        statuses.append(response.status_code)
        if response.status_code >= 500 or (
            400 <= response.status_code < 500
            and "application/problem+json" not in response.headers.get("content-type", [])
        ):
            failures.append((operation.label, response.status_code, response.text[:300]))

    check()
