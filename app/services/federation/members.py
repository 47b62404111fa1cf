"""Members of SHGs. Each member gets her savings sub-account in her SHG's book on joining."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.federation.institutions import can_read_institution, writable_institution
from app.services.ledger.books import book_of, open_member_account, refuse_if_balances
from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal, within_scope
from models.base import utcnow
from models.institutions import Institution, InstitutionKind, Member, Status
from models.ledger import Account

ACCOUNT_KINDS = {"savings": "member_savings", "loan": "member_loans"}


@dataclass(frozen=True)
class NewMember:
    shg_id: int
    name: str
    member_code: str | None = None
    joined_on: date | None = None
    social_category: str | None = None  # for fairness checks only, never a score input


def _shg_path(session: Session, member: Member) -> str:
    shg = session.get(Institution, member.shg_id)
    assert shg is not None, "members reference their SHG by foreign key"
    return shg.path


def readable_member(session: Session, who: Principal, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None or not can_read_institution(session, who, member.shg_id):
        raise NotFound(f"member {member_id} not found")
    return member


def writable_member(session: Session, who: Principal, member_id: int) -> Member:
    member = readable_member(session, who, member_id)
    if not who.can_write(_shg_path(session, member)):
        raise Forbidden(f"{who.role.value} tokens may not change member {member_id}")
    if member.status == Status.CLOSED.value:
        raise Conflict(f"member {member_id} is closed")
    return member


def create_member(session: Session, who: Principal, new: NewMember) -> Member:
    try:
        shg = writable_institution(session, who, new.shg_id)
    except NotFound:
        raise Invalid.field("shg_id", f"no SHG {new.shg_id} in your scope") from None
    if shg.kind != InstitutionKind.SHG.value:
        raise Invalid.field("shg_id", f"institution {shg.id} is a {shg.kind}, not an SHG")
    if shg.status == Status.CLOSED.value:
        raise Conflict(f"SHG {shg.id} is closed")
    member = Member(
        shg_id=shg.id,
        state_code=shg.state_code,
        name=new.name,
        member_code=new.member_code,
        joined_on=new.joined_on,
        social_category=new.social_category,
        created_by=who.label,
        updated_by=who.label,
    )
    session.add(member)
    session.flush()
    open_member_account(session, who, member, "member_savings", f"Savings – {member.name}")
    return member


def list_members(
    session: Session, who: Principal, shg_id: int | None, after: int | None, limit: int
) -> Page[Member]:
    query = select(Member).join(Institution, Institution.id == Member.shg_id)
    query = within_scope(query, who)
    if shg_id is not None:
        query = query.where(Member.shg_id == shg_id)
    return fetch_page(session, query, Member.id, after, limit)


def update_member(
    session: Session, who: Principal, member_id: int, *, name: str | None, status: Status | None
) -> Member:
    member = writable_member(session, who, member_id)
    if status is Status.CLOSED:
        raise Invalid.field("status", "use the close action, which checks balances")
    if name is not None:
        member.name = name
    if status is not None:
        member.status = status.value
    member.stamp(who.label)
    session.flush()
    return member


def close_member(session: Session, who: Principal, member_id: int) -> Member:
    """A member leaves: refused while any of her accounts carries a balance."""
    member = writable_member(session, who, member_id)
    book = book_of(session, member.shg_id)
    refuse_if_balances(session, book.id, f"member {member_id}", member_id=member.id)
    member.status = Status.CLOSED.value
    member.closed_at = utcnow()
    member.stamp(who.label, member.closed_at)
    session.flush()
    return member


def member_accounts(session: Session, member: Member) -> list[Account]:
    return list(
        session.scalars(select(Account).where(Account.member_id == member.id).order_by(Account.id))
    )


def open_account_for_member(
    session: Session, who: Principal, member_id: int, kind: str, name: str | None
) -> Account:
    member = writable_member(session, who, member_id)
    if kind not in ACCOUNT_KINDS:
        raise Invalid.field("kind", f"must be one of {', '.join(sorted(ACCOUNT_KINDS))}")
    label = name or f"{kind.title()} – {member.name}"
    return open_member_account(session, who, member, ACCOUNT_KINDS[kind], label)
