"""A member's passbook: every movement on each of her accounts, with running balances."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.credit.bureau_reports import ReportLine, member_reports
from app.services.federation.members import member_accounts, readable_member
from app.services.ledger.balances import Statement, statement
from app.services.ledger.reports import financial_year_start
from app.services.shared.clock import today_in_india
from app.services.shared.paging import MAX_PAGE_SIZE
from app.services.shared.principal import Principal
from models.credit import Consent
from models.institutions import Bank, Institution, Member


@dataclass(frozen=True)
class Passbook:
    member: Member
    shg: Institution
    date_from: date
    date_to: date
    accounts: list[Statement]
    consents: list[ConsentLine]
    # Each bureau file that covered her: reported to the credit bureaus, or why not.
    bureau_reports: list[ReportLine]


@dataclass(frozen=True)
class ConsentLine:
    """A consent she gave, as her passbook shows it to her."""

    bank: str
    purpose: str
    starts_on: date
    expires_on: date
    revoked_on: date | None


def _consents(session: Session, member: Member) -> list[ConsentLine]:
    rows = session.execute(
        select(Bank.name, Consent)
        .join(Consent, Consent.bank_id == Bank.id)
        .where(Consent.member_id == member.id)
        .order_by(Consent.id.desc())
    ).all()
    return [
        ConsentLine(
            bank,
            c.purpose_text,
            c.starts_on,
            c.expires_on,
            c.revoked_at.date() if c.revoked_at else None,
        )
        for bank, c in rows
    ]


def passbook(
    session: Session, who: Principal, member_id: int, date_from: date | None, date_to: date | None
) -> Passbook:
    """Statements of all the member's accounts (savings first), this financial year by default."""
    member = readable_member(session, who, member_id)
    shg = session.get_one(Institution, member.shg_id)
    to = date_to or today_in_india()
    start = date_from or financial_year_start(to)
    statements = [
        statement(session, account, start, to, None, MAX_PAGE_SIZE)
        for account in member_accounts(session, member)
    ]
    return Passbook(
        member,
        shg,
        start,
        to,
        statements,
        _consents(session, member),
        member_reports(session, member.id),
    )
