"""Interest subvention on SHG bank loans under DAY-NRLM: what is due, the bank's claim, and
the incentive when it arrives.

Per loan and per calendar month, on the balance owed at the end of each day (the scheme
computes on daily outstanding balances), with that month's financial-year parameters
(`models/subvention_years/`, each figure with its source; RBI/2017-18/80 of 18 Oct 2017 and the
yearly DAY-NRLM guidelines):
- each slab takes the part of the balance that falls inside it;
- category I district: the SHG is charged the scheme rate on the first slab (the loan's
  `rate_bp`, its rate to the SHG) and the bank claims the excess of its own rate (the loan's
  `bank_rate_bp`: its weighted average interest charge or lending rate) over the scheme rate,
  capped (5.5%), or a slab's flat rate; a prompt payer's further subvention (3%) on the first
  slab is credited to her loan account, and the bank claims it too;
- category II district: nothing is due to the bank; a prompt payer is reimbursed, through the
  state mission, the excess of the rate she was charged over the scheme rate on the first
  slab, capped.
Amounts are exact fractions of a paisa per day, summed over the month and rounded half up
once per loan and month; a year counts 365 days.

Prompt payer, judged over the claim period as the year file defines it, counting only the
SHG's own credits (an incentive the bank credits is not one): a term loan is prompt when on
no day-end of the period anything was more than the allowed days past due (so a default
before the period does not count against it, and one carried into it does); a cash credit
when it was never over its drawing limit for more than the allowed days in a row during the
period and took a credit in every month of it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.formats import percent
from app.services.federation.institutions import can_read_institution, writable_institution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.journal import reversed_clause
from app.services.ledger.posting import EntryDraft, post_entry
from app.services.lending.bank_classification import day_ends, first_draw
from app.services.lending.bank_loans import bank_rate, owed
from app.services.lending.facilities import check_in_date_order, daily_balances, movements
from app.services.shared.errors import Conflict, Forbidden, Invalid, renamed
from app.services.shared.principal import Principal
from models.capital import Facility, FacilityMovement
from models.institutions import BankBranch, Institution, InstitutionKind
from models.money import format_rupees
from models.schedule import round_half_up
from models.subvention import SchemeYear, SubventionReceipt, financial_year_of, scheme_year

DAYS_IN_YEAR = 365
MAX_PERIOD_DAYS = 366
OWN_CREDITS = frozenset({"repay"})  # the SHG's own credits ("customer induced")


@dataclass(frozen=True)
class MonthSubvention:
    facility: Facility
    shg: Institution
    branch: BankBranch
    category: str  # "I" or "II"
    month_start: date
    month_end: date
    average_outstanding_paise: int  # of the balance owed, over the month's days
    prompt: bool
    due_to_bank_paise: int  # interest subvention the bank claims
    incentive_paise: int  # the prompt-repayment incentive due to the SHG
    incentive_route: str  # "loan_account" (category I) or "state_mission" (category II)


def _months(start: date, end: date) -> list[tuple[date, date]]:
    spans, day = [], start
    while day <= end:
        next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        spans.append((day, min(end, next_month - timedelta(days=1))))
        day = next_month
    return spans


def district_code(session: Session, shg: Institution) -> str | None:
    ids = [int(part) for part in shg.path.strip("/").split("/")]
    district = session.scalar(
        select(Institution).where(
            Institution.id.in_(ids),
            Institution.state_code == shg.state_code,
            Institution.kind == InstitutionKind.DISTRICT.value,
        )
    )
    return district.code if district else None


def _scheme(day: date, state_code: str | None) -> SchemeYear:
    year = financial_year_of(day)
    scheme = scheme_year(year, state_code)
    if scheme is None:
        raise Invalid.field("period", f"no subvention parameters are kept for FY {year}")
    return scheme


def _slab_part(balance: int, low: int, high: int) -> int:
    return max(0, min(balance, high) - low)


def _month_amounts(
    scheme: SchemeYear, facility: Facility, category: str, prompt: bool, balances: list[int]
) -> tuple[int, int]:
    """(due to the bank, incentive to the SHG) for one month of daily balances."""
    # Category I: the bank's claim rests on its own rate; category II: the SHG is reimbursed
    # on the rate she was charged.
    base = bank_rate(facility) if category == "I" else facility.rate_bp
    excess = max(base - scheme.scheme_rate_bp, 0)
    bank, incentive = Fraction(0), Fraction(0)
    for balance in balances:
        for index, slab in enumerate(scheme.slabs):
            part = _slab_part(balance, slab.from_paise, slab.to_paise)
            if not part or (slab.category_i_only and category != "I"):
                continue
            rate = slab.flat_bp if slab.flat_bp is not None else min(excess, slab.cap_bp or 0)
            if category == "I":
                bank += part * rate
                if prompt and index == 0:
                    incentive += part * scheme.prompt_additional_bp
            elif prompt and index == 0:
                incentive += part * rate
    per_day = 10_000 * DAYS_IN_YEAR
    return round_half_up(bank / per_day), round_half_up(incentive / per_day)


def _credited_every_month(moves: list[FacilityMovement], start: date, end: date) -> bool:
    """A credit of the SHG's own in every month of the period from the first draw on."""
    drawn = first_draw(moves)
    if drawn is None or drawn > end:
        return False
    credited = {(m.value_date.year, m.value_date.month) for m in moves if m.kind in OWN_CREDITS}
    return all((m.year, m.month) in credited for m, _ in _months(max(start, drawn), end))


def _prompt(
    session: Session, facility: Facility, moves: list[FacilityMovement], start: date, end: date
) -> bool:
    scheme = _scheme(end, facility.state_code)
    ends = [d for d in day_ends(session, facility, end, OWN_CREDITS, moves) if d.day >= start]
    if facility.kind == "term":
        return all(d.days_past_due <= scheme.prompt_grace_days for d in ends)
    if any(d.days_over_limit > scheme.cash_credit_max_days_over_limit for d in ends):
        return False
    return not scheme.cash_credit_credit_every_month or _credited_every_month(moves, start, end)


def is_prompt(session: Session, facility: Facility, start: date, end: date) -> bool:
    """Whether the loan counts as a prompt payer over the claim period `start`..`end`."""
    return _prompt(session, facility, movements(session, facility, end), start, end)


def district_category(session: Session, shg: Institution, day: date) -> str:
    """ "I" or "II": the SHG's district category in the scheme year of `day`."""
    scheme = _scheme(day, shg.state_code)
    return "I" if district_code(session, shg) in scheme.category_i_districts else "II"


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise Invalid.field("to", "must not be before from")
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise Invalid.field("to", f"a claim period covers at most {MAX_PERIOD_DAYS} days")


def loan_subvention(
    session: Session, facility: Facility, start: date, end: date
) -> list[MonthSubvention]:
    """Month by month, what is due on one bank loan for the period, prompt status judged over
    the whole period."""
    _check_period(start, end)
    shg = session.get_one(Institution, facility.borrower_id)
    branch = session.get_one(BankBranch, facility.branch_id)
    category = district_category(session, shg, end)
    moves = movements(session, facility, end)
    prompt = _prompt(session, facility, moves, start, end)
    rows = []
    for month_start, month_end in _months(start, end):
        balances = daily_balances(moves, month_start, month_end)
        bank, incentive = _month_amounts(
            _scheme(month_start, facility.state_code), facility, category, prompt, balances
        )
        rows.append(
            MonthSubvention(
                facility,
                shg,
                branch,
                category,
                month_start,
                month_end,
                round_half_up(Fraction(sum(balances), len(balances))),
                prompt,
                bank,
                incentive,
                "loan_account" if category == "I" else "state_mission",
            )
        )
    return rows


def _claimable(session: Session, who: Principal, bank_id: int) -> list[Facility]:
    if who.bank_id is not None and who.bank_id != bank_id:
        raise Forbidden("a bank's tokens read only that bank's claims")
    facilities = session.scalars(
        select(Facility)
        .join(BankBranch, BankBranch.id == Facility.branch_id)
        .where(Facility.fund == "bank", BankBranch.bank_id == bank_id)
        .order_by(Facility.id)
    )
    return [
        f
        for f in facilities
        if who.bank_id == bank_id or can_read_institution(session, who, f.borrower_id)
    ]


def claim(
    session: Session, who: Principal, bank_id: int, start: date, end: date
) -> list[MonthSubvention]:
    """The claim report of one bank for a period: every loan of that bank the reader may
    see, month by month; loans with nothing due are left out."""
    _check_period(start, end)
    rows = []
    for facility in _claimable(session, who, bank_id):
        for row in loan_subvention(session, facility, start, end):
            if row.due_to_bank_paise or row.incentive_paise:
                rows.append(row)
    return rows


CSV_COLUMNS = (
    "bank_ifsc",
    "branch",
    "loan_account",
    "shg_id",
    "shg_name",
    "district_category",
    "month",
    "average_outstanding",
    "lending_rate",
    "rate_to_shg",
    "prompt_payer",
    "subvention_due_to_bank",
    "prompt_incentive",
    "incentive_route",
)


def claim_csv(rows: list[MonthSubvention]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        writer.writerow(
            (
                r.branch.ifsc,
                r.branch.name,
                r.facility.account_number,
                r.shg.id,
                r.shg.name,
                r.category,
                r.month_start.strftime("%Y-%m"),
                format_rupees(r.average_outstanding_paise),
                percent(bank_rate(r.facility)),
                percent(r.facility.rate_bp),
                "Y" if r.prompt else "N",
                format_rupees(r.due_to_bank_paise),
                format_rupees(r.incentive_paise),
                r.incentive_route,
            )
        )
    return out.getvalue()


@dataclass(frozen=True)
class NewReceipt:
    facility_id: int
    period_start: date
    period_end: date
    amount_paise: int
    value_date: date
    credited_to: str | None = None  # defaults by category: loan account (I) or bank (II)


def receive_incentive(
    session: Session, who: Principal, facility: Facility, new: NewReceipt, today: date | None = None
) -> SubventionReceipt:
    """Post a prompt-repayment incentive when it arrives: credited to the loan account
    (Dr bank loan payable) or into the SHG's bank account (Dr bank); Cr subvention income.
    A period's incentive is received once."""
    writable_institution(session, who, facility.borrower_id)
    if facility.fund != "bank":
        raise Invalid.field("facility_id", "incentives are received on bank loans")
    if new.amount_paise <= 0:
        raise Invalid.field("amount", "must be more than zero")
    _check_period(new.period_start, new.period_end)
    if new.value_date < new.period_end:
        raise Invalid.field("value_date", "an incentive is received after its period ends")
    earlier = session.scalar(
        select(SubventionReceipt.entry_id).where(
            SubventionReceipt.facility_id == facility.id,
            SubventionReceipt.state_code == facility.state_code,
            SubventionReceipt.period_start <= new.period_end,
            SubventionReceipt.period_end >= new.period_start,
            ~reversed_clause(SubventionReceipt.entry_id),
        )
    )
    if earlier is not None:
        raise Conflict(
            f"an incentive for an overlapping period is already recorded (entry {earlier})"
        )
    shg = session.get_one(Institution, facility.borrower_id)
    category = district_category(session, shg, new.period_end)
    credited_to = new.credited_to or ("loan_account" if category == "I" else "bank")
    if credited_to not in ("loan_account", "bank"):
        raise Invalid.field("credited_to", 'must be "loan_account" or "bank"')
    standing = movements(session, facility)
    if credited_to == "loan_account" and new.amount_paise > owed(standing):
        raise Invalid.field("amount", "is more than the loan account owes")
    if credited_to == "loan_account":
        check_in_date_order(standing, new.value_date)
    book = book_of(session, shg.id)
    debit = "bank_loan_payable" if credited_to == "loan_account" else "bank"
    draft = EntryDraft.transfer(
        book.id,
        new.value_date,
        f"Interest subvention incentive {new.period_start} to {new.period_end},"
        f" loan {facility.account_number}"[:500],
        account_by_role(session, book.id, debit).id,
        account_by_role(session, book.id, "subvention_income").id,
        new.amount_paise,
    )
    try:
        entry = post_entry(session, who, draft, today)
    except Invalid as error:
        raise renamed(error, {"postings": "amount"}) from None
    if credited_to == "loan_account":
        session.add(
            FacilityMovement(
                entry_id=entry.id,
                state_code=facility.state_code,
                facility_id=facility.id,
                kind="incentive",
                value_date=new.value_date,
                principal_paise=new.amount_paise,
                interest_through=new.value_date,
                created_by=who.label,
            )
        )
    receipt = SubventionReceipt(
        entry_id=entry.id,
        state_code=facility.state_code,
        facility_id=facility.id,
        period_start=new.period_start,
        period_end=new.period_end,
        amount_paise=new.amount_paise,
        credited_to=credited_to,
        created_by=who.label,
    )
    session.add(receipt)
    session.flush()
    return receipt
