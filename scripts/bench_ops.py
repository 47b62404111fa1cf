"""Operations benchmark on PostgreSQL: meeting sheets imported from CSV, and arrears ageing.

    .venv/bin/python scripts/bench_ops.py [--shgs 200] [--members 15] [--meetings 4]

Builds SHGs whose members each have a running loan, writes a month of weekly meeting sheets
(savings from everyone, a repayment from every member, a fine now and then) as one CSV, and
imports it through the same service `POST /imports/meetings` and `flask meetings import` use.
Then ages every loan as of the month's end. Prints rates and what they mean for the issue's
targets (100,000 meetings in 10 minutes; 1 million loans aged in 30 s).
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
from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from app.cli import alembic_config  # noqa: E402
from app.db import make_engine  # noqa: E402
from app.services import institutions, loans, members  # noqa: E402
from app.services.arrears import ageing_rows  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shgs", type=int, default=200)
    parser.add_argument("--members", type=int, default=15)
    parser.add_argument("--meetings", type=int, default=4)
    args = parser.parse_args()
    url = create_database(admin_url(), "bahi_bench_ops")
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    t0 = time.perf_counter()
    shgs = build(factory, args.shgs, args.members)
    print(
        f"Bahi operations benchmark — PostgreSQL; setup {time.perf_counter() - t0:.0f} s "
        f"({args.shgs} SHGs × {args.members} members, a loan each)"
    )
    text = sheet_csv(shgs, args.meetings)
    with factory() as s:
        before = s.scalar(select(func.count()).select_from(Posting)) or 0
        t0 = time.perf_counter()
        report = import_meetings(s, ADMIN, text, "csv:bench", apply=True, today=LATER)
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
    with factory() as s:
        as_of = START + timedelta(days=95)
        t0 = time.perf_counter()
        rows = ageing_rows(s, "/", as_of)
        seconds = time.perf_counter() - t0
    aged = sum(r[2] for r in rows)
    print(
        f"  arrears ageing:  {aged:,} loans in {seconds * 1000:.0f} ms"
        f" ({aged / seconds:,.0f} loans/s)"
    )
    print(
        f"  1,000,000 loans at this rate: {1_000_000 / (aged / seconds):.1f} s  (target < 30 s; "
        "extrapolated, not measured at that size)"
    )
    engine.dispose()


if __name__ == "__main__":
    main()
