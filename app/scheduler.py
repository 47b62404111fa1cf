"""The scheduled idle-fund report, run by APScheduler in a process of its own
(`flask scheduler run`), never inside web workers.

- The job lives in a persistent job store (table `scheduler_jobs`), on the admin's schedule
  (`audit_schedule`: by default monthly, the 1st, 02:00 Asia/Kolkata); the process re-reads
  the schedule every minute and reschedules when an admin changes it.
- Each firing runs the report for its **slot**, the latest schedule time at or before now.
  The slot is unique in `audit_runs`, so two scheduler processes firing together run it once.
- After downtime, start-up runs the latest missed slot once (`catch_up`), never one run per
  missed month; APScheduler coalesces firings it missed while running for the same reason.
- A scheduled run covers every state, as of the day before its slot (the 1st's report is
  the month just ended).

The same process also runs meeting-sheet files queued by the API (`import_jobs`, polled
every `IMPORT_POLL_SECONDS`), purges idempotency records past their retention, daily, and
makes each bank's bureau file for the latest reference date of the reporting cycle (the 15th
and the month's last day by default, `models/bureau_settings.json`) once that day has ended:
it looks every hour, and the unique (bank, date) of `bureau_files` makes a second file for the
same cycle impossible, whichever process tries.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.orm import Session, sessionmaker

from app.services.access.throttle import purge_old_windows
from app.services.audit.audit_runs import AlreadyRun, RunRequest, run_report
from app.services.audit.idle_rules import schedule
from app.services.credit import bureau_reports
from app.services.lending import import_jobs
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Conflict
from app.services.shared.idempotency import purge_expired as purge_idempotency_records
from app.services.shared.principal import Principal
from models.access import Role
from models.base import utcnow
from models.bureau_settings import BureauSettings, previous_cycle
from models.idle import AuditRun, AuditSchedule

JOB_ID = "idle-fund-report"
SCHEDULER = Principal(role=Role.ADMIN, label="scheduler")
log = logging.getLogger("bahi.scheduler")

_sessions: sessionmaker[Session] | None = None  # set by `serve`; the job runs in its threads


def latest_slot(row: AuditSchedule, now: datetime) -> datetime:
    """The most recent schedule time at or before `now` (an aware datetime)."""
    local = now.astimezone(ZoneInfo(row.timezone))
    slot = local.replace(day=row.day, hour=row.hour, minute=row.minute, second=0, microsecond=0)
    if slot > local:
        previous_month = local.replace(day=1) - timedelta(days=1)
        slot = slot.replace(year=previous_month.year, month=previous_month.month)
    return slot


def run_due(session: Session, now: datetime) -> AuditRun | None:
    """Run the report for the latest slot unless it has run: the run, or None."""
    row = schedule(session)
    if not row.active:
        return None
    slot = latest_slot(row, now)
    request = RunRequest("schedule", slot.date() - timedelta(days=1), "/", slot)
    try:
        return run_report(session, SCHEDULER, request)
    except AlreadyRun:
        session.rollback()
        return None


def _now() -> datetime:
    return datetime.now(ZoneInfo("Asia/Kolkata"))


def scheduled_job() -> None:
    """What APScheduler fires (by reference, from the job store)."""
    assert _sessions is not None, "the scheduler process sets the session factory"
    with _sessions() as session:
        run = run_due(session, _now())
        session.commit()
    if run is None:
        log.info("the report for this slot has run already; nothing to do")
    else:
        log.info("audit run %s: %s, %s flags opened", run.id, run.status, run.flags_opened)


def catch_up(sessions: sessionmaker[Session], now: datetime) -> AuditRun | None:
    """At start-up: the latest slot missed while no scheduler ran, once."""
    with sessions() as session:
        run = run_due(session, now)
        session.commit()
        return run


def trigger_for(row: AuditSchedule) -> CronTrigger:
    return CronTrigger(day=row.day, hour=row.hour, minute=row.minute, timezone=row.timezone)


def sync_schedule(scheduler: BaseScheduler, sessions: sessionmaker[Session]) -> None:
    """Put the job on the admin's current schedule (or pause it when switched off)."""
    with sessions() as session:
        row = schedule(session)
        trigger, active = trigger_for(row), row.active
    job = scheduler.get_job(JOB_ID)
    if job is None or str(job.trigger) != str(trigger):
        scheduler.add_job(
            scheduled_job,
            trigger,
            id=JOB_ID,
            name="Idle-fund audit report",
            replace_existing=True,
            coalesce=True,
            misfire_grace_time=None,
            max_instances=1,
        )
        log.info("idle-fund report scheduled: %s", trigger)
    job = scheduler.get_job(JOB_ID)
    if job is not None and not active and job.next_run_time is not None:
        job.pause()
    elif job is not None and active and job.next_run_time is None:
        job.resume()


def build(sessions: sessionmaker[Session], scheduler_class: Any = BlockingScheduler) -> Any:
    """A scheduler whose report job is kept in the database."""
    global _sessions
    _sessions = sessions
    engine = sessions.kw["bind"]
    scheduler = scheduler_class(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="scheduler_jobs")},
        timezone=ZoneInfo("Asia/Kolkata"),
    )
    return scheduler


def purge_expired(sessions: sessionmaker[Session], retention: timedelta) -> None:
    """Delete idempotency records past their retention, and attempt counters a day old."""
    with sessions() as session:
        records = purge_idempotency_records(session, utcnow(), retention)
        windows = purge_old_windows(session, older_than_seconds=24 * 3600)
        session.commit()
    log.info(
        "purged %s idempotency records (over %s old), %s counters", records, retention, windows
    )


def bureau_files(
    sessions: sessionmaker[Session], settings: BureauSettings, today: date | None = None
) -> list[int]:
    """Each bank's file for the latest reference date before today, where not made yet, each
    in its own transaction: the ids of the files made."""
    if not settings.scheduled:
        return []
    today = today or today_in_india()
    cycle = previous_cycle(today, settings.cycle_days)
    with sessions() as session:
        due = bureau_reports.banks_due(session, cycle)
    made = []
    for bank_id in due:
        with sessions() as session:
            try:
                file = bureau_reports.generate_file(
                    session, SCHEDULER, bank_id, cycle, settings, "schedule", today
                )
                session.commit()
            except Conflict:  # another scheduler process made it first
                session.rollback()
                continue
            made.append(file.id)
            log.info("bureau file %s: bank %s as of %s", file.id, bank_id, cycle)
    return made


def _every(
    scheduler: BaseScheduler, job: Any, args: tuple[Any, ...], job_id: str, **interval: int
) -> None:
    """A job of this process (kept in memory), run at once and then every `interval`."""
    scheduler.add_job(
        job,
        "interval",
        args=args,
        id=job_id,
        jobstore="memory",
        max_instances=1,
        coalesce=True,
        next_run_time=_now(),
        **interval,
    )


def serve(
    sessions: sessionmaker[Session],
    *,
    idempotency_retention: timedelta,
    import_poll_seconds: int,
    bureau_settings: BureauSettings,
) -> None:
    """Catch up once, then run the schedule until stopped (Ctrl-C or SIGTERM)."""
    run = catch_up(sessions, _now())
    if run is not None:
        log.info("caught up the missed report: audit run %s (%s)", run.id, run.status)
    scheduler = build(sessions)
    scheduler.add_jobstore("memory", alias="memory")
    # Each runs at once, then at its interval. The first puts the report on the admin's
    # current schedule.
    _every(scheduler, sync_schedule, (scheduler, sessions), "sync-schedule", minutes=1)
    _every(
        scheduler, import_jobs.run_queued, (sessions,), "import-jobs", seconds=import_poll_seconds
    )
    _every(scheduler, purge_expired, (sessions, idempotency_retention), "purge", days=1)
    _every(scheduler, bureau_files, (sessions, bureau_settings), "bureau-files", hours=1)
    scheduler.start()
