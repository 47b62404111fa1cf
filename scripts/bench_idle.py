"""Idle-fund scan at state scale on PostgreSQL.

    .venv/bin/python scripts/bench_idle.py [--shgs 50000] [--vos 2500] [--clfs 200]
                                           [--postings 5000000] [--reuse] [--smoke]

Loads a state (20 districts, a block each, then CLFs, VOs and SHGs under them) straight
into the tables the scan reads, with `generate_series` and triggers and foreign keys off
(`session_replication_role = replica`) in a throwaway database: CIF, VRF and RF grants;
CIF loans CLF→VO and VO→SHG and VRF loans VO→SHG with monthly repayments; three member
loans per SHG with repayments, 1% of them reversed; and the postings on every institution's
cash and bank accounts, one in ten institutions with no payment out since June 2026. Then it
times one scheduled-style audit run over the whole state with the default rules (the same
`run_report` the scheduler and auditors use), and a second run on the next day, which
continues every episode instead of opening new ones. Target: under 60 s.

The loaded state is kept for `--reuse`, which times two more runs (two and three days on) and
rolls them back, so that every `--reuse` scans the state as it was loaded. `--smoke`: the same
at tiny sizes in a few seconds, in a database dropped at the end (scripts/bench_common.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services.audit.audit_runs import RunRequest, run_report  # noqa: E402
from app.services.federation import institutions  # noqa: E402
from app.services.federation.institutions import NewInstitution  # noqa: E402
from app.services.shared.principal import Principal  # noqa: E402
from models import InstitutionKind, Role  # noqa: E402
from models.idle import IdleFlag  # noqa: E402
from scripts.bench_common import (  # noqa: E402
    PGBENCH_SMOKE,
    add_pgbench_arguments,
    admin_url,
    database_name,
    database_url,
    parse_args,
    pgbench_beside,
    ratio,
    scratch_database,
    target,
)

ADMIN = Principal(role=Role.ADMIN, label="bench")
AS_OF = date(2026, 11, 30)
DISTRICTS = 20

# :base is above every id the services created; CLFs, VOs and SHGs follow it in that order.
INSTITUTIONS = """
INSERT INTO institutions (id, kind, name, state_code, parent_id, path, status, created_at,
    created_by, updated_at, updated_by)
SELECT :base + g, 'clf', 'CLF ' || g, 'BI', b.id, b.path || (:base + g) || '/', 'active',
    now(), 'bench', now(), 'bench'
FROM generate_series(1, :clfs) AS g
JOIN (SELECT id, path, row_number() OVER (ORDER BY id) - 1 AS n FROM institutions
      WHERE kind = 'block') AS b ON b.n = g % :districts;
INSERT INTO institutions (id, kind, name, state_code, parent_id, path, status, created_at,
    created_by, updated_at, updated_by)
SELECT :base + :clfs + g, 'vo', 'VO ' || g, 'BI', p.id, p.path || (:base + :clfs + g) || '/',
    'active', now(), 'bench', now(), 'bench'
FROM generate_series(1, :vos) AS g JOIN institutions AS p ON p.id = :base + 1 + g % :clfs;
INSERT INTO institutions (id, kind, name, state_code, parent_id, path, status, created_at,
    created_by, updated_at, updated_by)
SELECT :shg0 + g, 'shg', 'SHG ' || g, 'BI', p.id, p.path || (:shg0 + g) || '/', 'active',
    now(), 'bench', now(), 'bench'
FROM generate_series(1, :shgs) AS g JOIN institutions AS p ON p.id = :vo0 + 1 + g % :vos;
INSERT INTO books (id, institution_id, state_code, chart, last_seq, head_hash, created_at)
SELECT id, id, 'BI', kind || '-standard@2', 0, '', now() FROM institutions WHERE id > :base;
INSERT INTO accounts (id, book_id, state_code, code, role, name, type, normal_side,
    allow_negative, postable, balance_paise, status, created_at, created_by)
SELECT 2 * b.id + r.k, b.id, 'BI', r.code, r.role, r.name, 'asset', 'D', false, true, 0,
    'open', now(), 'bench'
FROM books AS b CROSS JOIN (VALUES (0, '1100', 'cash', 'Cash in hand'),
                                   (1, '1200', 'bank', 'Bank account')) AS r(k, code, role, name)
WHERE b.id > :base;
"""

CAPITAL = """
INSERT INTO grants (state_code, fund, giver_id, receiver_id, amount_paise, value_date, tranche,
    entry_id, created_at, created_by)
SELECT 'BI', 'cif_corpus', CAST(NULL AS bigint), id, 1000000000, DATE '2025-04-01', 1,
    gen_random_uuid(), now(), 'bench' FROM institutions WHERE kind = 'clf' AND id > :base
UNION ALL
SELECT 'BI', 'vrf_corpus', NULL, id, 150000000, DATE '2025-05-01', 1, gen_random_uuid(),
    now(), 'bench' FROM institutions WHERE kind = 'vo' AND id > :base
UNION ALL
SELECT 'BI', 'revolving_fund', NULL, id, 1500000, DATE '2025-06-01', 1, gen_random_uuid(),
    now(), 'bench' FROM institutions WHERE kind = 'shg' AND id > :base;
INSERT INTO facilities (id, state_code, fund, kind, borrower_id, lender_id, sanctioned_on,
    limit_paise, rate_bp, rate_basis, method, frequency, instalments, moratorium_periods,
    disbursed_on, created_at, created_by)
SELECT row_number() OVER (ORDER BY i.id), 'BI', f.fund, 'term', i.id, i.parent_id,
    DATE '2025-07-01', f.amount, 1000, 'per_annum', 'declining', 'monthly', 24, 0,
    DATE '2025-07-01', now(), 'bench'
FROM institutions AS i
JOIN (VALUES ('vo', 'cif', 200000000, 1), ('shg', 'cif', 10000000, 2),
             ('shg', 'vrf', 2000000, 5)) AS f(kind, fund, amount, every)
  ON f.kind = i.kind AND i.id % f.every = 0
WHERE i.id > :base AND (i.id % 10 <> 0 OR f.kind = 'shg');
INSERT INTO facility_movements (entry_id, state_code, facility_id, kind, value_date,
    principal_paise, interest_paise, interest_through, interest_unpaid_paise,
    penalty_unpaid_paise, created_at, created_by)
SELECT gen_random_uuid(), f.state_code, f.id, CASE WHEN m = 0 THEN 'draw' ELSE 'repay' END,
    (f.disbursed_on + make_interval(months => m))::date,
    CASE WHEN m = 0 THEN f.limit_paise ELSE f.limit_paise / 24 END, 0,
    (f.disbursed_on + make_interval(months => m))::date, 0, 0, now(), 'bench'
FROM facilities AS f CROSS JOIN generate_series(0, 16) AS m;
"""

MEMBER_LOANS = """
INSERT INTO member_loans (id, shg_id, state_code, member_id, account_id, principal_paise,
    rate_bp, rate_basis, method, frequency, instalments, moratorium_periods, disbursed_on,
    fund_source, allocation_order, disbursement_entry_id, created_at, created_by)
SELECT 3 * s.id + k, s.id, 'BI', 1, 3 * s.id + k, 2000000, 200, 'per_month', 'declining',
    'monthly', 10, 0, DATE '2025-09-01' + ((s.id * 7 + k * 31) % 300)::int,
    CASE WHEN k = 0 THEN 'cif' ELSE 'own' END, 'penalty,interest,principal',
    gen_random_uuid(), now(), 'bench'
FROM institutions AS s CROSS JOIN generate_series(0, 2) AS k
WHERE s.kind = 'shg' AND s.id > :base;
INSERT INTO loan_repayments (entry_id, loan_id, state_code, value_date, penalty_paise,
    interest_paise, principal_paise, interest_through, penalty_unpaid_paise,
    interest_unpaid_paise)
SELECT gen_random_uuid(), l.id, l.state_code, (l.disbursed_on + make_interval(months => m))::date,
    0, 40000, 200000, (l.disbursed_on + make_interval(months => m))::date, 0, 0
FROM member_loans AS l CROSS JOIN generate_series(1, 6) AS m
WHERE l.created_by = 'bench' AND (l.disbursed_on + make_interval(months => m))::date <= :as_of;
INSERT INTO journal_entries (id, book_id, state_code, seq, value_date, narration,
    reverses_entry_id, posting_count, recorded_at, recorded_by, prev_hash, hash)
SELECT gen_random_uuid(), l.shg_id, 'BI', 1000 + r.n, r.value_date, 'reversal', r.entry_id, 2,
    now(), 'bench', '', ''
FROM (SELECT entry_id, loan_id, value_date, row_number() OVER () AS n FROM loan_repayments)
    AS r JOIN member_loans AS l ON l.id = r.loan_id
WHERE r.n % 100 = 0;
"""

# One posting in three pays money out, except in one institution in ten since June 2026.
POSTINGS = """
INSERT INTO postings (entry_id, book_id, state_code, account_id, line_no, value_date, side,
    amount_paise, delta_paise)
SELECT gen_random_uuid(), a / 2, 'BI', a, 1, d, CASE WHEN out THEN 'C' ELSE 'D' END, 50000,
    CASE WHEN out THEN -50000 ELSE 50000 END
FROM (SELECT 2 * (:base + 1 + g % :books) + g % 2 AS a,
             DATE '2025-04-01' + ((g::bigint * 7919) % 580)::int AS d, g
      FROM generate_series(1, :postings) AS g) AS s,
LATERAL (SELECT g % 3 = 0 AND NOT ((a / 2) % 10 = 0 AND d >= DATE '2026-06-01') AS out) AS o;
"""


def build_state(
    url: str, args: argparse.Namespace, scripts: list[tuple[str, str]] | None = None
) -> None:
    """The state's tree (services), then `scripts` (SQL run with triggers off), then ANALYZE.
    Parameters the scripts may use: base, clfs, vos, shgs, vo0, shg0, districts, books,
    postings, as_of (and the args' `members` and `weeks`, if any)."""
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s:
        state = institutions.create_institution(
            s, ADMIN, NewInstitution(InstitutionKind.STATE, "Bench", None, state_code="BI")
        )
        for d in range(DISTRICTS):
            district = institutions.create_institution(
                s, ADMIN, NewInstitution(InstitutionKind.DISTRICT, f"District {d}", state.id)
            )
            institutions.create_institution(
                s, ADMIN, NewInstitution(InstitutionKind.BLOCK, f"Block {d}", district.id)
            )
        s.commit()
        base = (s.scalar(text("SELECT max(id) FROM books")) or 0) + 1000
        base = max(base, (s.scalar(text("SELECT max(id) FROM institutions")) or 0) + 1000)
    params = {
        "base": base,
        "clfs": args.clfs,
        "vos": args.vos,
        "shgs": args.shgs,
        "vo0": base + args.clfs,
        "shg0": base + args.clfs + args.vos,
        "districts": DISTRICTS,
        "books": args.clfs + args.vos + args.shgs,
        "postings": getattr(args, "postings", 0),
        "members": getattr(args, "members", 0),
        "weeks": getattr(args, "weeks", 0),
        "as_of": AS_OF,
    }
    for name, script in scripts or (
        ("institutions, books and accounts", INSTITUTIONS),
        ("grants and federation loans", CAPITAL),
        ("member loans and repayments", MEMBER_LOANS),
        (f"{args.postings:,} postings", POSTINGS),
    ):
        t0 = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in filter(str.strip, script.split(";")):
                connection.execute(text(statement), params)
        print(f"  loaded {name} in {time.perf_counter() - t0:.0f} s")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()
    engine.dispose()


def timed_run(session: Session, as_of: date, keep: bool, smoke: bool) -> float:
    """One audit run over the state, timed; committed if `keep`, else only flushed (the caller
    rolls it back). Its funds scanned per second."""
    t0 = time.perf_counter()
    run = run_report(session, ADMIN, RunRequest("on_demand", as_of, "/"))
    if keep:
        session.commit()
    seconds = time.perf_counter() - t0
    ongoing = session.scalar(
        select(func.count()).select_from(IdleFlag).where(IdleFlag.closed_run_id.is_(None))
    )
    assert run.status == "succeeded", run.error
    print(
        f"  audit run as of {as_of}: {seconds:.1f} s  ({run.funds_scanned:,} funds scanned;"
        f" opened {run.flags_opened:,}, continued {run.flags_continued:,},"
        f" closed {run.flags_closed:,}; {ongoing:,} flags open){target('target < 60 s', smoke)}"
    )
    return run.funds_scanned / seconds


def scan(url: str, days: tuple[date, ...], keep: bool, smoke: bool) -> float:
    """Timed runs on `days`, one after the other; kept, or all rolled back at the end. The
    first run's funds scanned per second."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        rates = [timed_run(session, day, keep, smoke) for day in days]
        session.rollback()
    engine.dispose()
    return rates[0]


SMOKE = {"shgs": 60, "vos": 6, "clfs": 2, "postings": 20_000, **PGBENCH_SMOKE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shgs", type=int, default=50_000)
    parser.add_argument("--vos", type=int, default=2_500)
    parser.add_argument("--clfs", type=int, default=200)
    parser.add_argument("--postings", type=int, default=5_000_000)
    parser.add_argument(
        "--reuse", action="store_true", help="scan the state the last run loaded, two days on"
    )
    add_pgbench_arguments(parser)
    args = parse_args(parser, SMOKE)
    if args.smoke and args.reuse:
        parser.error("--smoke loads a state of its own: it cannot --reuse")
    print(
        f"Bahi idle-fund benchmark — PostgreSQL: {args.clfs} CLFs, {args.vos:,} VOs,"
        f" {args.shgs:,} SHGs, {args.postings:,} postings{' (smoke run)' if args.smoke else ''}"
    )
    admin = admin_url()
    if args.reuse:
        url = database_url(admin, "bahi_bench_idle")
        rate = scan(url, (date(2026, 12, 2), date(2026, 12, 3)), keep=False, smoke=False)
    else:
        name = database_name("bahi_bench_idle", args.smoke)
        with scratch_database(admin, name, keep=not args.smoke) as url:
            command.upgrade(alembic_config(url), "head")
            build_state(url, args)
            rate = scan(url, (AS_OF, date(2026, 12, 1)), keep=True, smoke=args.smoke)
    tps = pgbench_beside(admin, args)
    print(f"  ratio funds scanned per second / pgbench: {ratio(rate, tps)}")


if __name__ == "__main__":
    main()
