"""What a bank partner is shown: her consented members and its own loans, never who at the
federation recorded what. Token labels ("token:7 Sunita, Ujala CLF (bookkeeper)") name the
bookkeeper and her CLF: the federation's people read them, a bank does not."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from app.services.shared.clock import today_in_india
from models import Role
from tests.factories import ADMIN, ApiCaller, bank_ready_federation, token

CLAIM_PERIOD = "from=2025-10-01&to=2025-12-31"


@pytest.fixture
def world(session, client):
    """A bank loan the bookkeeper sanctioned at the bank's branch, and a member's consent
    to that bank, both recorded through the API by her token."""
    fed = bank_ready_federation(session)
    bookkeeper = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    bank = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=fed.branch.bank_id))
    loan = bookkeeper.post(
        "/api/v1/bank-loans",
        {
            "shg_id": fed.shg.id,
            "branch_id": fed.branch.id,
            "kind": "term",
            "dose": 1,
            "sanctioned_on": "2025-10-01",
            "limit": "50000",
            "rate": "11.00",
            "account_number": "T-9",
        },
    )
    assert loan.status_code == 201, loan.json
    member = fed.members[0]
    expires = (today_in_india() + timedelta(days=90)).isoformat()
    consent = bookkeeper.post(
        f"/api/v1/members/{member.id}/consents",
        {"bank_id": fed.branch.bank_id, "purpose": "individual_loan", "expires_on": expires},
    )
    assert consent.status_code == 201, consent.json
    assert consent.json["recorded_by"].startswith("token:")  # the bookkeeper still reads it
    ids = {
        "bank_id": fed.branch.bank_id,
        "facility_id": loan.json["id"],
        "member_id": member.id,
        "consent_id": consent.json["id"],
    }
    return fed, bookkeeper, bank, ids


def _labels_in(body: Any, where: str = "") -> list[str]:
    """Each place in a JSON body that carries a recorder: a `..._by` key, or a token label."""
    found = []
    if isinstance(body, dict):
        for key, value in body.items():
            if key.endswith("_by"):
                found.append(f"{where}.{key}")
            found += _labels_in(value, f"{where}.{key}")
    elif isinstance(body, list):
        for i, value in enumerate(body):
            found += _labels_in(value, f"{where}[{i}]")
    elif isinstance(body, str) and re.search(r"\btoken:\d|\btest:admin\b", body):
        found.append(f"{where} = {body!r}")
    return found


def _bank_readable_paths(app, ids: dict[str, int]) -> list[str]:
    """Every GET of the API, its ids filled in with the world's (1 where it has none). Not
    the OpenAPI document: it names the `..._by` fields of every schema, and holds no data."""
    paths = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or "GET" not in rule.methods:
            continue
        if rule.rule.endswith("/openapi.json"):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<[^>]*:?{name}>", str(ids.get(name, 1)), path)
        paths.append(f"{path}?{CLAIM_PERIOD}" if "subvention" in path else path)
    return paths


def test_no_answer_to_a_bank_names_who_recorded_it(app, world):
    _, _, bank, ids = world
    answered = {}
    for path in _bank_readable_paths(app, ids):
        response = bank.get(path)
        if response.status_code == 200 and response.is_json:
            answered[path] = response.json
    bank_id, loan_id, member_id = ids["bank_id"], ids["facility_id"], ids["member_id"]
    expected = {
        "/api/v1/banks",
        f"/api/v1/banks/{bank_id}",
        f"/api/v1/banks/{bank_id}/branches",
        f"/api/v1/banks/{bank_id}/subvention-claims?{CLAIM_PERIOD}",
        f"/api/v1/bank-loans/{loan_id}",
        f"/api/v1/bank-loans/{loan_id}/subvention?{CLAIM_PERIOD}",
        "/api/v1/bank/members",
        f"/api/v1/bank/members/{member_id}/credit-profile",
        "/api/v1/bank/credit-profiles",
    }
    assert expected <= answered.keys(), expected - answered.keys()
    leaks = {path: _labels_in(body) for path, body in answered.items() if _labels_in(body)}
    assert leaks == {}


def test_the_federations_people_still_read_who_recorded_it(world, session, client):
    _, bookkeeper, bank, ids = world
    loan_path = f"/api/v1/bank-loans/{ids['facility_id']}"
    assert bookkeeper.get(loan_path).json["created_by"].startswith("token:")
    consents = bookkeeper.get(f"/api/v1/members/{ids['member_id']}/consents").json["items"]
    assert consents[0]["recorded_by"].startswith("token:")
    admin = ApiCaller(client, token(session, Role.ADMIN))
    assert admin.get(f"/api/v1/banks/{ids['bank_id']}").json["created_by"] == ADMIN.label

    # The same loan, the same consent, as the bank reads them: everything but the recorder.
    as_staff, as_bank = bookkeeper.get(loan_path).json, bank.get(loan_path).json
    assert as_bank == {k: v for k, v in as_staff.items() if k != "created_by"}
    profile = bank.get(f"/api/v1/bank/members/{ids['member_id']}/credit-profile").json
    assert profile["consent"] == {
        k: v
        for k, v in consents[0].items()
        if k not in ("recorded_by", "revoked_at", "revoked_by", "revoke_reason")
    }
