"""The scheduler process makes each bank's bureau file for the latest reference date once its
day has ended: once per bank and date, however often it looks or however many processes
race for it."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app import scheduler
from models import BureauFile
from models.bureau_settings import load_settings
from tests.bureau_example import build_example

SETTINGS = load_settings()


@pytest.fixture
def sessions(committed_engine):
    factory = sessionmaker(bind=committed_engine, expire_on_commit=False)
    with factory() as session:
        build_example(session)
        session.commit()
    return factory


def files(sessions):
    with sessions() as session:
        rows = session.execute(
            select(BureauFile.bank_id, BureauFile.as_of, BureauFile.source).order_by(BureauFile.id)
        )
        return [tuple(row) for row in rows]


def test_each_bank_gets_one_file_per_reference_date(sessions):
    # 16-09-2026: the 15th has ended; both banks lend to SHGs
    made = scheduler.bureau_files(sessions, SETTINGS, date(2026, 9, 16))
    assert len(made) == 2
    assert [(as_of, source) for _, as_of, source in files(sessions)] == [
        (date(2026, 9, 15), "schedule")
    ] * 2
    # looking again the same day, or later in the fortnight: nothing new
    assert scheduler.bureau_files(sessions, SETTINGS, date(2026, 9, 16)) == []
    assert scheduler.bureau_files(sessions, SETTINGS, date(2026, 9, 30)) == []
    # the month's last day has ended: the next cycle
    assert len(scheduler.bureau_files(sessions, SETTINGS, date(2026, 10, 1))) == 2
    assert sorted({as_of for _, as_of, _ in files(sessions)}) == [
        date(2026, 9, 15),
        date(2026, 9, 30),
    ]


def test_switched_off_it_makes_none(sessions, tmp_path):
    path = tmp_path / "off.json"
    path.write_text('{"scheduled": false}')
    assert scheduler.bureau_files(sessions, load_settings(str(path)), date(2026, 9, 16)) == []


def test_two_schedulers_racing_make_each_file_once(backend, sessions):
    if backend != "postgresql":
        pytest.skip("racing processes are proven on PostgreSQL; SQLite serialises writers")
    barrier = threading.Barrier(2)
    made: list[list[int]] = []

    def fire() -> None:
        barrier.wait()
        made.append(scheduler.bureau_files(sessions, SETTINGS, date(2026, 9, 16)))

    threads = [threading.Thread(target=fire) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(len(m) for m in made) in ([0, 2], [1, 1])
    assert len(files(sessions)) == 2
