"""The scheduled report: slots on a frozen clock, catch-up after downtime (once), two
schedulers racing for one slot, and APScheduler keeping the job in the database."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select, text
from sqlalchemy.orm import sessionmaker

from app import scheduler
from app.services.audit import idle_rules
from models import Role
from models.idle import AuditRun, AuditSchedule
from tests.factories import ADMIN, make_federation
from tests.test_capital import give

IST = ZoneInfo("Asia/Kolkata")


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=IST)


def monthly(day: int = 1, hour: int = 2, minute: int = 0) -> AuditSchedule:
    return AuditSchedule(day=day, hour=hour, minute=minute, timezone="Asia/Kolkata")


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (at(2026, 12, 1, 2, 0), at(2026, 12, 1, 2, 0)),  # the very minute
        (at(2026, 12, 1, 1, 59), at(2026, 11, 1, 2, 0)),  # a minute early: last month's
        (at(2026, 12, 25, 9, 0), at(2026, 12, 1, 2, 0)),
        (at(2027, 1, 1, 0, 30), at(2026, 12, 1, 2, 0)),  # across the year
        (datetime(2026, 11, 30, 21, 0, tzinfo=ZoneInfo("UTC")), at(2026, 12, 1, 2, 0)),
    ],
)
def test_latest_slot_is_the_last_schedule_time_at_or_before_now(now, slot):
    assert scheduler.latest_slot(monthly(), now) == slot


@pytest.fixture
def sessions(committed_engine):
    factory = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with factory() as session:
        fed = make_federation(session)
        give(session, None, "cif_corpus", fed.clf, 10_00_000, date(2026, 1, 1))
        session.commit()
    return factory


def scheduled_runs(sessions) -> list[tuple[datetime, date]]:
    with sessions() as session:
        rows = session.execute(
            select(AuditRun.slot, AuditRun.as_of)
            .where(AuditRun.trigger == "schedule")
            .order_by(AuditRun.id)
        ).all()
    return [(slot.astimezone(IST), as_of) for slot, as_of in rows]


def test_catch_up_after_downtime_runs_the_latest_missed_slot_once(sessions):
    assert scheduler.catch_up(sessions, at(2026, 9, 3, 10, 0)).status == "succeeded"
    # Down from September to December: October, November and December were missed.
    caught = scheduler.catch_up(sessions, at(2026, 12, 5, 10, 0))
    # The CLF's unlent CIF: its no-outflow and its utilisation episodes both continue.
    assert (caught.as_of, caught.flags_continued) == (date(2026, 11, 30), 2)
    assert scheduler.catch_up(sessions, at(2026, 12, 5, 10, 5)) is None
    assert scheduled_runs(sessions) == [
        (at(2026, 9, 1, 2, 0), date(2026, 8, 31)),
        (at(2026, 12, 1, 2, 0), date(2026, 11, 30)),
    ]


def test_a_switched_off_schedule_runs_nothing(sessions):
    with sessions() as session:
        idle_rules.set_schedule(session, ADMIN, 1, 2, 0, "Asia/Kolkata", active=False)
        session.commit()
    assert scheduler.catch_up(sessions, at(2026, 12, 5, 10, 0)) is None
    assert scheduled_runs(sessions) == []


def test_two_schedulers_racing_for_one_slot_run_it_once(backend, sessions):
    if backend != "postgresql":
        pytest.skip("racing processes are proven on PostgreSQL; SQLite serialises writers")
    barrier = threading.Barrier(2)
    results = []

    def fire() -> None:
        with sessions() as session:
            barrier.wait()
            run = scheduler.run_due(session, at(2026, 12, 1, 2, 0))
            session.commit()
            results.append(run.id if run else None)

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert None in results
    assert len([r for r in results if r is not None]) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditRun)) == 1


def test_apscheduler_keeps_the_job_in_the_database_on_the_admins_schedule(sessions):
    background = scheduler.build(sessions, BackgroundScheduler)
    background.start(paused=True)
    try:
        scheduler.sync_schedule(background, sessions)
        with sessions() as session:
            stored = session.execute(text("SELECT id, next_run_time FROM scheduler_jobs")).all()
        assert [row[0] for row in stored] == [scheduler.JOB_ID]
        job = background.get_job(scheduler.JOB_ID)
        assert (job.next_run_time.day, job.next_run_time.hour, job.next_run_time.minute) == (
            1,
            2,
            0,
        )
        with sessions() as session:
            idle_rules.set_schedule(session, ADMIN, 5, 3, 30, "Asia/Kolkata", active=True)
            session.commit()
        scheduler.sync_schedule(background, sessions)
        job = background.get_job(scheduler.JOB_ID)
        assert (job.next_run_time.day, job.next_run_time.hour, job.next_run_time.minute) == (
            5,
            3,
            30,
        )
        assert job.coalesce is True and job.misfire_grace_time is None
    finally:
        background.shutdown(wait=False)


def test_the_daily_purge_drops_expired_records_and_old_counters(sessions):
    from datetime import timedelta

    from app.services.access.throttle import count_attempt
    from models import ApiToken, IdempotencyRecord, ThrottleWindow
    from models.base import utcnow
    from tests.factories import token

    with sessions() as session:
        token(session, Role.ADMIN)
        session.flush()
        token_id = session.scalar(select(ApiToken.id))
        for key, age in (("old", 31), ("recent", 1)):
            session.add(
                IdempotencyRecord(
                    token_id=token_id,
                    key=key,
                    fingerprint="f" * 64,
                    status_code=201,
                    response_body="{}",
                    created_at=utcnow() - timedelta(days=age),
                )
            )
        count_attempt(session, "sign-in:old", "10 per minute", now=0.0)
        count_attempt(session, "sign-in:now", "10 per minute")
        session.commit()
    scheduler.purge_expired(sessions, timedelta(days=30))
    with sessions() as session:
        assert session.scalars(select(IdempotencyRecord.key)).all() == ["recent"]
        assert session.scalars(select(ThrottleWindow.key)).all() == ["sign-in:now"]
