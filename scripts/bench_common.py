"""What the benchmarks share: the PostgreSQL server, throwaway databases, pgbench, smoke mode.

Every benchmark prints pgbench's TPC-B on the same server beside its own figure, and the
ratio of the two: a figure alone says as much about the machine as about Bahi (the same run
on another 2-core machine measured half), a ratio to what the same PostgreSQL does with
plain SQL compares across machines.

Smoke mode (`--smoke`) runs a benchmark at tiny sizes in a few seconds through the same code
paths (loading, the timed operation, the figures and ratios, pgbench where the benchmark runs
it) and exits non-zero if anything fails. It prints the same figures but claims nothing about
the targets, and works in databases of its own that it drops at the end, so that it never
touches a state a full run left for `--reuse`. CI runs every smoke mode
(tests/test_benchmarks.py) so that no benchmark can rot unnoticed.
"""

from __future__ import annotations

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def parse_args(parser: argparse.ArgumentParser, smoke: dict[str, Any]) -> argparse.Namespace:
    """The arguments, with `--smoke` added: it makes `smoke` the defaults (sizes given on the
    command line still win)."""
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, a few seconds, in databases dropped at the end; no claim on targets",
    )
    args = parser.parse_args()
    if args.smoke:
        parser.set_defaults(**smoke)
        args = parser.parse_args()
    return args


def target(claim: str, smoke: bool) -> str:
    """`  (claim)` after a figure; nothing in smoke mode, whose sizes prove nothing."""
    return "" if smoke else f"  ({claim})"


def admin_url() -> str:
    url = (
        os.environ.get("BAHI_BENCH_DATABASE_URL")
        or subprocess.run(
            [str(ROOT / "scripts" / "local_postgres.sh")],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    )
    if not url:
        sys.exit("no PostgreSQL: set BAHI_BENCH_DATABASE_URL")
    return url


def database_url(admin: str, name: str) -> str:
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def database_name(name: str, smoke: bool) -> str:
    """A full run's database keeps its name (`--reuse` finds it); a smoke run's is its own."""
    return f"{name}_smoke_{uuid.uuid4().hex[:8]}" if smoke else name


def create_database(admin: str, name: str) -> str:
    """A new, empty database `name` (dropped first if a previous run left it); its URL."""
    drop_database(admin, name)
    engine = make_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return database_url(admin, name)


def drop_database(admin: str, name: str) -> None:
    engine = make_engine(admin, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@contextmanager
def scratch_database(admin: str, name: str, keep: bool = False) -> Iterator[str]:
    """A new database `name` for the block; dropped after it, even on failure, unless `keep`."""
    try:
        yield create_database(admin, name)
    finally:
        if keep:
            print(f"  kept database {name}")
        else:
            drop_database(admin, name)
            print(f"  dropped database {name}")


def pgbench_path() -> str | None:
    """pgbench on PATH, else the newest PostgreSQL's own (Debian keeps it off PATH)."""
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pgbench"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return candidates[-1] if candidates else None


def add_pgbench_arguments(parser: argparse.ArgumentParser, clients: int = 8) -> None:
    """The yardstick's settings: pgbench clients, seconds and scale (`pgbench -i -s`)."""
    parser.add_argument("--clients", type=int, default=clients, help="pgbench clients")
    parser.add_argument("--seconds", type=float, default=15, help="pgbench duration")
    parser.add_argument("--pgbench-scale", type=int, default=10, help="pgbench -i -s")


PGBENCH_SMOKE = {"clients": 2, "seconds": 1, "pgbench_scale": 1}


def bench_pgbench(admin: str, name: str, clients: int, seconds: int, scale: int) -> float | None:
    """pgbench's TPC-B in a database of its own, dropped after. None, and why printed, when
    pgbench is missing or fails: it is the yardstick, not what this benchmark tests."""
    pgbench = pgbench_path()
    if pgbench is None:
        print("  pgbench TPC-B:   not run: pgbench not found (PATH, /usr/lib/postgresql/*/bin)")
        return None
    with scratch_database(admin, name) as scratch:
        url = make_url(scratch)
        env = {**os.environ, "PGPASSWORD": url.password or ""}
        base = [
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "",
            url.database or "",
        ]
        for argv in (
            [pgbench, "-i", "-q", "-s", str(scale), *base],
            [pgbench, "-c", str(clients), "-j", "2", "-T", str(seconds), *base],
        ):
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                why = (done.stderr.strip().splitlines() or ["no message"])[-1]
                print(f"  pgbench TPC-B:   not run: pgbench exited {done.returncode}: {why}")
                return None
    match = re.search(r"tps = ([0-9.]+)", done.stdout)
    if match is None:
        print("  pgbench TPC-B:   not run: no tps figure in pgbench's output")
        return None
    return float(match[1])


def ratio(part: float, tps: float | None) -> str:
    return "n/a (no pgbench figure)" if tps is None else f"{part / tps:.3f}"


def pgbench_beside(admin: str, args: argparse.Namespace) -> float | None:
    """pgbench TPC-B at the benchmark's client count on the same server, printed; its tps."""
    tps = bench_pgbench(
        admin,
        database_name("bahi_bench_pgbench", args.smoke),
        args.clients,
        max(int(args.seconds), 1),
        args.pgbench_scale,
    )
    if tps is not None:
        print(f"  pgbench TPC-B:   {tps:8.1f} transactions/s")
    return tps
