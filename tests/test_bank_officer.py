"""What the bank officer reads (issue 16): reasons written for her with the points each cost,
and the list of her bank's consenting members with each consent's terms, as CSV too."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from app.services.credit import consents
from app.services.shared.clock import today_in_india
from models import Role
from tests.factories import ApiCaller, token
from tests.test_credit import consent, ledger, partner  # noqa: F401 - the fixture


def test_reasons_for_the_officer_say_what_each_cost(session, ledger):  # noqa: F811
    _, member, _, bank, _ = ledger
    consent(session, member, bank)
    seen = consents.credit_profile(session, partner(bank), member.id, as_of=date(2026, 11, 30))
    ready = seen.readiness
    # As of 30 November 2026 (the expert scorecard's bands, scoring/expert.py):
    # - 235 days past due at worst (April's instalment, unpaid): over 90 is -90; the best band
    #   (none) is +20: 110 points lost;
    # - 3 of 11 month ends on time (0.27, under 0.50): -60 against +40: 100 lost;
    # - saved in 4 of 11 months (0.36, under 0.40): -35 against +35: 70 lost;
    # - her group's one running loan overdue (1.0, over 0.30): -20 against +10: 30 lost
    #   (her savings streak of 2, -10 against +20, loses 30 too; four reasons are shown).
    # Score: 600 - 90 - 60 - 35 - 10 - 20 = 385.
    assert ready.score == 385
    assert [(r.words, r.points_lost) for r in ready.for_officer] == [
        ("One of her instalments was overdue for many days in the last 12 months.", 110),
        ("Some of her loan instalments were paid late in the last 12 months.", 100),
        ("She did not save in every month she has been in the group.", 70),
        ("Several members of her group are behind on their loans.", 30),
    ]


def test_the_bulk_list_and_its_csv_hold_only_consenting_members(session, client, ledger):  # noqa: F811
    fed, member, _, bank, other = ledger
    today = today_in_india()
    given = consent(session, member, bank, purpose="loan_monitoring")
    consent(session, fed.members[1], other)  # to another bank: not on this bank's list
    member.member_code = "JH-RNC-00001"
    member.name = "=Sunita Devi"  # a name a spreadsheet would run as a formula
    session.flush()
    officer = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=bank.id))
    items = officer.get("/api/v1/bank/members").json["items"]
    assert [
        (i["member_id"], i["consent_id"], i["purpose"], i["starts_on"], i["expires_on"])
        for i in items
    ] == [
        (
            member.id,
            given.id,
            "loan_monitoring",
            today.isoformat(),
            (today + timedelta(days=90)).isoformat(),
        )
    ]
    sheet = officer.get("/api/v1/bank/members.csv")
    assert sheet.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(sheet.get_data(as_text=True))))
    assert [(r["member_id"], r["member_code"], r["consent_id"]) for r in rows] == [
        (str(member.id), "********0001", str(given.id))
    ]
    assert rows[0]["name"] == "'=Sunita D."
    assert rows[0]["expires_on"] == (today + timedelta(days=90)).isoformat()
    bookkeeper = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    assert bookkeeper.get("/api/v1/bank/members.csv").status_code == 403
