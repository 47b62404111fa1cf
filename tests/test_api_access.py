"""Who may see and change what: 401 without a token, 403 outside a role, 404 outside a scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.services.federation import banks
from models import AccessLogEntry, Role
from models.access import ApiToken
from tests.conftest import make_test_app
from tests.factories import ADMIN, ApiCaller, make_federation, token


@pytest.fixture
def world(session, client):
    jh = make_federation(session, "JH")
    br = make_federation(session, "BR")
    bank = banks.create_bank(session, ADMIN, "Test Bank", "TBNK")
    callers = {
        "admin": ApiCaller(client, token(session, Role.ADMIN)),
        "bookkeeper": ApiCaller(client, token(session, Role.BOOKKEEPER, jh.clf)),
        "auditor": ApiCaller(client, token(session, Role.AUDITOR, jh.district)),
        "bank": ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=bank.id)),
    }
    return jh, br, bank, callers


def test_no_token_or_a_bad_token_is_401_problem(client, world):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/institutions", headers=headers)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_and_expired_tokens_stop_working(session, client, world):
    from datetime import timedelta

    from app.services.access.tokens import issue_token, revoke_token
    from models.base import utcnow

    issued = issue_token(session, ADMIN, name="t", role=Role.ADMIN)
    caller = ApiCaller(client, issued.secret)
    assert caller.get("/api/v1/institutions").status_code == 200
    revoke_token(session, ADMIN, issued.token.id)
    assert caller.get("/api/v1/institutions").status_code == 401
    expired = issue_token(
        session, ADMIN, name="e", role=Role.ADMIN, expires_at=utcnow() - timedelta(seconds=1)
    )
    assert ApiCaller(client, expired.secret).get("/api/v1/institutions").status_code == 401


def test_bookkeeper_sees_and_writes_only_her_clf_tree(world):
    jh, br, _, c = world
    bk = c["bookkeeper"]
    listed = bk.get("/api/v1/institutions?limit=100").json["items"]
    assert {i["kind"] for i in listed} == {"clf", "vo", "shg"}
    assert bk.get(f"/api/v1/institutions/{br.shg.id}").status_code == 404
    assert bk.get(f"/api/v1/institutions/{jh.district.id}").status_code == 404
    created = bk.post(
        "/api/v1/institutions", {"kind": "shg", "name": "Sita SHG", "parent_id": jh.vo.id}
    )
    assert created.status_code == 201 and created.json["created_by"].startswith("token:")
    foreign = bk.post("/api/v1/institutions", {"kind": "shg", "name": "X", "parent_id": br.vo.id})
    assert foreign.status_code == 422 and foreign.json["errors"][0]["field"] == "parent_id"
    assert (
        bk.post(
            "/api/v1/institutions", {"kind": "clf", "name": "X", "parent_id": jh.block.id}
        ).status_code
        == 422
    )


def test_auditor_reads_her_district_and_cannot_write(world):
    jh, br, _, c = world
    au = c["auditor"]
    assert au.get(f"/api/v1/institutions/{jh.shg.id}").status_code == 200
    assert au.get(f"/api/v1/institutions/{br.shg.id}").status_code == 404
    assert au.patch(f"/api/v1/institutions/{jh.shg.id}", {"name": "New"}).status_code == 403
    assert au.get("/api/v1/verification").json["books"] == 3  # the CLF, VO and SHG of her district


def test_bank_partner_sees_nothing_of_the_tree_and_every_request_is_logged(session, world):
    jh, _, bank, c = world
    assert c["bank"].get(f"/api/v1/institutions/{jh.shg.id}").status_code == 404
    assert c["bank"].get(f"/api/v1/members/{jh.members[0].id}").status_code == 404
    assert c["bank"].get("/api/v1/institutions").json["items"] == []
    assert [b["id"] for b in c["bank"].get("/api/v1/banks").json["items"]] == [bank.id]
    logged = session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.role == "bank_partner")
    ).all()
    assert [(e.method, e.status_code) for e in logged][-4:] == [
        ("GET", 404),
        ("GET", 404),
        ("GET", 200),
        ("GET", 200),
    ]


def test_every_write_is_logged_with_who_and_outcome(session, world):
    jh, _, _, c = world
    c["bookkeeper"].patch(
        f"/api/v1/institutions/{jh.shg.id}", {"name": "Durga Mahila SHG"}, key="rename-1"
    )
    c["auditor"].patch(f"/api/v1/institutions/{jh.shg.id}", {"name": "x"}, key="rename-2")
    rows = session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.method == "PATCH").order_by(AccessLogEntry.id)
    ).all()
    assert [(r.role, r.status_code, r.idempotency_key) for r in rows] == [
        ("bookkeeper", 200, "rename-1"),
        ("auditor", 403, "rename-2"),
    ]


def test_admin_only_actions(world):
    jh, _, _, c = world
    assert (
        c["bookkeeper"].post("/api/v1/banks", {"name": "B", "ifsc_prefix": "BBBB"}).status_code
        == 403
    )
    assert c["bookkeeper"].get("/api/v1/tokens").status_code == 403
    issued = c["admin"].post(
        "/api/v1/tokens", {"name": "new bk", "role": "bookkeeper", "institution_id": jh.clf.id}
    )
    assert issued.status_code == 201 and issued.json["secret"].startswith("bahi_")
    bad = c["admin"].post(
        "/api/v1/tokens", {"name": "bad", "role": "bookkeeper", "institution_id": jh.vo.id}
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "institution_id"
    assert c["admin"].post(f"/api/v1/tokens/{issued.json['id']}/revoke").status_code == 200


def test_request_size_limit_is_a_problem_413(world):
    response = world[3]["admin"].post(
        "/api/v1/institutions", {"kind": "state", "name": "x" * (2 * 1024 * 1024)}
    )
    assert response.status_code == 413 and response.content_type == "application/problem+json"


def test_rate_limit_per_token(connection, session):
    app = make_test_app(
        DATABASE_CONNECTION=connection, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3 per minute"
    )
    caller = ApiCaller(app.test_client(), token(session, Role.ADMIN))
    statuses = [caller.get("/api/v1/institutions").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    other = ApiCaller(app.test_client(), token(session, Role.ADMIN))
    assert other.get("/api/v1/institutions").status_code == 200


def test_unknown_paths_and_methods_are_problems(world):
    admin = world[3]["admin"]
    assert admin.get("/api/v1/nothing-here").content_type == "application/problem+json"
    response = admin.write("DELETE", "/api/v1/institutions")
    assert response.status_code == 405 and response.content_type == "application/problem+json"


def test_a_token_names_its_scopes_state_and_a_mismatch_finds_no_scope(session, client, world):
    """A scoped token keeps its institution's state, and the check joins the institution by
    both (issue 18): a token whose state is not its institution's has no scope, so it reads
    nothing of the tree rather than another state's."""
    _jh, br, _bank, _callers = world
    secret = token(session, Role.BOOKKEEPER, br.clf)
    row = session.scalars(select(ApiToken).where(ApiToken.institution_id == br.clf.id)).one()
    assert row.scope_state == "BR"
    assert session.scalars(
        select(ApiToken.scope_state).where(ApiToken.role == Role.ADMIN.value)
    ).all() == [None]
    caller = ApiCaller(client, secret)
    assert caller.get(f"/api/v1/institutions/{br.clf.id}").status_code == 200
    row.scope_state = "JH"  # as if the state were written wrong
    session.flush()
    assert caller.get(f"/api/v1/institutions/{br.clf.id}").status_code in (401, 403, 404)
