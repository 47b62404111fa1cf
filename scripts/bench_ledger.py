"""Ledger benchmark on PostgreSQL: posting throughput (service layer and HTTP) against pgbench.

    .venv/bin/python scripts/bench_ledger.py [--clients 8] [--seconds 15] [--workers 3]
                                             [--threads 4] [--batch 1000] [--smoke]

Creates a scratch database, posts journal entries from N concurrent clients (a) straight
through the service layer, (b) over HTTP to gunicorn one entry a request and (c) over HTTP in
batches (`POST /journal-entries/batch`), runs pgbench's TPC-B at the same client count on the
same server, and prints the ratios. Then builds one account with 100,000
postings and times its statement. Needs BAHI_BENCH_DATABASE_URL (an admin URL) or a local
PostgreSQL that scripts/local_postgres.sh can start. Its databases are dropped at the end.
`--smoke`: the same at tiny sizes in a few seconds (scripts/bench_common.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from cryptography.fernet import Fernet  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services.access import tokens  # noqa: E402
from app.services.federation import institutions  # noqa: E402
from app.services.federation.institutions import NewInstitution  # noqa: E402
from app.services.ledger.balances import statement  # noqa: E402
from app.services.ledger.books import account_by_role, book_of  # noqa: E402
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry  # noqa: E402
from app.services.shared.principal import Principal  # noqa: E402
from models import Account, InstitutionKind, Role, Side  # noqa: E402
from scripts.bench_common import (  # noqa: E402
    admin_url,
    bench_pgbench,
    database_name,
    parse_args,
    pgbench_beside,
    ratio,
    scratch_database,
    target,
)

# Moved to bench_common (every benchmark prints pgbench beside its figure); re-exported for
# callers that import them from here.
__all__ = ["bench_pgbench", "ratio"]

ADMIN = Principal(role=Role.ADMIN, label="bench")
DAY = date(2026, 1, 5)


def build_federation(factory: sessionmaker, shgs: int) -> list[tuple[int, int, int]]:
    """SHGs with funded cash; returns (book, cash, revolving fund) per SHG."""
    with factory() as s:

        def inst(kind: InstitutionKind, name: str, parent: int | None, **kw: object) -> int:
            new = NewInstitution(kind=kind, name=name, parent_id=parent, **kw)  # type: ignore[arg-type]
            return institutions.create_institution(s, ADMIN, new).id

        parent = inst(InstitutionKind.STATE, "Bench", None, state_code="BN")
        for kind in (
            InstitutionKind.DISTRICT,
            InstitutionKind.BLOCK,
            InstitutionKind.CLF,
            InstitutionKind.VO,
        ):
            parent = inst(kind, f"Bench {kind.value}", parent)
        out = []
        for i in range(shgs):
            shg = inst(InstitutionKind.SHG, f"SHG {i}", parent)
            book = book_of(s, shg).id
            out.append(
                (
                    book,
                    account_by_role(s, book, "cash").id,
                    account_by_role(s, book, "revolving_fund").id,
                )
            )
        s.commit()
    return out


def draft(book: int, debit: int, credit: int, paise: int, day: date = DAY) -> EntryDraft:
    return EntryDraft.transfer(book, day, "bench", debit, credit, paise)


def run_clients(clients: int, seconds: float, work) -> int:  # type: ignore[no-untyped-def]
    """Run `work(client_index, stop_time)` in threads; return the total it reports. A client's
    failure is raised here: in its thread it would only be printed, and the run go on."""
    totals = [0] * clients
    failures: list[BaseException] = []
    stop = time.perf_counter() + seconds

    def run(i: int) -> None:
        try:
            totals[i] = work(i, stop)
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise RuntimeError(f"{len(failures)} of {clients} clients failed") from failures[0]
    return sum(totals)


def _service_client(url: str, shg: tuple[int, int, int], start_at: float, seconds: float) -> int:
    """One client process: its own engine, posting to its own SHG's book until time is up."""
    engine = make_engine(url, pool_size=1)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    book, cash, rf = shg
    time.sleep(max(0.0, start_at - time.time()))
    stop, done = time.time() + seconds, 0
    while time.time() < stop:
        with factory() as s:
            post_entry(s, ADMIN, draft(book, cash, rf, 100), today=date(2030, 1, 1))
            s.commit()
        done += 1
    engine.dispose()
    return done


def bench_service(
    url: str, shgs: list[tuple[int, int, int]], clients: int, seconds: float
) -> float:
    """Clients are processes, as gunicorn workers are: threads in one process share one GIL."""
    start_at = time.time() + 2
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        counts = pool.starmap(
            _service_client, [(url, shgs[i], start_at, seconds) for i in range(clients)]
        )
    return sum(counts) / seconds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_gunicorn(url: str, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """gunicorn as the README's production section runs it: `workers` processes, each with
    `threads` threads (gthread), or one thread each (sync) when `threads` is 1."""
    env = {
        **os.environ,
        "BAHI_DATABASE_URL": url,
        "BAHI_RATELIMIT_ENABLED": "0",
        "BAHI_ENV": "production",
        # Production refuses to start without the keys that sign web sessions and encrypt
        # one-time-code secrets: the benchmark's server gets its own, made for this run.
        "BAHI_SECRET_KEY": secrets.token_hex(32),
        "BAHI_TOTP_KEY": Fernet.generate_key().decode(),
    }
    worker = ["-k", "gthread", "--threads", str(threads)] if threads > 1 else ["-k", "sync"]
    proc = subprocess.Popen(
        [
            sys.executable,  # this interpreter: its environment has gunicorn
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            *worker,
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60  # each worker imports the app: seconds on a busy machine
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    raise RuntimeError(f"gunicorn did not start (exit code {proc.returncode})")


def entry_body(book: int, cash: int, rf: int) -> dict[str, object]:
    return {
        "book_id": book,
        "value_date": DAY.isoformat(),
        "narration": "bench http",
        "postings": [
            {"account_id": cash, "side": "debit", "amount": "1.00"},
            {"account_id": rf, "side": "credit", "amount": "1.00"},
        ],
    }


def post_json(
    conn: http.client.HTTPConnection, path: str, secret: str, body: str, expect: int
) -> bytes:
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Authorization": f"Bearer {secret}",
            "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
        },
    )
    response = conn.getresponse()
    data = response.read()
    if response.status != expect:
        raise RuntimeError(f"HTTP {response.status} {response.reason}: {data[:300]!r}")
    return data


def bench_batch(
    port: int, secret: str, shgs: list[tuple[int, int, int]], clients: int, seconds: float,
    size: int,
) -> tuple[float, float]:  # fmt: skip
    """Clients posting batches of `size` two-leg entries, each client into its own SHG's
    book: (entries, postings) per second. Every entry of every batch must be posted."""

    def work(i: int, stop: float) -> int:
        book, cash, rf = shgs[clients + i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        body = json.dumps({"entries": [entry_body(book, cash, rf)] * size})
        done = 0
        while time.perf_counter() < stop:
            answer = json.loads(post_json(conn, "/api/v1/journal-entries/batch", secret, body, 200))
            if answer["posted"] != size:
                raise RuntimeError(f"a batch refused {answer['refused']} entries")
            done += size
        return done

    start = time.perf_counter()
    entries = run_clients(clients, seconds, work) / (time.perf_counter() - start)
    return entries, entries * 2


def bench_http(
    port: int, secret: str, shgs: list[tuple[int, int, int]], clients: int, seconds: float
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def work(i: int, stop: float) -> int:
        book, cash, rf = shgs[clients + i]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        body = json.dumps(entry_body(book, cash, rf))
        done, mine = 0, []
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            post_json(conn, "/api/v1/journal-entries", secret, body, 201)
            mine.append(time.perf_counter() - t0)
            done += 1
        with lock:
            latencies.extend(mine)
        return done

    start = time.perf_counter()
    total = run_clients(clients, seconds, work)
    return total / (time.perf_counter() - start), latencies


def bench_statement(
    factory: sessionmaker, shg: tuple[int, int, int], postings: int
) -> dict[str, float]:
    """One account with `postings` postings over three years, then its statement timed."""
    book, cash, rf = shg
    per_entry = 199
    with factory() as s:
        for n in range(postings // per_entry + 1):
            day = date(2023, 1, 1) + timedelta(days=n * 1095 // (postings // per_entry + 1))
            lines = [PostingDraft(cash, Side.DEBIT, 1)] * per_entry + [
                PostingDraft(rf, Side.CREDIT, per_entry)
            ]
            post_entry(
                s, ADMIN, EntryDraft(book, day, "bulk", tuple(lines)), today=date(2030, 1, 1)
            )
            if n % 50 == 0:
                s.commit()
        s.commit()
        s.commit()
    with factory.kw["bind"].connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE postings"))  # what autovacuum does on a live system
    timings: dict[str, list[float]] = {"first page": [], "page at the middle": [], "one year": []}
    with factory() as s:
        account = s.get(Account, cash)
        assert account is not None
        first = statement(s, account, None, date(2026, 12, 31), None, 100)
        middle_cursor = f"2024-07-01.{10**12}"
        for _ in range(20):
            for label, args in (
                ("first page", (None, None)),
                ("page at the middle", (None, middle_cursor)),
                ("one year", (date(2025, 1, 1), None)),
            ):
                t0 = time.perf_counter()
                statement(s, account, args[0], date(2026, 12, 31), args[1], 100)
                timings[label].append((time.perf_counter() - t0) * 1000)
        count = s.scalar(text("SELECT count(*) FROM postings WHERE account_id = :a"), {"a": cash})
    timings["first page over HTTP (in-process)"] = _statement_over_http(factory, cash)
    print(f"  account postings: {count:,}; closing balance {first.closing_paise / 100:,.2f}")
    return {k: statistics.median(v) for k, v in timings.items()}


def _statement_over_http(factory: sessionmaker, account_id: int) -> list[float]:
    """The same first page through the whole Flask stack (auth, schema, JSON), no network."""
    from app import create_app

    engine = factory.kw["bind"]
    app = create_app(
        {
            "DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "RATELIMIT_ENABLED": False,
            "BAHI_ENV": "production",
            "SECRET_KEY": secrets.token_hex(32),  # production refuses to start without one
            "TOTP_KEY": Fernet.generate_key().decode(),  # nor without this one
        }
    )
    with factory() as s:
        secret = tokens.issue_token(s, ADMIN, name="bench statement", role=Role.ADMIN).secret
        s.commit()
    client, out = app.test_client(), []
    for _ in range(20):
        t0 = time.perf_counter()
        response = client.get(
            f"/api/v1/accounts/{account_id}/statement?limit=100",
            headers={"Authorization": f"Bearer {secret}"},
        )
        out.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200 and len(response.json["lines"]) == 100
    app.extensions["bahi.sessions"].kw["bind"].dispose()
    return out


SMOKE = {
    "clients": 2,
    "seconds": 1.0,
    "workers": 1,
    "batch": 20,
    "postings": 2_000,
    "pgbench_scale": 1,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per gunicorn worker (1: sync workers)"
    )
    parser.add_argument("--batch", type=int, default=1000, help="entries per batch request")
    parser.add_argument(
        "--postings",
        type=int,
        default=100_000,
        help="postings of the statement's account (0: skip)",
    )
    parser.add_argument("--pgbench-scale", type=int, default=10, help="pgbench -i -s")
    args = parse_args(parser, SMOKE)
    admin = admin_url()
    with scratch_database(admin, database_name("bahi_bench_ledger", args.smoke)) as url:
        run(args, admin, url)


def run(args: argparse.Namespace, admin: str, url: str) -> None:
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, pool_size=args.clients + 2)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    shgs = build_federation(factory, 2 * args.clients + 1)
    with factory() as s:
        for book, cash, rf in shgs:
            post_entry(s, ADMIN, draft(book, cash, rf, 10**9), today=date(2030, 1, 1))
        secret = tokens.issue_token(s, ADMIN, name="bench", role=Role.ADMIN).secret
        s.commit()

    print(
        f"Bahi ledger benchmark — PostgreSQL, {args.clients} concurrent clients,"
        f" {args.seconds:g} s each, {os.cpu_count()} cores{' (smoke run)' if args.smoke else ''}"
    )
    service_rate = bench_service(url, shgs, args.clients, args.seconds)
    print(f"  service layer:   {service_rate:8.1f} entries/s")
    port = free_port()
    server = start_gunicorn(url, port, args.workers, args.threads)
    try:
        http_rate, latencies = bench_http(port, secret, shgs, args.clients, args.seconds)
        batch_entries, batch_postings = bench_batch(
            port, secret, shgs, args.clients, args.seconds, args.batch
        )
    finally:
        server.terminate()
        server.wait()
    latencies.sort()
    p50, p99 = latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000
    server_shape = (
        f"gunicorn {args.workers}x{args.threads} threads"
        if args.threads > 1
        else f"gunicorn {args.workers} sync workers"
    )
    print(
        f"  HTTP ({server_shape}): {http_rate:8.1f} entries/s"
        f"  (p50 {p50:.1f} ms, p99 {p99:.1f} ms){target('target p99 < 100 ms', args.smoke)}"
    )
    print(
        f"  HTTP batches of {args.batch:,} ({server_shape}): {batch_entries:8.1f} entries/s,"
        f" {batch_postings:8.1f} postings/s"
    )
    tps = pgbench_beside(admin, args)
    claim = target("target >= 0.25", args.smoke)
    print(f"  ratio HTTP / pgbench:    {ratio(http_rate, tps)}{claim}")
    claim = target("target >= 0.5", args.smoke)
    print(f"  ratio service / pgbench: {ratio(service_rate, tps)}{claim}")
    claim = target("target >= 2", args.smoke)
    print(f"  ratio batch postings / pgbench: {ratio(batch_postings, tps)}{claim}")
    if args.postings:
        print(
            f"Statement of one account with {args.postings:,} postings (median of 20, page of 100):"
        )
        for label, ms in bench_statement(factory, shgs[-1], args.postings).items():
            print(f"  {label:<20} {ms:7.2f} ms{target('target < 50 ms', args.smoke)}")
    engine.dispose()


if __name__ == "__main__":
    main()
