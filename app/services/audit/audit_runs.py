"""Audit runs of the idle-fund report: the scheduler's and an auditor's take the same path.

A run is recorded first (a scheduled run with its unique slot, so a second scheduler firing
the same slot fails to insert it and stands down), then the detection runs in a savepoint:
if it fails, the run is kept as failed with the error, and nothing it half-did remains.
Findings are matched to the episodes already going on: the same episode is updated (its
days idle grow), a new one opens a flag, and one no longer found is closed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.formats import indian_date
from app.services.audit.idle_detection import Finding, find_idle
from app.services.federation.institutions import readable_institution
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.access import Role
from models.base import utcnow
from models.idle import AuditRun, IdleFlag, IdleFlagEvent, IdleObservation, IdleRule


class AlreadyRun(Conflict):
    """The scheduled slot has a run already: another scheduler process took it."""


@dataclass(frozen=True)
class RunRequest:
    trigger: str  # "schedule" or "on_demand"
    as_of: date
    scope_path: str
    slot: datetime | None = None


def _active_rules(session: Session) -> list[IdleRule]:
    return list(
        session.scalars(select(IdleRule).where(IdleRule.active.is_(True)).order_by(IdleRule.id))
    )


def _record_start(
    session: Session, who: Principal, request: RunRequest, rules: list[IdleRule]
) -> AuditRun:
    run = AuditRun(
        trigger=request.trigger,
        slot=request.slot,
        as_of=request.as_of,
        scope_path=request.scope_path,
        started_by=who.label,
        started_at=utcnow(),
        status="running",
        parameters={
            "as_of": request.as_of.isoformat(),
            "scope_path": request.scope_path,
            "rules": [r.parameters() for r in rules],
        },
    )
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError as error:
        raise AlreadyRun(f"the report for {request.slot} has already been run") from error
    return run


def _figures(finding: Finding) -> dict[str, object]:
    return {
        "balance_paise": finding.balance_paise,
        "days_idle": finding.days_idle,
        "utilisation_bp": finding.utilisation_bp,
        "last_outflow_on": finding.last_outflow_on,
    }


def _new_flag(run: AuditRun, finding: Finding) -> IdleFlag:
    return IdleFlag(
        institution_id=finding.institution_id,
        state_code=finding.state_code,
        path=finding.path,
        fund=finding.fund,
        rule_id=finding.rule.id,
        opened_run_id=run.id,
        last_run_id=run.id,
        idle_since=finding.idle_since,
        first_seen_on=run.as_of,
        last_seen_on=run.as_of,
        reason=finding.reason,
        status="open",
        status_changed_at=utcnow(),
        **_figures(finding),
    )


def _continue(flag: IdleFlag, run: AuditRun, finding: Finding) -> None:
    for name, value in _figures(finding).items():
        setattr(flag, name, value)
    flag.last_run_id = run.id
    flag.last_seen_on = run.as_of
    flag.reason = finding.reason


def _close(session: Session, flag: IdleFlag, run: AuditRun) -> None:
    flag.closed_run_id = run.id
    flag.closed_on = run.as_of
    session.add(
        IdleFlagEvent(
            flag_id=flag.id,
            state_code=flag.state_code,
            by=run.started_by,
            event="closed",
            note=f"no longer idle on {indian_date(run.as_of)}: the funds moved",
        )
    )


def _apply(session: Session, run: AuditRun, findings: list[Finding], rules: list[IdleRule]) -> None:
    """Match findings to the episodes going on in the run's scope under the rules it applied."""
    ongoing = {
        (f.institution_id, f.fund, f.rule_id): f
        for f in session.scalars(
            select(IdleFlag).where(
                IdleFlag.closed_run_id.is_(None),
                IdleFlag.path.startswith(run.scope_path, autoescape=True),
                IdleFlag.rule_id.in_([r.id for r in rules]),
            )
        )
    }
    found = set()
    seen: list[tuple[IdleFlag, Finding]] = []
    opened: list[tuple[IdleFlag, Finding]] = []
    for finding in findings:
        key = (finding.institution_id, finding.fund, finding.rule.id)
        found.add(key)
        flag = ongoing.get(key)
        if flag is None:
            opened.append((_new_flag(run, finding), finding))
        elif flag.last_seen_on <= run.as_of:  # an earlier day's run leaves a later one's figures
            _continue(flag, run, finding)
            seen.append((flag, finding))
    session.add_all(flag for flag, _ in opened)
    session.flush()  # one batch of inserts gives the new flags their ids
    session.add_all(
        IdleFlagEvent(
            flag_id=flag.id,
            state_code=flag.state_code,
            by=run.started_by,
            event="opened",
            to_status="open",
            note=f.reason,
        )
        for flag, f in opened
    )
    session.add_all(
        IdleObservation(run_id=run.id, flag_id=flag.id, state_code=flag.state_code, **_figures(f))
        for flag, f in (*opened, *seen)
    )
    run.flags_opened, run.flags_continued = len(opened), len(seen)
    for key, flag in ongoing.items():
        if key not in found and flag.last_seen_on <= run.as_of:
            _close(session, flag, run)
            run.flags_closed += 1


def run_report(session: Session, who: Principal, request: RunRequest) -> AuditRun:
    """Record a run, apply every active rule to its scope, and keep what it found. A failure
    is kept on the run (status failed, the error) instead of being raised."""
    rules = _active_rules(session)
    run = _record_start(session, who, request, rules)
    started = time.perf_counter()
    try:
        with session.begin_nested():
            findings, scanned = find_idle(session, request.scope_path, request.as_of, rules)
            run.funds_scanned = scanned
            _apply(session, run, findings, rules)
            session.flush()
        run.status = "succeeded"
    except Exception as error:  # any failure is the run's result, kept for the auditor
        run.status = "failed"
        run.error = f"{type(error).__name__}: {error}"
        run.flags_opened = run.flags_continued = run.flags_closed = 0
    run.finished_at = utcnow()
    run.duration_ms = int((time.perf_counter() - started) * 1000)
    session.flush()
    return run


def run_on_demand(
    session: Session, who: Principal, as_of: date | None, institution_id: int | None
) -> AuditRun:
    """An auditor's (or admin's) run over her scope, or one institution's subtree in it."""
    if who.role not in (Role.AUDITOR, Role.ADMIN):
        raise Forbidden(f"{who.role.value} tokens may not start audit runs")
    if institution_id is not None:
        scope = readable_institution(session, who, institution_id).path
    else:
        scope = who.read_prefix() or "/"
    day = as_of or today_in_india()
    if day > today_in_india():
        raise Invalid.field("as_of", f"is after today ({today_in_india().isoformat()})")
    return run_report(session, who, RunRequest("on_demand", day, scope))


def readable_run(session: Session, who: Principal, run_id: int) -> AuditRun:
    run = session.get(AuditRun, run_id)
    prefix = who.read_prefix()
    visible = run is not None and (
        prefix is None or run.scope_path.startswith(prefix) or prefix.startswith(run.scope_path)
    )
    if run is None or not visible or who.role is Role.BANK_PARTNER:
        raise NotFound(f"audit run {run_id} not found")
    return run


def runs(session: Session, who: Principal, after: int | None, limit: int) -> Page[AuditRun]:
    """Runs whose scope overlaps the reader's, newest first."""
    query = select(AuditRun).order_by(AuditRun.id.desc())
    prefix = who.read_prefix()
    if prefix is not None:
        ancestors = [prefix[: i + 1] for i, c in enumerate(prefix) if c == "/"]
        query = query.where(
            AuditRun.scope_path.startswith(prefix, autoescape=True)
            | AuditRun.scope_path.in_(ancestors)
        )
    return fetch_page(session, query, AuditRun.id, after, limit, descending=True)
