"""The federation tree through the API: kinds, listing, updates, closing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models import Role
from tests.factories import ApiCaller, make_federation, token, transfer


@pytest.fixture
def admin(session, client):
    return ApiCaller(client, token(session, Role.ADMIN))


def test_builds_a_tree_with_books_for_clf_vo_and_shg(admin):
    state = admin.post(
        "/api/v1/institutions", {"kind": "state", "name": "Bihar", "state_code": "BR"}
    ).json
    ids = [state["id"]]
    for kind in ["district", "block", "clf", "vo", "shg"]:
        created = admin.post(
            "/api/v1/institutions", {"kind": kind, "name": f"A {kind}", "parent_id": ids[-1]}
        )
        assert created.status_code == 201, created.json
        assert created.json["state_code"] == "BR"
        assert (created.json["book_id"] is not None) == (kind in {"clf", "vo", "shg"})
        ids.append(created.json["id"])
    shg = admin.get(f"/api/v1/institutions/{ids[-1]}").json
    assert shg["path"] == "/" + "/".join(map(str, ids)) + "/"
    accounts = admin.get(f"/api/v1/books/{shg['book_id']}/accounts").json["items"]
    assert {
        "cash",
        "bank",
        "member_savings",
        "member_loans",
        "revolving_fund",
        "cif_payable",
        "bank_loan_payable",
        "interest_payable",
        "loan_interest_income",
    } <= {a["role"] for a in accounts}
    cash = next(a for a in accounts if a["role"] == "cash")
    assert (cash["type"], cash["normal_side"], cash["allow_negative"]) == ("asset", "debit", False)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "vo", "name": "x"}, "parent_id"),
        ({"kind": "shg", "name": "x", "parent_id": 99999}, "parent_id"),
        ({"kind": "nation", "name": "x"}, "kind"),
        ({"kind": "state", "name": "x", "state_code": "jh"}, "state_code"),
        ({"kind": "state", "name": "", "state_code": "UP"}, "name"),
        ({"kind": "state", "name": "x\u0000", "state_code": "UP"}, "name"),
        ({"kind": "state", "name": "x", "state_code": "UP", "colour": "red"}, "colour"),
        ({"kind": "shg", "name": "x", "parent_id": 5.5}, "parent_id"),
    ],
)
def test_bad_input_names_the_field(admin, body, field):
    response = admin.post("/api/v1/institutions", body)
    assert response.status_code in (400, 422)
    assert response.content_type == "application/problem+json"
    assert field in [e["field"] for e in response.json["errors"]]


def test_a_child_must_sit_under_the_right_kind(session, admin):
    fed = make_federation(session)
    response = admin.post(
        "/api/v1/institutions", {"kind": "shg", "name": "x", "parent_id": fed.clf.id}
    )
    assert (
        response.status_code == 422
        and "must sit under a vo" in response.json["errors"][0]["reason"]
    )


def test_list_filters_and_paginates(session, admin):
    fed = make_federation(session)
    for i in range(4):
        admin.post(
            "/api/v1/institutions", {"kind": "shg", "name": f"Lotus {i}", "parent_id": fed.vo.id}
        )
    page = admin.get(f"/api/v1/institutions?kind=shg&parent_id={fed.vo.id}&limit=3").json
    assert len(page["items"]) == 3 and page["next_after"] is not None
    rest = admin.get(
        f"/api/v1/institutions?kind=shg&parent_id={fed.vo.id}&limit=3&after={page['next_after']}"
    ).json
    assert len(rest["items"]) == 2 and rest["next_after"] is None
    named = admin.get("/api/v1/institutions?q=lotus").json["items"]
    assert len(named) == 4
    assert admin.get("/api/v1/institutions?limit=0").status_code == 422


def test_update_name_and_status(session, admin):
    fed = make_federation(session)
    updated = admin.patch(
        f"/api/v1/institutions/{fed.shg.id}", {"name": "Durga Mahila SHG", "status": "dormant"}
    )
    assert updated.json["name"] == "Durga Mahila SHG" and updated.json["status"] == "dormant"
    assert (
        admin.patch(f"/api/v1/institutions/{fed.shg.id}", {"status": "closed"}).status_code == 422
    )


def test_closing_is_refused_with_a_balance_or_open_children(session, admin):
    fed = make_federation(session, members_count=0)
    book = fed.book_id(session, fed.shg)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    entry = transfer(session, book, cash.id, rf.id, 100, date(2026, 6, 1))
    assert admin.post(f"/api/v1/institutions/{fed.vo.id}/close").status_code == 409
    refused = admin.post(f"/api/v1/institutions/{fed.shg.id}/close")
    assert refused.status_code == 409 and "balance" in refused.json["detail"]
    assert admin.post(f"/api/v1/journal-entries/{entry.id}/reverse", {}).status_code == 201
    closed = admin.post(f"/api/v1/institutions/{fed.shg.id}/close")
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert admin.post(f"/api/v1/institutions/{fed.shg.id}/close").status_code == 409


def test_members_open_savings_accounts_and_close_only_at_zero(session, admin):
    fed = make_federation(session, members_count=0)
    member = admin.post(
        "/api/v1/members", {"shg_id": fed.shg.id, "name": "Sunita Devi", "joined_on": "2025-04-01"}
    ).json
    (savings,) = member["accounts"]
    assert savings["name"] == "Savings – Sunita Devi" and savings["balance"] == "0.00"
    assert admin.post("/api/v1/members", {"shg_id": fed.vo.id, "name": "x"}).status_code == 422
    cash = fed.account(session, fed.shg, "cash")
    entry = transfer(
        session, fed.book_id(session, fed.shg), cash.id, savings["id"], 20000, date(2026, 6, 1)
    )
    assert admin.post(f"/api/v1/members/{member['id']}/close").status_code == 409
    admin.post(f"/api/v1/journal-entries/{entry.id}/reverse", {})
    assert admin.post(f"/api/v1/members/{member['id']}/close").json["status"] == "closed"


def test_the_database_keeps_children_in_their_parents_state(session):
    fed = make_federation(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text("UPDATE institutions SET state_code = 'BR' WHERE id = :id"), {"id": fed.shg.id}
        )
