"""CIF and VRF lent by a federation to an institution under it, and repaid.

Every movement is recorded once and posts in both books as a linked set:
- lending: the lender's loan receivable grows (Dr loans to VOs/SHGs, Cr bank) and the
  borrower's loan payable grows (Dr bank, Cr CIF/VRF payable);
- repayment: the borrower pays principal and interest (Dr payable, Dr interest expense,
  Cr bank) and the lender receives them (Dr bank, Cr loans receivable, Cr interest income).

Interest is on a cash basis, charged at each repayment, with the same arithmetic as a member's
loan (`loans.compute_dues`): on a declining loan the schedule's periodic rate on the
outstanding principal for each whole period, a part period prorated by its days
(`models.interest`, "per_period": a VO's or CLF's loan follows its own schedule, as an SHG's
does; a facility keeps no basis of its own to choose another); the schedule's interest for a
flat one. Repayments pay interest first, then principal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.federation.institutions import writable_institution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.journal import Posted, posted_one
from app.services.ledger.posting import EntryDraft, PostingDraft, post_linked_set
from app.services.lending.facilities import (
    Demand,
    check_in_date_order,
    days_past_due,
    movements,
    principal_outstanding,
    schedule_of,
    store_schedule,
)
from app.services.lending.loans import Paid, allocate, compute_dues
from app.services.shared.errors import Conflict, Invalid, renamed
from app.services.shared.principal import Principal
from models.capital import Facility, FacilityMovement
from models.institutions import Institution, InstitutionKind
from models.interest import InterestBasis
from models.ledger import JournalEntry, Side
from models.schedule import LoanTerms, TermsError

CLF, VO, SHG = InstitutionKind.CLF.value, InstitutionKind.VO.value, InstitutionKind.SHG.value

# (fund, lender kind, borrower kind) -> the lender's receivable account role.
RECEIVABLE = {
    ("cif", CLF, VO): "cif_loans_to_vos",
    ("cif", CLF, SHG): "cif_loans_to_shgs",
    ("cif", VO, SHG): "cif_loans_to_shgs",
    ("vrf", VO, SHG): "vrf_loans",
}
PAYABLE = {"cif": "cif_payable", "vrf": "vrf_payable"}
INTEREST_INCOME = {"cif": "cif_interest_income", "vrf": "vrf_interest_income"}
INTEREST_EXPENSE = {"cif": "cif_interest", "vrf": "vrf_interest"}
ALLOCATION = "penalty,interest,principal"


@dataclass(frozen=True)
class NewFederationLoan:
    fund: str  # "cif" or "vrf"
    lender_id: int
    borrower_id: int
    terms: LoanTerms
    disbursed_on: date
    reference: str | None = None


def _parties(
    session: Session, who: Principal, new: NewFederationLoan
) -> tuple[Institution, Institution]:
    lender = writable_institution(session, who, new.lender_id)
    borrower = writable_institution(session, who, new.borrower_id)
    if (new.fund, lender.kind, borrower.kind) not in RECEIVABLE:
        raise Invalid.field(
            "fund", f"a {lender.kind} does not lend {new.fund.upper()} to a {borrower.kind}"
        )
    if not borrower.path.startswith(lender.path):
        raise Invalid.field("borrower_id", f"is not under institution {lender.id}")
    try:
        new.terms.check()
    except TermsError as error:
        raise Invalid.field(error.field, error.reason) from None
    return lender, borrower


def _post_both(
    session: Session,
    who: Principal,
    facility: Facility,
    value_date: date,
    narration: str,
    lender_lines: tuple[PostingDraft, ...],
    borrower_lines: tuple[PostingDraft, ...],
    today: date | None,
) -> JournalEntry:
    """Post the borrower's and the lender's entries as one set; returns the borrower's."""
    assert facility.lender_id is not None
    drafts = [
        EntryDraft(
            book_of(session, facility.borrower_id).id, value_date, narration, borrower_lines
        ),
        EntryDraft(book_of(session, facility.lender_id).id, value_date, narration, lender_lines),
    ]
    try:
        return post_linked_set(session, who, drafts, today)[1][0]
    except Invalid as error:
        raise renamed(error, {"entries": "amount"}) from None


def _accounts(
    session: Session, facility: Facility, lender_kind: str, borrower_kind: str
) -> dict[str, int]:
    assert facility.lender_id is not None
    lender = book_of(session, facility.lender_id).id
    borrower = book_of(session, facility.borrower_id).id
    role = lambda book, name: account_by_role(session, book, name).id  # noqa: E731
    return {
        "lender_bank": role(lender, "bank"),
        "receivable": role(lender, RECEIVABLE[(facility.fund, lender_kind, borrower_kind)]),
        "income": role(lender, INTEREST_INCOME[facility.fund]),
        "borrower_bank": role(borrower, "bank"),
        "payable": role(borrower, PAYABLE[facility.fund]),
        "expense": role(borrower, INTEREST_EXPENSE[facility.fund]),
    }


def lend(
    session: Session, who: Principal, new: NewFederationLoan, today: date | None = None
) -> Facility:
    """Lend CIF or VRF to an institution below: store the terms and schedule, post both books."""
    lender, borrower = _parties(session, who, new)
    facility = Facility(
        state_code=borrower.state_code,
        fund=new.fund,
        kind="term",
        borrower_id=borrower.id,
        lender_id=lender.id,
        account_number=new.reference,
        sanctioned_on=new.disbursed_on,
        limit_paise=new.terms.principal_paise,
        **new.terms.columns(),
        disbursed_on=new.disbursed_on,
        created_by=who.label,
    )
    session.add(facility)
    session.flush()
    accounts = _accounts(session, facility, lender.kind, borrower.kind)
    amount = new.terms.principal_paise
    entry = _post_both(
        session,
        who,
        facility,
        new.disbursed_on,
        f"{new.fund.upper()} loan from {lender.name} to {borrower.name}"[:500],
        (
            PostingDraft(accounts["receivable"], Side.DEBIT, amount),
            PostingDraft(accounts["lender_bank"], Side.CREDIT, amount),
        ),
        (
            PostingDraft(accounts["borrower_bank"], Side.DEBIT, amount),
            PostingDraft(accounts["payable"], Side.CREDIT, amount),
        ),
        today,
    )
    session.add(
        FacilityMovement(
            entry_id=entry.id,
            state_code=facility.state_code,
            facility_id=facility.id,
            kind="draw",
            value_date=new.disbursed_on,
            principal_paise=amount,
            interest_through=new.disbursed_on,
            created_by=who.label,
        )
    )
    store_schedule(session, facility, new.terms, new.disbursed_on)
    return facility


def disbursement(session: Session, facility: Facility) -> Posted:
    """Where the lending posted (a linked set in both books), reversed or not."""
    entry_id = session.scalar(
        select(FacilityMovement.entry_id).where(
            FacilityMovement.facility_id == facility.id,
            FacilityMovement.state_code == facility.state_code,
            FacilityMovement.kind == "draw",
        )
    )
    assert entry_id is not None, "a federation loan is lent when it is recorded"
    return posted_one(session, entry_id)


@dataclass(frozen=True)
class FederationLoanPosition:
    facility: Facility
    as_of: date
    outstanding_paise: int
    interest_due_paise: int
    interest_through: date
    days_past_due: int
    status: str  # "active", "closed" or "cancelled"


def position(session: Session, facility: Facility, as_of: date) -> FederationLoanPosition:
    every = movements(session, facility)
    moves = [m for m in every if m.value_date <= as_of]
    if not any(m.kind == "draw" for m in every):
        return FederationLoanPosition(facility, as_of, 0, 0, as_of, 0, "cancelled")
    repaid = [m for m in moves if m.kind == "repay"]
    schedule = schedule_of(session, facility)
    scheduled_interest = sum(i.interest_paise for i in schedule if i.due_on <= as_of)
    outstanding = principal_outstanding(moves)
    dues = compute_dues(
        facility,  # type: ignore[arg-type]
        as_of,
        outstanding,
        Paid.of(repaid),  # type: ignore[arg-type]
        scheduled_interest,
        InterestBasis.PER_PERIOD,
    )
    dpd = days_past_due(
        [Demand(i.due_on, i.principal_paise) for i in schedule],
        sum(m.principal_paise for m in repaid),
        as_of,
    )
    status = "closed" if outstanding == 0 and dues.interest_paise == 0 else "active"
    return FederationLoanPosition(
        facility, as_of, outstanding, dues.interest_paise, dues.interest_through, dpd, status
    )


def repay(
    session: Session,
    who: Principal,
    facility: Facility,
    amount_paise: int,
    value_date: date,
    today: date | None = None,
) -> tuple[FacilityMovement, FederationLoanPosition]:
    """The borrower repays: interest due first, then principal; more than is owed is refused."""
    lender = writable_institution(session, who, facility.lender_id or 0)
    borrower = writable_institution(session, who, facility.borrower_id)
    if amount_paise <= 0:
        raise Invalid.field("amount", "must be more than zero")
    standing = movements(session, facility)
    if not any(m.kind == "draw" for m in standing):
        raise Conflict(f"facility {facility.id} was cancelled (its disbursement was reversed)")
    check_in_date_order(standing, value_date)
    before = position(session, facility, value_date)
    due = {
        "penalty": 0,
        "interest": before.interest_due_paise,
        "principal": before.outstanding_paise,
    }
    split = allocate(amount_paise, due, ALLOCATION)
    accounts = _accounts(session, facility, lender.kind, borrower.kind)
    parts = [("principal", "payable", "receivable"), ("interest", "expense", "income")]
    entry = _post_both(
        session,
        who,
        facility,
        value_date,
        f"{facility.fund.upper()} loan repayment by {borrower.name} to {lender.name}"[:500],
        (
            PostingDraft(accounts["lender_bank"], Side.DEBIT, amount_paise),
            *(PostingDraft(accounts[c], Side.CREDIT, split[p]) for p, _, c in parts if split[p]),
        ),
        (
            *(PostingDraft(accounts[d], Side.DEBIT, split[p]) for p, d, _ in parts if split[p]),
            PostingDraft(accounts["borrower_bank"], Side.CREDIT, amount_paise),
        ),
        today,
    )
    movement = FacilityMovement(
        entry_id=entry.id,
        state_code=facility.state_code,
        facility_id=facility.id,
        kind="repay",
        value_date=value_date,
        principal_paise=split["principal"],
        interest_paise=split["interest"],
        interest_through=value_date,
        interest_unpaid_paise=due["interest"] - split["interest"],
        created_by=who.label,
    )
    session.add(movement)
    session.flush()
    return movement, position(session, facility, value_date)
