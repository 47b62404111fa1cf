"""Readiness at scale on PostgreSQL: characteristics and scores for 100,000 members, and one
member's whole credit profile.

    .venv/bin/python scripts/bench_scoring.py [--shgs 10000] [--members 10] [--reuse] [--smoke]

Loads a state of SHGs with their members straight into the tables (`generate_series`,
triggers and foreign keys off, in a throwaway database): savings sub-accounts with a deposit
every month since each joined (one member in four skipping now and then), a loan for seven
members in ten with its schedule and repayments (some late, some stopped), and a monthly
meeting with attendance. Then it times `batch_features.features_for_scope` over the whole
state, scores everyone with the expert scorecard and with a trained scorecard, and times single
profiles (history, score, reasons, eligibility). Targets: 100,000 members in under 60 s; one
profile in under 200 ms.

The loaded state is kept for `--reuse`; the timing stores nothing (its scores are rolled back).
`--smoke`: the same at tiny sizes in a few seconds, in a database dropped at the end
(scripts/bench_common.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from alembic import command  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services.credit.batch_features import features_for_scope  # noqa: E402
from app.services.credit.credit_history import credit_history  # noqa: E402
from app.services.credit.readiness import readiness  # noqa: E402
from app.services.credit.scoring_models import SPEC  # noqa: E402
from models.institutions import Member  # noqa: E402
from models.loans import MemberLoan  # noqa: E402
from scoring.expert import expert_score  # noqa: E402
from scoring.features import FEATURE_NAMES  # noqa: E402
from scoring.scorecard import fit_scorecard  # noqa: E402
from scoring.synthetic import synthetic_members  # noqa: E402
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
from scripts.bench_idle import AS_OF, INSTITUTIONS, build_state  # noqa: E402

CONTROL, SAVINGS, LOAN = 10**12, 2 * 10**12, 3 * 10**12  # account id ranges

MEMBERS = f"""
INSERT INTO members (id, shg_id, state_code, name, joined_on, status, created_at, created_by,
    updated_at, updated_by)
SELECT s.id * 100 + k, s.id, 'BI', 'Member ' || k,
    DATE '2023-04-01' + ((s.id * 13 + k * 7) % 900)::int, 'active', now(), 'bench', now(), 'bench'
FROM institutions AS s CROSS JOIN generate_series(1, :members) AS k
WHERE s.kind = 'shg' AND s.id > :base;
INSERT INTO accounts (id, book_id, state_code, code, role, name, type, normal_side,
    allow_negative, postable, balance_paise, status, created_at, created_by)
SELECT {CONTROL} + i.id, i.id, 'BI', '2100', 'member_savings', 'Members savings', 'liability',
    'C', false, false, 0, 'open', now(), 'bench'
FROM institutions AS i WHERE i.kind = 'shg' AND i.id > :base;
INSERT INTO accounts (id, book_id, state_code, code, name, type, normal_side, allow_negative,
    postable, parent_id, member_id, balance_paise, status, created_at, created_by)
SELECT {SAVINGS} + m.id, m.shg_id, 'BI', '2100-' || m.id, 'Savings', 'liability', 'C', false,
    true, {CONTROL} + m.shg_id, m.id, 0, 'open', now(), 'bench'
FROM members AS m WHERE m.created_by = 'bench';
INSERT INTO postings (entry_id, book_id, state_code, account_id, line_no, value_date, side,
    amount_paise, delta_paise)
SELECT gen_random_uuid(), m.shg_id, 'BI', {SAVINGS} + m.id, 1, d, 'C', 10000, -10000
FROM members AS m CROSS JOIN generate_series(0, 35) AS g,
LATERAL (SELECT (DATE '2023-12-05' + make_interval(months => g))::date AS d) AS day
WHERE m.created_by = 'bench' AND d BETWEEN m.joined_on AND :as_of
  AND NOT (m.id % 4 = 0 AND (m.id + g) % 3 = 0);
"""

LOANS = f"""
INSERT INTO member_loans (id, shg_id, state_code, member_id, account_id, principal_paise,
    rate_bp, rate_basis, method, frequency, instalments, moratorium_periods, disbursed_on,
    fund_source, allocation_order, disbursement_entry_id, created_at, created_by)
SELECT m.id, m.shg_id, 'BI', m.id, {LOAN} + m.id, 1200000, 0, 'per_month', 'flat', 'monthly',
    12, 0, DATE '2025-06-01' + (m.id % 120)::int, 'own', 'penalty,interest,principal',
    gen_random_uuid(), now(), 'bench'
FROM members AS m WHERE m.created_by = 'bench' AND m.id % 10 < 7;
INSERT INTO accounts (id, book_id, state_code, code, name, type, normal_side, allow_negative,
    postable, member_id, balance_paise, status, created_at, created_by)
SELECT {LOAN} + l.member_id, l.shg_id, 'BI', '1310-' || l.member_id, 'Loan', 'asset', 'D', false,
    true, l.member_id, 0, 'open', now(), 'bench'
FROM member_loans AS l WHERE l.created_by = 'bench';
INSERT INTO loan_instalments (loan_id, state_code, number, due_on, principal_paise,
    interest_paise, principal_through_paise)
SELECT l.id, l.state_code, k, (l.disbursed_on + make_interval(months => k))::date, 100000, 0,
    100000 * k
FROM member_loans AS l CROSS JOIN generate_series(1, 12) AS k WHERE l.created_by = 'bench';
INSERT INTO postings (entry_id, book_id, state_code, account_id, line_no, value_date, side,
    amount_paise, delta_paise)
SELECT gen_random_uuid(), l.shg_id, 'BI', l.account_id, 1, l.disbursed_on, 'D', 1200000, 1200000
FROM member_loans AS l WHERE l.created_by = 'bench'
UNION ALL
SELECT gen_random_uuid(), l.shg_id, 'BI', l.account_id, 1,
    i.due_on + CASE WHEN l.id % 10 = 5 THEN 40 ELSE 0 END, 'C', 100000, -100000
FROM loan_instalments AS i JOIN member_loans AS l ON l.id = i.loan_id
WHERE l.created_by = 'bench' AND NOT (l.id % 10 = 6 AND i.number > 3)
  AND i.due_on + CASE WHEN l.id % 10 = 5 THEN 40 ELSE 0 END <= :as_of;
"""

MEETINGS = """
INSERT INTO meetings (id, shg_id, state_code, meeting_date, revision, members_present,
    members_total, recorded_at, recorded_by)
SELECT s.id * 100 + g, s.id, s.state_code,
    (DATE '2025-11-20' + make_interval(months => g))::date, 0, :members, :members, now(), 'bench'
FROM institutions AS s CROSS JOIN generate_series(0, 11) AS g
WHERE s.kind = 'shg' AND s.id > :base;
INSERT INTO meeting_attendance (meeting_id, state_code, member_id, present)
SELECT t.id, t.state_code, m.id, (m.id + t.id) % 5 <> 0
FROM meetings AS t JOIN members AS m ON m.shg_id = t.shg_id WHERE t.recorded_by = 'bench';
"""


SMOKE = {"shgs": 20, "members": 5, "train_rows": 2_000, **PGBENCH_SMOKE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shgs", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument(
        "--train-rows", type=int, default=20_000, help="synthetic rows the scorecard learns on"
    )
    parser.add_argument("--reuse", action="store_true", help="time the state loaded last time")
    add_pgbench_arguments(parser)
    args = parse_args(parser, SMOKE)
    if args.smoke and args.reuse:
        parser.error("--smoke loads a state of its own: it cannot --reuse")
    args.clfs, args.vos = max(args.shgs // 250, 1), max(args.shgs // 20, 1)
    count = args.shgs * args.members
    print(
        f"Bahi scoring benchmark — PostgreSQL: {args.shgs:,} SHGs, {count:,} members"
        + (" (smoke run)" if args.smoke else "")
    )
    admin = admin_url()
    if args.reuse:
        rate = _time(database_url(admin, "bahi_bench_scoring"), args)
    else:
        rate = _loaded_and_timed(admin, args)
    tps = pgbench_beside(admin, args)
    print(f"  ratio members scored per second / pgbench: {ratio(rate, tps)}")


def _loaded_and_timed(admin: str, args: argparse.Namespace) -> float:
    name = database_name("bahi_bench_scoring", args.smoke)
    with scratch_database(admin, name, keep=not args.smoke) as url:
        command.upgrade(alembic_config(url), "head")
        _load(url, args)
        return _time(url, args)


def _load(url: str, args: argparse.Namespace) -> None:
    build_state(
        url,
        args,
        [
            ("institutions, books and accounts", INSTITUTIONS),
            ("members, savings accounts and deposits", MEMBERS),
            ("loans, schedules and repayments", LOANS),
            ("meetings and attendance", MEETINGS),
        ],
    )


def _time(url: str, args: argparse.Namespace) -> float:
    """The timings, printed; members given characteristics and both scores per second."""
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session:
        t0 = time.perf_counter()
        features = features_for_scope(session, "/", AS_OF)
        t1 = time.perf_counter()
        expert = [expert_score(values).score for values in features.values()]
        t2 = time.perf_counter()
        card = fit_scorecard(synthetic_members(args.train_rows, seed=11), SPEC)
        table = pd.DataFrame(list(features.values()), columns=list(FEATURE_NAMES), dtype=float)
        t3 = time.perf_counter()
        trained = card.score(table)
        t4 = time.perf_counter()
        print(f"  characteristics: {len(features):,} members in {t1 - t0:.1f} s")
        print(f"  expert scores:   {len(expert):,} in {t2 - t1:.2f} s")
        print(f"  trained scores:  {len(trained):,} in {t4 - t3:.2f} s")
        total = (t2 - t0) + (t4 - t3)
        claim = target("target < 60 s", args.smoke)
        print(f"  100,000 members: {total * 100_000 / len(features):.1f} s{claim}")
        with_loan = session.scalars(select(MemberLoan.member_id).limit(20)).all()
        timings = []
        for member_id in with_loan:
            member = session.get_one(Member, member_id)
            t0 = time.perf_counter()
            readiness(session, credit_history(session, member, AS_OF), "bench")
            timings.append((time.perf_counter() - t0) * 1000)
        session.rollback()
    print(
        f"  one profile:     median {statistics.median(timings):.0f} ms,"
        f" worst {max(timings):.0f} ms over {len(timings)}{target('target < 200 ms', args.smoke)}"
    )
    engine.dispose()
    return len(features) / total


if __name__ == "__main__":
    main()
