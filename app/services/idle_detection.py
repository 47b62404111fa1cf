"""Finding idle funds: every active rule applied to every institution of its level in a scope,
as of a date, from grouped SQL over the books (never by loading postings into Python).

Figures per institution and fund come from fund utilisation (`utilisation.funds_of`): the
balance of a capital fund is its idle figure (received, less returned, granted and lent, plus
repaid). Own funds are what the institution holds in cash and bank beyond the capital funds'
idle balances; their last outflow is the last payment out of cash or bank.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.formats import indian_date, percent
from app.services.utilisation import FundUtilisation, Parties, cash_and_bank, funds_of
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
        return (
            f"rule {rule.code}: at least {format_inr(rule.min_balance_paise)} with no on-lending"
            f" or disbursement for {rule.days} days"
        )
    return (
        f"rule {rule.code}: utilisation below {percent(rule.max_utilisation_bp or 0)}%"
        f" on the run date and {rule.days} days before"
    )


def _no_outflow(rule: IdleRule, now: FundState, as_of: date) -> tuple[int, str] | None:
    since = now.idle_since()
    if since is None or now.balance_paise <= 0 or now.balance_paise < rule.min_balance_paise:
        return None
    days = (as_of - since).days
    if days < rule.days:
        return None
    name = FUND_NAMES[now.fund]
    moved = (
        f"since the last on-lending or disbursement on {indian_date(now.last_outflow_on)}"
        if now.last_outflow_on
        else f"since it was received on {indian_date(since)}, never lent or disbursed"
    )
    return days, (
        f"{name} balance of {format_inr(now.balance_paise)} has not moved for {days} days,"
        f" {moved} ({_rule_words(rule)})."
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
        paths = _paths(session, {i for i, _ in now_states})
        for rule in (r for r in rules if r.level == level):
            for (institution_id, fund), now in now_states.items():
                if fund != rule.fund:
                    continue
                if rule.kind == "no_outflow":
                    hit = _no_outflow(rule, now, as_of)
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
                        paths[institution_id],
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


def _paths(session: Session, ids: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):  # keeps each IN list a sane size
        query = select(Institution.id, Institution.path).where(
            Institution.id.in_(ordered[start : start + 5000])
        )
        found |= {i: path for i, path in session.execute(query)}
    return found
