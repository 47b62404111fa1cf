"""Operations benchmark on PostgreSQL: meeting sheets imported from CSV, and arrears ageing.

    .venv/bin/python scripts/bench_ops.py [--shgs 200] [--members 15] [--meetings 4]
                                          [--ageing-loans 1000000]

Builds SHGs whose members each have a running loan, writes a month of weekly meeting sheets
(savings from everyone, a repayment from every member, a fine now and then) as one CSV, and
imports it through the same service `POST /imports/meetings` and `flask meetings import` use.
Then ages every loan as of the month's end. Prints rates and what they mean for the issue's
targets (100,000 meetings in 10 minutes; 1 million loans aged in 30 s).

With `--ageing-loans N`, N further loans (12 monthly instalments, repaid on time, late or
not at all, one posting per repayment) are loaded straight into the tables the ageing reads
(`member_loans`, `loan_instalments`, `postings`) with `generate_series`, triggers and
foreign keys off (`session_replication_role = replica`): posting a million loans through the
service would take hours and measure posting, not ageing. Only this throwaway database is
touched.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402
from sqlalchemy import Engine, func, select, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services import institutions, loans, members  # noqa: E402
from app.services.arrears import BUCKETS, ageing_rows  # noqa: E402
from app.services.books import account_by_role, book_of  # noqa: E402
from app.services.institutions import NewInstitution  # noqa: E402
from app.services.meeting_import import import_meetings  # noqa: E402
from app.services.posting import EntryDraft, post_entry  # noqa: E402
from app.services.principal import Principal  # noqa: E402
from models import InstitutionKind, Posting, Role  # noqa: E402
from models.schedule import Frequency, LoanTerms, Method, RateBasis  # noqa: E402
from scripts.bench_ledger import admin_url, create_database  # noqa: E402

ADMIN = Principal(role=Role.ADMIN, label="bench")
START = date(2026, 4, 1)
LATER = date(2030, 1, 1)


def build(factory: sessionmaker, shgs: int, per_shg: int) -> list[tuple[int, list[int]]]:
    """SHGs with members, each SHG funded and each member holding a running loan."""
    out = []
    with factory() as s:

        def inst(kind: InstitutionKind, name: str, parent: int | None, **kw: object) -> int:
            new = NewInstitution(kind=kind, name=name, parent_id=parent, **kw)  # type: ignore[arg-type]
            return institutions.create_institution(s, ADMIN, new).id

        parent = inst(InstitutionKind.STATE, "Bench", None, state_code="BO")
        for kind in (InstitutionKind.DISTRICT, InstitutionKind.BLOCK, InstitutionKind.CLF):
            parent = inst(kind, f"Bench {kind.value}", parent)
        clf = parent
        terms = LoanTerms(
            10_000_00, 200, RateBasis.PER_MONTH, Method.DECLINING, 10, Frequency.MONTHLY
        )
        for n in range(shgs):
            vo = inst(InstitutionKind.VO, f"VO {n}", clf) if n % 20 == 0 else vo  # noqa: F821
            shg = inst(InstitutionKind.SHG, f"SHG {n}", vo)
            book = book_of(s, shg).id
            cash, rf = (
                account_by_role(s, book, "cash").id,
                account_by_role(s, book, "revolving_fund").id,
            )
            post_entry(
                s,
                ADMIN,
                EntryDraft.transfer(book, START, "RF", cash, rf, 10**9),
                LATER,
            )
            ids = [
                members.create_member(s, ADMIN, members.NewMember(shg, f"M{n}-{i}")).id
                for i in range(per_shg)
            ]
            for member_id in ids:
                loans.disburse_loan(s, ADMIN, loans.NewLoan(member_id, terms, START), LATER)
            out.append((shg, ids))
            if n % 20 == 19:
                s.commit()
        s.commit()
    return out


def sheet_csv(shgs: list[tuple[int, list[int]]], meetings: int) -> str:
    rows = ["shg_id,meeting_date,member_id,present,savings,fine,repayment"]
    for m in range(meetings):
        day = (START + timedelta(days=7 * (m + 1))).isoformat()
        for shg, ids in shgs:
            for i, member_id in enumerate(ids):
                fine = "10" if (i + m) % 7 == 0 else ""
                rows.append(f"{shg},{day},{member_id},yes,100,{fine},250")
    return "\n".join(rows) + "\n"


AGEING_AS_OF = date(2026, 3, 31)

# Each loan: ₹12,000 in 12 monthly instalments of ₹1,000, disbursed on one of 365 days of
# FY 2025-26. `lag` instalments behind (from the loan's id): most on time, some 1, 2 or 4
# behind, one in ten stopped paying after its third instalment.
_SYNTHETIC_LOANS = """
INSERT INTO member_loans (id, shg_id, state_code, member_id, account_id, principal_paise,
    rate_bp, rate_basis, method, frequency, instalments, moratorium_periods, disbursed_on,
    fund_source, allocation_order, disbursement_entry_id, created_at, created_by)
SELECT :base + g, (:shgs)[1 + g % :n], 'BO', (:members)[1 + g % :n], :base + g, 1200000,
    200, 'per_month', 'declining', 'monthly', 12, 0, DATE '2025-04-01' + (g % 365), 'own',
    'penalty,interest,principal', gen_random_uuid(), now(), 'bench-ageing'
FROM generate_series(1, :loans) AS g
"""
_SYNTHETIC_INSTALMENTS = """
INSERT INTO loan_instalments (loan_id, number, due_on, principal_paise, interest_paise,
    principal_through_paise)
SELECT l.id, k, (l.disbursed_on + make_interval(months => k))::date, 100000, 2000, 100000 * k
FROM member_loans AS l CROSS JOIN generate_series(1, 12) AS k
WHERE l.created_by = 'bench-ageing'
"""
_SYNTHETIC_POSTINGS = """
INSERT INTO postings (entry_id, book_id, account_id, line_no, value_date, side, amount_paise,
    delta_paise)
SELECT gen_random_uuid(), 0, l.id, 1, l.disbursed_on, 'D', 1200000, 1200000
FROM member_loans AS l WHERE l.created_by = 'bench-ageing'
UNION ALL
SELECT gen_random_uuid(), 0, i.loan_id, 1, i.due_on, 'C', 100000, -100000
FROM loan_instalments AS i JOIN member_loans AS l ON l.id = i.loan_id
WHERE l.created_by = 'bench-ageing' AND i.due_on <= :as_of AND CASE
    WHEN l.id % 10 = 9 THEN i.number <= 3
    ELSE i.due_on <= :as_of - make_interval(months => (ARRAY[0,0,0,0,0,0,1,1,2])[1 + l.id % 10])
END
"""


def load_ageing_loans(engine: Engine, shgs: list[tuple[int, list[int]]], loans: int) -> None:
    pairs = [(shg, member) for shg, ids in shgs for member in ids]
    params = {
        "base": 10**12,
        "shgs": [shg for shg, _ in pairs],
        "members": [member for _, member in pairs],
        "n": len(pairs),
        "loans": loans,
        "as_of": AGEING_AS_OF,
    }
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in (_SYNTHETIC_LOANS, _SYNTHETIC_INSTALMENTS, _SYNTHETIC_POSTINGS):
            connection.execute(text(statement), params)
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
        connection.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shgs", type=int, default=200)
    parser.add_argument("--members", type=int, default=15)
    parser.add_argument("--meetings", type=int, default=4)
    parser.add_argument("--ageing-loans", type=int, default=0, help="synthetic loans to age")
    args = parser.parse_args()
    url = create_database(admin_url(), "bahi_bench_ops")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    t0 = time.perf_counter()
    shgs = build(factory, args.shgs, args.members)
    with engine.connect() as connection:  # a live database has statistics; a fresh one not
        connection.execute(text("ANALYZE"))
        connection.commit()
    print(
        f"Bahi operations benchmark — PostgreSQL; setup {time.perf_counter() - t0:.0f} s "
        f"({args.shgs} SHGs × {args.members} members, a loan each)"
    )
    sheet = sheet_csv(shgs, args.meetings)
    with factory() as s:
        before = s.scalar(select(func.count()).select_from(Posting)) or 0
        t0 = time.perf_counter()
        report = import_meetings(s, ADMIN, sheet, "csv:bench", apply=True, today=LATER)
        s.commit()
        seconds = time.perf_counter() - t0
        postings = (s.scalar(select(func.count()).select_from(Posting)) or 0) - before
    assert report.posted == args.shgs * args.meetings and not report.problems, report.problems[:3]
    rate = report.posted / seconds
    print(
        f"  meeting import:  {report.posted} meetings ({report.rows} rows,"
        f" {postings:,} postings) in {seconds:.1f} s"
    )
    print(
        f"                   {rate:.1f} meetings/s,"
        f" {postings / seconds:,.0f} postings/s (one process)"
    )
    print(f"  100,000 meetings at this rate: {100_000 / rate / 60:.1f} min  (target < 10 min)")
    as_of = START + timedelta(days=95)
    if args.ageing_loans:
        t0 = time.perf_counter()
        load_ageing_loans(engine, shgs, args.ageing_loans)
        print(f"  loaded {args.ageing_loans:,} synthetic loans in {time.perf_counter() - t0:.0f} s")
        as_of = AGEING_AS_OF
    with factory() as s:
        t0 = time.perf_counter()
        rows = ageing_rows(s, "/", as_of)
        seconds = time.perf_counter() - t0
    aged = sum(r[2] for r in rows)
    by_bucket = {b: sum(r[2] for r in rows if r[1] == b) for b in BUCKETS}
    print(
        f"  arrears ageing:  {aged:,} loans with principal outstanding on {as_of}"
        f" in {seconds:.2f} s ({aged / seconds:,.0f} loans/s)"
    )
    print("                   " + ", ".join(f"{b}: {n:,}" for b, n in by_bucket.items()))
    measured = "measured" if args.ageing_loans >= 1_000_000 else "extrapolated"
    print(
        f"  1,000,000 loans at this rate: {1_000_000 / (aged / seconds):.1f} s"
        f"  (target < 30 s; {measured})"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
