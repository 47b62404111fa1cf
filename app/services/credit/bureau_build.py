"""Building one bank's bureau file from its books: which accounts, which members, the lines,
the reject list and the reconciliation. Nothing is stored here (`bureau_reports` keeps it).

What is reported (RBI/2015-16/424 Annex II: "all live loan accounts during the period, all
accounts which got closed during the period and all accounts which opened during the
period"): every member loan funded by one of the bank's loans to an SHG, running at the
day-end of the reference date, or closed or written off after the period's start (the bank's
previous file's date). SHGs whose loans from the bank do not exceed the threshold (RBI
DBR.CID.BC.No.73/20.16.56/2015-16, 14 January 2016: member credit information for SHGs with
facilities exceeding ₹1,00,000; a setting) are reconciled but not reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.services.credit.bureau_accounts import Account, BankBook, ShgAtBank, read_bank_book
from app.services.credit.bureau_records import MemberRecord, member_record
from app.services.federation.kyc import latest_kyc
from models.bureau_format import CdfFile, Layout, Segment, clean, ddmmyyyy, whole_rupees
from models.bureau_settings import BureauSettings, HeaderProfile
from models.institutions import Bank
from models.kyc import MemberKyc

KYC_BATCH = 5_000  # members per KYC read: well under either database's parameter limit


@dataclass
class ShgFigures:
    """One SHG's reconciliation: books = reported + rounding + rejected + not reported."""

    shg_id: int
    state_code: str  # the SHG's
    facility_limit_paise: int
    books_outstanding_paise: int = 0
    reported_outstanding_paise: int = 0  # whole rupees as written, in paise
    rounding_paise: int = 0
    rejected_outstanding_paise: int = 0
    not_reported_paise: int = 0
    unattributed_outstanding_paise: int = 0
    unattributed_loans: int = 0
    members_reported: int = 0
    members_rejected: int = 0
    accounts: int = 0


@dataclass(frozen=True)
class MemberOutcome:
    member_id: int
    shg_id: int
    state_code: str  # her SHG's, so hers
    outcome: str  # "reported" or "rejected"
    accounts: int
    outstanding_paise: int
    problems: list[tuple[str, str]]


@dataclass
class Built:
    cdf: CdfFile
    layout: Layout
    profile: HeaderProfile
    members: list[MemberOutcome] = field(default_factory=list)
    shgs: list[ShgFigures] = field(default_factory=list)
    accounts: int = 0
    accounts_closed: int = 0


def reported(account: Account, period_start: date) -> bool:
    """Running at the reference date, or closed or written off in the period."""
    if account.status in ("current", "delinquent"):
        return True
    return account.closed_on is not None and account.closed_on > period_start


def _kyc(session: Session, member_ids: list[int]) -> dict[int, MemberKyc]:
    found: dict[int, MemberKyc] = {}
    for i in range(0, len(member_ids), KYC_BATCH):
        found.update(latest_kyc(session, member_ids[i : i + KYC_BATCH]))
    return found


def _header(
    bank: Bank, as_of: date, today: date, settings: BureauSettings
) -> tuple[HeaderProfile, dict[str, str], dict[str, str]]:
    membership = settings.membership(bank.ifsc_prefix, bank.name)
    profile = settings.profiles[membership.profile]
    slots = settings.profile_values(profile)
    common = {"format_id": settings.format_id, "version": settings.version}
    member_id = clean(membership.member_id)
    header = {
        **common,
        "segment": "HDR",
        "member_id": member_id,
        "short_name": clean(membership.short_name or bank.name)[:30],
        "reported_date": ddmmyyyy(as_of),
        "created_date": ddmmyyyy(today),
        "structure_indicator": slots["structure_indicator"],
        # The CIC's password for the bank (positions 81-110) is never kept: left blank.
        "vendor_id": slots["vendor_id"],
        "vendor_version": slots["vendor_version"],
    }
    trailer = {**common, "segment": "TRL", "member_id": member_id}
    trailer["reserved"] = slots["trailer_reserved"]
    return profile, header, trailer


def _reconcile(figures: ShgFigures, records: list[tuple[MemberRecord, list[Account]]]) -> None:
    for record, accounts in records:
        owed = sum(a.outstanding_paise for a in accounts)
        if record.problems:
            figures.members_rejected += 1
            figures.rejected_outstanding_paise += owed
            continue
        figures.members_reported += 1
        figures.accounts += len(accounts)
        written = sum(int(whole_rupees(a.outstanding_paise)) * 100 for a in accounts)
        figures.reported_outstanding_paise += written
        figures.rounding_paise += owed - written


def _group_line(shg: ShgAtBank, settings: BureauSettings) -> tuple[Segment]:
    """GRPCRD, only when the settings give its fields (OPEN-3)."""
    assert settings.group is not None
    first = shg.bank_loans[0]
    known = {
        "shg_id": str(shg.shg.id),
        "shg_name": clean(shg.shg.name),
        "formed_on": ddmmyyyy(shg.shg.formed_on),
        "branch_id": first.branch.ifsc,
        "account_number": clean(first.facility.account_number),
        "dose": str(first.facility.dose or ""),
        "vo_id": str(shg.shg.parent_id),
        "clf_id": shg.shg.path.strip("/").split("/")[-3],
        "state": shg.shg.state_code,
    }
    return (("GRPCRD", {f.key: known.get(f.key, "") for f in settings.group.fields}),)


def _shg_records(
    shg: ShgAtBank,
    accounts_of: dict[int, list[Account]],
    kycs: dict[int, MemberKyc],
    as_of: date,
    period_start: date,
    settings: BureauSettings,
) -> list[tuple[MemberRecord, list[Account]]]:
    """Each of the SHG's members with an account to report: her record and those accounts."""
    records = []
    for member_id, accounts in accounts_of.items():
        chosen = [a for a in accounts if reported(a, period_start)]
        if chosen:
            kyc = kycs.get(member_id)
            record = member_record(member_id, kyc, shg, chosen, as_of, settings)
            records.append((record, chosen))
    return records


def _figures(shg: ShgAtBank, accounts_of: dict[int, list[Account]], book: BankBook) -> ShgFigures:
    figures = ShgFigures(shg.shg.id, shg.shg.state_code, shg.limit_paise)
    figures.books_outstanding_paise = sum(
        a.outstanding_paise for accounts in accounts_of.values() for a in accounts
    )
    extra = book.unattributed.get(shg.shg.id)
    if extra is not None:
        figures.unattributed_loans = extra.loans
        figures.unattributed_outstanding_paise = extra.outstanding_paise
    return figures


def _keep(built: Built, shg: ShgAtBank, records: list[tuple[MemberRecord, list[Account]]]) -> None:
    for record, chosen in records:
        built.members.append(_outcome(record, shg, chosen))
        if not record.problems:
            built.accounts += len(chosen)
            built.accounts_closed += sum(a.status in ("closed", "written_off") for a in chosen)


def build(
    session: Session,
    bank: Bank,
    as_of: date,
    period_start: date,
    settings: BureauSettings,
    today: date,
    only_shgs: Sequence[int] | None = None,
) -> Built:
    """The file's records, its reject list and its reconciliation, from the books."""
    book = read_bank_book(session, bank.id, as_of, only_shgs)
    by_member: dict[int, dict[int, list[Account]]] = defaultdict(lambda: defaultdict(list))
    for account in book.accounts:
        by_member[account.loan.shg_id][account.loan.member_id].append(account)
    member_ids = sorted({m for shg in by_member.values() for m in shg})
    kycs = _kyc(session, member_ids)
    profile, header, trailer = _header(bank, as_of, today, settings)
    built = Built(CdfFile(header, (), trailer), settings.layout(profile), profile)
    lines: list[tuple[Segment, ...]] = []
    for shg_id, shg in book.shgs.items():
        figures = _figures(shg, by_member[shg_id], book)
        built.shgs.append(figures)
        if shg.limit_paise <= settings.min_shg_facility_exceeding_paise:
            figures.not_reported_paise = figures.books_outstanding_paise
            continue
        records = _shg_records(shg, by_member[shg_id], kycs, as_of, period_start, settings)
        _reconcile(figures, records)
        shg_lines = [line for record, _ in records for line in record.lines]
        if shg_lines and settings.group is not None:
            lines.append(_group_line(shg, settings))
        lines.extend(shg_lines)
        _keep(built, shg, records)
    built.cdf = CdfFile(header, tuple(lines), trailer)
    return built


def _outcome(record: MemberRecord, shg: ShgAtBank, accounts: list[Account]) -> MemberOutcome:
    return MemberOutcome(
        record.member_id,
        shg.shg.id,
        shg.shg.state_code,
        "rejected" if record.problems else "reported",
        len(accounts),
        sum(a.outstanding_paise for a in accounts),
        record.problems,
    )
