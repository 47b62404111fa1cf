"""Fund utilisation: for one institution and each capital-support fund, how much came in,
how much went out again, and how much sits idle.

- received: grants received, and loans drawn from a federation or a bank;
- returned: principal repaid to whoever lent it;
- granted: grants passed on to institutions below;
- lent: loans to institutions below, and (an SHG) loans to members from that fund;
- repaid: principal repaid by those borrowers; written_off: member loans written off;
- outstanding = lent − repaid − written off;
- idle = received − returned − granted − lent + repaid: money of the fund still held.
Entries that were reversed count nowhere. The idle-fund audit builds on these figures.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from app.services.federation.institutions import readable_institution
from app.services.ledger.journal import reversed_clause
from app.services.shared.principal import Principal
from models.capital import Facility, FacilityMovement, Grant
from models.institutions import Institution
from models.ledger import Account, Book, Posting
from models.loans import LoanRepayment, LoanWriteOff, MemberLoan

GRANT_FUND_KEY = {
    "revolving_fund": "revolving_fund",
    "startup_fund": "startup_fund",
    "cif_corpus": "cif",
    "vrf_corpus": "vrf",
    "other_grants": "other_grants",
}
FACILITY_FUND_KEY = {"cif": "cif", "vrf": "vrf", "bank": "bank_loan"}
MEMBER_LOAN_FUND_KEY = {"cif": "cif", "vrf": "vrf", "bank_loan": "bank_loan"}
FIGURES = ("received", "returned", "granted", "lent", "repaid", "written_off")
# Which institutions to sum for: given the column naming the institution, a condition on it.
Parties = Callable[[Any], ColumnElement[bool]]


@dataclass(frozen=True)
class FundUtilisation:
    fund: str
    received_paise: int
    returned_paise: int
    granted_paise: int
    lent_paise: int
    repaid_paise: int
    written_off_paise: int
    last_outflow_on: date | None
    first_inflow_on: date | None = None

    @property
    def outstanding_paise(self) -> int:
        return self.lent_paise - self.repaid_paise - self.written_off_paise

    @property
    def idle_paise(self) -> int:
        return (
            self.received_paise
            - self.returned_paise
            - self.granted_paise
            - self.lent_paise
            + self.repaid_paise
        )

    @property
    def utilisation_bp(self) -> int | None:
        """Outstanding on-lending as a share of the fund's capital still held (outstanding
        plus idle), in basis points, rounded down; None when nothing is held."""
        capital = self.outstanding_paise + max(self.idle_paise, 0)
        return None if capital <= 0 else self.outstanding_paise * 10_000 // capital


@dataclass(frozen=True)
class Utilisation:
    institution: Institution
    as_of: date
    funds: list[FundUtilisation]


# Money leaving the institution's hands: the last day of it is when the fund last moved.
OUTFLOWS = frozenset({"granted", "lent"})
Key = tuple[int, str]  # (institution id, fund)


@dataclass
class _Figures:
    totals: dict[Key, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(FIGURES, 0))
    )
    last_outflow: dict[Key, date] = field(default_factory=dict)
    first_inflow: dict[Key, date] = field(default_factory=dict)

    def collect(
        self,
        session: Session,
        query: Select,  # type: ignore[type-arg]
        figure: str,
        keys: dict[str, str],
    ) -> None:
        """Add a query's (institution, fund, amount, first day, last day) rows to `figure`."""
        for institution_id, fund, amount, first, last in session.execute(query).all():
            if fund not in keys:
                continue
            key = (institution_id, keys[fund])
            self.totals[key][figure] += int(amount or 0)
            if figure in OUTFLOWS and last is not None:
                self.last_outflow[key] = max(last, self.last_outflow.get(key, last))
            if figure == "received" and first is not None:
                self.first_inflow[key] = min(first, self.first_inflow.get(key, first))

    def results(self) -> dict[Key, FundUtilisation]:
        return {
            key: FundUtilisation(
                key[1],
                *(self.totals[key][f] for f in FIGURES),
                last_outflow_on=self.last_outflow.get(key),
                first_inflow_on=self.first_inflow.get(key),
            )
            for key in sorted(self.totals)
        }


def _sums(party: Any, fund: Any, amount: Any, day: Any) -> Select:  # type: ignore[type-arg]
    return select(party, fund, func.sum(amount), func.min(day), func.max(day)).group_by(party, fund)


def _facility_sums(parties: Parties, side: str, kind: str, as_of: date) -> Select:  # type: ignore[type-arg]
    party = Facility.borrower_id if side == "borrower" else Facility.lender_id
    return (
        _sums(party, Facility.fund, FacilityMovement.principal_paise, FacilityMovement.value_date)
        .join(
            Facility,
            (Facility.id == FacilityMovement.facility_id)
            & (Facility.state_code == FacilityMovement.state_code),
        )
        .where(parties(party), FacilityMovement.kind == kind)
        .where(FacilityMovement.value_date <= as_of, ~reversed_clause(FacilityMovement.entry_id))
    )


def _grant_sums(parties: Parties, party: Any, as_of: date) -> Select:  # type: ignore[type-arg]
    return (
        _sums(party, Grant.fund, Grant.amount_paise, Grant.value_date)
        .where(parties(party), Grant.value_date <= as_of)
        .where(~reversed_clause(Grant.entry_id))
    )


def _member_loan_sums(parties: Parties, as_of: date) -> list[tuple[Select, str]]:  # type: ignore[type-arg]
    standing = ~reversed_clause(MemberLoan.disbursement_entry_id)
    shg, source = MemberLoan.shg_id, MemberLoan.fund_source
    lent = _sums(shg, source, MemberLoan.principal_paise, MemberLoan.disbursed_on).where(
        parties(shg), MemberLoan.disbursed_on <= as_of, standing
    )
    repaid = (
        _sums(shg, source, LoanRepayment.principal_paise, LoanRepayment.value_date)
        .join(MemberLoan, MemberLoan.id == LoanRepayment.loan_id)
        .where(parties(shg), LoanRepayment.value_date <= as_of)
        .where(~reversed_clause(LoanRepayment.entry_id))
    )
    written_off = (
        _sums(shg, source, LoanWriteOff.principal_paise, LoanWriteOff.value_date)
        .join(MemberLoan, MemberLoan.id == LoanWriteOff.loan_id)
        .where(parties(shg), LoanWriteOff.value_date <= as_of)
        .where(~reversed_clause(LoanWriteOff.entry_id))
    )
    return [(lent, "lent"), (repaid, "repaid"), (written_off, "written_off")]


def funds_of(session: Session, parties: Parties, as_of: date) -> dict[Key, FundUtilisation]:
    """The figures of every institution `parties` selects, per (institution, fund), in a
    dozen grouped queries however many institutions there are."""
    figures = _Figures()
    figures.collect(
        session, _grant_sums(parties, Grant.receiver_id, as_of), "received", GRANT_FUND_KEY
    )
    figures.collect(session, _grant_sums(parties, Grant.giver_id, as_of), "granted", GRANT_FUND_KEY)
    for side, kind, figure in (
        ("borrower", "draw", "received"),
        ("borrower", "repay", "returned"),
        ("lender", "draw", "lent"),
        ("lender", "repay", "repaid"),
    ):
        figures.collect(
            session, _facility_sums(parties, side, kind, as_of), figure, FACILITY_FUND_KEY
        )
    for query, figure in _member_loan_sums(parties, as_of):
        figures.collect(session, query, figure, MEMBER_LOAN_FUND_KEY)
    return figures.results()


def cash_and_bank(
    session: Session, parties: Parties, as_of: date, state_code: str | None = None
) -> dict[int, tuple[int, date | None, date | None]]:
    """Per institution: cash and bank held, the last payment out, the first money in; with
    `state_code` (the parties' state, when one), the statement names it on every table."""
    query = (
        select(
            Book.institution_id,
            func.sum(Posting.delta_paise),
            func.max(case((Posting.delta_paise < 0, Posting.value_date))),
            func.min(case((Posting.delta_paise > 0, Posting.value_date))),
        )
        .join(Account, Account.id == Posting.account_id)
        .join(Book, Book.id == Account.book_id)
        .where(
            parties(Book.institution_id),
            Account.role.in_(("cash", "bank")),
            Posting.value_date <= as_of,
        )
        .group_by(Book.institution_id)
    )
    if state_code is not None:
        query = query.where(
            Posting.state_code == state_code,
            Account.state_code == state_code,
            Book.state_code == state_code,
        )
    rows = session.execute(query).all()
    return {i: (int(held or 0), last_out, first_in) for i, held, last_out, first_in in rows}


def one_institution(institution_id: int) -> Parties:
    return lambda column: column == institution_id


def fund_utilisation(session: Session, institution_id: int, as_of: date) -> list[FundUtilisation]:
    """The figures for one institution, one row per fund it has touched."""
    return list(funds_of(session, one_institution(institution_id), as_of).values())


def utilisation(session: Session, who: Principal, institution_id: int, as_of: date) -> Utilisation:
    institution = readable_institution(session, who, institution_id)
    return Utilisation(institution, as_of, fund_utilisation(session, institution.id, as_of))
