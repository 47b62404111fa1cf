"""Internal lending: an SHG lends to a member, and she repays.

Interest is on a cash basis (income when collected, as SHG books keep it). On a declining
loan it runs on the principal outstanding since interest was last charged, on the loan's
own basis (`models.interest`): by default the schedule's periodic rate for each whole
period, a part period prorated by its days, so an on-time payer pays exactly her schedule;
actual/365 on the yearly rate where the loan's terms say so. On a flat loan it is what the
schedule says has fallen due. A repayment pays, in the loan's allocation order (penalty →
interest → principal by default), what is due; what it leaves unpaid of penalty and
interest is carried forward. Paying more than she owes is refused rather than silently kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.federation.institutions import can_read_institution
from app.services.federation.members import writable_member
from app.services.ledger.balances import balance_as_of
from app.services.ledger.books import account_by_role, book_of, open_member_account
from app.services.ledger.journal import reversed_clause
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry
from app.services.lending.arrears import days_past_due
from app.services.lending.loan_funding import funding_facility
from app.services.shared.errors import Conflict, Invalid, NotFound, renamed
from app.services.shared.principal import Principal
from app.services.shared.scoped_state import in_state
from models.institutions import Member
from models.interest import InterestBasis, InterestTerms
from models.ledger import Account, JournalEntry, Side
from models.loans import (
    DEFAULT_ALLOCATION,
    FUND_SOURCES,
    LoanInstalment,
    LoanRepayment,
    LoanWriteOff,
    MemberLoan,
)
from models.money import format_inr
from models.schedule import Frequency, LoanTerms, Method, RateBasis, TermsError, build_schedule

PARTS = ("penalty", "interest", "principal")


@dataclass(frozen=True)
class NewLoan:
    member_id: int
    terms: LoanTerms
    disbursed_on: date
    fund_source: str = "own"
    fund_reference: str | None = None
    purpose: str | None = None
    via: str = "cash"
    allocation_order: str = DEFAULT_ALLOCATION
    interest_basis: InterestBasis = InterestBasis.PER_PERIOD
    # The SHG's bank loan it comes from (fund_source "bank_loan"); found when left out.
    facility_id: int | None = None


@dataclass(frozen=True)
class LoanPosition:
    loan: MemberLoan
    as_of: date
    outstanding_paise: int
    interest_due_paise: int
    penalty_due_paise: int
    interest_through: date
    days_past_due: int
    # "active", "closed", "written_off", or "cancelled" (its disbursement was reversed)
    status: str


def check_new_loan(new: NewLoan) -> None:
    """Rules of a new loan that need no database: its terms, funds, allocation, via, basis."""
    try:
        new.terms.check()
    except TermsError as error:
        raise Invalid.field(error.field, error.reason) from None
    if new.fund_source not in FUND_SOURCES:
        raise Invalid.field("fund_source", f"must be one of {', '.join(FUND_SOURCES)}")
    if sorted(new.allocation_order.split(",")) != sorted(PARTS):
        raise Invalid.field(
            "allocation_order",
            "must order penalty, interest and principal, e.g. " + DEFAULT_ALLOCATION,
        )
    if new.via not in ("cash", "bank"):
        raise Invalid.field("via", 'must be "cash" or "bank"')
    if new.interest_basis is InterestBasis.ACTUAL_365 and new.terms.method is Method.FLAT:
        raise Invalid.field(
            "interest_basis", "a flat loan's interest is its schedule's: actual_365 needs declining"
        )


def disburse_loan(
    session: Session, who: Principal, new: NewLoan, today: date | None = None
) -> MemberLoan:
    """Lend to a member: open her loan sub-account, post Dr loan / Cr cash or bank, store the
    terms, the bank loan it comes from (`loan_funding`) and the schedule."""
    check_new_loan(new)
    member = writable_member(session, who, new.member_id)
    facility_id = funding_facility(
        session, member.shg_id, new.fund_source, new.facility_id, new.disbursed_on
    )
    book = book_of(session, member.shg_id)
    earlier = session.scalar(
        select(func.count()).select_from(MemberLoan).where(MemberLoan.member_id == member.id)
    )
    account = open_member_account(
        session, who, member, "member_loans", loan_account_name(member, earlier or 0)
    )
    source = account_by_role(session, book.id, new.via)
    draft = disbursement_draft(book.id, new, member, account.id, source.id)
    try:
        entry = post_entry(session, who, draft, today)
    except Invalid as error:
        raise renamed(error, {"postings": "principal"}) from None
    loan = MemberLoan(**loan_values(who, new, member, account.id, facility_id, entry.id))
    session.add(loan)
    session.flush()
    schedule = instalment_values(loan.id, loan.state_code, new)
    session.add_all(LoanInstalment(**row) for row in schedule)
    session.flush()
    return loan


def loan_account_name(member: Member, earlier_loans: int) -> str:
    """Her new loan's sub-account's name: numbered after the loans she had before."""
    return f"Loan {earlier_loans + 1} – {member.name}"


def disbursement_draft(
    book_id: int, new: NewLoan, member: Member, account_id: int, source_id: int
) -> EntryDraft:
    """Dr her loan sub-account, Cr cash or bank, for the principal."""
    return EntryDraft.transfer(
        book_id,
        new.disbursed_on,
        f"Loan to {member.name} ({new.fund_source} funds)"[:500],
        account_id,
        source_id,
        new.terms.principal_paise,
    )


def loan_values(
    who: Principal,
    new: NewLoan,
    member: Member,
    account_id: int,
    facility_id: int | None,
    entry_id: object,
) -> dict[str, object]:
    """A disbursed loan as a `member_loans` row."""
    return {
        "shg_id": member.shg_id,
        "state_code": member.state_code,
        "member_id": member.id,
        "account_id": account_id,
        "principal_paise": new.terms.principal_paise,
        **new.terms.columns(),
        "interest_basis": new.interest_basis.value,
        "disbursed_on": new.disbursed_on,
        "fund_source": new.fund_source,
        "fund_reference": new.fund_reference,
        "facility_id": facility_id,
        "purpose": new.purpose,
        "allocation_order": new.allocation_order,
        "disbursement_entry_id": entry_id,
        "created_by": who.label,
    }


def instalment_values(loan_id: int, state_code: str, new: NewLoan) -> list[dict[str, object]]:
    """The loan's schedule as `loan_instalments` rows (in the loan's state), each with the
    principal due through it."""
    rows: list[dict[str, object]] = []
    through = 0
    for i in build_schedule(new.terms, new.disbursed_on):
        through += i.principal_paise
        rows.append(
            {
                "loan_id": loan_id,
                "state_code": state_code,
                "number": i.number,
                "due_on": i.due_on,
                "principal_paise": i.principal_paise,
                "interest_paise": i.interest_paise,
                "principal_through_paise": through,
            }
        )
    return rows


def readable_loan(session: Session, who: Principal, loan_id: int) -> MemberLoan:
    loan = session.get(MemberLoan, loan_id)
    if loan is None or not can_read_institution(session, who, loan.shg_id):
        raise NotFound(f"loan {loan_id} not found")
    return loan


def schedule_of(session: Session, loan: MemberLoan) -> list[LoanInstalment]:
    return list(
        session.scalars(
            select(LoanInstalment)
            .where(LoanInstalment.loan_id == loan.id, LoanInstalment.state_code == loan.state_code)
            .order_by(LoanInstalment.number)
        )
    )


def active_repayments(
    session: Session, loan: MemberLoan, through: date | None = None
) -> list[LoanRepayment]:
    # The loan's state named (a bank's request spans states and its session names none).
    query = select(LoanRepayment).where(
        LoanRepayment.loan_id == loan.id,
        LoanRepayment.state_code == loan.state_code,
        ~reversed_clause(LoanRepayment.entry_id, loan.state_code),
    )
    if through is not None:
        query = query.where(LoanRepayment.value_date <= through)
    return list(
        session.scalars(query.order_by(LoanRepayment.value_date, LoanRepayment.interest_through))
    )


def is_cancelled(session: Session, loan: MemberLoan) -> bool:
    return bool(
        session.scalar(select(reversed_clause(loan.disbursement_entry_id, loan.state_code)))
    )


def interest_terms(loan: MemberLoan, basis: InterestBasis | None = None) -> InterestTerms:
    """What the loan's interest depends on; `basis` overrides the loan's own (a federation's
    loan, which keeps none, passes one)."""
    return InterestTerms(
        loan.rate_bp,
        RateBasis(loan.rate_basis),
        Frequency(loan.frequency),
        loan.disbursed_on,
        basis if basis is not None else InterestBasis(loan.interest_basis),
    )


@dataclass(frozen=True)
class Dues:
    outstanding_paise: int
    interest_paise: int
    penalty_paise: int
    interest_through: date


@dataclass(frozen=True)
class Paid:
    """What a loan's standing repayments up to a day leave for the next: the latest of them
    (in posting order), and the interest they paid in all (None where it was not read: only
    a flat loan's dues depend on it)."""

    last: LoanRepayment | None
    interest_paise: int | None

    @classmethod
    def of(cls, repayments: Sequence[LoanRepayment]) -> Paid:
        return cls(
            repayments[-1] if repayments else None, sum(r.interest_paise for r in repayments)
        )


def compute_dues(
    loan: MemberLoan,
    as_of: date,
    outstanding: int,
    paid: Paid,
    scheduled_interest: int,
    basis: InterestBasis | None = None,
) -> Dues:
    """The dues arithmetic, on figures already read: `paid` sums up the standing repayments up
    to `as_of`; `scheduled_interest` is the schedule's interest due by then; `basis` as for
    `interest_terms`."""
    last = paid.last
    through = last.interest_through if last else loan.disbursed_on
    carried = last.interest_unpaid_paise if last else 0
    if loan.method == Method.DECLINING.value:
        accrued = interest_terms(loan, basis).accrued(outstanding, through, as_of)
        interest = carried + accrued
    else:
        if paid.interest_paise is None:
            raise ValueError("a flat loan's dues need the interest its repayments paid")
        interest = max(scheduled_interest - paid.interest_paise, 0)
    return Dues(outstanding, interest, last.penalty_unpaid_paise if last else 0, through)


def dues(session: Session, loan: MemberLoan, as_of: date) -> Dues:
    """What she owes on `as_of`: principal outstanding, interest and penalty due."""
    in_its_state = [in_state(Account, loan.state_code)]
    account = session.get_one(Account, loan.account_id, options=in_its_state)
    outstanding = balance_as_of(session, account, as_of)
    scheduled = sum(i.interest_paise for i in schedule_of(session, loan) if i.due_on <= as_of)
    paid = Paid.of(active_repayments(session, loan, as_of))
    return compute_dues(loan, as_of, outstanding, paid, scheduled)


def position(session: Session, loan: MemberLoan, as_of: date) -> LoanPosition:
    """Dues, days past due and status on `as_of`."""
    d = dues(session, loan, as_of)
    status = _status(session, loan, d.outstanding_paise, d.interest_paise)
    dpd = days_past_due(session, loan, as_of)
    return LoanPosition(
        loan,
        as_of,
        d.outstanding_paise,
        d.interest_paise,
        d.penalty_paise,
        d.interest_through,
        dpd,
        status,
    )


def _status(session: Session, loan: MemberLoan, outstanding: int, interest: int) -> str:
    if is_cancelled(session, loan):
        return "cancelled"
    if active_write_off(session, loan) is not None:
        return "written_off"
    return "closed" if outstanding == 0 and interest == 0 else "active"


def active_write_off(session: Session, loan: MemberLoan) -> LoanWriteOff | None:
    return session.scalar(
        select(LoanWriteOff).where(
            LoanWriteOff.loan_id == loan.id,
            LoanWriteOff.state_code == loan.state_code,
            ~reversed_clause(LoanWriteOff.entry_id, loan.state_code),
        )
    )


def write_off_loan(
    session: Session,
    who: Principal,
    loan_id: int,
    value_date: date,
    reason: str,
    today: date | None = None,
) -> LoanWriteOff:
    """Write off what is left of a loan's principal: Dr loans written off, Cr her loan.
    Reversing the write-off's entry restores the loan."""
    loan = readable_loan(session, who, loan_id)
    member = writable_member(session, who, loan.member_id)
    if is_cancelled(session, loan) or active_write_off(session, loan) is not None:
        raise Conflict(f"loan {loan_id} is cancelled or already written off")
    if not reason.strip():
        raise Invalid.field("reason", "a reason is required to write a loan off")
    outstanding = session.get_one(Account, loan.account_id).balance_paise
    if outstanding <= 0:
        raise Conflict(f"loan {loan_id} has no principal outstanding")
    book = book_of(session, loan.shg_id)
    expense = account_by_role(session, book.id, "loan_write_off")
    draft = EntryDraft.transfer(
        book.id,
        value_date,
        f"Loan of {member.name} written off: {reason}"[:500],
        expense.id,
        loan.account_id,
        outstanding,
    )
    entry = post_entry(session, who, draft, today)
    record = LoanWriteOff(
        entry_id=entry.id,
        loan_id=loan.id,
        state_code=loan.state_code,
        value_date=value_date,
        principal_paise=outstanding,
        reason=reason,
    )
    session.add(record)
    session.flush()
    return record


def allocate(amount: int, due: dict[str, int], order: str) -> dict[str, int]:
    """Split `amount` over what is due, part by part in `order`; refuse any excess."""
    split, left = {}, amount
    for part in order.split(","):
        split[part] = min(left, due[part])
        left -= split[part]
    if left:
        owed = sum(due.values())
        raise Invalid.field(
            "amount", f"is {format_inr(left)} more than she owes ({format_inr(owed)})"
        )
    return split


@dataclass(frozen=True)
class RepaymentResult:
    entry: JournalEntry
    split: LoanRepayment
    position: LoanPosition


def check_repayment(
    loan: MemberLoan, last: LoanRepayment | None, value_date: date, amount_paise: int
) -> None:
    """Rules every repayment meets: in date order (after `last`, the latest standing one), not
    before the loan, more than zero."""
    if last is not None and value_date < last.value_date:
        raise Invalid.field(
            "value_date",
            f"repayments are recorded in date order; the last was on {last.value_date}",
        )
    if value_date < loan.disbursed_on:
        raise Invalid.field("value_date", f"is before the loan was given ({loan.disbursed_on})")
    if amount_paise <= 0:
        raise Invalid.field("amount", "must be more than zero")


@dataclass(frozen=True)
class RepaymentPlan:
    """A repayment checked and split, not yet posted."""

    loan: MemberLoan
    member: Member
    value_date: date
    amount_paise: int
    due: dict[str, int]
    split: dict[str, int]


def plan_repayment(
    session: Session,
    who: Principal,
    loan_id: int,
    amount_paise: int,
    value_date: date,
    penalty_paise: int = 0,
) -> RepaymentPlan:
    """Check a repayment against the loan and split it; `penalty_paise` is a fine charged now
    (added to any penalty still unpaid)."""
    loan = readable_loan(session, who, loan_id)
    member = writable_member(session, who, loan.member_id)
    if is_cancelled(session, loan):
        raise Conflict(f"loan {loan_id} was cancelled (its disbursement was reversed)")
    if active_write_off(session, loan) is not None:
        raise Conflict(f"loan {loan_id} is written off; reverse the write-off to take repayments")
    check_repayment(loan, Paid.of(active_repayments(session, loan)).last, value_date, amount_paise)
    before = dues(session, loan, value_date)
    due = {
        "penalty": before.penalty_paise + penalty_paise,
        "interest": before.interest_paise,
        "principal": before.outstanding_paise,
    }
    split = allocate(amount_paise, due, loan.allocation_order)
    return RepaymentPlan(loan, member, value_date, amount_paise, due, split)


def repayment_values(plan: RepaymentPlan, entry_id: object) -> dict[str, object]:
    """How a posted repayment was split, and what it left unpaid, as a `loan_repayments` row."""
    return {
        "entry_id": entry_id,
        "loan_id": plan.loan.id,
        "state_code": plan.loan.state_code,
        "value_date": plan.value_date,
        "penalty_paise": plan.split["penalty"],
        "interest_paise": plan.split["interest"],
        "principal_paise": plan.split["principal"],
        "interest_through": plan.value_date,
        "penalty_unpaid_paise": plan.due["penalty"] - plan.split["penalty"],
        "interest_unpaid_paise": plan.due["interest"] - plan.split["interest"],
    }


def record_repayment(session: Session, plan: RepaymentPlan, entry_id: object) -> LoanRepayment:
    """Keep a posted repayment's split."""
    record = LoanRepayment(**repayment_values(plan, entry_id))
    session.add(record)
    session.flush()
    return record


# The roles of the SHG's accounts that a repayment's penalty and interest are credited to.
INCOME_ROLES = {"penalty": "fines_income", "interest": "loan_interest_income"}


def income_accounts(session: Session, shg_id: int) -> dict[str, int]:
    """The SHG's accounts that a repayment's penalty and interest are credited to."""
    book = book_of(session, shg_id)
    return {part: account_by_role(session, book.id, role).id for part, role in INCOME_ROLES.items()}


def repayment_credits(
    session: Session, plan: RepaymentPlan, income: dict[str, int] | None = None
) -> list[PostingDraft]:
    """The credit side of a repayment: fines, interest income and her loan, as split."""
    accounts = {
        **(income or income_accounts(session, plan.loan.shg_id)),
        "principal": plan.loan.account_id,
    }
    return [PostingDraft(accounts[p], Side.CREDIT, plan.split[p]) for p in PARTS if plan.split[p]]


def repay_loan(
    session: Session,
    who: Principal,
    loan_id: int,
    amount_paise: int,
    value_date: date,
    *,
    via: str = "cash",
    penalty_paise: int = 0,
    today: date | None = None,
) -> RepaymentResult:
    """A member repays: Dr cash or bank; Cr fines, interest income and her loan, as allocated."""
    if via not in ("cash", "bank"):
        raise Invalid.field("via", 'must be "cash" or "bank"')
    plan = plan_repayment(session, who, loan_id, amount_paise, value_date, penalty_paise)
    book = book_of(session, plan.loan.shg_id)
    draft = EntryDraft(
        book.id,
        value_date,
        f"Loan repayment by {plan.member.name}"[:500],
        (
            PostingDraft(account_by_role(session, book.id, via).id, Side.DEBIT, amount_paise),
            *repayment_credits(session, plan),
        ),
    )
    try:
        entry = post_entry(session, who, draft, today)
    except Invalid as error:
        raise renamed(error, {"postings": "amount"}) from None
    record = record_repayment(session, plan, entry.id)
    return RepaymentResult(entry, record, position(session, plan.loan, value_date))


def ensure_reversible(session: Session, entry: JournalEntry) -> None:
    """Loan entries are undone newest first: a disbursement only once no repayment stands, and
    a repayment only if it is the latest (each one's interest runs from the one before)."""
    loan = session.scalar(select(MemberLoan).where(MemberLoan.disbursement_entry_id == entry.id))
    if loan is not None and (active_repayments(session, loan) or active_write_off(session, loan)):
        raise Conflict(
            f"loan {loan.id} has repayments or a write-off; reverse them before its disbursement"
        )
    for repayment in session.scalars(
        select(LoanRepayment).where(LoanRepayment.entry_id == entry.id)
    ):
        standing = active_repayments(session, session.get_one(MemberLoan, repayment.loan_id))
        if standing and standing[-1].entry_id != repayment.entry_id:
            raise Conflict("reverse the loan's later repayments first, newest first")
