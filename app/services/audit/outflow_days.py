"""Each day money left a fund, for the idle clock of a `no_outflow` rule with a token share
(`idle_detection`): a day whose outflows are below the share of the balance does not count.

- A capital fund's outflows are fund utilisation's: grants passed on, loans lent to
  institutions below and, in an SHG, loans to members from that fund (`utilisation`).
  Reversed ones count nowhere.
- Own funds' outflows are what entries took out of cash and bank together, on net: an entry
  paying ₹500 for stationery is an outflow of ₹500; moving cash to the bank (cash down, bank
  up, in one entry) is none. A reversed entry and its reversal are neither.

Outflows of one fund on one day are added (a meeting lending to five members is one day's
outflow). Set-wise: grouped SQL for a list of institutions, never postings in Python.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.services.capital.utilisation import (
    FACILITY_FUND_KEY,
    GRANT_FUND_KEY,
    MEMBER_LOAN_FUND_KEY,
    Key,
)
from app.services.ledger.journal import reversed_clause
from models.capital import Facility, FacilityMovement, Grant
from models.ledger import Account, Book, JournalEntry, Posting
from models.loans import MemberLoan

Days = dict[Key, list[tuple[date, int]]]  # latest day first
CHUNK = 5000  # institutions per IN list


def _daily(party: Any, fund: Any, amount: Any, day: Any) -> Select:  # type: ignore[type-arg]
    return select(party, fund, day, func.sum(amount)).group_by(party, fund, day)


def _capital_queries(ids: list[int], as_of: date) -> list[tuple[Select, dict[str, str]]]:  # type: ignore[type-arg]
    grants = (
        _daily(Grant.giver_id, Grant.fund, Grant.amount_paise, Grant.value_date)
        .where(Grant.giver_id.in_(ids), Grant.value_date <= as_of)
        .where(~reversed_clause(Grant.entry_id))
    )
    lent = (
        _daily(
            Facility.lender_id,
            Facility.fund,
            FacilityMovement.principal_paise,
            FacilityMovement.value_date,
        )
        .join(Facility, Facility.id == FacilityMovement.facility_id)
        .where(Facility.lender_id.in_(ids), FacilityMovement.kind == "draw")
        .where(FacilityMovement.value_date <= as_of, ~reversed_clause(FacilityMovement.entry_id))
    )
    to_members = _daily(
        MemberLoan.shg_id,
        MemberLoan.fund_source,
        MemberLoan.principal_paise,
        MemberLoan.disbursed_on,
    ).where(
        MemberLoan.shg_id.in_(ids),
        MemberLoan.disbursed_on <= as_of,
        ~reversed_clause(MemberLoan.disbursement_entry_id),
    )
    return [(grants, GRANT_FUND_KEY), (lent, FACILITY_FUND_KEY), (to_members, MEMBER_LOAN_FUND_KEY)]


def _own_query(ids: list[int], as_of: date) -> Select:  # type: ignore[type-arg]
    net = func.sum(Posting.delta_paise)
    entries = (
        select(
            Book.institution_id.label("institution_id"),
            Posting.value_date.label("day"),
            net.label("net"),
        )
        .join(Account, Account.id == Posting.account_id)
        .join(Book, Book.id == Account.book_id)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(
            Book.institution_id.in_(ids),
            Account.role.in_(("cash", "bank")),
            Posting.value_date <= as_of,
            JournalEntry.reverses_entry_id.is_(None),
            ~reversed_clause(Posting.entry_id),
        )
        .group_by(Book.institution_id, Posting.value_date, Posting.entry_id)
        .having(net < 0)
        .subquery()
    )
    return select(entries.c.institution_id, entries.c.day, -func.sum(entries.c.net)).group_by(
        entries.c.institution_id, entries.c.day
    )


def outflow_days(session: Session, keys: Iterable[Key], as_of: date) -> Days:
    """For each (institution, fund) asked about: its outflow days up to `as_of`, latest
    first, each with the amount that left the fund that day."""
    wanted = set(keys)
    found: Days = defaultdict(list)
    ids = sorted({i for i, _ in wanted})
    own = sorted({i for i, fund in wanted if fund == "own"})
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for query, names in _capital_queries(chunk, as_of):
            for institution_id, fund, day, amount in session.execute(query):
                key = (institution_id, names.get(fund, ""))
                if key in wanted:
                    found[key].append((day, int(amount or 0)))
    for start in range(0, len(own), CHUNK):
        for institution_id, day, amount in session.execute(
            _own_query(own[start : start + CHUNK], as_of)
        ):
            found[(institution_id, "own")].append((day, int(amount or 0)))
    return {key: _by_day(days) for key, days in found.items()}


def _by_day(days: list[tuple[date, int]]) -> list[tuple[date, int]]:
    """One amount per day (grants and loans of one day added), latest day first."""
    total: dict[date, int] = defaultdict(int)
    for day, amount in days:
        total[day] += amount
    return sorted(total.items(), reverse=True)
