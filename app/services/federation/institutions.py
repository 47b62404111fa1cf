"""The federation tree: create, read, list, rename, change status and close institutions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.services.ledger.books import book_of, open_book, refuse_if_balances
from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal, within_scope
from models.base import utcnow
from models.institutions import (
    BOOK_KEEPING_KINDS,
    PARENT_KIND,
    Institution,
    InstitutionKind,
    Member,
    Status,
)

STATE_CODE = re.compile(r"^[A-Z]{2,4}$")


@dataclass(frozen=True)
class NewInstitution:
    kind: InstitutionKind
    name: str
    parent_id: int | None = None
    state_code: str | None = None  # only for a state; everything else inherits its parent's
    code: str | None = None
    formed_on: date | None = None


@dataclass(frozen=True)
class InstitutionFilter:
    kind: InstitutionKind | None = None
    parent_id: int | None = None
    state_code: str | None = None
    status: Status | None = None
    name_contains: str | None = None


def readable_institution(session: Session, who: Principal, institution_id: int) -> Institution:
    """The institution, or NotFound when it does not exist *or* lies outside the reader's scope."""
    institution = session.get(Institution, institution_id)
    if institution is None or not who.can_read(institution.path):
        raise NotFound(f"institution {institution_id} not found")
    return institution


def can_read_institution(session: Session, who: Principal, institution_id: int) -> bool:
    """Whether the institution lies in the reader's scope: the test for anything that belongs
    to one (a member, a loan, a meeting)."""
    institution = session.get(Institution, institution_id)
    return institution is not None and who.can_read(institution.path)


def writable_institution(session: Session, who: Principal, institution_id: int) -> Institution:
    institution = readable_institution(session, who, institution_id)
    if not who.can_write(institution.path):
        raise Forbidden(f"{who.role.value} tokens may not change institution {institution_id}")
    return institution


def _parent_for(session: Session, who: Principal, new: NewInstitution) -> Institution | None:
    expected = PARENT_KIND[new.kind]
    if expected is None:
        if not who.is_admin:
            raise Forbidden("only an admin may create a state")
        if new.parent_id is not None:
            raise Invalid.field("parent_id", "a state has no parent")
        if new.state_code is None or not STATE_CODE.match(new.state_code):
            raise Invalid.field("state_code", "a state needs a code of 2-4 capital letters")
        taken = session.scalar(
            select(Institution.id).where(
                Institution.kind == InstitutionKind.STATE.value,
                Institution.state_code == new.state_code,
            )
        )
        if taken is not None:
            raise Conflict(f"state {new.state_code} already exists")
        return None
    if new.parent_id is None:
        raise Invalid.field("parent_id", f"a {new.kind.value} needs a parent {expected.value}")
    try:
        parent = writable_institution(session, who, new.parent_id)
    except NotFound:
        raise Invalid.field("parent_id", f"no institution {new.parent_id} in your scope") from None
    if parent.kind != expected.value:
        raise Invalid.field(
            "parent_id",
            f"a {new.kind.value} must sit under a {expected.value}, not a {parent.kind}",
        )
    if parent.status == Status.CLOSED.value:
        raise Conflict(f"parent {parent.id} is closed")
    return parent


def create_institution(session: Session, who: Principal, new: NewInstitution) -> Institution:
    """Create an institution under its parent; SHGs, VOs and CLFs get their books with it."""
    parent = _parent_for(session, who, new)
    institution = Institution(
        kind=new.kind.value,
        name=new.name,
        code=new.code,
        state_code=parent.state_code if parent else new.state_code,
        parent_id=parent.id if parent else None,
        path="",
        formed_on=new.formed_on,
        status=Status.ACTIVE.value,
        created_by=who.label,
        updated_by=who.label,
    )
    session.add(institution)
    session.flush()
    institution.path = f"{parent.path if parent else '/'}{institution.id}/"
    if new.kind in BOOK_KEEPING_KINDS:
        open_book(session, who, institution)
    session.flush()
    return institution


def list_institutions(
    session: Session, who: Principal, where: InstitutionFilter, after: int | None, limit: int
) -> Page[Institution]:
    query = select(Institution).options(selectinload(Institution.book))
    query = within_scope(query, who)
    if where.kind:
        query = query.where(Institution.kind == where.kind.value)
    if where.parent_id is not None:
        query = query.where(Institution.parent_id == where.parent_id)
    if where.state_code:
        query = query.where(Institution.state_code == where.state_code)
    if where.status:
        query = query.where(Institution.status == where.status.value)
    if where.name_contains:
        query = query.where(
            func.lower(Institution.name).contains(where.name_contains.lower(), autoescape=True)
        )
    return fetch_page(session, query, Institution.id, after, limit)


def update_institution(
    session: Session,
    who: Principal,
    institution_id: int,
    *,
    name: str | None = None,
    code: str | None = None,
    status: Status | None = None,
) -> Institution:
    institution = writable_institution(session, who, institution_id)
    if institution.status == Status.CLOSED.value:
        raise Conflict(f"institution {institution_id} is closed")
    if status is Status.CLOSED:
        raise Invalid.field("status", "use the close action, which checks balances")
    if name is not None:
        institution.name = name
    if code is not None:
        institution.code = code
    if status is not None:
        institution.status = status.value
    institution.stamp(who.label)
    session.flush()
    return institution


def close_institution(session: Session, who: Principal, institution_id: int) -> Institution:
    """Close an institution; refused while it has open children, members or any balance."""
    institution = writable_institution(session, who, institution_id)
    if institution.status == Status.CLOSED.value:
        raise Conflict(f"institution {institution_id} is already closed")
    open_children = session.scalar(
        select(func.count())
        .select_from(Institution)
        .where(Institution.parent_id == institution.id, Institution.status != Status.CLOSED.value)
    )
    if open_children:
        raise Conflict(
            f"institution {institution_id} still has {open_children} open institution(s)"
        )
    open_members = session.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.shg_id == institution.id, Member.status != Status.CLOSED.value)
    )
    if open_members:
        raise Conflict(f"institution {institution_id} still has {open_members} active member(s)")
    if institution.kind in {k.value for k in BOOK_KEEPING_KINDS}:
        refuse_if_balances(
            session, book_of(session, institution.id).id, f"institution {institution_id}"
        )
    institution.status = Status.CLOSED.value
    institution.closed_at = utcnow()
    institution.stamp(who.label, institution.closed_at)
    session.flush()
    return institution
