"""Members' KYC: recorded in versions by her bookkeeper, and what is still missing before
her record can be reported to the credit bureaus.

What the bureau file needs of a member (`REQUIRED_FOR_REPORTING`) follows the mandatory
fields of the member and address segments of the "Microfinance Data Sharing File Format
(Including SHG)" (RBI/2015-16/424, DBR.CID.BC.No.104/20.16.56/2015-16, 16 June 2016, Annex
II, as the CICs publish it: CRIF High Mark MFI format v2.0, November 2023): her name, date of
birth or age, gender, marital status, key person (husband or father) and relationship, a
permanent address with state and PIN code. Assumption (the annex's mandatory flags could not
be read in full, see README): at least one identity document (voter ID, ration card, another
ID or the CKYC number) is required too, as the RBI tables of 14 January 2016 ask banks to
collect KYC identifiers. Incomplete KYC never blocks bookkeeping; it only keeps her out of
the bureau file, named in its reject report.

Who may do what: her bookkeeper (her CLF's tree) and an admin record versions; an auditor
reads them in her district or state; a bank partner never reads KYC here (403, whatever the
member, so the answer says nothing of who exists). A
version is the whole record: the one before it with the fields given changed, so correcting
one field keeps every other. The fields' formats and the Aadhaar rule are in
`app/services/federation/kyc_rules.py` and `app/services/shared/aadhaar.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.federation.kyc_rules import (
    COLUMNS,
    KYC_FIELDS,
    column_of,
    given_problems,
    record_problems,
)
from app.services.federation.members import readable_member
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Forbidden, Invalid, require_no_problems
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.access import Role
from models.base import utcnow
from models.institutions import Institution, Member
from models.kyc import MemberKyc

# (field, what a bookkeeper is told is missing)
REQUIRED_FOR_REPORTING: tuple[tuple[str, str], ...] = (
    ("full_name", "full name"),
    ("date_of_birth_or_age", "date of birth, or age and the date it was given"),
    ("gender", "gender"),
    ("marital_status", "marital status"),
    ("key_person_name", "husband's or father's name"),
    ("key_person_relation", "relationship of that person"),
    ("address_line", "address"),
    ("state_code", "state"),
    ("pin_code", "PIN code"),
    ("identity_document", "an identity document (voter ID, ration card, other ID or CKYC number)"),
)


def _present(kyc: MemberKyc, field: str) -> bool:
    if field == "date_of_birth_or_age":
        return kyc.date_of_birth is not None or (
            kyc.age_years is not None and kyc.age_as_on is not None
        )
    if field == "identity_document":
        return any((kyc.voter_id, kyc.ration_card, kyc.other_id_number, kyc.ckyc_number))
    return bool(getattr(kyc, column_of(field)))


def missing_for_reporting(kyc: MemberKyc | None) -> list[str]:
    """The fields (names of `REQUIRED_FOR_REPORTING`) her latest KYC lacks; all of them
    when none is recorded."""
    if kyc is None:
        return [field for field, _ in REQUIRED_FOR_REPORTING]
    return [field for field, _ in REQUIRED_FOR_REPORTING if not _present(kyc, field)]


def latest_kyc(session: Session, member_ids: list[int]) -> dict[int, MemberKyc]:
    """Each member's latest KYC version, for any number of members in one query."""
    latest = (
        select(MemberKyc.member_id, func.max(MemberKyc.version).label("version"))
        .where(MemberKyc.member_id.in_(member_ids))
        .group_by(MemberKyc.member_id)
        .subquery()
    )
    rows = session.scalars(
        select(MemberKyc).join(
            latest,
            (latest.c.member_id == MemberKyc.member_id) & (latest.c.version == MemberKyc.version),
        )
    )
    return {kyc.member_id: kyc for kyc in rows}


@dataclass(frozen=True)
class Missing:
    """A field her record lacks for reporting, and what a bookkeeper is told it is."""

    field: str
    description: str


def reporting_gaps(kyc: MemberKyc | None) -> list[Missing]:
    """`missing_for_reporting`, each field with its plain words."""
    words = dict(REQUIRED_FOR_REPORTING)
    return [Missing(field, words[field]) for field in missing_for_reporting(kyc)]


# By the record's field names, and by the columns' where they differ (a schema reads either).
VERSION_FIELDS = (*KYC_FIELDS, *COLUMNS.values(), "version", "recorded_at", "recorded_by")


@dataclass(frozen=True)
class KycReading:
    """Her KYC as it stands (every field None before the first version) and its gaps."""

    member_id: int
    latest: MemberKyc | None
    missing_for_reporting: list[Missing]

    def __getattr__(self, name: str) -> Any:
        if name not in VERSION_FIELDS:
            raise AttributeError(name)
        return None if self.latest is None else getattr(self.latest, column_of(name))


@dataclass(frozen=True)
class MemberReading:
    """A member as `GET /members/{id}` shows her: her record, and what her KYC lacks."""

    member: Member
    missing_for_reporting: list[Missing]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.member, name)


def _kyc_reader(session: Session, who: Principal, member_id: int) -> Member:
    if who.role is Role.BANK_PARTNER:
        raise Forbidden("bank partner tokens do not read members' KYC")
    return readable_member(session, who, member_id)


def _kyc_writer(session: Session, who: Principal, member_id: int) -> Member:
    """Her member record, when `who` may record her KYC. A member who has left may still be
    corrected: her closed loans are reported for the cycle they closed in."""
    member = _kyc_reader(session, who, member_id)
    shg = session.get(Institution, member.shg_id)
    if shg is None or not who.can_write(shg.path):
        raise Forbidden(f"{who.role.value} tokens may not record member {member_id}'s KYC")
    return member


def _fields_of(kyc: MemberKyc | None) -> dict[str, Any]:
    return {field: None if kyc is None else getattr(kyc, column_of(field)) for field in KYC_FIELDS}


def record_kyc(
    session: Session,
    who: Principal,
    member_id: int,
    fields: Mapping[str, Any],
    today: date | None = None,
) -> KycReading:
    """Record a new version of her KYC: the latest one with `fields` changed (None clears a
    field). Refused, naming each field, if any field is malformed, holds a full Aadhaar
    number, or would leave the record inconsistent; refused if it changes nothing."""
    member = _kyc_writer(session, who, member_id)
    require_no_problems(given_problems(fields), "the KYC cannot be recorded")
    # One version at a time per member: a concurrent edit waits here, then reads this one.
    session.execute(select(Member.id).where(Member.id == member.id).with_for_update())
    previous = latest_kyc(session, [member.id]).get(member.id)
    before = _fields_of(previous)
    record = before | dict(fields)
    if record == before:
        what = f"version {previous.version}" if previous else "an empty record"
        raise Invalid.field("body", f"changes nothing: {what} already holds these values")
    problems = record_problems(record, member.state_code, today or today_in_india())
    require_no_problems(problems, "the KYC cannot be recorded")
    kyc = MemberKyc(
        member_id=member.id,
        state_code=member.state_code,
        version=previous.version + 1 if previous else 1,
        recorded_at=utcnow(),
        recorded_by=who.label,
        **{column_of(field): value for field, value in record.items()},
    )
    session.add(kyc)
    session.flush()
    return KycReading(member.id, kyc, reporting_gaps(kyc))


def kyc_of(session: Session, who: Principal, member_id: int) -> KycReading:
    """Her latest KYC version and what it lacks for reporting (all of it before the first)."""
    member = _kyc_reader(session, who, member_id)
    kyc = latest_kyc(session, [member.id]).get(member.id)
    return KycReading(member.id, kyc, reporting_gaps(kyc))


def kyc_history(
    session: Session, who: Principal, member_id: int, after: int | None, limit: int
) -> Page[MemberKyc]:
    """Every version of her KYC, newest first, a page at a time (`after` a version)."""
    member = _kyc_reader(session, who, member_id)
    query = select(MemberKyc).where(MemberKyc.member_id == member.id)
    return fetch_page(session, query, MemberKyc.version, after, limit, descending=True)


def member_reading(session: Session, who: Principal, member_id: int) -> MemberReading:
    """One member, with what her KYC lacks before she can be reported to the bureaus."""
    member = readable_member(session, who, member_id)
    return MemberReading(member, reporting_gaps(latest_kyc(session, [member.id]).get(member.id)))
