"""Where a single posting's CPU goes: `POST /api/v1/journal-entries` in-process, on PostgreSQL.

    .venv/bin/python scripts/profile_posting.py [--postings 300] [--top 25] [--smoke]

Builds a scratch database (as bench_ledger does), then posts two-leg entries through Flask's
test client with a bookkeeper's token (the common caller: a scoped token, so the state-scope
and access checks run), each request with its own Idempotency-Key. Prints the CPU per posting
without the profiler (the figure to compare before and after a change: it is the request's
own Python, not the machine's load), then cProfile's top entries by own and by cumulative CPU
time, and the CPU by package. Wall-clock time on a shared machine says little; process CPU
time says what a request costs. `--smoke`: a handful of postings, to keep the script working.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from app import create_app  # noqa: E402
from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services.access import tokens  # noqa: E402
from app.services.ledger.posting import post_entry  # noqa: E402
from models import Institution, InstitutionKind, Role  # noqa: E402
from scripts.bench_common import admin_url, database_name, parse_args, scratch_database  # noqa: E402
from scripts.bench_ledger import ADMIN, DAY, build_federation, draft, entry_body  # noqa: E402

SMOKE = {"postings": 10, "warmup": 5, "top": 5}

# Where a function's file lies says whose code it is (the rest is the standard library).
PACKAGES = (
    "sqlalchemy",
    "psycopg",
    "werkzeug",
    "flask_smorest",
    "flask_limiter",
    "flask",
    "marshmallow",
    "/app/",
    "/models/",
)


def package_of(filename: str) -> str:
    for name in PACKAGES:
        if name in filename:
            return name.strip("/")
    return "builtins" if filename == "~" else "standard library"


def prepare(url: str) -> tuple[str, list[tuple[int, int, int]]]:
    """A funded SHG and a bookkeeper token scoped to its CLF; (secret, SHGs)."""
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    shgs = build_federation(factory, 1)
    with factory() as s:
        book, cash, rf = shgs[0]
        post_entry(s, ADMIN, draft(book, cash, rf, 10**9), today=DAY)
        clf = s.scalar(select(Institution.id).where(Institution.kind == InstitutionKind.CLF.value))
        secret = tokens.issue_token(
            s, ADMIN, name="profile", role=Role.BOOKKEEPER, institution_id=clf
        ).secret
        s.commit()
    engine.dispose()
    return secret, shgs


def post(client, secret: str, body: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/journal-entries",
        json=body,
        headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": uuid.uuid4().hex},
    )
    if response.status_code != 201:
        raise RuntimeError(f"HTTP {response.status_code}: {response.get_data(as_text=True)}")


def cpu_per_posting(client, secret: str, body: dict[str, object], count: int) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds of this process's CPU per posting, no profiler attached."""
    start = time.process_time()
    for _ in range(count):
        post(client, secret, body)
    return (time.process_time() - start) * 1000 / count


def service_cpu_per_posting(url: str, shg: tuple[int, int, int], count: int) -> float:
    """Milliseconds of CPU per posting through the service layer alone (`post_entry` and a
    commit per entry, as bench_ledger's service clients post)."""
    engine = make_engine(url, pool_size=1)
    factory = sessionmaker(bind=engine, expire_on_commit=False)

    def post_one() -> None:
        with factory() as s:
            post_entry(s, ADMIN, draft(*shg, 100), today=DAY)
            s.commit()

    for _ in range(max(count // 5, 1)):
        post_one()
    start = time.process_time()
    for _ in range(count):
        post_one()
    engine.dispose()
    return (time.process_time() - start) * 1000 / count


def statements_of(app, request) -> list[str]:  # type: ignore[no-untyped-def]
    """The SQL statements one request sends (each a round trip unless psycopg pipelines)."""
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    engine = app.extensions["bahi.sessions"].kw["bind"]
    event.listen(engine, "before_cursor_execute", count)
    request()
    event.remove(engine, "before_cursor_execute", count)
    return sent


def by_package(stats: pstats.Stats) -> dict[str, float]:
    own: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        own[package_of(filename)] += tottime
    return own


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postings", type=int, default=300, help="postings timed and profiled")
    parser.add_argument("--warmup", type=int, default=50, help="postings before timing")
    parser.add_argument("--top", type=int, default=25, help="entries of each table printed")
    args = parse_args(parser, SMOKE)
    with scratch_database(admin_url(), database_name("bahi_profile_posting", args.smoke)) as url:
        secret, shgs = prepare(url)
        app = create_app(
            {
                "DATABASE_URL": url,
                "RATELIMIT_ENABLED": False,  # as bench_ledger's gunicorn runs
                "BAHI_ENV": "production",
                "SECRET_KEY": secrets.token_hex(32),
                "TOTP_KEY": Fernet.generate_key().decode(),
            }
        )
        client = app.test_client()
        body = entry_body(*shgs[0])
        for _ in range(args.warmup):
            post(client, secret, body)
        statements = statements_of(app, lambda: post(client, secret, body))
        plain = cpu_per_posting(client, secret, body, args.postings)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        profiled = cpu_per_posting(client, secret, body, args.postings)
        profiler.disable()
        app.extensions["bahi.sessions"].kw["bind"].dispose()
        service = service_cpu_per_posting(url, shgs[0], args.postings)
    print(f"POST /api/v1/journal-entries in-process, PostgreSQL, {args.postings} postings")
    print(f"  CPU per posting: {plain:.2f} ms ({profiled:.2f} ms under the profiler)")
    print(f"  service layer alone (post_entry, commit): {service:.2f} ms CPU per posting")
    print(f"  statements per posting: {len(statements)}")
    for sql in statements:
        print(f"    {' '.join(sql.split())[:110]}")
    stats = pstats.Stats(profiler)
    total = sum(by_package(stats).values()) or 1.0
    print("  CPU by package (own time):")
    for name, seconds in sorted(by_package(stats).items(), key=lambda kv: -kv[1]):
        print(f"    {name:<18} {100 * seconds / total:5.1f}%")
    for order in ("tottime", "cumulative"):
        print(f"  top {args.top} by {order}:")
        stats.sort_stats(order).print_stats(args.top)


if __name__ == "__main__":
    main()
