"""Bank loans to SHGs: term loans and cash credit limits (CCL), by dose.

Only the SHG's book is posted (the bank keeps its own):
- a draw: Dr bank account, Cr bank loan payable;
- interest the bank debits to the loan account: Dr interest on bank loan, Cr bank loan payable;
- a repayment: Dr bank loan payable, Cr bank account (or cash);
- a prompt-repayment incentive credited to the loan account (see `subvention.py`).

What the SHG owes is the sum of those movements, so interest that is not paid adds to the
balance, as it does in a bank's loan account. A term loan is drawn in full when it is
recorded; a cash credit is sanctioned first and then drawn and repaid within its limit and
drawing power. The SHG must have kept books for the months the rules name before a bank loan.
Its classification (SMA/NPA, and its history) is replayed from the books in
`bank_classification.py`.

A bank loan has two rates (DAY-NRLM interest subvention; `subvention.py`): `rate_bp`, the rate
charged to the SHG on the part of the balance the scheme covers (in a category I district the
scheme rate, 7%, on up to ₹3 lakh), and `bank_rate_bp`, the bank's own rate (its weighted
average interest charge or lending rate), on which the bank's claim is computed and which the
bank charges on the balance above the scheme's limit. Interest Bahi computes follows that
split, day by day, with the limit of the financial year the day falls in; interest the bank
debited (its statement's figure) is kept as given. A bank charging the SHG its own rate (a
category II district) records one rate for both. A term loan's schedule is built on the rate
to the SHG.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.formats import percent
from app.services.federation.institutions import writable_institution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.posting import EntryDraft, post_entry
from app.services.lending.bank_classification import ClassPeriod, day_ends, drawing_powers, periods
from app.services.lending.facilities import (
    check_in_date_order,
    daily_balances,
    movements,
    owed_change,
    store_schedule,
)
from app.services.shared.errors import Conflict, Invalid, NotFound, renamed
from app.services.shared.principal import Principal
from models.capital import DrawingPower, Facility, FacilityMovement, capital_rules
from models.institutions import BankBranch, InstitutionKind
from models.ledger import Account, AccountType, Book, JournalEntry, Posting
from models.money import format_inr
from models.schedule import Frequency, LoanTerms, Method, RateBasis, TermsError, round_half_up
from models.subvention import financial_year_of, scheme_year

DAYS_IN_YEAR = 365
CREDITS = ("repay", "incentive")


@dataclass(frozen=True)
class NewBankLoan:
    shg_id: int
    branch_id: int
    kind: str  # "term" or "cash_credit"
    dose: int
    sanctioned_on: date
    limit_paise: int  # a term loan's amount, or the cash credit limit
    rate_bp: int  # per annum, charged to the SHG on the balance the scheme covers
    account_number: str
    instalments: int = 12  # term loan: the schedule; cash credit: months until review
    frequency: Frequency = Frequency.MONTHLY
    moratorium_periods: int = 0
    drawing_power_paise: int | None = None  # cash credit; defaults to the dose ladder
    via: str = "bank"
    bank_rate_bp: int | None = None  # per annum, the claim's base; defaults to `rate_bp`


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, or that month's last day when it is shorter."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def corpus(session: Session, book: Book, as_of: date) -> int:
    """Savings + Revolving Fund + grants + accumulated interest: members' savings, every fund
    account, and income less expenditure, on `as_of`."""
    savings = select(Account.id).where(
        Account.parent_id
        == select(Account.id)
        .where(Account.book_id == book.id, Account.role == "member_savings")
        .scalar_subquery()
    )
    equity = select(Account.id).where(
        Account.book_id == book.id,
        Account.type.in_(
            [AccountType.FUND.value, AccountType.INCOME.value, AccountType.EXPENSE.value]
        ),
    )
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.delta_paise), 0)).where(
            Posting.value_date <= as_of,
            Posting.account_id.in_(savings.union(equity)),
        )
    )
    return -int(total or 0)  # credit-normal: the postings' debit-positive sum, negated


def suggested_drawing_power(session: Session, shg_id: int, dose: int, as_of: date) -> int:
    """The dose ladder: the higher of a multiple of the corpus and a floor (DOMAIN.md)."""
    ladder = capital_rules().drawing_power_ladder
    rule = next((r for r in ladder if r.dose == dose), ladder[-1])
    return max(
        rule.corpus_multiple * corpus(session, book_of(session, shg_id), as_of), rule.at_least_paise
    )


def _check_eligible(session: Session, book: Book, sanctioned_on: date) -> None:
    months = capital_rules().bank_eligibility_min_months_of_books
    first = session.scalar(
        select(func.min(JournalEntry.value_date)).where(JournalEntry.book_id == book.id)
    )
    if first is None or first > months_before(sanctioned_on, months):
        raise Conflict(
            f"the SHG has kept books since {first or 'never'}; a bank loan needs {months}"
            f" months of books before the sanction ({sanctioned_on})"
        )


def _check_new(new: NewBankLoan) -> None:
    if new.kind not in ("term", "cash_credit"):
        raise Invalid.field("kind", 'must be "term" or "cash_credit"')
    if new.dose < 1:
        raise Invalid.field("dose", "must be 1 or more")
    if new.via not in ("cash", "bank"):
        raise Invalid.field("via", 'must be "cash" or "bank"')
    if not new.account_number.strip():
        raise Invalid.field("account_number", "the bank's loan account number is required")
    if new.drawing_power_paise is not None and new.drawing_power_paise < 0:
        raise Invalid.field("drawing_power", "must not be negative")
    if new.bank_rate_bp is not None and new.bank_rate_bp < 0:
        raise Invalid.field("bank_rate", "must not be negative")
    try:
        _terms(new).check()
    except TermsError as error:
        raise Invalid.field(
            "limit" if error.field == "principal" else error.field, error.reason
        ) from None


def _terms(new: NewBankLoan) -> LoanTerms:
    return LoanTerms(
        principal_paise=new.limit_paise,
        rate_bp=new.rate_bp,
        rate_basis=RateBasis.PER_ANNUM,
        method=Method.DECLINING,
        instalments=new.instalments,
        frequency=new.frequency,
        moratorium_periods=new.moratorium_periods,
    )


def _post(
    session: Session,
    who: Principal,
    facility: Facility,
    kind: str,
    value_date: date,
    amount_paise: int,
    debit_role: str,
    credit_role: str,
    today: date | None,
    interest_through: date | None = None,
) -> FacilityMovement:
    book = book_of(session, facility.borrower_id)
    draft = EntryDraft.transfer(
        book.id,
        value_date,
        f"Bank loan {facility.account_number}: {kind}"[:500],
        account_by_role(session, book.id, debit_role).id,
        account_by_role(session, book.id, credit_role).id,
        amount_paise,
    )
    try:
        entry = post_entry(session, who, draft, today)
    except Invalid as error:
        raise renamed(error, {"postings": "amount"}) from None
    interest = kind == "interest"
    movement = FacilityMovement(
        entry_id=entry.id,
        state_code=facility.state_code,
        facility_id=facility.id,
        kind=kind,
        value_date=value_date,
        principal_paise=0 if interest else amount_paise,
        interest_paise=amount_paise if interest else 0,
        interest_through=interest_through or value_date,
        created_by=who.label,
    )
    session.add(movement)
    session.flush()
    return movement


def sanction(
    session: Session, who: Principal, new: NewBankLoan, today: date | None = None
) -> Facility:
    """Record a bank loan. A term loan is drawn in full on the sanction day; a cash credit
    is only sanctioned, with its first drawing power."""
    _check_new(new)
    shg = writable_institution(session, who, new.shg_id)
    if shg.kind != InstitutionKind.SHG.value:
        raise Invalid.field("shg_id", "bank loans are recorded for SHGs")
    branch = session.get(BankBranch, new.branch_id)
    if branch is None or branch.state_code != shg.state_code:
        raise Invalid.field("branch_id", f"no bank branch {new.branch_id} in {shg.state_code}")
    book = book_of(session, shg.id)
    _check_eligible(session, book, new.sanctioned_on)
    term = new.kind == "term"
    facility = Facility(
        state_code=shg.state_code,
        fund="bank",
        kind=new.kind,
        borrower_id=shg.id,
        branch_id=branch.id,
        account_number=new.account_number,
        dose=new.dose,
        sanctioned_on=new.sanctioned_on,
        limit_paise=new.limit_paise,
        **_terms(new).columns(),
        bank_rate_bp=new.rate_bp if new.bank_rate_bp is None else new.bank_rate_bp,
        disbursed_on=new.sanctioned_on if term else None,
        created_by=who.label,
    )
    session.add(facility)
    session.flush()
    if term:
        _post(
            session,
            who,
            facility,
            "draw",
            new.sanctioned_on,
            new.limit_paise,
            new.via,
            "bank_loan_payable",
            today,
        )
        store_schedule(session, facility, _terms(new), new.sanctioned_on)
    else:
        power = new.drawing_power_paise
        if power is None:
            power = min(
                new.limit_paise,
                suggested_drawing_power(session, shg.id, new.dose, new.sanctioned_on),
            )
        set_drawing_power(session, who, facility, power, new.sanctioned_on)
    return facility


def set_drawing_power(
    session: Session, who: Principal, facility: Facility, amount_paise: int, effective_on: date
) -> DrawingPower:
    writable_institution(session, who, facility.borrower_id)
    if facility.kind != "cash_credit":
        raise Conflict(
            f"facility {facility.id} is a term loan; only a cash credit has a drawing power"
        )
    if amount_paise < 0:
        raise Invalid.field("amount", "must not be negative")
    if effective_on < facility.sanctioned_on:
        raise Invalid.field("effective_on", f"is before the sanction ({facility.sanctioned_on})")
    if session.get(DrawingPower, (facility.id, facility.state_code, effective_on)) is not None:
        raise Conflict(f"a drawing power from {effective_on} is already set")
    power = DrawingPower(
        facility_id=facility.id,
        state_code=facility.state_code,
        effective_on=effective_on,
        amount_paise=amount_paise,
        created_by=who.label,
    )
    session.add(power)
    session.flush()
    return power


def drawing_limit(facility: Facility, powers: list[DrawingPower], day: date) -> int:
    """What may be drawn in all on `day`: the lower of the limit and the drawing power."""
    power = next((p.amount_paise for p in reversed(powers) if p.effective_on <= day), 0)
    return (
        min(facility.limit_paise, power) if facility.kind == "cash_credit" else facility.limit_paise
    )


def _bank_facility(session: Session, who: Principal, facility: Facility) -> None:
    if facility.fund != "bank":
        raise NotFound(f"facility {facility.id} is not a bank loan")
    writable_institution(session, who, facility.borrower_id)


def confirm_rates(
    session: Session,
    who: Principal,
    facility: Facility,
    rate_to_shg_bp: int | None = None,
    bank_rate_bp: int | None = None,
) -> Facility:
    """Set the two rates of a bank loan recorded before they were kept apart (migration 0017
    put its one rate in both and marked it `rates_carried_forward`); once. Interest already
    charged stays as posted and the stored schedule as sanctioned; interest Bahi computes
    from now on, and every subvention figure, use the rates set here."""
    _bank_facility(session, who, facility)
    if not facility.rates_carried_forward:
        raise Conflict(
            f"bank loan {facility.id}'s rates were recorded at its sanction or already confirmed"
        )
    for field, value in (("rate_to_shg", rate_to_shg_bp), ("bank_rate", bank_rate_bp)):
        if value is not None and value < 0:
            raise Invalid.field(field, "must not be negative")
    if rate_to_shg_bp is not None:
        facility.rate_bp = rate_to_shg_bp
    if bank_rate_bp is not None:
        facility.bank_rate_bp = bank_rate_bp
    facility.rates_carried_forward = False
    facility.rates_confirmed_by = who.label
    session.flush()
    return facility


def owed(moves: list[FacilityMovement]) -> int:
    return sum(owed_change(m) for m in moves)


def draw(
    session: Session,
    who: Principal,
    facility: Facility,
    amount_paise: int,
    value_date: date,
    via: str = "bank",
    today: date | None = None,
) -> FacilityMovement:
    """Draw on a cash credit, within the lower of its limit and drawing power."""
    _bank_facility(session, who, facility)
    if facility.kind != "cash_credit":
        raise Conflict("a term loan is drawn in full when it is recorded")
    if amount_paise <= 0:
        raise Invalid.field("amount", "must be more than zero")
    if value_date < facility.sanctioned_on:
        raise Invalid.field("value_date", f"is before the sanction ({facility.sanctioned_on})")
    standing = movements(session, facility)
    check_in_date_order(standing, value_date)
    limit = drawing_limit(facility, drawing_powers(session, facility), value_date)
    after = owed(standing) + amount_paise
    if after > limit:
        raise Invalid.field(
            "amount",
            f"would take the balance to {format_inr(after)}, above the limit and drawing power"
            f" of {format_inr(limit)}",
        )
    return _post(
        session, who, facility, "draw", value_date, amount_paise, via, "bank_loan_payable", today
    )


def repay(
    session: Session,
    who: Principal,
    facility: Facility,
    amount_paise: int,
    value_date: date,
    via: str = "bank",
    today: date | None = None,
) -> FacilityMovement:
    """Pay into the loan account; more than is owed is refused."""
    _bank_facility(session, who, facility)
    if amount_paise <= 0:
        raise Invalid.field("amount", "must be more than zero")
    standing = movements(session, facility)
    check_in_date_order(standing, value_date)
    balance = owed(standing)
    if amount_paise > balance:
        raise Invalid.field("amount", f"is more than the {format_inr(balance)} owed to the bank")
    return _post(
        session, who, facility, "repay", value_date, amount_paise, "bank_loan_payable", via, today
    )


def _interest_from(facility: Facility, standing: list[FacilityMovement]) -> date | None:
    """The day after interest was last charged, or the first draw's day."""
    charged = [m.interest_through for m in standing if m.kind == "interest"]
    if charged:
        return max(charged) + timedelta(days=1)
    draws = [m.value_date for m in standing if m.kind == "draw"]
    return min(draws) if draws else None


def bank_rate(facility: Facility) -> int:
    """The bank's own rate on a bank loan (the rate to the SHG where it keeps none apart)."""
    return facility.rate_bp if facility.bank_rate_bp is None else facility.bank_rate_bp


def _split_limit(facility: Facility, day: date) -> int:
    """How much of the balance is charged the SHG's rate on `day`: the scheme's subvented
    limit of that financial year (its first slab)."""
    year = financial_year_of(day)
    scheme = scheme_year(year, facility.state_code)
    if scheme is None:
        raise Conflict(
            f"no interest subvention parameters are kept for FY {year}, so Bahi cannot tell how"
            f" much of the balance is at the SHG's {percent(facility.rate_bp)}% and how much at"
            f" the bank's {percent(bank_rate(facility))}%: give the bank's figure as"
            " `amount`"
        )
    return scheme.subvented_limit_paise


def day_interest(facility: Facility, balance_paise: int, day: date) -> Fraction:
    """A day's interest on the balance owed at its end, exact: the SHG's rate on the part
    within the scheme's limit, the bank's rate on the rest (one rate when they are equal)."""
    owed, bank = max(balance_paise, 0), bank_rate(facility)
    if bank == facility.rate_bp:
        return Fraction(owed * bank, 10_000 * DAYS_IN_YEAR)
    within = min(owed, _split_limit(facility, day))
    return Fraction(within * facility.rate_bp + (owed - within) * bank, 10_000 * DAYS_IN_YEAR)


def accrued_interest(
    facility: Facility, standing: list[FacilityMovement], through: date
) -> tuple[date | None, int]:
    """Interest on the balance at the end of each day from where it was last charged through
    `through` (`day_interest`: a year of 365 days), rounded half up once."""
    start = _interest_from(facility, standing)
    if start is None or start > through:
        return start, 0
    daily = daily_balances(standing, start, through)
    exact = sum(
        (day_interest(facility, b, start + timedelta(days=i)) for i, b in enumerate(daily)),
        Fraction(0),
    )
    return start, round_half_up(exact)


def charge_interest(
    session: Session,
    who: Principal,
    facility: Facility,
    through: date,
    amount_paise: int | None = None,
    today: date | None = None,
) -> FacilityMovement:
    """Record the interest the bank debited to the loan account for the days up to `through`.
    Without an amount, Bahi computes it; with one (from the bank's statement), that is kept."""
    _bank_facility(session, who, facility)
    standing = movements(session, facility)
    check_in_date_order(standing, through, field="through")
    start = _interest_from(facility, standing)
    if start is None:
        raise Conflict(f"facility {facility.id} has not been drawn")
    if start > through:
        raise Invalid.field(
            "through", f"interest is already charged through {start - timedelta(days=1)}"
        )
    amount = (
        accrued_interest(facility, standing, through)[1] if amount_paise is None else amount_paise
    )
    if amount <= 0:
        raise Invalid.field("amount", "no interest is due for these days; nothing to charge")
    return _post(
        session,
        who,
        facility,
        "interest",
        through,
        amount,
        "bank_loan_interest",
        "bank_loan_payable",
        today,
        interest_through=through,
    )


@dataclass(frozen=True)
class BankLoanPosition:
    facility: Facility
    as_of: date
    owed_paise: int
    drawn_paise: int
    interest_charged_paise: int
    repaid_paise: int
    drawing_limit_paise: int
    available_paise: int
    # Term loan: days past due. Cash credit: days out of order so far, the longer of its days
    # over the drawing limit and its days without a credit.
    days_past_due: int
    days_over_limit: int  # cash credit
    days_without_credit: int  # cash credit
    classification: str  # "standard", "SMA-0", "SMA-1", "SMA-2", "NPA"
    classified_since: date | None
    reason: str
    status: str  # "active", "closed", "cancelled", "sanctioned"
    history: list[ClassPeriod]


def position(session: Session, facility: Facility, as_of: date) -> BankLoanPosition:
    """The loan at the day-end of `as_of`: balances, and its classification with the history
    that led to it (`bank_classification.py`)."""
    every = movements(session, facility)
    moves = [m for m in every if m.value_date <= as_of]
    balance = owed(moves)
    limit = drawing_limit(facility, drawing_powers(session, facility), as_of)
    if facility.kind == "term":
        if not any(m.kind == "draw" for m in every):
            status = "cancelled"
        else:
            status = "closed" if balance == 0 and moves else "active"
    else:
        status = "active" if moves else "sanctioned"
    ends = list(day_ends(session, facility, as_of, standing=every))
    history = periods(ends)
    last = ends[-1] if ends else None
    running = status in ("active", "sanctioned") and last is not None
    return BankLoanPosition(
        facility=facility,
        as_of=as_of,
        owed_paise=balance,
        drawn_paise=sum(m.principal_paise for m in moves if m.kind == "draw"),
        interest_charged_paise=sum(m.interest_paise for m in moves if m.kind == "interest"),
        repaid_paise=sum(m.principal_paise for m in moves if m.kind in CREDITS),
        drawing_limit_paise=limit,
        available_paise=max(limit - balance, 0) if facility.kind == "cash_credit" else 0,
        days_past_due=(
            0
            if last is None
            else max(last.days_past_due, last.days_over_limit, last.days_without_credit)
        ),
        days_over_limit=last.days_over_limit if last else 0,
        days_without_credit=last.days_without_credit if last else 0,
        classification=last.label if running and last else "standard",
        classified_since=history[-1].start if history else None,
        reason=last.reason if last else "not drawn",
        status=status,
        history=history,
    )
