"""Every benchmark's smoke mode runs end to end against the test PostgreSQL server, so that no
benchmark can rot unnoticed (scripts/bench_common.py says what smoke mode does).

Each runs as its own process, as a person would run it: it must exit 0, print every figure
(and no claim about a target, which tiny sizes cannot support) and drop the databases it made.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.pool import NullPool

from app.db import make_engine
from scripts.bench_common import pgbench_path
from tests.databases import postgres_admin_url

ROOT = Path(__file__).resolve().parent.parent
NUMBER = r"[\d,]+(\.\d+)?"


def pgbench_beside(*ratios: str) -> list[str]:
    """pgbench's figure and each ratio to it, or the line saying why pgbench was not run."""
    if not pgbench_path():
        return [r"^  pgbench TPC-B: +not run: pgbench not found"]
    return [
        rf"^  pgbench TPC-B: +{NUMBER} transactions/s$",
        *(rf"^  ratio {re.escape(name)} / pgbench: +{NUMBER}$" for name in ratios),
    ]


# The lines each smoke run must print, a figure in each (and nothing after it).
FIGURES = {
    "bench_ledger": [
        rf"^  service layer: +{NUMBER} entries/s$",
        rf"^  HTTP \(gunicorn 1x4 threads\): +{NUMBER} entries/s"
        rf"  \(p50 {NUMBER} ms, p99 {NUMBER} ms\)$",
        rf"^  HTTP batches of 20 \(gunicorn 1x4 threads\): +{NUMBER} entries/s,"
        rf" +{NUMBER} postings/s$",
        *pgbench_beside("HTTP", "service", "batch postings"),
        r"^Statement of one account with 2,000 postings",
        rf"^  first page +{NUMBER} ms$",
        rf"^  page at the middle +{NUMBER} ms$",
        rf"^  one year +{NUMBER} ms$",
        rf"^  first page over HTTP \(in-process\) +{NUMBER} ms$",
    ],
    "bench_ops": [
        rf"^  settled \(VACUUM FREEZE ANALYZE, CHECKPOINT\) in {NUMBER} s$",
        rf"^  meeting import: +40 meetings \({NUMBER} rows, {NUMBER} postings\) in {NUMBER} s",
        rf"^ +{NUMBER} meetings/s, {NUMBER} postings/s \(one process\)$",
        rf"^  import's own CPU: +{NUMBER} s \({NUMBER} ms a meeting\)$",
        rf"^  its server process's CPU: {NUMBER} s \({NUMBER} ms a meeting\)$",
        rf"^  during the import: {NUMBER} checkpoint\(s\); an autovacuum worker busy in"
        rf" {NUMBER} of {NUMBER} one-second samples$",
        rf"^  100,000 meetings: {NUMBER} min$",
        r"^  loaded 600 synthetic loans in",
        rf"^  arrears ageing: +600 loans with principal outstanding on 2026-03-31 in {NUMBER} s",
        rf"^  1,000,000 loans at this rate: {NUMBER} s$",
        *(
            [
                rf"^  pgbench TPC-B: +{NUMBER} transactions/s \(2 clients\)$",
                rf"^  ratio meetings per second / pgbench: {NUMBER}$",
                rf"^  ratio postings per second / pgbench: {NUMBER}$",
            ]
            if pgbench_path()
            else [r"^  pgbench TPC-B: +not run: pgbench not found"]
        ),
    ],
    "profile_posting": [
        r"^POST /api/v1/journal-entries in-process, PostgreSQL, 10 postings$",
        rf"^  CPU per posting: {NUMBER} ms \({NUMBER} ms under the profiler\)$",
        rf"^  service layer alone \(post_entry, commit\): {NUMBER} ms CPU per posting$",
        # Each statement is a round trip and a few tenths of a millisecond of Python (issue 17).
        r"^  statements per posting: 9$",
        rf"^    sqlalchemy +{NUMBER}%$",
    ],
    "bench_idle": [
        rf"^  audit run as of {day}: {NUMBER} s  \({NUMBER} funds scanned; opened {NUMBER},"
        rf" continued {NUMBER}, closed {NUMBER}; {NUMBER} flags open\)$"
        for day in ("2026-11-30", "2026-12-01")
    ]
    + pgbench_beside("funds scanned per second"),
    "bench_scoring": [
        rf"^  characteristics: 100 members in {NUMBER} s$",
        rf"^  expert scores: +100 in {NUMBER} s$",
        rf"^  trained scores: +100 in {NUMBER} s$",
        rf"^  100,000 members: {NUMBER} s$",
        rf"^  one profile: +median {NUMBER} ms, worst {NUMBER} ms over 20$",
        *pgbench_beside("members scored per second"),
    ],
    "bench_bureau": [
        rf"^  bank's file: {NUMBER} members \({NUMBER} rejected\), {NUMBER} accounts,"
        rf" {NUMBER} SHGs, {NUMBER} MB in {NUMBER} s$",
        rf"^  100,000 members: {NUMBER} s$",
        rf"^  one SHG's members: median {NUMBER} ms, worst {NUMBER} ms over 20$",
        *pgbench_beside("members per second"),
    ],
}


@pytest.fixture(scope="module")
def admin_url() -> str:
    url = postgres_admin_url()
    if url is None:
        if os.environ.get("BAHI_REQUIRE_POSTGRES") == "1":
            pytest.fail("BAHI_REQUIRE_POSTGRES=1 but BAHI_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL not available: set BAHI_TEST_DATABASE_URL")
    return url


def run_smoke(benchmark: str, admin_url: str) -> subprocess.CompletedProcess[str]:
    """The benchmark's smoke mode in a process group of its own, killed whole (gunicorn and
    client processes too) if it hangs."""
    argv = [sys.executable, str(ROOT / "scripts" / f"{benchmark}.py"), "--smoke"]
    env = {**os.environ, "BAHI_BENCH_DATABASE_URL": admin_url}
    with subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            pytest.fail(f"{benchmark} --smoke did not finish in 300 s:\n{out}\n{err[-3000:]}")
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


def existing_databases(admin_url: str, names: list[str]) -> list[str]:
    engine = make_engine(admin_url, poolclass=NullPool)
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"), {"names": names}
        )
        existing = list(found.scalars())
    engine.dispose()
    return existing


@pytest.mark.parametrize(
    "benchmark", [pytest.param(name, id=f"postgresql-{name}") for name in FIGURES]
)
def test_smoke(benchmark: str, admin_url: str) -> None:
    done = run_smoke(benchmark, admin_url)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-3000:]}"
    for figure in FIGURES[benchmark]:
        assert re.search(figure, done.stdout, re.MULTILINE), f"{figure!r} not in:\n{done.stdout}"
    assert "target" not in done.stdout, done.stdout
    dropped = re.findall(r"^  dropped database (\S+)$", done.stdout, re.MULTILINE)
    assert dropped and all("_smoke_" in name for name in dropped), done.stdout
    assert existing_databases(admin_url, dropped) == []


def test_pages_smoke() -> None:
    """bench_pages needs Chromium, not PostgreSQL: one page measured on an open connection."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium here: apt install chromium chromium-driver")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench_pages.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr[-3000:]}"
    row = re.search(r"^  federation tree +open +(\d+) +(\d+) +(\d+)$", done.stdout, re.MULTILINE)
    assert row and int(row[1]) > 1000 and int(row[3]) >= 1, done.stdout
