"""Account balances (now, and as of any date) and account statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select, tuple_
from sqlalchemy.orm import Session

from app.services.ledger.journal import book_path
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Invalid, NotFound
from app.services.shared.paging import MAX_PAGE_SIZE
from app.services.shared.principal import Principal
from models.ledger import Account, Book, JournalEntry, Posting, Side


def readable_account(session: Session, who: Principal, account_id: int) -> Account:
    account = session.get(Account, account_id)
    path = book_path(session, account.book_id) if account else None
    if account is None or path is None or not who.can_read(path):
        raise NotFound(f"account {account_id} not found")
    return account


def _sign(account: Account) -> int:
    """Postings store debit-positive deltas; balances are shown on the account's normal side."""
    return 1 if account.normal_side == Side.DEBIT.value else -1


def _posting_scope(account: Account) -> ColumnElement[bool]:
    # The account's state named: its postings are in its book, and a bank's request, which
    # spans states, gets no state from its session (app/state_scope.py).
    state = account.state_code
    if account.postable:
        return (Posting.account_id == account.id) & (Posting.state_code == state)
    children = select(Account.id).where(
        Account.parent_id == account.id, Account.state_code == state
    )
    return Posting.account_id.in_(children) & (Posting.state_code == state)


def _sum(session: Session, account: Account, *conditions: ColumnElement[bool]) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(Posting.delta_paise), 0)).where(
            _posting_scope(account), *conditions
        )
    )
    return _sign(account) * int(total or 0)


def current_balance(session: Session, account: Account) -> int:
    """O(1) for a postable account: the balance maintained with every posting."""
    if account.postable:
        return account.balance_paise
    total = session.scalar(
        select(func.coalesce(func.sum(Account.balance_paise), 0)).where(
            Account.parent_id == account.id
        )
    )
    return int(total or 0)


def balance_as_of(session: Session, account: Account, as_of: date | None) -> int:
    # No posting is ever dated after the day it was made, so from today on the maintained
    # balance is the answer and no posting needs summing.
    if as_of is None or as_of >= today_in_india():
        return current_balance(session, account)
    return _sum(session, account, Posting.value_date <= as_of)


@dataclass(frozen=True)
class StatementLine:
    posting_id: int
    entry_id: str
    seq: int
    value_date: date
    narration: str
    side: str
    amount_paise: int
    balance_paise: int


@dataclass(frozen=True)
class Statement:
    account: Account
    date_from: date | None
    date_to: date
    opening_paise: int
    closing_paise: int
    lines: list[StatementLine]
    next_after: str | None  # "YYYY-MM-DD.posting_id" of the last line, when more follow


def _parse_cursor(after: str | None) -> tuple[date, int] | None:
    if not after:
        return None
    try:
        day, posting_id = after.split(".", 1)
        return date.fromisoformat(day), int(posting_id)
    except ValueError:
        raise Invalid.field("after", "is not a cursor this API returned") from None


def statement(
    session: Session,
    account: Account,
    date_from: date | None,
    date_to: date,
    after: str | None,
    limit: int,
) -> Statement:
    """Opening balance, each posting with the running balance after it, closing balance."""
    if date_from and date_from > date_to:
        raise Invalid.field("from", "must not be after 'to'")
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    cursor = _parse_cursor(after)
    opening = _sum(session, account, Posting.value_date < date_from) if date_from else 0
    closing = balance_as_of(session, account, date_to)
    in_range = [Posting.value_date <= date_to]
    if date_from:
        in_range.append(Posting.value_date >= date_from)
    running = opening
    if cursor:
        running += _sum(
            session, account, *in_range, tuple_(Posting.value_date, Posting.id) <= cursor
        )
        in_range.append(
            or_(
                Posting.value_date > cursor[0],
                and_(Posting.value_date == cursor[0], Posting.id > cursor[1]),
            )
        )
    rows = session.execute(
        select(Posting, JournalEntry.seq, JournalEntry.narration)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(_posting_scope(account), *in_range)
        .order_by(Posting.value_date, Posting.id)
        .limit(limit + 1)
    ).all()
    lines = []
    for posting, seq, narration in rows[:limit]:
        running += _sign(account) * posting.delta_paise
        lines.append(
            StatementLine(
                posting_id=posting.id,
                entry_id=str(posting.entry_id),
                seq=seq,
                value_date=posting.value_date,
                narration=narration,
                side=posting.side,
                amount_paise=posting.amount_paise,
                balance_paise=running,
            )
        )
    more = len(rows) > limit
    next_after = (
        f"{lines[-1].value_date.isoformat()}.{lines[-1].posting_id}" if more and lines else None
    )
    return Statement(account, date_from, date_to, opening, closing, lines, next_after)


@dataclass(frozen=True)
class AccountBalance:
    """An account with its balance for display (control accounts show their sub-accounts' sum)."""

    account: Account
    balance_paise: int

    def __getattr__(self, name: str) -> object:
        return getattr(self.account, name)


def accounts_with_balances(session: Session, book: Book) -> list[AccountBalance]:
    accounts = list(
        session.scalars(select(Account).where(Account.book_id == book.id).order_by(Account.code))
    )
    by_parent: dict[int, int] = {}
    for account in accounts:
        if account.parent_id is not None:
            by_parent[account.parent_id] = (
                by_parent.get(account.parent_id, 0) + account.balance_paise
            )
    return [
        AccountBalance(a, a.balance_paise if a.postable else by_parent.get(a.id, 0))
        for a in accounts
    ]
