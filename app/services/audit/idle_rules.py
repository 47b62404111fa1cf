"""Idle-fund rules and the report's schedule: data an admin edits, read by every run."""

from __future__ import annotations

from dataclasses import dataclass, fields
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.shared.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    NotFound,
    require_no_problems,
)
from app.services.shared.principal import Principal
from models.idle import IDLE_FUNDS, IDLE_LEVELS, RULE_KINDS, AuditSchedule, IdleRule


@dataclass(frozen=True)
class RuleFields:
    """A rule's editable fields; None leaves a field as it is when updating."""

    level: str | None = None
    fund: str | None = None
    kind: str | None = None
    min_balance_paise: int | None = None
    days: int | None = None
    max_utilisation_bp: int | None = None
    token_outflow_bp: int | None = None
    active: bool | None = None


def _admin(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("only an admin changes idle-fund rules and the schedule")


def _problems(rule: IdleRule) -> list[FieldProblem]:
    problems = []
    for name, allowed in (("level", IDLE_LEVELS), ("fund", IDLE_FUNDS), ("kind", RULE_KINDS)):
        if getattr(rule, name) not in allowed:
            problems.append(FieldProblem(name, f"must be one of {', '.join(allowed)}"))
    if rule.min_balance_paise is None or rule.min_balance_paise < 0:
        problems.append(FieldProblem("min_balance", "must be zero or more"))
    if rule.days is None or not 1 <= rule.days <= 3650:
        problems.append(FieldProblem("days", "must be 1 to 3650"))
    if rule.kind == "low_utilisation":
        if rule.max_utilisation_bp is None or not 0 < rule.max_utilisation_bp <= 10_000:
            problems.append(
                FieldProblem("max_utilisation_percent", "a low-utilisation rule needs 0 to 100")
            )
        if rule.fund == "own":
            problems.append(FieldProblem("fund", "own funds have no utilisation; use no_outflow"))
    elif rule.max_utilisation_bp is not None:
        problems.append(
            FieldProblem("max_utilisation_percent", "only a low_utilisation rule has one")
        )
    if not 0 <= (rule.token_outflow_bp or 0) <= 10_000:
        problems.append(FieldProblem("token_outflow_percent", "must be 0 to 100"))
    elif rule.kind != "no_outflow" and rule.token_outflow_bp:
        problems.append(FieldProblem("token_outflow_percent", "only a no_outflow rule has one"))
    return problems


def _apply(rule: IdleRule, changes: RuleFields) -> None:
    for f in fields(changes):
        value = getattr(changes, f.name)
        if value is not None:
            setattr(rule, f.name, value)
    if rule.kind == "no_outflow":
        rule.max_utilisation_bp = None
    elif changes.token_outflow_bp is None:
        rule.token_outflow_bp = 0  # a rule turned to low_utilisation drops its token share
    if rule.token_outflow_bp is None:
        rule.token_outflow_bp = 0


def rules(session: Session) -> list[IdleRule]:
    return list(session.scalars(select(IdleRule).order_by(IdleRule.id)))


def create_rule(session: Session, who: Principal, code: str, new: RuleFields) -> IdleRule:
    _admin(who)
    if session.scalar(select(IdleRule.id).where(IdleRule.code == code)) is not None:
        raise Conflict(f"a rule {code!r} exists already")
    rule = IdleRule(code=code, active=True, created_by=who.label, updated_by=who.label)
    _apply(rule, new)
    require_no_problems(_problems(rule), "the rule cannot be saved")
    session.add(rule)
    session.flush()
    return rule


def update_rule(session: Session, who: Principal, rule_id: int, changes: RuleFields) -> IdleRule:
    _admin(who)
    rule = session.get(IdleRule, rule_id)
    if rule is None:
        raise NotFound(f"rule {rule_id} not found")
    _apply(rule, changes)
    require_no_problems(_problems(rule), "the rule cannot be saved")
    rule.stamp(who.label)
    session.flush()
    return rule


def schedule(session: Session) -> AuditSchedule:
    return session.get_one(AuditSchedule, 1)


def set_schedule(
    session: Session, who: Principal, day: int, hour: int, minute: int, timezone: str, active: bool
) -> AuditSchedule:
    _admin(who)
    problems = []
    if not 1 <= day <= 28:
        problems.append(FieldProblem("day", "must be 1 to 28, so every month has it"))
    if not 0 <= hour <= 23:
        problems.append(FieldProblem("hour", "must be 0 to 23"))
    if not 0 <= minute <= 59:
        problems.append(FieldProblem("minute", "must be 0 to 59"))
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(FieldProblem("timezone", f"unknown time zone {timezone!r}"))
    require_no_problems(problems, "the schedule cannot be saved")
    row = schedule(session)
    row.day, row.hour, row.minute, row.timezone, row.active = day, hour, minute, timezone, active
    row.stamp(who.label)
    session.flush()
    return row
