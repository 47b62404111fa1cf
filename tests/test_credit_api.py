"""Consent and consented credit profiles through the HTTP API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services.federation import banks
from app.services.shared.clock import today_in_india
from models import AccessLogEntry, Role
from tests.factories import ADMIN, ApiCaller, make_federation, token


@pytest.fixture
def world(session, client):
    fed = make_federation(session)
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    other = banks.create_bank(session, ADMIN, "Bank of India", "BKID")
    return (
        fed,
        bank,
        ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf)),
        ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=bank.id)),
        ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=other.id)),
    )


def test_consent_then_profile_then_revocation(world, session):
    fed, bank, bookkeeper, partner, other_bank = world
    member = fed.members[0]
    profile_path = f"/api/v1/bank/members/{member.id}/credit-profile"
    assert partner.get(profile_path).status_code == 404

    expires = (today_in_india() + timedelta(days=180)).isoformat()
    given = bookkeeper.post(
        f"/api/v1/members/{member.id}/consents",
        {"bank_id": bank.id, "purpose": "individual_loan", "expires_on": expires},
    )
    assert given.status_code == 201, given.json
    assert given.json["purpose_text"] == "Appraisal of an individual loan application"

    member.member_code = "JH-RNC-00001"
    session.flush()
    found = partner.get("/api/v1/bank/members?search=JH-RNC-00001").json["items"]
    assert [(m["member_id"], m["member_code"]) for m in found] == [(member.id, "********0001")]
    assert partner.get("/api/v1/bank/members?search=Member").json["items"] == []  # not by name
    assert partner.get("/api/v1/bank/members?search=0001").json["items"] == []
    assert other_bank.get("/api/v1/bank/members?search=JH-RNC-00001").json["items"] == []
    assert other_bank.get("/api/v1/bank/members").json["items"] == []

    pulled = partner.get(profile_path)
    assert pulled.status_code == 200, pulled.json
    body = pulled.json
    assert body["identity"]["name"] == "Member 1."
    assert len(body["history"]["months"]) == 36
    assert body["history"]["savings"]["balance"] == "0.00"
    assert "recorded_by" not in body["consent"]  # her bookkeeper's token label stays inside
    readiness = body["readiness"]
    assert (readiness["score"], readiness["model"]) == (None, "expert-scorecard-1")
    assert readiness["missing"] == ["0 months of record with her group; 6 needed"]
    assert other_bank.get(profile_path).status_code == 404
    logged = session.execute(
        select(AccessLogEntry.path, AccessLogEntry.status_code)
        .where(AccessLogEntry.path.like("%/credit-profile%"))
        .order_by(AccessLogEntry.id)
    ).all()
    # Before consent, the pull, the other bank: every bank request is in the access log.
    assert [tuple(r) for r in logged] == [
        (profile_path, 404),
        (profile_path, 200),
        (profile_path, 404),
    ]
    pdf = partner.get(f"{profile_path}?format=pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")

    batch = partner.get("/api/v1/bank/credit-profiles?limit=10").json
    assert [p["identity"]["member_id"] for p in batch["items"]] == [member.id]
    history = bookkeeper.get(f"/api/v1/members/{member.id}/credit-history").json
    # The profile, its PDF and the batch, the same day: one enquiry.
    assert [e["bank"] for e in history["enquiries"]] == [bank.name]

    passbook = bookkeeper.get(f"/api/v1/members/{member.id}/passbook").json
    assert [(c["bank"], c["revoked_on"]) for c in passbook["consents"]] == [(bank.name, None)]

    revoked = bookkeeper.post(f"/api/v1/consents/{given.json['id']}/revoke", {"reason": "asked"})
    assert revoked.status_code == 200 and revoked.json["revoked_by"]
    assert partner.get(profile_path).status_code == 404
    again = bookkeeper.post(f"/api/v1/consents/{given.json['id']}/revoke", {})
    assert again.status_code == 409


def test_refusals_name_the_field_and_the_role(world):
    fed, bank, bookkeeper, partner, _ = world
    member = fed.members[0]
    past = (today_in_india() - timedelta(days=1)).isoformat()
    refused = bookkeeper.post(
        f"/api/v1/members/{member.id}/consents",
        {"bank_id": bank.id, "purpose": "individual_loan", "expires_on": past},
    )
    assert refused.status_code == 422
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json["errors"][0]["field"] == "expires_on"
    assert bookkeeper.get("/api/v1/bank/members").status_code == 403
    assert partner.get(f"/api/v1/members/{member.id}/consents").status_code == 404
    assert partner.get(f"/api/v1/members/{member.id}/credit-history").status_code == 404


def test_an_expert_score_is_shown_with_its_points_never_as_a_probability(world, session, client):
    """Eight months of saving, no loan: scored by the expert scorecard. The API, the web page
    and the PDF call it an expert score and give its points; none gives a probability."""
    from app.services.credit import consents
    from app.services.credit.profile_pdf import points_line
    from app.services.credit.readiness import readiness
    from app.services.lending import savings
    from tests.web_support import WebUser, person

    fed, bank, _, partner, _ = world
    member = fed.members[0]
    today = today_in_india()
    first = today.replace(day=1)
    for months_back in range(1, 9):
        day = first - timedelta(days=1)  # the last day of each of the 8 months before this
        for _ in range(months_back - 1):
            day = day.replace(day=1) - timedelta(days=1)
        savings.deposit(session, ADMIN, savings.SavingsMovement(member.id, 100_00, day), today)
    consents.record_consent(
        session,
        ADMIN,
        consents.NewConsent(member.id, bank.id, "individual_loan", today, today + timedelta(30)),
    )
    ready = partner.get(f"/api/v1/bank/members/{member.id}/credit-profile").json["readiness"]
    assert (ready["kind"], ready["title"], ready["probability_90_days_past_due"]) == (
        "expert",
        "Expert score",
        None,
    )
    assert "not a probability of default" in ready["note"]
    assert ready["score"] == 600 + sum(p["points"] for p in ready["points"])
    assert [p["characteristic"] for p in ready["points"]][:2] == [
        "on_time_share",
        "worst_days_past_due",
    ]
    assert [p["value"] for p in ready["points"]][:2] == [None, None]  # no loan: zero points

    officer = WebUser(client, person(session, Role.BANK_PARTNER, bank_id=bank.id))
    page = officer.page(f"/bank/members/{member.id}")
    assert "Expert score" in page and 'id="points"' in page
    assert "not a probability of default" in page and "chance of" not in page

    from app.services.credit.credit_history import credit_history

    result = readiness(session, credit_history(session, member, today), "test")
    line = points_line(result)
    assert line.startswith("Points: 600 to start; Instalments on time, last 12 months +0;")
