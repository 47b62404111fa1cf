"""Hostile input and faults: each answer is a clear 4xx or 503 problem, never a 500.

Found by fuzzing and probing the service from outside (issue 13). The apps here that need a
database of their own (busy, read-only, down, restarted) get a committed clone.
"""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import NullPool

from models import Role
from tests.conftest import make_test_app
from tests.databases import DatabaseFactory
from tests.factories import ApiCaller, make_federation, token

DEAD_POSTGRES = "postgresql+psycopg://bahi:bahi@127.0.0.1:1/bahi"


@pytest.fixture
def api(session, client):
    fed = make_federation(session)
    return ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf)), fed


def raw_post(api_caller, path, body: bytes, key="k1"):
    headers = {**api_caller.headers, "Idempotency-Key": key, "Content-Type": "application/json"}
    return api_caller.client.post(path, data=body, headers=headers)


def assert_problem(response, status, field=None):
    """A problem of this status naming this field (or a path inside it: `name[0][0]`)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/problem+json"
    if field is not None:
        named = [e["field"] for e in response.json["errors"]]
        assert len(named) == 1 and named[0].split("[")[0] == field, named


@pytest.mark.parametrize(
    ("depth", "field"),
    [
        (100, "name"),  # parsed, then found too deep under its field
        (2000, "body"),  # a 4 KB body deep enough to exhaust Python's recursion limit
        (100_000, "body"),
    ],
)
def test_deeply_nested_json_is_refused_before_anything_walks_it(api, depth, field):
    caller, _ = api
    body = b'{"name": ' + b"[" * depth + b"]" * depth + b"}"
    assert_problem(raw_post(caller, "/api/v1/institutions", body), 400, field)


def test_moderate_nesting_is_still_accepted_up_to_the_limit(api):
    from app.request_guard import MAX_JSON_DEPTH, check_json_body

    check_json_body(json.dumps({"a": [[1]] * 40}).encode())
    inside = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    check_json_body(f'{{"a": {inside}}}'.encode())


@pytest.mark.parametrize(
    "body",
    [
        b'{"kind": "shg", "name": "Durga \\udc80 SHG", "parent_id": 1}',
        b'{"kind": "shg", "name": "Durga \\ud83d SHG", "parent_id": 1}',
        b'{"kind": "shg", "name": "Durga \xed\xb2\x80 SHG", "parent_id": 1}',
    ],
)
def test_a_lone_surrogate_in_text_is_refused_naming_the_field(api, body):
    caller, _ = api
    assert_problem(raw_post(caller, "/api/v1/institutions", body), 400, "name")


def test_a_surrogate_pair_is_ordinary_text(api):
    caller, fed = api
    body = {"kind": "vo", "name": "Sakhi \U0001f33c VO", "parent_id": fed.clf.id}
    raw = json.dumps(body).encode()  # ensure_ascii: the flower travels as \ud83c\udf3c
    assert b"\\ud83c" in raw
    response = raw_post(caller, "/api/v1/institutions", raw)
    assert response.status_code == 201, response.json
    assert response.json["name"] == "Sakhi \U0001f33c VO"


@pytest.mark.parametrize("amount", ["१०.००", "୧୦", " 1.00", "1.00 ", "1.00\n"])
def test_amounts_outside_the_published_pattern_are_refused(api, amount):
    caller, fed = api
    member = fed.members[0]
    response = caller.post(
        f"/api/v1/members/{member.id}/savings/deposits",
        {"amount": amount, "value_date": "2026-06-01"},
    )
    assert_problem(response, 422, "amount")


def test_query_string_ids_are_read_as_numbers(session, client):
    fed = make_federation(session)
    auditor = ApiCaller(client, token(session, Role.AUDITOR, fed.district))
    flags = auditor.get(f"/api/v1/idle/flags?institution_id={fed.clf.id}&run_id=1")
    assert flags.status_code == 200, flags.json
    assert flags.json["items"] == []
    export = auditor.get(f"/api/v1/idle/runs/1/export?institution_id={fed.clf.id}")
    assert_problem(export, 404)


def test_no_query_schema_is_strict_about_integers(app):
    """Query strings are text: a strict Integer there refuses every value ("Not a valid
    integer"). Strict integers belong in JSON bodies only."""
    from marshmallow import fields

    strict = []
    for name, view in app.view_functions.items():
        for argument in getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", []):
            if argument["in"] != "query":
                continue
            schema = argument["schema"]
            schema = schema() if isinstance(schema, type) else schema
            strict += [
                f"{name}: {field_name}"
                for field_name, field in schema.fields.items()
                if isinstance(field, fields.Integer) and field.strict
            ]
    assert strict == []


# --- The database busy, down, read-only or restarted -------------------------------------


def _with_a_federation(databases, url):
    engine = databases.engine(url)
    with sessionmaker(bind=engine, expire_on_commit=False)() as session:
        fed = make_federation(session)
        secret = token(session, Role.BOOKKEEPER, fed.clf)
        session.commit()
    return url, fed, secret


@pytest.fixture
def committed_db(databases, template_url):
    """A database of its own with a bookkeeper's federation and token, committed."""
    return _with_a_federation(databases, databases.clone(template_url))


@pytest.fixture
def sqlite_db(tmp_path):
    """The same on SQLite alone, for faults only SQLite has (a file lock, a read-only file)."""
    sqlite = DatabaseFactory("sqlite", tmp_path)
    yield _with_a_federation(sqlite, sqlite.migrated())
    sqlite.drop_all()


@pytest.fixture
def own_app():
    """Apps on a database URL of their own; their engines are closed after the test."""
    made = []

    def make(**settings):
        app = make_test_app(**settings)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["bahi.sessions"].kw["bind"].dispose()


def _deposit(caller, fed, key="k-deposit"):
    return caller.post(
        f"/api/v1/members/{fed.members[0].id}/savings/deposits",
        {"amount": "100.00", "value_date": "2026-06-01", "via": "cash"},
        key=key,
    )


def test_a_write_while_sqlite_is_locked_answers_503_promptly(sqlite_db, own_app):
    url, fed, secret = sqlite_db
    app = own_app(DATABASE_URL=url, DATABASE_BUSY_TIMEOUT_MS=300)
    caller = ApiCaller(app.test_client(), secret)
    holder = create_engine(url, poolclass=NullPool).connect()
    holder.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = _deposit(caller, fed)
        elapsed = time.monotonic() - started
    finally:
        holder.exec_driver_sql("ROLLBACK")
        holder.close()
    assert_problem(response, 503)
    assert response.headers["Retry-After"]
    # One wait for the lock, not a second one to log the refusal (that took 30 s before).
    assert elapsed < 5
    assert _deposit(caller, fed).status_code == 201


def test_writes_answer_503_when_sqlite_is_read_only(sqlite_db, own_app):
    url, fed, secret = sqlite_db
    path = make_url(url).database
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    caller = ApiCaller(own_app(DATABASE_URL=read_only).test_client(), secret)
    assert caller.get(f"/api/v1/members/{fed.members[0].id}").status_code == 200
    response = _deposit(caller, fed)
    assert_problem(response, 503)
    assert response.headers["Retry-After"]


def test_with_the_database_down_writes_and_reads_answer_503_and_health_says_so(own_app):
    app = own_app(DATABASE_URL=DEAD_POSTGRES)
    client = app.test_client()
    caller = ApiCaller(client, "bahi_not_checked_the_database_is_down")
    write = caller.post("/api/v1/institutions", {"kind": "shg", "name": "X", "parent_id": 1})
    assert_problem(write, 503)
    assert write.headers["Retry-After"]
    assert_problem(caller.get("/api/v1/institutions"), 503)
    assert client.get("/api/v1/health/live").status_code == 200
    ready = client.get("/api/v1/health")
    assert_problem(ready, 503)


def test_health_is_ready_with_the_database_up(client):
    for path in ("/api/v1/health", "/api/v1/health/live"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.json == {"status": "ok"}


def test_after_the_server_drops_every_connection_the_next_request_succeeds(
    backend, committed_db, databases, own_app
):
    if backend != "postgresql":
        pytest.skip("connections that die under the pool are PostgreSQL's")
    url, fed, secret = committed_db
    app = own_app(DATABASE_URL=url)
    caller = ApiCaller(app.test_client(), secret)
    assert caller.get(f"/api/v1/members/{fed.members[0].id}").status_code == 200
    name = make_url(url).database
    with databases._admin().connect() as admin:
        killed = admin.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        ).scalar()
    assert killed >= 1  # the pooled connection of the request above
    assert caller.get(f"/api/v1/members/{fed.members[0].id}").status_code == 200
    assert _deposit(caller, fed).status_code == 201


def test_a_bank_read_that_cannot_be_logged_is_not_served(sqlite_db, own_app):
    """Every request by a bank is in the access log: when the log cannot be written (the
    database turned read-only under it), the bank gets a 503, not the data."""
    url, _fed, _ = sqlite_db
    engine = create_engine(url, poolclass=NullPool)
    from app.services.federation import banks
    from tests.factories import ADMIN

    with sessionmaker(bind=engine)() as session:
        bank = banks.create_bank(session, ADMIN, "Probe Bank", "PRBK")
        secret = token(session, Role.BANK_PARTNER, bank_id=bank.id)
        session.commit()
    path = make_url(url).database
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    caller = ApiCaller(own_app(DATABASE_URL=read_only).test_client(), secret)
    assert_problem(caller.get("/api/v1/bank/members"), 503)


def test_a_write_dated_1900_is_refused(api):
    caller, fed = api
    response = caller.post(
        f"/api/v1/members/{fed.members[0].id}/savings/deposits",
        {"amount": "100.00", "value_date": "1900-01-01", "via": "cash"},
    )
    assert_problem(response, 422, "value_date")


def test_logging_a_request_on_its_own_never_raises(sqlite_db, own_app):
    """The access-log write of a refusal or a page view: False when the database cannot
    take it (read-only here, or already known to be unavailable), never an exception."""
    from flask import g

    from app.writes import log_on_its_own

    url, _fed, _ = sqlite_db
    path = make_url(url).database
    read_only = own_app(DATABASE_URL=f"sqlite:///file:{path}?mode=ro&uri=true")
    with read_only.test_request_context("/bank/members"):
        assert log_on_its_own(200, None) is False
    writable = own_app(DATABASE_URL=url)
    with writable.test_request_context("/api/v1/institutions", method="POST"):
        g.database_unavailable = True
        assert log_on_its_own(503, "k") is False
    with writable.test_request_context("/api/v1/institutions", method="POST"):
        assert log_on_its_own(422, "k") is True
