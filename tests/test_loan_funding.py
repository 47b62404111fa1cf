"""A member loan lent from bank-loan funds names the SHG's bank loan it came from: given, or
the one running on the day, or refused (422 naming facility_id) when several run; and
migration 0022 links the loans recorded before it by the same rule."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.services.lending import bank_loans, loans
from app.services.lending.loan_funding import bank_loans_running
from app.services.lending.meeting_csv import locate, parse_sheets
from app.services.lending.meetings import MeetingLine, MeetingSheet, NewLoanLine, record_meeting
from app.services.shared.errors import Invalid
from models import Role
from models.loans import MemberLoan
from tests.bureau_example import flat
from tests.factories import ADMIN, ApiCaller, bank_ready_federation, token

LATER = date(2030, 1, 1)


def sanction(session, fed, kind="term", rupees=150_000, day=date(2026, 4, 1), account="TL-1"):
    new = bank_loans.NewBankLoan(
        shg_id=fed.shg.id,
        branch_id=fed.branch.id,
        kind=kind,
        dose=1,
        sanctioned_on=day,
        limit_paise=rupees * 100,
        rate_bp=700,
        account_number=account,
        instalments=2,
        drawing_power_paise=rupees * 100 if kind == "cash_credit" else None,
    )
    return bank_loans.sanction(session, ADMIN, new, LATER)


def lend(session, fed, day, fund_source="bank_loan", facility_id=None, member=0):
    new = loans.NewLoan(
        fed.members[member].id,
        flat(1_000, 2),
        day,
        fund_source=fund_source,
        via="bank",
        facility_id=facility_id,
    )
    return loans.disburse_loan(session, ADMIN, new, LATER)


@pytest.fixture
def fed(session):
    return bank_ready_federation(session)


def test_the_one_bank_loan_running_is_taken_or_the_named_one(session, fed):
    term = sanction(session, fed)
    assert lend(session, fed, date(2026, 4, 10)).facility_id == term.id
    assert lend(session, fed, date(2026, 4, 10), facility_id=term.id).facility_id == term.id
    assert lend(session, fed, date(2026, 4, 10), fund_source="own").facility_id is None


def test_with_several_running_the_loan_must_name_one(session, fed):
    term = sanction(session, fed)
    credit = sanction(session, fed, kind="cash_credit", account="CC-1")
    with pytest.raises(Invalid) as several:
        lend(session, fed, date(2026, 4, 10))
    assert several.value.problems[0].field == "facility_id"
    assert f"({term.id}, {credit.id})" in several.value.problems[0].reason
    assert lend(session, fed, date(2026, 4, 10), facility_id=credit.id).facility_id == credit.id


@pytest.mark.parametrize("which", ["before sanction", "own funds", "repaid"])
def test_a_named_bank_loan_must_fund_this_loan_on_its_day(session, fed, which):
    term = sanction(session, fed)
    day, source = date(2026, 4, 10), "bank_loan"
    if which == "before sanction":
        day = date(2026, 3, 31)
    elif which == "own funds":
        source = "own"
    else:  # repaid in full on 01-05: it still funds loans that day, not the next
        bank_loans.repay(session, ADMIN, term, 15_000_000, date(2026, 5, 1), "bank", LATER)
        assert [f.id for f in bank_loans_running(session, fed.shg.id, date(2026, 5, 1))] == [
            term.id
        ]
        day = date(2026, 5, 2)
    with pytest.raises(Invalid) as refused:
        lend(session, fed, day, fund_source=source, facility_id=term.id)
    assert refused.value.problems[0].field == "facility_id"


def test_with_none_running_a_bank_funded_loan_names_none(session, fed):
    assert lend(session, fed, date(2026, 4, 10)).facility_id is None


def test_the_api_and_a_meeting_line_name_facility_id(session, client, fed):
    sanction(session, fed)
    credit = sanction(session, fed, kind="cash_credit", account="CC-1")
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    body = {
        "principal": "1000",
        "rate": "1.00",
        "rate_basis": "per_month",
        "method": "flat",
        "instalments": 2,
        "frequency": "monthly",
        "fund_source": "bank_loan",
        "disbursed_on": "2026-04-10",
        "via": "bank",
    }
    refused = api.post(f"/api/v1/members/{fed.members[0].id}/loans", body)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json["errors"]] == ["facility_id"]
    made = api.post(
        f"/api/v1/members/{fed.members[0].id}/loans", {**body, "facility_id": credit.id}
    )
    assert made.status_code == 201 and made.json["facility_id"] == credit.id

    line = MeetingLine(fed.members[1].id, new_loan=NewLoanLine(flat(500, 2), "bank_loan"))
    sheet = MeetingSheet(fed.shg.id, date(2026, 4, 12), (line,), via="bank")
    with pytest.raises(Invalid) as meeting:
        record_meeting(session, ADMIN, sheet, LATER)
    assert [p.field for p in meeting.value.problems] == ["lines[0].new_loan.facility_id"]
    assert locate("lines[0].new_loan.facility_id", [7]) == (7, "new_loan_facility_id")


def test_the_meeting_sheet_takes_the_bank_loan_in_its_own_column(session, fed):
    credit = sanction(session, fed, kind="cash_credit", account="CC-1")
    text = (
        "shg_id,meeting_date,member_id,new_loan_principal,new_loan_rate,new_loan_rate_basis,"
        "new_loan_method,new_loan_instalments,new_loan_frequency,new_loan_fund_source,"
        f"new_loan_facility_id\n{fed.shg.id},2026-04-12,{fed.members[0].id},500,1.00,per_month,"
        f"flat,2,monthly,bank_loan,{credit.id}\n"
    )
    parsed = parse_sheets(text, "test")
    assert parsed.problems == []
    assert parsed.sheets[0].lines[0].new_loan.facility_id == credit.id


def test_migration_0022_links_loans_where_one_bank_loan_was_running(databases, template_url):
    """Loans recorded, the schema taken back to 0021 (no facility_id) and up again: a loan
    lent while its SHG had one bank loan running is linked to it; while it had two, or none,
    it stays null; loans from other funds stay null."""
    url = databases.clone(template_url)
    engine = databases.engine(url)
    with Session(engine) as session:
        fed = bank_ready_federation(session)
        early = lend(session, fed, date(2026, 3, 20))  # none running yet
        term = sanction(session, fed)
        one = lend(session, fed, date(2026, 4, 10))
        own = lend(session, fed, date(2026, 4, 10), fund_source="own")
        credit = sanction(session, fed, kind="cash_credit", day=date(2026, 4, 20), account="CC")
        two = lend(session, fed, date(2026, 4, 25), facility_id=credit.id)
        bank_loans.repay(session, ADMIN, term, 15_000_000, date(2026, 5, 1), "bank", LATER)
        after = lend(session, fed, date(2026, 5, 2), facility_id=credit.id)  # term repaid
        ids = [early.id, one.id, own.id, two.id, after.id]
        expected = [None, term.id, None, None, credit.id]
        session.commit()
    engine.dispose()
    command.downgrade(alembic_config(url), "0021")
    command.upgrade(alembic_config(url), "head")
    with Session(engine) as session:
        query = select(MemberLoan.id, MemberLoan.facility_id).where(MemberLoan.id.in_(ids))
        linked = {loan_id: facility_id for loan_id, facility_id in session.execute(query)}
    assert [linked[i] for i in ids] == expected
