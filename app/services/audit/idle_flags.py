"""The auditor's work on idle-fund flags: listing with filters, a flag's history, and moving
it on. Nothing is deleted: every status change is an event with who, when and a note.

Auditors move flags in their district or state; a bookkeeper may answer a flag on her own
CLF's tree (mark it explained, with a note), which is what auditors then resolve or escalate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.access import Role
from models.base import utcnow
from models.idle import (
    FLAG_STATUSES,
    IDLE_FUNDS,
    AuditRun,
    IdleFlag,
    IdleFlagEvent,
    IdleObservation,
    IdleRule,
)
from models.institutions import Institution

# Which status may follow which; resolved is the end.
NEXT_STATUS = {
    "open": ("acknowledged", "explained", "resolved", "escalated"),
    "acknowledged": ("explained", "resolved", "escalated"),
    "explained": ("resolved", "escalated", "acknowledged"),
    "escalated": ("explained", "resolved"),
    "resolved": (),
}
NOTE_REQUIRED = frozenset({"explained", "resolved", "escalated"})
BOOKKEEPER_MAY = frozenset({"explained"})
MAX_NOTE = 2000


@dataclass(frozen=True)
class FlagFilter:
    """Every filter is optional; `under` is an institution id (a state, district or CLF)."""

    under: int | None = None
    fund: str | None = None
    rule: str | None = None  # the rule's code
    status: str | None = None
    ongoing: bool | None = None  # True: still idle; False: closed by a run
    min_days_idle: int | None = None
    run_id: int | None = None  # flags a run saw

    def problems(self) -> list[tuple[str, str]]:
        out = []
        if self.fund is not None and self.fund not in IDLE_FUNDS:
            out.append(("fund", f"must be one of {', '.join(IDLE_FUNDS)}"))
        if self.status is not None and self.status not in FLAG_STATUSES:
            out.append(("status", f"must be one of {', '.join(FLAG_STATUSES)}"))
        return out


@dataclass(frozen=True)
class FlagDetail:
    flag: IdleFlag
    institution: Institution
    rule: IdleRule
    events: list[IdleFlagEvent]


def _may_read(who: Principal) -> None:
    if who.role is Role.BANK_PARTNER:
        raise Forbidden("bank partner tokens may not read audit flags")


def filtered(session: Session, who: Principal, f: FlagFilter) -> Select[tuple[IdleFlag]]:
    """The flags the reader may see that pass the filter, as a query (lists and exports)."""
    _may_read(who)
    for field, reason in f.problems():
        raise Invalid.field(field, reason)
    query = select(IdleFlag)
    prefix = who.read_prefix()
    if prefix is not None:
        query = query.where(IdleFlag.path.startswith(prefix, autoescape=True))
    if f.under is not None:
        under = session.get(Institution, f.under)
        if under is None or not who.can_read(under.path):
            raise NotFound(f"institution {f.under} not found")
        query = query.where(IdleFlag.path.startswith(under.path, autoescape=True))
    if f.fund is not None:
        query = query.where(IdleFlag.fund == f.fund)
    if f.rule is not None:
        query = query.join(IdleRule, IdleRule.id == IdleFlag.rule_id).where(IdleRule.code == f.rule)
    if f.status is not None:
        query = query.where(IdleFlag.status == f.status)
    if f.ongoing is not None:
        closed = IdleFlag.closed_run_id.is_not(None)
        query = query.where(~closed if f.ongoing else closed)
    if f.min_days_idle is not None:
        query = query.where(IdleFlag.days_idle >= f.min_days_idle)
    if f.run_id is not None:
        seen = select(IdleObservation.flag_id).where(IdleObservation.run_id == f.run_id)
        query = query.where(IdleFlag.id.in_(seen))
    return query


def flags(
    session: Session, who: Principal, f: FlagFilter, after: int | None, limit: int
) -> Page[IdleFlag]:
    return fetch_page(session, filtered(session, who, f), IdleFlag.id, after, limit)


def readable_flag(session: Session, who: Principal, flag_id: int) -> IdleFlag:
    _may_read(who)
    flag = session.get(IdleFlag, flag_id)
    if flag is None or not who.can_read(flag.path):
        raise NotFound(f"flag {flag_id} not found")
    return flag


def detail(session: Session, who: Principal, flag_id: int) -> FlagDetail:
    flag = readable_flag(session, who, flag_id)
    events = list(
        session.scalars(
            select(IdleFlagEvent).where(IdleFlagEvent.flag_id == flag.id).order_by(IdleFlagEvent.id)
        )
    )
    return FlagDetail(
        flag,
        session.get_one(Institution, flag.institution_id),
        session.get_one(IdleRule, flag.rule_id),
        events,
    )


def move(
    session: Session, who: Principal, flag_id: int, status: str, note: str | None
) -> FlagDetail:
    """Move a flag to its next status with a note; the step is kept as an event."""
    flag = readable_flag(session, who, flag_id)
    note = (note or "").strip() or None
    if status not in FLAG_STATUSES:
        raise Invalid.field("status", f"must be one of {', '.join(FLAG_STATUSES)}")
    if who.role is Role.BOOKKEEPER and status not in BOOKKEEPER_MAY:
        raise Forbidden("a bookkeeper answers a flag by explaining it; auditors move it on")
    if who.role not in (Role.AUDITOR, Role.ADMIN, Role.BOOKKEEPER):
        raise Forbidden(f"{who.role.value} tokens may not move flags")
    if status in NOTE_REQUIRED and note is None:
        raise Invalid.field("note", f"say why the flag is {status}")
    if note is not None and len(note) > MAX_NOTE:
        raise Invalid.field("note", f"at most {MAX_NOTE} characters")
    if status not in NEXT_STATUS[flag.status]:
        allowed = ", ".join(NEXT_STATUS[flag.status]) or "nothing: it is resolved"
        raise Conflict(f"flag {flag.id} is {flag.status}; it can move to {allowed}")
    session.add(
        IdleFlagEvent(
            flag_id=flag.id,
            state_code=flag.state_code,
            by=who.label,
            event=status,
            from_status=flag.status,
            to_status=status,
            note=note,
        )
    )
    flag.status = status
    flag.status_changed_at = utcnow()
    session.flush()
    return detail(session, who, flag.id)


def next_moves(who: Principal, flag: IdleFlag) -> list[str]:
    """The statuses this reader may move the flag to now."""
    if who.role not in (Role.AUDITOR, Role.ADMIN, Role.BOOKKEEPER):
        return []
    allowed = NEXT_STATUS[flag.status]
    if who.role is Role.BOOKKEEPER:
        return [s for s in allowed if s in BOOKKEEPER_MAY]
    return list(allowed)


def observations(session: Session, flag: IdleFlag) -> list[tuple[AuditRun, IdleObservation]]:
    """What each run saw of the flag, oldest first."""
    rows = session.execute(
        select(AuditRun, IdleObservation)
        .join(IdleObservation, IdleObservation.run_id == AuditRun.id)
        .where(IdleObservation.flag_id == flag.id)
        .order_by(AuditRun.as_of, AuditRun.id)
    ).all()
    return [(run, seen) for run, seen in rows]
