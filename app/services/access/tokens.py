"""API tokens: created and revoked by an admin (or the CLI), stored only as SHA-256 hashes.

Tokens are 256-bit random secrets, so a fast hash is enough: there is nothing to brute-force
the way there is with a password.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session

from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.idempotency import KEPT_COLUMNS, Kept, kept_from
from app.services.shared.principal import Principal
from models.access import ApiToken, IdempotencyRecord, Role
from models.base import utcnow
from models.institutions import Bank, Institution, InstitutionKind
from models.people import Person

SCOPE_KINDS = {
    Role.BOOKKEEPER: {InstitutionKind.CLF.value},
    Role.AUDITOR: {InstitutionKind.DISTRICT.value, InstitutionKind.STATE.value},
}


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored

    def __getattr__(self, name: str) -> object:
        return getattr(self.token, name)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def check_scope(
    session: Session, role: Role, institution_id: int | None, bank_id: int | None
) -> str | None:
    """Refuse a scope that does not suit the role; the state of its institution, if any."""
    state = None
    if role in SCOPE_KINDS:
        institution = session.get(Institution, institution_id) if institution_id else None
        if institution is None or institution.kind not in SCOPE_KINDS[role]:
            kinds = " or ".join(sorted(SCOPE_KINDS[role]))
            raise Invalid.field("institution_id", f"a {role.value} token is scoped to a {kinds}")
        state = institution.state_code
    elif institution_id is not None:
        raise Invalid.field("institution_id", f"a {role.value} token has no institution scope")
    if role is Role.BANK_PARTNER:
        if bank_id is None or session.get(Bank, bank_id) is None:
            raise Invalid.field("bank_id", "a bank_partner token needs an existing bank")
    elif bank_id is not None:
        raise Invalid.field("bank_id", f"a {role.value} token has no bank")
    return state


def scope_state_of(session: Session, institution_id: int | None) -> str | None:
    """The state a token scoped to this institution names when it is checked."""
    if institution_id is None:
        return None
    return session.scalar(select(Institution.state_code).where(Institution.id == institution_id))


def issue_token(
    session: Session,
    who: Principal,
    *,
    name: str,
    role: Role,
    institution_id: int | None = None,
    bank_id: int | None = None,
    expires_at: datetime | None = None,
    person_id: int | None = None,
) -> IssuedToken:
    """A token with this role and scope; issued to a person, it must have hers."""
    if not who.is_admin:
        raise Forbidden("only an admin may issue tokens")
    scope_state = check_scope(session, role, institution_id, bank_id)
    if person_id is not None:
        _check_person(session, person_id, role, institution_id, bank_id)
    secret = f"bahi_{secrets.token_urlsafe(32)}"
    token = ApiToken(
        name=name,
        person_id=person_id,
        token_hash=hash_secret(secret),
        prefix=secret[:12],
        role=role.value,
        institution_id=institution_id,
        scope_state=scope_state,
        bank_id=bank_id,
        created_by=who.label,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    return IssuedToken(token, secret)


def _check_person(
    session: Session, person_id: int, role: Role, institution_id: int | None, bank_id: int | None
) -> None:
    person = session.get(Person, person_id)
    if person is None or person.disabled_at is not None:
        raise Invalid.field("person_id", "no such person, or she is disabled")
    if (person.role, person.institution_id, person.bank_id) != (
        role.value,
        institution_id,
        bank_id,
    ):
        raise Invalid.field("person_id", "a token issued to a person has her role and scope")


def revoke_token(session: Session, who: Principal, token_id: int) -> ApiToken:
    if not who.is_admin:
        raise Forbidden("only an admin may revoke tokens")
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    if token.revoked_at is not None:
        raise Conflict(f"token {token_id} was already revoked")
    token.revoked_at = utcnow()
    session.flush()
    return token


def _principal(token: Row[Any], scope_path: str | None) -> Principal:
    return Principal(
        scope_state=token.scope_state,
        role=Role(token.role),
        label=f"token:{token.id} {token.name} ({token.role})",
        token_id=token.id,
        scope_path=scope_path,
        bank_id=token.bank_id,
        person_id=token.person_id,
        name=token.person_name,
    )


def _valid(token: Row[Any]) -> bool:
    # A disabled person's tokens stop with her.
    return (
        token.revoked_at is None
        and (token.expires_at is None or token.expires_at > utcnow())
        and token.person_disabled_at is None
    )


# Columns, not an ApiToken object: every request authenticates, and loading an ORM object
# that nobody changes costs more than the query.
_TOKEN = (
    select(
        ApiToken.id,
        ApiToken.name,
        ApiToken.role,
        ApiToken.bank_id,
        ApiToken.revoked_at,
        ApiToken.expires_at,
        ApiToken.person_id,
        Institution.path,
        Institution.state_code.label("scope_state"),
        Person.name.label("person_name"),
        Person.disabled_at.label("person_disabled_at"),
    )
    # The scope's state with its id: on a deployment distributed by state the join goes to
    # that state's node only (docs/scaling.md).
    .outerjoin(
        Institution,
        (Institution.id == ApiToken.institution_id)
        & (Institution.state_code == ApiToken.scope_state),
    )
    .outerjoin(Person, Person.id == ApiToken.person_id)
)


# Every request sends one of these: built once, sent on the session's connection (Core, no
# ORM execution around a statement that loads no object).
_BY_SECRET = _TOKEN.where(ApiToken.token_hash == bindparam("token_hash"))
_BY_ID = _TOKEN.where(ApiToken.id == bindparam("token_id"))
_BY_SECRET_WITH_KEY = (
    _TOKEN.add_columns(*KEPT_COLUMNS)
    .outerjoin(
        IdempotencyRecord,
        (IdempotencyRecord.token_id == ApiToken.id)
        & (IdempotencyRecord.key == bindparam("idempotency_key")),
    )
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def _token_row(session: Session, statement: Select[Any], **values: object) -> Row[Any] | None:
    row = session.connection().execute(statement, values).first()
    return row if row is not None and _valid(row) else None


def authenticate(session: Session, secret: str) -> Principal | None:
    """The principal for a bearer secret, or None when unknown, revoked or expired."""
    row = _token_row(session, _BY_SECRET, token_hash=hash_secret(secret))
    return _principal(row, row.path) if row else None


def authenticate_write(
    session: Session, secret: str, idempotency_key: str
) -> tuple[Principal | None, Kept | None]:
    """`authenticate`, and the token's record of `idempotency_key` (expired or not) read in the
    same statement: a write needs both, and each round trip is a tenth of its time."""
    row = _token_row(
        session,
        _BY_SECRET_WITH_KEY,
        token_hash=hash_secret(secret),
        idempotency_key=idempotency_key,
    )
    if row is None:
        return None, None
    return _principal(row, row.path), kept_from(row)


def principal_of(session: Session, token_id: int) -> Principal | None:
    """The principal a signed-in web session stands for, checked again on every request, so
    that revoking her token signs her out at once."""
    row = _token_row(session, _BY_ID, token_id=token_id)
    return _principal(row, row.path) if row else None


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))
