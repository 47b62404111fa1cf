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
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.services.institutions import readable_institution
from app.services.journal import reversed_clause
from app.services.principal import Principal
from models.capital import Facility, FacilityMovement, Grant
from models.institutions import Institution
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


@dataclass(frozen=True)
class Utilisation:
    institution: Institution
    as_of: date
    funds: list[FundUtilisation]


Totals = dict[str, dict[str, int]]
# Money leaving the institution's hands: the last day of it is when the fund last moved.
OUTFLOWS = frozenset({"granted", "lent"})


@dataclass
class _Figures:
    totals: Totals = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(FIGURES, 0)))
    last_outflow: dict[str, date] = field(default_factory=dict)

    def collect(
        self,
        session: Session,
        query: Select,  # type: ignore[type-arg]
        figure: str,
        keys: dict[str, str],
    ) -> None:
        """Add a query's (fund, amount, latest day) rows to `figure`."""
        for fund, amount, day in session.execute(query).all():
            if fund not in keys:
                continue
            key = keys[fund]
            self.totals[key][figure] += int(amount or 0)
            if figure in OUTFLOWS and day is not None:
                self.last_outflow[key] = max(day, self.last_outflow.get(key, day))


def _facility_sums(institution_id: int, side: str, kind: str, as_of: date) -> Select:  # type: ignore[type-arg]
    party = Facility.borrower_id if side == "borrower" else Facility.lender_id
    return (
        select(
            Facility.fund,
            func.sum(FacilityMovement.principal_paise),
            func.max(FacilityMovement.value_date),
        )
        .join(Facility, Facility.id == FacilityMovement.facility_id)
        .where(party == institution_id, FacilityMovement.kind == kind)
        .where(FacilityMovement.value_date <= as_of, ~reversed_clause(FacilityMovement.entry_id))
        .group_by(Facility.fund)
    )


def _grant_sums(party: ColumnElement[bool], as_of: date) -> Select:  # type: ignore[type-arg]
    return (
        select(Grant.fund, func.sum(Grant.amount_paise), func.max(Grant.value_date))
        .where(party, Grant.value_date <= as_of)
        .where(~reversed_clause(Grant.entry_id))
        .group_by(Grant.fund)
    )


def _member_loan_sums(shg_id: int, as_of: date) -> list[tuple[Select, str]]:  # type: ignore[type-arg]
    standing = ~reversed_clause(MemberLoan.disbursement_entry_id)
    lent = (
        select(
            MemberLoan.fund_source,
            func.sum(MemberLoan.principal_paise),
            func.max(MemberLoan.disbursed_on),
        )
        .where(MemberLoan.shg_id == shg_id, MemberLoan.disbursed_on <= as_of, standing)
        .group_by(MemberLoan.fund_source)
    )
    repaid = (
        select(
            MemberLoan.fund_source,
            func.sum(LoanRepayment.principal_paise),
            func.max(LoanRepayment.value_date),
        )
        .join(MemberLoan, MemberLoan.id == LoanRepayment.loan_id)
        .where(MemberLoan.shg_id == shg_id, LoanRepayment.value_date <= as_of)
        .where(~reversed_clause(LoanRepayment.entry_id))
        .group_by(MemberLoan.fund_source)
    )
    written_off = (
        select(
            MemberLoan.fund_source,
            func.sum(LoanWriteOff.principal_paise),
            func.max(LoanWriteOff.value_date),
        )
        .join(MemberLoan, MemberLoan.id == LoanWriteOff.loan_id)
        .where(MemberLoan.shg_id == shg_id, LoanWriteOff.value_date <= as_of)
        .where(~reversed_clause(LoanWriteOff.entry_id))
        .group_by(MemberLoan.fund_source)
    )
    return [(lent, "lent"), (repaid, "repaid"), (written_off, "written_off")]


def fund_utilisation(session: Session, institution_id: int, as_of: date) -> list[FundUtilisation]:
    """The figures for one institution, one row per fund it has touched."""
    figures = _Figures()
    figures.collect(
        session, _grant_sums(Grant.receiver_id == institution_id, as_of), "received", GRANT_FUND_KEY
    )
    figures.collect(
        session, _grant_sums(Grant.giver_id == institution_id, as_of), "granted", GRANT_FUND_KEY
    )
    for side, kind, figure in (
        ("borrower", "draw", "received"),
        ("borrower", "repay", "returned"),
        ("lender", "draw", "lent"),
        ("lender", "repay", "repaid"),
    ):
        figures.collect(
            session, _facility_sums(institution_id, side, kind, as_of), figure, FACILITY_FUND_KEY
        )
    for query, figure in _member_loan_sums(institution_id, as_of):
        figures.collect(session, query, figure, MEMBER_LOAN_FUND_KEY)
    return [
        FundUtilisation(
            fund,
            *(figures.totals[fund][f] for f in FIGURES),
            last_outflow_on=figures.last_outflow.get(fund),
        )
        for fund in sorted(figures.totals)
    ]


def utilisation(session: Session, who: Principal, institution_id: int, as_of: date) -> Utilisation:
    institution = readable_institution(session, who, institution_id)
    return Utilisation(institution, as_of, fund_utilisation(session, institution.id, as_of))
