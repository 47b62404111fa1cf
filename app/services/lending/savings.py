"""Member savings: deposits, withdrawals, and savings interest or dividend shared to members.

Each operation is one balanced journal entry in the SHG's book, so it is reversed like any
entry (`POST /journal-entries/{id}/reverse`). A member's savings sub-account may never go
below zero: the posting service refuses it with her balance in the message, and the
database refuses it again (`allow_negative` is false on savings sub-accounts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.services.federation.institutions import writable_institution
from app.services.federation.members import writable_member
from app.services.ledger.balances import balance_as_of
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.bulk import among
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry
from app.services.shared.errors import Invalid, NotFound, renamed
from app.services.shared.principal import Principal
from models.institutions import InstitutionKind, Member, Status
from models.ledger import Account, JournalEntry, Side
from models.money import Rounding, divide

VIA_ROLES = {"cash": "cash", "bank": "bank"}


@dataclass(frozen=True)
class SavingsMovement:
    member_id: int
    amount_paise: int
    value_date: date
    via: str = "cash"  # "cash" or "bank": where the money comes from or goes to
    narration: str | None = None


_CONTROL = aliased(Account, name="control")  # built once: see journal.reversed_clause


def savings_account(session: Session, member: Member) -> Account:
    """The member's savings sub-account, under the members' savings control account."""
    return savings_accounts(session, [member.id], member.state_code)[member.id]


def savings_accounts(
    session: Session, member_ids: list[int], state_code: str | None = None
) -> dict[int, Account]:
    """Each member's savings sub-account, in one query; with `state_code` (the members'
    state), the statement names it on both accounts it reads.

    Raises:
        NotFound: a member has none (every member gets one on joining, so this is a bug).
    """
    query = (
        select(Account)
        .join(_CONTROL, Account.parent_id == _CONTROL.id)
        .where(among(session, Account.member_id, member_ids), _CONTROL.role == "member_savings")
        .order_by(Account.id.desc())
    )
    if state_code is not None:
        query = query.where(Account.state_code == state_code, _CONTROL.state_code == state_code)
    rows = session.scalars(query)
    found = {account.member_id: account for account in rows if account.member_id is not None}
    missing = [m for m in member_ids if m not in found]
    if missing:
        raise NotFound(f"member {missing[0]} has no savings account")
    return found


def _via(session: Session, book_id: int, via: str) -> Account:
    if via not in VIA_ROLES:
        raise Invalid.field("via", 'must be "cash" or "bank"')
    return account_by_role(session, book_id, VIA_ROLES[via])


def _move(
    session: Session, who: Principal, move: SavingsMovement, deposit: bool, today: date | None
) -> JournalEntry:
    member = writable_member(session, who, move.member_id)
    book = book_of(session, member.shg_id)
    savings = savings_account(session, member)
    via = _via(session, book.id, move.via)
    debit, credit = (via, savings) if deposit else (savings, via)
    default = f"{'Saving by' if deposit else 'Withdrawal by'} {member.name}"
    draft = EntryDraft.transfer(
        book.id, move.value_date, move.narration or default, debit.id, credit.id, move.amount_paise
    )
    try:
        return post_entry(session, who, draft, today)
    except Invalid as error:
        raise renamed(error, {"postings": "amount"}) from None


def deposit(
    session: Session, who: Principal, move: SavingsMovement, today: date | None = None
) -> JournalEntry:
    """A member saves: Dr cash (or bank), Cr her savings."""
    return _move(session, who, move, True, today)


def withdraw(
    session: Session, who: Principal, move: SavingsMovement, today: date | None = None
) -> JournalEntry:
    """A member withdraws savings: Dr her savings, Cr cash (or bank); never beyond her balance."""
    return _move(session, who, move, False, today)


def share_by_weight(total_paise: int, weights: dict[int, int]) -> dict[int, int]:
    """Split `total_paise` in proportion to `weights`, to the paisa, summing exactly to the total.

    Each share is rounded down first; the paise left over go one each to the largest
    remainders (ties to the smaller key), so nobody is favoured by rounding twice.
    """
    whole = sum(weights.values())
    if whole <= 0:
        raise Invalid.field("amount", "no member has savings to share it on")
    shares = {k: divide(total_paise * w, whole, Rounding.DOWN) for k, w in weights.items()}
    left = total_paise - sum(shares.values())
    by_remainder = sorted(weights, key=lambda k: (-((total_paise * weights[k]) % whole), k))
    for key in by_remainder[:left]:
        shares[key] += 1
    return shares


def share_savings_interest(
    session: Session,
    who: Principal,
    shg_id: int,
    total_paise: int,
    value_date: date,
    narration: str | None = None,
    today: date | None = None,
) -> JournalEntry:
    """Credit the SHG's savings interest or dividend to active members by their savings balance
    at the end of `value_date`: Dr interest on savings (expense), Cr each member's savings."""
    shg = writable_institution(session, who, shg_id)
    if shg.kind != InstitutionKind.SHG.value:
        raise Invalid.field("shg_id", f"institution {shg_id} is a {shg.kind}, not an SHG")
    book = book_of(session, shg.id)
    members = session.scalars(
        select(Member)
        .where(Member.shg_id == shg.id, Member.status != Status.CLOSED.value)
        .order_by(Member.id)
    )
    accounts = savings_accounts(session, [m.id for m in members])
    weights = {mid: balance_as_of(session, a, value_date) for mid, a in accounts.items()}
    shares = share_by_weight(total_paise, {k: w for k, w in weights.items() if w > 0})
    expense = account_by_role(session, book.id, "savings_interest")
    credits = tuple(
        PostingDraft(accounts[m].id, Side.CREDIT, p) for m, p in shares.items() if p > 0
    )
    draft = EntryDraft(
        book_id=book.id,
        value_date=value_date,
        narration=narration or "Interest on members' savings",
        postings=(PostingDraft(expense.id, Side.DEBIT, total_paise), *credits),
    )
    return post_entry(session, who, draft, today)
