"""Finding idle funds: every active rule applied to every institution of its level in a scope,
as of a date, from grouped SQL over the books (never by loading postings into Python).

Figures per institution and fund come from fund utilisation (`utilisation.funds_of`): the
balance of a capital fund is its idle figure (received, less returned, granted and lent, plus
repaid). Own funds are what the institution holds in cash and bank beyond the capital funds'
idle balances; their last outflow is the last payment out of cash or bank.

The idle clock of a `no_outflow` rule runs from the last day money left the fund in earnest:
a day whose outflows (`outflow_days`) are below the rule's token share of the fund's balance
on the run date does not count. With a share of 5% and ₹9,90,000 held, lending ₹10,000 (1%)
leaves the clock running from the day before; lending ₹1,00,000 stops it. With no day that
counts, the clock runs from the day the fund first received money. A share of 0 counts every
outflow (for own funds, every day money left cash and bank on net: moving cash to the bank is
not an outflow). Only funds the rule could flag are looked at this closely (balance at least
the rule's minimum, something paid out).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.formats import indian_date, percent
from app.services.audit.outflow_days import Days, outflow_days
from app.services.capital.utilisation import FundUtilisation, Parties, cash_and_bank, funds_of
from models.idle import IdleRule
from models.institutions import Institution, Status
from models.money import format_inr

# The capital funds of utilisation that idle rules name ("own" is computed apart).
CAPITAL_FUNDS = frozenset({"cif", "revolving_fund", "startup_fund", "vrf"})
FUND_NAMES = {
    "cif": "CIF",
    "revolving_fund": "Revolving Fund",
    "startup_fund": "Start-up Fund",
    "vrf": "VRF",
    "own": "Own funds",
}


@dataclass(frozen=True)
class FundState:
    """One fund of one institution as of a date."""

    institution_id: int
    fund: str
    balance_paise: int
    last_outflow_on: date | None
    first_inflow_on: date | None
    utilisation_bp: int | None

    def idle_since(self) -> date | None:
        return self.last_outflow_on or self.first_inflow_on


@dataclass(frozen=True)
class Finding:
    rule: IdleRule
    institution_id: int
    path: str
    state_code: str  # the institution's: its flag is kept in its state
    fund: str
    balance_paise: int
    days_idle: int
    idle_since: date
    utilisation_bp: int | None
    last_outflow_on: date | None
    reason: str


def _at_level(scope_path: str, level: str) -> Parties:
    members = select(Institution.id).where(
        Institution.path.startswith(scope_path, autoescape=True),
        Institution.kind == level,
        Institution.status != Status.CLOSED.value,
    )
    return lambda column: column.in_(members)


def fund_states(
    session: Session, scope_path: str, level: str, as_of: date
) -> dict[tuple[int, str], FundState]:
    """Every fund idle rules can name, of every open institution of `level` in the scope."""
    parties = _at_level(scope_path, level)
    figures: dict[tuple[int, str], FundUtilisation] = funds_of(session, parties, as_of)
    states: dict[tuple[int, str], FundState] = {}
    held_in_funds: dict[int, int] = defaultdict(int)
    for (institution_id, fund), f in figures.items():
        held_in_funds[institution_id] += max(f.idle_paise, 0)
        if fund in CAPITAL_FUNDS:
            states[(institution_id, fund)] = FundState(
                institution_id,
                fund,
                f.idle_paise,
                f.last_outflow_on,
                f.first_inflow_on,
                f.utilisation_bp,
            )
    for institution_id, (held, last_out, first_in) in cash_and_bank(
        session, parties, as_of
    ).items():
        own = max(held - held_in_funds[institution_id], 0)
        states[(institution_id, "own")] = FundState(
            institution_id, "own", own, last_out, first_in, None
        )
    return states


def _rule_words(rule: IdleRule) -> str:
    if rule.kind == "no_outflow":
        token = (
            f", outflows under {percent(rule.token_outflow_bp)}% of the balance not counting"
            if rule.token_outflow_bp
            else ""
        )
        return (
            f"rule {rule.code}: at least {format_inr(rule.min_balance_paise)} with no on-lending"
            f" or disbursement for {rule.days} days{token}"
        )
    return (
        f"rule {rule.code}: utilisation below {percent(rule.max_utilisation_bp or 0)}%"
        f" on the run date and {rule.days} days before"
    )


def _may_flag(rule: IdleRule, now: FundState) -> bool:
    return now.balance_paise > 0 and now.balance_paise >= rule.min_balance_paise


def counted_outflow(
    rule: IdleRule, now: FundState, days: list[tuple[date, int]]
) -> tuple[FundState, list[tuple[date, int]]]:
    """The fund as the rule sees it: its last outflow the latest day (of `days`, latest
    first) that moved at least the token share of the balance; and the smaller days after."""
    smaller = []
    for day, amount in days:
        if amount > 0 and amount * 10_000 >= rule.token_outflow_bp * now.balance_paise:
            return replace(now, last_outflow_on=day), smaller
        smaller.append((day, amount))
    return replace(now, last_outflow_on=None), smaller


def _smaller_words(rule: IdleRule, smaller: list[tuple[date, int]]) -> str:
    if not smaller:
        return ""
    shown = ", ".join(f"{format_inr(a)} on {indian_date(d)}" for d, a in smaller[:3])
    more = f" and {len(smaller) - 3} more" if len(smaller) > 3 else ""
    return (
        f"; smaller outflows since, under {percent(rule.token_outflow_bp)}% of the balance,"
        f" do not count: {shown}{more}"
    )


def _no_outflow(
    rule: IdleRule, now: FundState, as_of: date, smaller: list[tuple[date, int]]
) -> tuple[int, str] | None:
    since = now.idle_since()
    if since is None or not _may_flag(rule, now):
        return None
    days = (as_of - since).days
    if days < rule.days:
        return None
    name = FUND_NAMES[now.fund]
    moved = (
        f"since the last on-lending or disbursement on {indian_date(now.last_outflow_on)}"
        if now.last_outflow_on
        else f"since it was received on {indian_date(since)}, never lent or disbursed"
        if not smaller
        else f"since it was received on {indian_date(since)}"
    )
    return days, (
        f"{name} balance of {format_inr(now.balance_paise)} has not moved for {days} days,"
        f" {moved}{_smaller_words(rule, smaller)} ({_rule_words(rule)})."
    )


def _low_utilisation(
    rule: IdleRule, now: FundState, then: FundState | None, as_of: date
) -> tuple[int, str] | None:
    limit = rule.max_utilisation_bp or 0
    if now.utilisation_bp is None or now.utilisation_bp >= limit:
        return None
    if then is None or then.utilisation_bp is None or then.utilisation_bp >= limit:
        return None
    if now.balance_paise < rule.min_balance_paise:
        return None
    since = now.idle_since() or as_of
    earlier = as_of - timedelta(days=rule.days)
    return (as_of - since).days, (
        f"{FUND_NAMES[now.fund]} utilisation is {percent(now.utilisation_bp)}%"
        f" on {indian_date(as_of)}"
        f" and was {percent(then.utilisation_bp)}% on {indian_date(earlier)};"
        f" {format_inr(now.balance_paise)} is held unused ({_rule_words(rule)})."
    )


def _judge_no_outflow(
    rule: IdleRule, now: FundState, as_of: date, outflows: Days
) -> tuple[FundState, tuple[int, str] | None]:
    """The fund as the rule sees it (its clock from the last outflow that counts), and what
    the rule finds."""
    if now.last_outflow_on is None or not _may_flag(rule, now):
        return now, _no_outflow(rule, now, as_of, [])
    seen, smaller = counted_outflow(rule, now, outflows.get((now.institution_id, now.fund), []))
    return seen, _no_outflow(rule, seen, as_of, smaller)


def find_idle(
    session: Session, scope_path: str, as_of: date, rules: list[IdleRule]
) -> tuple[list[Finding], int]:
    """What every rule finds in the scope as of the date, and how many funds were looked at."""
    findings: list[Finding] = []
    scanned = 0
    cache: dict[tuple[str, date], dict[tuple[int, str], FundState]] = {}

    def states(level: str, day: date) -> dict[tuple[int, str], FundState]:
        if (level, day) not in cache:
            cache[(level, day)] = fund_states(session, scope_path, level, day)
        return cache[(level, day)]

    for level in sorted({r.level for r in rules}):
        now_states = states(level, as_of)
        scanned += len(now_states)
        places = _places(session, {i for i, _ in now_states})
        at_level = [r for r in rules if r.level == level]
        outflows = outflow_days(session, _paid_out(at_level, now_states), as_of)
        for rule in at_level:
            for (institution_id, fund), now in now_states.items():
                if fund != rule.fund:
                    continue
                if rule.kind == "no_outflow":
                    now, hit = _judge_no_outflow(rule, now, as_of, outflows)
                else:
                    then = states(level, as_of - timedelta(days=rule.days)).get(
                        (institution_id, fund)
                    )
                    hit = _low_utilisation(rule, now, then, as_of)
                if hit is None:
                    continue
                days, reason = hit
                findings.append(
                    Finding(
                        rule,
                        institution_id,
                        *places[institution_id],
                        fund,
                        now.balance_paise,
                        days,
                        now.idle_since() or as_of,
                        now.utilisation_bp,
                        now.last_outflow_on,
                        reason,
                    )
                )
    return findings, scanned


def _paid_out(
    rules: list[IdleRule], states: dict[tuple[int, str], FundState]
) -> set[tuple[int, str]]:
    """The funds whose outflow days a no_outflow rule needs: those it could flag that have
    paid something out."""
    return {
        key
        for rule in rules
        if rule.kind == "no_outflow"
        for key, now in states.items()
        if key[1] == rule.fund and now.last_outflow_on is not None and _may_flag(rule, now)
    }


def _places(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """Each institution's path and state."""
    found: dict[int, tuple[str, str]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):  # keeps each IN list a sane size
        query = select(Institution.id, Institution.path, Institution.state_code).where(
            Institution.id.in_(ordered[start : start + 5000])
        )
        found |= {i: (path, state) for i, path, state in session.execute(query)}
    return found
