"""The OpenAPI document tells the truth, for every role: requests generated from it (schemathesis
strategies driven by hypothesis, derandomised and bounded in count) never get a 5xx, and every
answer has a documented status, the documented media type and a body that matches the
documented schema (problem+json for every error)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.core.failures import FailureGroup

from app.services.credit import consents
from app.services.federation import banks
from app.services.shared.clock import today_in_india
from models import Role
from tests.factories import ADMIN, make_federation, token, transfer

EXAMPLES_PER_OPERATION = 4
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@pytest.fixture
def fuzz_target(app, session):
    """A federation with money in its SHG, a bank and a member who consented to it, and a
    token for each role scoped to them."""
    fed = make_federation(session)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    transfer(session, fed.book_id(session, fed.shg), cash.id, rf.id, 10_000, date(2026, 6, 1))
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    consents.record_consent(
        session,
        ADMIN,
        consents.NewConsent(
            member_id=fed.members[0].id,
            bank_id=bank.id,
            purpose="individual_loan",
            starts_on=today_in_india() - timedelta(days=30),
            expires_on=today_in_india() + timedelta(days=300),
            data_months=24,
        ),
    )
    secrets = {
        Role.ADMIN: token(session, Role.ADMIN),
        Role.BOOKKEEPER: token(session, Role.BOOKKEEPER, fed.clf),
        Role.AUDITOR: token(session, Role.AUDITOR, fed.district),
        Role.BANK_PARTNER: token(session, Role.BANK_PARTNER, bank_id=bank.id),
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, secrets


def operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_describes_every_route(fuzz_target, app):
    schema, _ = fuzz_target
    documented = {op.path for op in operations(schema)}
    assert {
        "/api/v1/journal-entries",
        "/api/v1/entry-sets",
        "/api/v1/institutions",
        "/api/v1/accounts/{account_id}/statement",
        "/api/v1/books/{book_id}/trial-balance",
        "/api/v1/health",
        "/api/v1/imports/jobs/{job_id}",
    } <= documented
    served = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    undocumented = served - documented - {"/api/v1/openapi.json", "/api/v1/docs"}
    assert undocumented == set()


def test_every_error_is_documented_as_problem_json(fuzz_target):
    schema, _ = fuzz_target
    for operation in operations(schema):
        responses = operation.definition.raw["responses"]
        errors = {code for code in responses if code.isdigit() and int(code) >= 400}
        assert {"400", "422", "429", "503"} <= errors, operation.label
        for code in errors:
            content = schema.raw_schema["components"]["responses"]
            ref = responses[code].get("$ref", "").rsplit("/", 1)[-1]
            media = (content[ref] if ref else responses[code])["content"]
            assert list(media) == ["application/problem+json"], (operation.label, code)


@pytest.mark.slow
@pytest.mark.parametrize("role", list(Role))
def test_no_generated_request_breaks_the_contract(fuzz_target, session, role):
    schema, secrets = fuzz_target
    failures, statuses = [], []
    for operation in operations(schema):
        check_operation(operation, secrets[role], session, failures, statuses)
    assert failures == []
    # The generated requests must mostly reach the handlers, not bounce off authentication
    # (a few cases carry a generated Authorization header of their own, and get 401).
    assert statuses.count(401) < len(statuses) // 20
    assert sum(s in (400, 404, 422) for s in statuses) > 50
    if role is Role.ADMIN:
        assert sum(200 <= s < 300 for s in statuses) > 50


def check_operation(operation, secret, session, failures, statuses):
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
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
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as failure:
            failures.append(
                (operation.label, response.status_code, str(failure)[:400], response.text[:300])
            )

    check()


def test_a_body_the_document_requires_is_refused_when_empty(fuzz_target, client):
    """Operations whose body the document marks required refuse an empty one (4xx naming
    what is missing); the others say the body is optional."""
    schema, secrets = fuzz_target
    headers = {"Authorization": f"Bearer {secrets[Role.ADMIN]}"}
    required = 0
    for operation in operations(schema):
        body = operation.definition.raw.get("requestBody")
        if not body or not body.get("required"):
            continue
        required += 1
        path = re.sub(r"\{\w+\}", "1", operation.path)
        media = next(iter(body["content"]))
        empties = [b"", b"{}"] if media == "application/json" else [b""]
        for i, empty in enumerate(empties):
            response = client.open(
                path,
                method=operation.method.upper(),
                data=empty,
                headers={**headers, "Idempotency-Key": f"empty-{i}-{uuid.uuid4().hex}"},
                content_type=media,
            )
            assert 400 <= response.status_code < 500, (operation.label, empty, response.json)
            assert response.content_type == "application/problem+json"
    assert required > 30
