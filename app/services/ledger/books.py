"""Opening books and accounts: each SHG, VO and CLF gets the standard chart when it is created."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.shared.errors import Conflict, NotFound
from app.services.shared.principal import Principal
from models.charts import chart_for
from models.institutions import Institution, Member
from models.ledger import NORMAL_SIDE, Account, AccountType, Book


def open_book(session: Session, who: Principal, institution: Institution) -> Book:
    chart = chart_for(institution.kind)
    book = Book(institution_id=institution.id, state_code=institution.state_code, chart=chart.label)
    session.add(book)
    session.flush()
    session.add_all(
        Account(
            book_id=book.id,
            state_code=book.state_code,
            code=t.code,
            role=t.role,
            name=t.name,
            type=t.type.value,
            normal_side=t.normal_side,
            allow_negative=t.allow_negative,
            postable=t.postable,
            created_by=who.label,
        )
        for t in chart.accounts
    )
    session.flush()
    return book


def book_of(session: Session, institution_id: int) -> Book:
    book = session.scalar(select(Book).where(Book.institution_id == institution_id))
    if book is None:
        raise keeps_no_books(institution_id)
    return book


def keeps_no_books(institution_id: int) -> NotFound:
    return NotFound(f"institution {institution_id} keeps no books")


def account_by_role(session: Session, book_id: int, role: str) -> Account:
    account = session.scalar(
        select(Account).where(Account.book_id == book_id, Account.role == role)
    )
    if account is None:
        raise no_account(book_id, role)
    return account


def no_account(book_id: int, role: str) -> NotFound:
    return NotFound(f"book {book_id} has no {role} account")


def books_of(session: Session, institution_ids: list[int]) -> dict[int, Book]:
    """Each institution's book, by institution id, in one query (absent: it keeps none)."""
    rows = session.scalars(select(Book).where(Book.institution_id.in_(institution_ids)))
    return {book.institution_id: book for book in rows}


def accounts_by_role(
    session: Session, book_ids: list[int], roles: tuple[str, ...]
) -> dict[tuple[int, str], int]:
    """The ids of the books' accounts of the given roles, by (book id, role), in one query."""
    rows = session.execute(
        select(Account.book_id, Account.role, Account.id).where(
            Account.book_id.in_(book_ids), Account.role.in_(roles)
        )
    )
    return {(book_id, role): account_id for book_id, role, account_id in rows}


def open_member_account(
    session: Session, who: Principal, member: Member, control_role: str, name: str
) -> Account:
    """A member's sub-account (savings, or one loan) under a control account of her SHG's book."""
    book = book_of(session, member.shg_id)
    control = account_by_role(session, book.id, control_role)
    siblings = session.scalar(
        select(func.count())
        .select_from(Account)
        .where(Account.parent_id == control.id, Account.member_id == member.id)
    )
    account = Account(
        **member_account_values(who, book, control, member, siblings or 0, name, control_role)
    )
    session.add(account)
    session.flush()
    return account


def member_account_values(
    who: Principal,
    book: Book,
    control: Account,
    member: Member,
    siblings: int,
    name: str,
    control_role: str,
) -> dict[str, object]:
    """A member's new sub-account under `control`, after her `siblings` already there, as an
    `accounts` row (the set-wise path of a batch's new loans writes these itself)."""
    return {
        "book_id": book.id,
        "state_code": book.state_code,
        "code": f"{control.code}-M{member.id}-{siblings + 1}",
        "name": name,
        "type": control.type,
        "normal_side": NORMAL_SIDE[AccountType(control.type)].value,
        "allow_negative": control_role != "member_savings",
        "postable": True,
        "parent_id": control.id,
        "member_id": member.id,
        "created_by": who.label,
    }


def nonzero_balances(session: Session, book_id: int, member_id: int | None = None) -> int:
    query = (
        select(func.count())
        .select_from(Account)
        .where(Account.book_id == book_id, Account.balance_paise != 0)
    )
    if member_id is not None:
        query = query.where(Account.member_id == member_id)
    return session.scalar(query) or 0


def refuse_if_balances(
    session: Session, book_id: int, what: str, member_id: int | None = None
) -> None:
    count = nonzero_balances(session, book_id, member_id)
    if count:
        raise Conflict(f"{what} cannot be closed: {count} account(s) still carry a balance")
