"""A bank's bureau file at scale on PostgreSQL: 10,000 SHGs and 100,000 members, and one SHG.

    .venv/bin/python scripts/bench_bureau.py [--shgs 10000] [--members 10] [--reuse] [--smoke]

Loads a state straight into the tables (`generate_series`, triggers and foreign keys off, in a
throwaway database): `--shgs` SHGs with a term loan of ₹2,00,000 from the bank under test and
a tenth as many again with a loan from another bank (whose members must not appear), each
with `--members` members, a member loan each funded by the SHG's bank loan (₹12,000 flat over
12 months; one in twenty over 6 months, closed by now), its schedule, repayments (one in ten
40 days late, one in ten stopped after three, one in fifty written off after four) and a KYC
record (one member in twenty without a PIN code: rejected). Then it times the bank's whole file
as of 30-11-2026, made and kept through the same `generate_file` the API, the CLI and the
scheduler use (rolled back after), and one SHG's members alone, 20 times. Targets: the bank's
file under 60 s; one SHG under 1 s. pgbench's TPC-B on the same server is the yardstick: the
members per second over its transactions per second say how this machine compares.

The loaded state is kept for `--reuse`. `--smoke`: the same at tiny sizes in a few seconds, in
databases dropped at the end (scripts/bench_common.py).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services.credit.bureau_build import build  # noqa: E402
from app.services.credit.bureau_reports import generate_file, period_start  # noqa: E402
from app.services.shared.principal import Principal  # noqa: E402
from models import Bank, Facility, Role  # noqa: E402
from models.bureau_format import write  # noqa: E402
from models.bureau_settings import load_settings  # noqa: E402
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
from scripts.bench_idle import INSTITUTIONS, build_state  # noqa: E402

ADMIN = Principal(role=Role.ADMIN, label="bench")
AS_OF, TODAY = date(2026, 11, 30), date(2026, 12, 1)
BANK, OTHER = 1001, 1002
LOAN_ACCOUNTS = 3 * 10**12

# A member's (and her loan's) pseudo-random number 0-99, mixing her SHG into it (ids are
# SHG x 100 + k, so a plain modulus would pick the same k in every SHG).
H = "(({0} * 7919 + ({0} / 100) * 104729) % 100)"

BANKS = """
INSERT INTO banks (id, name, ifsc_prefix, status, created_at, created_by, updated_at, updated_by)
VALUES (1001, 'Bench Gramin Bank', 'BGBK', 'active', now(), 'bench', now(), 'bench'),
       (1002, 'Other Bank', 'OTHB', 'active', now(), 'bench', now(), 'bench');
INSERT INTO bank_branches (id, bank_id, state_code, name, ifsc, status, created_at, created_by,
    updated_at, updated_by)
VALUES (2001, 1001, 'BI', 'Main', 'BGBK0000001', 'active', now(), 'bench', now(), 'bench'),
       (2002, 1002, 'BI', 'Main', 'OTHB0000001', 'active', now(), 'bench', now(), 'bench');
INSERT INTO facilities (id, state_code, fund, kind, borrower_id, branch_id, account_number, dose,
    sanctioned_on, limit_paise, rate_bp, bank_rate_bp, rates_carried_forward, rate_basis, method,
    frequency, instalments, moratorium_periods, disbursed_on, created_at, created_by)
SELECT s.id, 'BI', 'bank', 'term', s.id,
    CASE WHEN s.id - :shg0 <= :bank_shgs THEN 2001 ELSE 2002 END, 'TL-' || s.id, 1,
    DATE '2025-11-01', 20000000, 700, 700, false, 'per_annum', 'declining', 'monthly', 24, 0,
    DATE '2025-11-01', now(), 'bench'
FROM institutions AS s WHERE s.kind = 'shg' AND s.id > :base;
"""

MEMBERS = f"""
INSERT INTO members (id, shg_id, state_code, name, member_code, joined_on, status, created_at,
    created_by, updated_at, updated_by)
SELECT s.id * 100 + k, s.id, 'BI', 'Member ' || (s.id * 100 + k), 'M' || (s.id * 100 + k),
    DATE '2024-01-01', 'active', now(), 'bench', now(), 'bench'
FROM institutions AS s CROSS JOIN generate_series(1, :members) AS k
WHERE s.kind = 'shg' AND s.id > :base;
INSERT INTO member_kyc (member_id, state_code, version, full_name, date_of_birth, gender,
    marital_status, key_person_name, key_person_relation, address_line, village_or_town,
    district_name, address_state_code, pin_code, phone, voter_id, recorded_at, recorded_by)
SELECT m.id, m.state_code, 1, m.name, DATE '1975-01-01' + (m.id % 9000)::int, 'female', 'married',
    'Husband of ' || m.id, 'husband', 'Ward ' || (m.id % 20), 'Village', 'District', 'JH',
    CASE WHEN {H.format("m.id")} % 20 = 3 THEN NULL ELSE '834001' END,
    '98' || lpad((m.id % 100000000)::text, 8, '0'), 'VID' || m.id, now(), 'bench'
FROM members AS m WHERE m.created_by = 'bench';
"""

LOANS = f"""
INSERT INTO member_loans (id, shg_id, state_code, member_id, account_id, principal_paise,
    rate_bp, rate_basis, method, frequency, instalments, moratorium_periods, disbursed_on,
    fund_source, facility_id, purpose, allocation_order, disbursement_entry_id, created_at,
    created_by)
SELECT m.id, m.shg_id, 'BI', m.id, {LOAN_ACCOUNTS} + m.id, 1200000, 100, 'per_month', 'flat',
    'monthly', CASE WHEN {H.format("m.id")} % 20 = 1 THEN 6 ELSE 12 END, 0,
    DATE '2025-12-01' + (m.id % 100)::int, 'bank_loan', m.shg_id, 'Dairy',
    'penalty,interest,principal', gen_random_uuid(), now(), 'bench'
FROM members AS m WHERE m.created_by = 'bench';
INSERT INTO accounts (id, book_id, state_code, code, name, type, normal_side, allow_negative,
    postable, member_id, balance_paise, status, created_at, created_by)
SELECT l.account_id, l.shg_id, 'BI', '1310-' || l.id, 'Loan', 'asset', 'D', false, true,
    l.member_id, 0, 'open', now(), 'bench'
FROM member_loans AS l WHERE l.created_by = 'bench';
INSERT INTO loan_instalments (loan_id, state_code, number, due_on, principal_paise,
    interest_paise, principal_through_paise)
SELECT l.id, l.state_code, k, (l.disbursed_on + make_interval(months => k))::date,
    l.principal_paise / l.instalments, 12000, l.principal_paise / l.instalments * k
FROM member_loans AS l CROSS JOIN generate_series(1, 12) AS k
WHERE l.created_by = 'bench' AND k <= l.instalments;
INSERT INTO loan_repayments (entry_id, loan_id, state_code, value_date, penalty_paise,
    interest_paise, principal_paise, interest_through, penalty_unpaid_paise,
    interest_unpaid_paise)
SELECT gen_random_uuid(), i.loan_id, i.state_code, p.day, 0, i.interest_paise, i.principal_paise,
    p.day, 0, 0
FROM loan_instalments AS i,
LATERAL (SELECT {H.format("i.loan_id")} AS h) AS r,
LATERAL (SELECT i.due_on + CASE WHEN r.h % 10 = 5 THEN 40 ELSE 0 END AS day) AS p
WHERE i.loan_id IN (SELECT id FROM member_loans WHERE created_by = 'bench')
  AND NOT (r.h % 10 = 6 AND i.number > 3) AND NOT (r.h % 50 = 7 AND i.number > 4)
  AND p.day <= :as_of;
INSERT INTO loan_write_offs (entry_id, loan_id, state_code, value_date, principal_paise, reason)
SELECT gen_random_uuid(), l.id, l.state_code, DATE '2026-11-20', l.principal_paise * 2 / 3, 'bench'
FROM member_loans AS l WHERE l.created_by = 'bench' AND {H.format("l.id")} % 50 = 7;
INSERT INTO postings (entry_id, book_id, state_code, account_id, line_no, value_date, side,
    amount_paise, delta_paise)
SELECT l.disbursement_entry_id, l.shg_id, 'BI', l.account_id, 1, l.disbursed_on, 'D',
    l.principal_paise, l.principal_paise
FROM member_loans AS l WHERE l.created_by = 'bench'
UNION ALL
SELECT r.entry_id, l.shg_id, 'BI', l.account_id, 1, r.value_date, 'C', r.principal_paise,
    -r.principal_paise
FROM loan_repayments AS r JOIN member_loans AS l ON l.id = r.loan_id
UNION ALL
SELECT w.entry_id, l.shg_id, 'BI', l.account_id, 1, w.value_date, 'C', w.principal_paise,
    -w.principal_paise
FROM loan_write_offs AS w JOIN member_loans AS l ON l.id = w.loan_id;
"""

SMOKE = {"shgs": 30, "members": 5, **PGBENCH_SMOKE}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shgs", type=int, default=10_000, help="SHGs with the bank's loans")
    parser.add_argument("--members", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="time the state loaded last time")
    add_pgbench_arguments(parser)
    args = parse_args(parser, SMOKE)
    if args.smoke and args.reuse:
        parser.error("--smoke loads a state of its own: it cannot --reuse")
    args.bank_shgs = args.shgs
    args.shgs = args.shgs + max(args.shgs // 10, 1)  # and the other bank's SHGs
    args.clfs, args.vos = max(args.shgs // 250, 1), max(args.shgs // 20, 1)
    print(
        f"Bahi bureau-file benchmark — PostgreSQL: {args.bank_shgs:,} SHGs and"
        f" {args.bank_shgs * args.members:,} members with the bank's loans"
        f" (and {args.shgs - args.bank_shgs:,} SHGs of another bank)"
        + (" (smoke run)" if args.smoke else "")
    )
    admin = admin_url()
    if args.reuse:
        _time(database_url(admin, "bahi_bench_bureau"), args)
    else:
        name = database_name("bahi_bench_bureau", args.smoke)
        with scratch_database(admin, name, keep=not args.smoke) as url:
            command.upgrade(alembic_config(url), "head")
            _load(url, args)
            _time(url, args)
    tps = pgbench_beside(admin, args)
    print(f"  ratio members per second / pgbench: {ratio(args.members_per_second, tps)}")


def _load(url: str, args: argparse.Namespace) -> None:
    build_state(
        url,
        args,
        [
            ("institutions, books and accounts", INSTITUTIONS),
            ("banks and the SHGs' bank loans", BANKS.replace(":bank_shgs", str(args.bank_shgs))),
            ("members and their KYC", MEMBERS),
            ("member loans, schedules, repayments and write-offs", LOANS),
        ],
    )


def _time(url: str, args: argparse.Namespace) -> None:
    settings = load_settings()
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        t0 = time.perf_counter()
        file = generate_file(session, ADMIN, BANK, AS_OF, settings, today=TODAY)
        seconds = time.perf_counter() - t0
        members = file.members_reported + file.members_rejected
        args.members_per_second = members / seconds
        print(
            f"  bank's file: {members:,} members ({file.members_rejected:,} rejected),"
            f" {file.accounts:,} accounts, {file.shgs:,} SHGs, {file.byte_count / 1e6:.1f} MB"
            f" in {seconds:.1f} s"
        )
        claim = target("target < 60 s", args.smoke)
        print(f"  100,000 members: {seconds * 100_000 / members:.1f} s{claim}")
        session.rollback()
        bank = session.get_one(Bank, BANK)
        shgs = session.scalars(
            select(Facility.borrower_id).where(Facility.branch_id == 2001).limit(20)
        ).all()
        start = period_start(session, BANK, AS_OF, settings)
        timings = []
        for shg in shgs:
            t0 = time.perf_counter()
            built = build(session, bank, AS_OF, start, settings, TODAY, only_shgs=[shg])
            write(built.cdf, built.layout)
            timings.append((time.perf_counter() - t0) * 1000)
        print(
            f"  one SHG's members: median {statistics.median(timings):.0f} ms,"
            f" worst {max(timings):.0f} ms over {len(timings)}"
            f"{target('target < 1 s', args.smoke)}"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
