"""A bank's bureau files: made once per reference date, kept whole, read back.

Reporting SHG members' credit information to every credit information company is the bank's
duty under the Credit Information Companies (Regulation) Act 2005 and RBI's directions
(RBI/2015-16/424, 16 June 2016; the Master Direction on Credit Information Reporting of
6 January 2025, Annex VI): it is not a use of the member's consent to share her profile
(`consents.py`), so no consent gates it. Bahi makes the file from the SHG's books, the bank
sends it.

Who: a bank partner for its own bank, or an admin (or the scheduler, as an admin); a bank
partner asking about another bank gets 404, other roles 403. Each file is made once for a
bank and reference date (the database refuses a second); it keeps its bytes, their SHA-256,
who made it and when, its counts, a row per member covered (reported, or rejected with what
is missing) and per SHG (the reconciliation with the books).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.credit.bureau_build import Built, build
from app.services.credit.bureau_records import MISSING
from app.services.ledger.bulk import insert_rows
from app.services.shared.clock import INDIA, today_in_india
from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.access import Role
from models.bureau import BureauFile, BureauFileMember, BureauFileShg
from models.bureau_format import ddmmyyyy, write
from models.bureau_settings import BureauSettings, previous_cycle
from models.capital import Facility
from models.institutions import Bank, BankBranch, Institution, Member
from models.money import format_rupees


def _bank_role(who: Principal) -> None:
    if who.role not in (Role.ADMIN, Role.BANK_PARTNER):
        raise Forbidden("a bank's bureau files are for that bank's partner or an admin")


def _bank(session: Session, who: Principal, bank_id: int) -> Bank:
    """The bank, if the caller may make and read its files."""
    _bank_role(who)
    bank = session.get(Bank, bank_id)
    if bank is None or (who.role is Role.BANK_PARTNER and who.bank_id != bank_id):
        raise NotFound(f"bank {bank_id} not found")
    return bank


def period_start(session: Session, bank_id: int, as_of: date, settings: BureauSettings) -> date:
    """Accounts closed after this day are reported: the bank's previous file's date, or the
    reference date before `as_of` for its first."""
    previous = session.scalar(
        select(func.max(BureauFile.as_of)).where(
            BureauFile.bank_id == bank_id, BureauFile.as_of < as_of
        )
    )
    return previous or previous_cycle(as_of, settings.cycle_days)


def _stored(built: Built, data: bytes, bank: Bank, as_of: date, start: date) -> BureauFile:
    outcomes = [m.outcome for m in built.members]
    return BureauFile(
        bank_id=bank.id,
        as_of=as_of,
        period_start=start,
        header_profile=built.profile.name,
        sha256=hashlib.sha256(data).hexdigest(),
        byte_count=len(data),
        content=data,
        shgs=len({m.shg_id for m in built.members if m.outcome == "reported"}),
        members_reported=outcomes.count("reported"),
        members_rejected=outcomes.count("rejected"),
        accounts=built.accounts,
        accounts_closed=built.accounts_closed,
    )


def _keep_rows(session: Session, file: BureauFile, built: Built) -> None:
    insert_rows(
        session,
        BureauFileMember.__table__,  # type: ignore[arg-type]
        [
            {
                "file_id": file.id,
                "member_id": m.member_id,
                "state_code": m.state_code,
                "shg_id": m.shg_id,
                "outcome": m.outcome,
                "accounts": m.accounts,
                "outstanding_paise": m.outstanding_paise,
                "missing": json.dumps(m.problems) if m.problems else None,
            }
            for m in built.members
        ],
    )
    insert_rows(
        session,
        BureauFileShg.__table__,  # type: ignore[arg-type]
        [{"file_id": file.id, **vars(s)} for s in built.shgs],
    )


def generate_file(
    session: Session,
    who: Principal,
    bank_id: int,
    as_of: date,
    settings: BureauSettings,
    source: str = "api",
    today: date | None = None,
) -> BureauFile:
    """Make and keep the bank's file as of a reference date (its day must have ended).

    Raises:
        Forbidden, NotFound: see the module's docstring.
        Invalid: `as_of` is today or later.
        Conflict: the bank's file for that date was made already.
    """
    bank = _bank(session, who, bank_id)
    today = today or today_in_india()
    if as_of >= today:
        raise Invalid.field("as_of", f"must be a day that has ended (before {today:%d-%m-%Y})")
    _refuse_second(session, bank.id, as_of)
    start = period_start(session, bank.id, as_of, settings)
    built = build(session, bank, as_of, start, settings, today)
    data = write(built.cdf, built.layout)
    file = _stored(built, data, bank, as_of, start)
    file.file_name = settings.file_name.format(bank=bank.ifsc_prefix, as_of=ddmmyyyy(as_of))
    file.source, file.created_by = source, who.label
    try:
        with session.begin_nested():
            session.add(file)
            session.flush()
    except IntegrityError:
        _refuse_second(session, bank.id, as_of)
        raise
    _keep_rows(session, file, built)
    return file


def _refuse_second(session: Session, bank_id: int, as_of: date) -> None:
    made = session.scalar(
        select(BureauFile.id).where(BureauFile.bank_id == bank_id, BureauFile.as_of == as_of)
    )
    if made is not None:
        raise Conflict(
            f"bank {bank_id}'s file as of {as_of:%d-%m-%Y} was made already: file {made}"
        )


def banks_due(session: Session, as_of: date) -> list[int]:
    """Banks with a loan to an SHG sanctioned by `as_of` and no file for that date yet."""
    made = select(BureauFile.bank_id).where(BureauFile.as_of == as_of)
    return list(
        session.scalars(
            select(BankBranch.bank_id)
            .join(Facility, Facility.branch_id == BankBranch.id)
            .where(Facility.fund == "bank", Facility.sanctioned_on <= as_of)
            .where(BankBranch.bank_id.not_in(made))
            .distinct()
            .order_by(BankBranch.bank_id)
        )
    )


def readable_file(session: Session, who: Principal, file_id: int) -> BureauFile:
    """The file (its bytes not loaded), if the caller may read its bank's files."""
    _bank_role(who)
    file = session.get(BureauFile, file_id)
    if file is None:
        raise NotFound(f"bureau file {file_id} not found")
    _bank(session, who, file.bank_id)
    return file


def list_files(
    session: Session, who: Principal, bank_id: int | None, after: int | None, limit: int
) -> Page[BureauFile]:
    """Files newest first: a bank partner's own bank's; an admin's of any bank or one."""
    if who.role is Role.BANK_PARTNER:
        bank_id = bank_id if bank_id is not None else who.bank_id
    query = select(BureauFile)
    if bank_id is not None:
        query = query.where(BureauFile.bank_id == _bank(session, who, bank_id).id)
    else:
        _bank_role(who)
    return fetch_page(session, query, BureauFile.id, after, limit, descending=True)


def file_content(session: Session, who: Principal, file_id: int) -> tuple[BureauFile, bytes]:
    """The file as made, byte for byte."""
    file = readable_file(session, who, file_id)
    content = session.scalar(select(BureauFile.content).where(BureauFile.id == file.id))
    assert content is not None
    return file, bytes(content)


@dataclass(frozen=True)
class Reconciliation:
    shg: Institution
    figures: BureauFileShg

    @property
    def unexplained_paise(self) -> int:
        f = self.figures
        return (
            f.books_outstanding_paise
            - f.reported_outstanding_paise
            - f.rounding_paise
            - f.rejected_outstanding_paise
            - f.not_reported_paise
        )


@dataclass(frozen=True)
class FileDetail:
    file: BureauFile
    bank: Bank
    reconciliation: list[Reconciliation]

    def __getattr__(self, name: str) -> object:
        return getattr(self.file, name)


def file_detail(session: Session, who: Principal, file_id: int) -> FileDetail:
    file = readable_file(session, who, file_id)
    rows = session.execute(
        select(Institution, BureauFileShg)
        .join(BureauFileShg, BureauFileShg.shg_id == Institution.id)
        .where(BureauFileShg.file_id == file.id)
        .order_by(BureauFileShg.shg_id)
    ).all()
    reconciliation = [Reconciliation(shg, figures) for shg, figures in rows]
    return FileDetail(file, session.get_one(Bank, file.bank_id), reconciliation)


@dataclass(frozen=True)
class Reject:
    member: Member
    shg: Institution
    accounts: int
    outstanding_paise: int
    problems: list[tuple[str, str]]

    @property
    def problem_lines(self) -> list[dict[str, str]]:
        return [{"field": f, "reason": reason} for f, reason in self.problems]


def rejects(session: Session, who: Principal, file_id: int) -> tuple[BureauFile, list[Reject]]:
    """The members the file could not report, with every reason."""
    file = readable_file(session, who, file_id)
    rows = session.execute(
        select(BureauFileMember, Member, Institution)
        .join(Member, Member.id == BureauFileMember.member_id)
        .join(Institution, Institution.id == BureauFileMember.shg_id)
        .where(BureauFileMember.file_id == file.id, BureauFileMember.outcome == "rejected")
        .order_by(BureauFileMember.shg_id, BureauFileMember.member_id)
    ).all()
    return file, [
        Reject(m, shg, row.accounts, row.outstanding_paise, _problems(row)) for row, m, shg in rows
    ]


def _problems(row: BureauFileMember) -> list[tuple[str, str]]:
    return [(str(f), str(reason)) for f, reason in json.loads(row.missing or "[]")]


REJECT_COLUMNS = (
    "member_id",
    "member_code",
    "member_name",
    "shg_id",
    "shg_name",
    "accounts",
    "outstanding",
    "fields",
    "reasons",
)


def rejects_csv(items: list[Reject]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REJECT_COLUMNS)
    for r in items:
        writer.writerow(
            (
                r.member.id,
                r.member.member_code or "",
                r.member.name,
                r.shg.id,
                r.shg.name,
                r.accounts,
                format_rupees(r.outstanding_paise),
                "; ".join(f for f, _ in r.problems),
                "; ".join(f"{f}: {reason}" for f, reason in r.problems),
            )
        )
    return out.getvalue()


@dataclass(frozen=True)
class ReportLine:
    """A file that covered a member, as her passbook says it."""

    bank: str
    as_of: date
    made_on: date
    reported: bool
    statement: str


def _plain(problems: list[tuple[str, str]]) -> str:
    words = [
        MISSING.get(f) or f"{f.split('.')[-1].replace('_', ' ')} ({reason})"
        for f, reason in problems
    ]
    return ", ".join(words)


def member_reports(session: Session, member_id: int) -> list[ReportLine]:
    """Every file that covered her, newest first, in plain words."""
    rows = session.execute(
        select(BureauFileMember, BureauFile.as_of, BureauFile.created_at, Bank.name)
        .join(BureauFile, BureauFile.id == BureauFileMember.file_id)
        .join(Bank, Bank.id == BureauFile.bank_id)
        .where(BureauFileMember.member_id == member_id)
        .order_by(BureauFileMember.file_id.desc())
    ).all()
    lines = []
    for row, as_of, created_at, bank in rows:
        made_on = created_at.astimezone(INDIA).date()
        if row.outcome == "reported":
            statement = (
                f"Reported to the credit bureaus by {bank} on {made_on:%d-%m-%Y}"
                f" (your loans as on {as_of:%d-%m-%Y})."
            )
        else:
            statement = (
                f"Not reported to the credit bureaus by {bank} on {made_on:%d-%m-%Y}: your"
                f" record lacks {_plain(_problems(row))}."
            )
        lines.append(ReportLine(bank, as_of, made_on, row.outcome == "reported", statement))
    return lines
