"""Consent to share a member's credit profile with a bank, and what a bank may then read.

The bookkeeper records a consent for a member, a bank and a purpose, with a start and an
expiry, and revokes it when she withdraws it: from that moment the bank reads nothing more.
A bank partner sees only members with a consent active today for her own bank; for anyone
else the answer is 404, as if the member did not exist. A bank's pulls of a profile are one
enquiry in the member's history per consent and India's day, whatever is opened, reloaded or
downloaded (each request is in the access log, as every bank request is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.services.credit.credit_history import CreditHistory, credit_history, shg_of
from app.services.credit.readiness import Readiness, readiness
from app.services.federation.members import readable_member, writable_member
from app.services.shared.clock import today_in_india
from app.services.shared.errors import (
    Conflict,
    FieldProblem,
    Forbidden,
    NotFound,
    require_no_problems,
)
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.access import Role
from models.base import utcnow
from models.credit import FETCH_TYPES, PURPOSES, Consent, CreditEnquiry
from models.institutions import Bank, Institution, Member, Status

MAX_CONSENT_DAYS = 366  # a year at most: consent must be renewed, not left open


@dataclass(frozen=True)
class NewConsent:
    member_id: int
    bank_id: int
    purpose: str
    starts_on: date
    expires_on: date
    data_months: int = 36
    fetch_type: str = "one_time"


@dataclass(frozen=True)
class MaskedIdentity:
    """As little as a loan officer needs to know it is her: never her full name or code."""

    member_id: int
    name: str
    member_code: str | None
    shg: str
    district: str


@dataclass(frozen=True)
class CreditProfile:
    identity: MaskedIdentity
    consent: Consent
    history: CreditHistory
    readiness: Readiness


def record_consent(session: Session, who: Principal, new: NewConsent) -> Consent:
    member = writable_member(session, who, new.member_id)
    problems = []
    if new.purpose not in PURPOSES:
        problems.append(FieldProblem("purpose", f"must be one of {', '.join(PURPOSES)}"))
    if new.fetch_type not in FETCH_TYPES:
        problems.append(FieldProblem("fetch_type", f"must be one of {', '.join(FETCH_TYPES)}"))
    if new.expires_on < new.starts_on:
        problems.append(FieldProblem("expires_on", "is before starts_on"))
    elif (new.expires_on - new.starts_on).days > MAX_CONSENT_DAYS:
        problems.append(FieldProblem("expires_on", f"at most {MAX_CONSENT_DAYS} days after start"))
    if new.expires_on < today_in_india():
        problems.append(FieldProblem("expires_on", "is in the past"))
    if not 1 <= new.data_months <= 36:
        problems.append(FieldProblem("data_months", "must be 1 to 36"))
    bank = session.get(Bank, new.bank_id)
    if bank is None or bank.status != Status.ACTIVE.value:
        problems.append(FieldProblem("bank_id", f"no active bank {new.bank_id}"))
    require_no_problems(problems, "the consent cannot be recorded")
    consent = Consent(
        member_id=member.id,
        state_code=member.state_code,
        bank_id=new.bank_id,
        purpose=new.purpose,
        starts_on=new.starts_on,
        expires_on=new.expires_on,
        data_months=new.data_months,
        fetch_type=new.fetch_type,
        recorded_at=utcnow(),
        recorded_by=who.label,
    )
    session.add(consent)
    session.flush()
    return consent


def consents_of(session: Session, who: Principal, member_id: int) -> list[Consent]:
    """Every consent she has given, newest first: shown to her in her passbook."""
    member = readable_member(session, who, member_id)
    return list(
        session.scalars(
            select(Consent).where(Consent.member_id == member.id).order_by(Consent.id.desc())
        )
    )


def revoke_consent(
    session: Session, who: Principal, consent_id: int, reason: str | None
) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound(f"consent {consent_id} not found")
    writable_member(session, who, consent.member_id)
    if consent.revoked_at is not None:
        raise Conflict(f"consent {consent_id} was already revoked")
    consent.revoked_at = utcnow()
    consent.revoked_by = who.label
    consent.revoke_reason = (reason or "").strip() or None
    session.flush()
    return consent


def _bank_of(who: Principal) -> int:
    if who.role is not Role.BANK_PARTNER or who.bank_id is None:
        raise Forbidden("only a bank partner token reads consented credit profiles")
    return who.bank_id


def _active(bank_id: int, today: date) -> Select[tuple[Consent]]:
    return select(Consent).where(
        Consent.bank_id == bank_id,
        Consent.revoked_at.is_(None),
        Consent.starts_on <= today,
        Consent.expires_on >= today,
    )


def active_consent(
    session: Session, who: Principal, member_id: int, today: date | None = None
) -> Consent:
    """The consent that lets this bank read her today, or 404 as if she did not exist."""
    bank_id = _bank_of(who)
    # Her state first (a bank's request spans states), so that her consents are read where
    # her state's rows are (docs/scaling.md); she is usually in the session already.
    member = session.get(Member, member_id)
    consent = None
    if member is not None:
        consent = session.scalar(
            _active(bank_id, today or today_in_india())
            .where(Consent.member_id == member.id, Consent.state_code == member.state_code)
            .order_by(Consent.expires_on.desc())
        )
    if consent is None:
        raise NotFound(f"member {member_id} not found")
    return consent


def consenting_members(
    session: Session, who: Principal, member_code: str | None, after: int | None, limit: int
) -> Page[Member]:
    """Members with a consent active today for the caller's bank; with `member_code`, only
    those whose member code is exactly it.

    Never by name, nor by part of a code: the bank is shown a masked name ("Sunita D.") and
    the last four characters of the code, and a search by name or by a code's tail would let
    it confirm the rest by guessing. The whole code, as printed in her passbook, is what she
    gives the branch. When members have a phone number, the search takes it too, the same way:
    the whole number or nothing.
    """
    bank_id = _bank_of(who)
    consenting = _active(bank_id, today_in_india()).with_only_columns(Consent.member_id)
    query = select(Member).where(Member.id.in_(consenting))
    code = (member_code or "").strip()
    if code:
        query = query.where(Member.member_code == code)
    return fetch_page(session, query, Member.id, after, limit)


def mask(session: Session, member: Member) -> MaskedIdentity:
    parts = member.name.split()
    name = " ".join([parts[0], *(f"{p[0]}." for p in parts[1:])]) if parts else ""
    code = member.member_code
    masked_code = f"{'*' * max(len(code) - 4, 0)}{code[-4:]}" if code else None
    shg = shg_of(session, member)
    district = session.scalar(
        select(Institution.name).where(
            Institution.kind == "district",
            Institution.state_code == shg.state_code,
            Institution.id.in_([int(p) for p in shg.path.strip("/").split("/")]),
        )
    )
    return MaskedIdentity(member.id, name, masked_code, shg.name, district or "")


def credit_profile(
    session: Session,
    who: Principal,
    member_id: int,
    as_of: date | None = None,
    today: date | None = None,
) -> CreditProfile:
    """Her profile for a bank with her consent; the day's first pull is recorded as an
    enquiry."""
    today = today or today_in_india()
    # The one statement that cannot name her state (a bank's URL has only her id). Held here,
    # she stays in the session (its map of objects is weak), so the consent check finds her
    # without reading her again, and every later statement names her state.
    member = session.get(Member, member_id)
    consent = active_consent(session, who, member_id, today)
    assert member is not None  # active_consent has raised NotFound otherwise
    _record_enquiry(session, who, consent, today)
    history = credit_history(session, member, as_of or today, consent.data_months)
    return CreditProfile(
        mask(session, member), consent, history, readiness(session, history, who.label)
    )


def _record_enquiry(session: Session, who: Principal, consent: Consent, today: date) -> None:
    """One enquiry per bank, member, consent and day: a day's later views add none."""
    counted = select(CreditEnquiry.id).where(
        CreditEnquiry.bank_id == consent.bank_id,
        CreditEnquiry.member_id == consent.member_id,
        CreditEnquiry.state_code == consent.state_code,
        CreditEnquiry.consent_id == consent.id,
        CreditEnquiry.on_day == today,
    )
    if session.scalar(counted) is not None:
        return
    enquiry = CreditEnquiry(
        member_id=consent.member_id,
        state_code=consent.state_code,
        bank_id=consent.bank_id,
        consent_id=consent.id,
        purpose=consent.purpose,
        at=utcnow(),
        by=who.label,
        on_day=today,
    )
    try:
        with session.begin_nested():
            session.add(enquiry)
    except IntegrityError:
        pass  # another view of the same day counted it a moment ago
