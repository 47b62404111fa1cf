"""People: made, disabled and reset by an admin; signing in as oneself with a password or PIN
and, where required, a one-time code.

Lock-out: 5 wrong passwords (or codes) in a row lock the account for 15 minutes (settings
`LOCKOUT_ATTEMPTS`, `LOCKOUT_MINUTES`), on top of the per-address throttle of
`app/services/access/throttle.py`. A person's role and scope are an API token's, with the same rule
(`tokens.check_scope`); her pages act as her *page token* (`ApiToken.for_pages`, no secret),
so her form writes and queued imports are kept the way a machine's API writes are.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.access import one_time_codes as codes
from app.services.access.passwords import HashCost, temporary_password, weakness
from app.services.access.tokens import (
    IssuedToken,
    check_scope,
    hash_secret,
    issue_token,
    scope_state_of,
)
from app.services.shared.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from app.services.shared.principal import Principal
from models.access import ApiToken, Role
from models.base import utcnow
from models.institutions import Institution
from models.people import LANGUAGES, Person

_SEPARATORS = re.compile(r"[\s\-().]")


@lru_cache(maxsize=4)
def _nobody(cost: HashCost) -> str:
    """A hash of a password nobody has, checked against when the mobile number is unknown,
    so that a wrong number takes as long to refuse as a wrong password."""
    return cost.hasher().hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Security:
    """The settings signing in follows (from configuration, `app/security.py`)."""

    cost: HashCost
    fernet: Fernet
    totp_roles: frozenset[Role] = frozenset()  # roles that must use a one-time code
    lockout_attempts: int = 5
    lockout_minutes: int = 15


@dataclass(frozen=True)
class NewPerson:
    name: str
    mobile: str
    role: Role
    institution_id: int | None = None
    bank_id: int | None = None
    language: str = "en"
    totp_required: bool = False


@dataclass(frozen=True)
class WithPassword:
    person: Person
    temporary_password: str | None  # shown once; only its hash is stored

    def __getattr__(self, name: str) -> object:
        return getattr(self.person, name)


class SignInRefused(DomainError):
    status = 401
    title = "Sign-in refused"


class Locked(DomainError):
    status = 423
    title = "Locked"

    def __init__(self, until: datetime) -> None:
        super().__init__("too many wrong attempts in a row: the account is locked for now")
        self.until = until


def normalise_mobile(raw: str) -> str:
    """Ten digits, from what people write: "+91 98765 43210", "098765-43210", "9876543210"."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+91"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if not (len(digits) == 10 and digits.isascii() and digits.isdigit() and digits[0] in "6789"):
        raise Invalid.field("mobile", "give a 10-digit Indian mobile number (it begins 6 to 9)")
    return digits


def _admin(who: Principal, what: str) -> None:
    if not who.is_admin:
        raise Forbidden(f"only an admin may {what}")


def _acceptable(secret: str, mobile: str, field: str = "password") -> None:
    reason = weakness(secret, mobile)
    if reason is not None:
        raise Invalid.field(field, reason)


def create_person(
    session: Session, who: Principal, security: Security, new: NewPerson, password: str | None
) -> WithPassword:
    """A new person. Without a password she gets a temporary one, to change at first sign-in.

    Raises:
        Invalid: a bad mobile number, name, scope, language or password.
        Conflict: someone already has this mobile number.
    """
    _admin(who, "add people")
    mobile = normalise_mobile(new.mobile)
    if not new.name.strip():
        raise Invalid.field("name", "give her name")
    if new.language not in LANGUAGES:
        raise Invalid.field("language", f"one of {', '.join(LANGUAGES)}")
    check_scope(session, new.role, new.institution_id, new.bank_id)
    if session.scalar(select(Person.id).where(Person.mobile == mobile)) is not None:
        raise Conflict(f"mobile {mobile} already belongs to someone: disable or reset that account")
    temporary = temporary_password() if password is None else None
    if password is not None:
        _acceptable(password, mobile)
    person = Person(
        name=new.name.strip(),
        mobile=mobile,
        role=new.role.value,
        institution_id=new.institution_id,
        bank_id=new.bank_id,
        password_hash=security.cost.hasher().hash(password or temporary or ""),
        must_change_password=password is None,
        failed_attempts=0,
        language=new.language,
        totp_required=new.totp_required,
        created_by=who.label[:120],
        updated_by=who.label[:120],
    )
    session.add(person)
    session.flush()
    return WithPassword(person, temporary)


def get_person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"person {person_id} not found")
    return person


def list_people(session: Session, who: Principal) -> list[Person]:
    _admin(who, "list people")
    return list(session.scalars(select(Person).order_by(Person.name, Person.id)))


def _wrong(person: Person, security: Security, now: datetime) -> None:
    person.failed_attempts += 1
    if person.failed_attempts >= security.lockout_attempts:
        person.locked_until = now + timedelta(minutes=security.lockout_minutes)
        person.failed_attempts = 0


def _refuse_if_locked(person: Person, now: datetime) -> None:
    if person.locked_until is not None and person.locked_until > now:
        raise Locked(person.locked_until)


def check_password(
    session: Session, security: Security, mobile: str, password: str, now: datetime | None = None
) -> Person:
    """The person this mobile number and password belong to (her hash brought up to the
    configured cost). The caller commits, whatever the outcome: wrong attempts count.

    Raises:
        SignInRefused: unknown number, wrong password, or a disabled account (one message).
        Locked: too many wrong attempts in a row; until when.
    """
    moment = now or utcnow()
    hasher = security.cost.hasher()
    try:
        number = normalise_mobile(mobile)
    except Invalid:
        number = ""
    person = session.scalar(select(Person).where(Person.mobile == number)) if number else None
    if person is not None:
        _refuse_if_locked(person, moment)
    try:
        hasher.verify(person.password_hash if person else _nobody(security.cost), password)
    except (VerificationError, InvalidHashError):
        if person is not None and person.disabled_at is None:
            _wrong(person, security, moment)
            session.flush()
            _refuse_if_locked(person, moment)
        raise SignInRefused("that mobile number and password do not match") from None
    if person is None or person.disabled_at is not None:
        raise SignInRefused("that mobile number and password do not match")
    person.failed_attempts = 0
    if hasher.check_needs_rehash(person.password_hash):
        person.password_hash = hasher.hash(password)
    session.flush()
    return person


def needs_code(security: Security, person: Person) -> bool:
    return person.totp_required or Role(person.role) in security.totp_roles


def start_enrolment(session: Session, security: Security, person: Person) -> tuple[str, str]:
    """A new one-time-code secret for her phone's authenticator app: (secret, otpauth URI),
    shown once. It counts only once she confirms it with a first code."""
    secret = codes.new_secret()
    person.totp_secret_encrypted = codes.encrypt(security.fernet, secret)
    person.totp_confirmed_at = None
    person.totp_last_step = None
    session.flush()
    return secret, codes.provisioning_uri(secret, person.mobile)


def check_code(
    session: Session, security: Security, person: Person, code: str, now: datetime | None = None
) -> None:
    """Accept her one-time code (confirming an enrolment); the caller commits either way.

    Raises:
        SignInRefused: a wrong or already used code (it counts as a wrong attempt).
        Locked: too many wrong attempts in a row.
    """
    moment = now or utcnow()
    _refuse_if_locked(person, moment)
    secret = (
        codes.decrypt(security.fernet, person.totp_secret_encrypted)
        if person.totp_secret_encrypted
        else None
    )
    step = (
        codes.accepted_step(secret, code, person.totp_last_step, moment.timestamp())
        if secret
        else None
    )
    if step is None:
        _wrong(person, security, moment)
        session.flush()
        _refuse_if_locked(person, moment)
        raise SignInRefused("that code is not right, or it was already used")
    person.totp_last_step = step
    person.failed_attempts = 0
    if person.totp_confirmed_at is None:
        person.totp_confirmed_at = moment
    session.flush()


def change_password(
    session: Session, security: Security, person: Person, current: str, new: str
) -> None:
    """Her own change: she gives the current password too."""
    try:
        security.cost.hasher().verify(person.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise Invalid.field("current_password", "this is not your current password") from None
    _acceptable(new, person.mobile, "new_password")
    if new == current:
        raise Invalid.field("new_password", "choose a password other than the one you have")
    person.password_hash = security.cost.hasher().hash(new)
    person.must_change_password = False
    person.stamp(f"person:{person.id} {person.name}")
    session.flush()


def reset_password(
    session: Session, who: Principal, security: Security, person_id: int
) -> WithPassword:
    """A temporary password (shown once), to be changed at her next sign-in; unlocks her."""
    _admin(who, "reset passwords")
    person = get_person(session, person_id)
    temporary = temporary_password()
    person.password_hash = security.cost.hasher().hash(temporary)
    person.must_change_password = True
    person.failed_attempts = 0
    person.locked_until = None
    person.stamp(who.label)
    session.flush()
    return WithPassword(person, temporary)


def set_disabled(session: Session, who: Principal, person_id: int, disabled: bool) -> Person:
    """Disable (she is signed out at once, her API tokens stop) or enable again."""
    _admin(who, "disable or enable people")
    person = get_person(session, person_id)
    if disabled and who.person_id == person.id:
        raise Conflict("you cannot disable yourself: ask another admin")
    person.disabled_at = (person.disabled_at or utcnow()) if disabled else None
    person.stamp(who.label)
    session.flush()
    return person


def require_code(session: Session, who: Principal, person_id: int, required: bool) -> Person:
    _admin(who, "require one-time codes")
    person = get_person(session, person_id)
    person.totp_required = required
    person.stamp(who.label)
    session.flush()
    return person


def reset_code(session: Session, who: Principal, person_id: int) -> Person:
    """Forget her authenticator (a lost phone): she enrols again at her next sign-in."""
    _admin(who, "reset one-time codes")
    person = get_person(session, person_id)
    person.totp_secret_encrypted = None
    person.totp_confirmed_at = None
    person.totp_last_step = None
    person.stamp(who.label)
    session.flush()
    return person


def set_language(session: Session, person: Person, language: str) -> None:
    if language in LANGUAGES and person.language != language:
        person.language = language
        session.flush()


def issue_token_to(
    session: Session,
    who: Principal,
    person_id: int,
    *,
    name: str,
    expires_at: datetime | None = None,
) -> IssuedToken:
    """An API token for a machine she runs, with her role and scope, in her name."""
    person = get_person(session, person_id)
    if person.disabled_at is not None:
        raise Conflict(f"person {person_id} is disabled")
    return issue_token(
        session,
        who,
        name=name,
        role=Role(person.role),
        institution_id=person.institution_id,
        bank_id=person.bank_id,
        expires_at=expires_at,
        person_id=person.id,
    )


def page_token(session: Session, person: Person) -> int:
    """Her page token's id, made at her first sign-in (and again if an admin revoked it)."""
    found = session.scalar(
        select(ApiToken.id).where(
            ApiToken.person_id == person.id,
            ApiToken.for_pages.is_(True),
            ApiToken.revoked_at.is_(None),
        )
    )
    if found is not None:
        return found
    token = ApiToken(
        name=f"pages: {person.name}"[:120],
        person_id=person.id,
        for_pages=True,
        token_hash=hash_secret(secrets.token_urlsafe(32)),  # of a secret nobody keeps
        prefix="pages",
        role=person.role,
        institution_id=person.institution_id,
        scope_state=scope_state_of(session, person.institution_id),
        bank_id=person.bank_id,
        created_by=f"person:{person.id} {person.name}"[:120],
    )
    session.add(token)
    session.flush()
    return token.id


def principal_of_person(session: Session, person_id: int) -> Principal | None:
    """Who a signed-in page session stands for, looked up on every request: None once she is
    disabled or her page token revoked, which signs her out at once."""
    row = session.execute(
        select(Person, Institution.path, ApiToken.id)
        .outerjoin(Institution, Institution.id == Person.institution_id)
        .outerjoin(
            ApiToken,
            (ApiToken.person_id == Person.id)
            & ApiToken.for_pages.is_(True)
            & ApiToken.revoked_at.is_(None),
        )
        .where(Person.id == person_id)
    ).first()
    if row is None or row[0].disabled_at is not None or row[2] is None:
        return None
    person = row[0]
    return Principal(
        role=Role(person.role),
        label=f"person:{person.id} {person.name} ({person.role})",
        token_id=row[2],
        scope_path=row[1],
        bank_id=person.bank_id,
        person_id=person.id,
        name=person.name,
    )
