"""Posting journal entries: one entry, or a linked set across books, all or nothing.

Order of work, chosen so two concurrent requests can neither overdraw an account nor
deadlock: validate the drafts' shape; lock the books (by id), then the accounts (by id);
read the running balances after the drafts' dates (app/services/ledger/running_balances.py: an
account that may not go negative must stay at or above zero at the end of every day, so a
back-dated entry is checked against every later day, not only today); check every rule
against the locked rows; write postings before their entry row (the entry row seals them,
see models/ledger.py); move the maintained balances and the hash chains.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.formats import indian_date
from app.services.ledger.bulk import add_to_column, among_parameter, among_value, insert_rows
from app.services.ledger.chain import ChainedEntry, ChainedPosting, entry_hash
from app.services.ledger.running_balances import RunningBalances, running_balances
from app.services.shared.clock import today_in_india
from app.services.shared.errors import (
    Conflict,
    DomainError,
    FieldProblem,
    Forbidden,
    Invalid,
    require_no_problems,
)
from app.services.shared.principal import Principal
from app.services.shared.scoped_state import scoped_state
from models.base import utcnow
from models.institutions import Institution, Status
from models.ledger import Account, Book, EntrySet, JournalEntry, Posting, Side
from models.money import MAX_AMOUNT_PAISE, format_inr

MAX_POSTINGS_PER_ENTRY = 200
MAX_ENTRIES_PER_SET = 20
MAX_NARRATION = 500
# No book of this service goes further back: SHG-bank linkage data before the 2000-01
# financial year is not kept in any system a bank or auditor would compare with, and a date
# before it is a typing mistake (1900 for 2000). An institution's own books start when it
# was formed, when that is known.
EARLIEST_VALUE_DATE = date(2000, 4, 1)


@dataclass(frozen=True)
class PostingDraft:
    account_id: int
    side: Side
    amount_paise: int


@dataclass(frozen=True)
class EntryDraft:
    book_id: int
    value_date: date
    narration: str
    postings: tuple[PostingDraft, ...]
    reverses_entry_id: uuid.UUID | None = None

    @classmethod
    def transfer(
        cls,
        book_id: int,
        value_date: date,
        narration: str,
        debit_account_id: int,
        credit_account_id: int,
        amount_paise: int,
    ) -> EntryDraft:
        """The simplest entry: one account debited and another credited with one amount."""
        return cls(
            book_id,
            value_date,
            narration,
            (
                PostingDraft(debit_account_id, Side.DEBIT, amount_paise),
                PostingDraft(credit_account_id, Side.CREDIT, amount_paise),
            ),
        )


# What the locks read: the columns the rules and the chain use (each column read costs every
# posting its description and conversion), and of a book its institution's.
_BOOK_COLUMNS = ("id", "state_code", "last_seq", "head_hash", "closed_through")
_BOOK_EXTRAS = (Institution.path, Institution.status, Institution.formed_on)
_ACCOUNT_COLUMNS = (
    "id",
    "book_id",
    "name",
    "normal_side",
    "allow_negative",
    "postable",
    "status",
    "balance_paise",
    "state_code",
)


@cache
def _lock_statements(dialect: str, scoped: bool) -> tuple[Select[Any], Select[Any]]:
    """The two locking SELECTs, built once per dialect and scoping: on the path of every
    posting, building a statement (and its cache key) each time cost more than sending it.
    Core, not ORM: rows as tuples, with no identity map or loader events to run through.
    `scoped`: the request's state is known (app/state_scope.py), and each names it, as the
    ORM statements of a scoped request do."""
    books, accounts = Book.__table__, Account.__table__
    lock_books = (
        select(*(books.c[name] for name in _BOOK_COLUMNS), *_BOOK_EXTRAS)
        .join(Institution.__table__, Institution.id == books.c.institution_id)
        .where(among_parameter(books.c.id, "book_ids", dialect))
        .order_by(books.c.id)
        .with_for_update(of=books)
    )
    lock_accounts = (
        select(*(accounts.c[name] for name in _ACCOUNT_COLUMNS))
        .where(
            among_parameter(accounts.c.id, "account_ids", dialect),
            among_parameter(accounts.c.book_id, "open_book_ids", dialect),
        )
        .order_by(accounts.c.id)
        .with_for_update()
    )
    if scoped:
        lock_books = lock_books.where(books.c.state_code == bindparam("state"))
        lock_accounts = lock_accounts.where(accounts.c.state_code == bindparam("state"))
    return lock_books, lock_accounts


@dataclass
class _Locked:
    """The locked rows, as tuples read by column name (`book.last_seq`, `account.name`)."""

    books: dict[int, Row[Any]] = field(default_factory=dict)
    accounts: dict[int, Row[Any]] = field(default_factory=dict)
    formed_on: dict[int, date] = field(default_factory=dict)  # by book id, where known
    # Books the principal may read but not post to, with why (kept, not raised, so a batch
    # of independent entries refuses only the entries that touch them).
    refused: dict[int, DomainError] = field(default_factory=dict)

    def refusal(self, drafts: Sequence[EntryDraft]) -> DomainError | None:
        """The first refusal among the drafts' books, in book id order (the order of locking)."""
        for book_id in sorted({d.book_id for d in drafts}):
            if book_id in self.refused:
                return self.refused[book_id]
        return None


def shape_problems(draft: EntryDraft, today: date, at: str = "") -> list[FieldProblem]:
    """Rules that need no database: counts, amounts, balance, dates."""
    problems: list[FieldProblem] = []
    if not draft.narration.strip():
        problems.append(FieldProblem(f"{at}narration", "must not be blank"))
    if len(draft.narration) > MAX_NARRATION:
        problems.append(FieldProblem(f"{at}narration", f"at most {MAX_NARRATION} characters"))
    if draft.value_date > today:
        problems.append(FieldProblem(f"{at}value_date", f"is after today ({today.isoformat()})"))
    if draft.value_date < EARLIEST_VALUE_DATE:
        problems.append(
            FieldProblem(
                f"{at}value_date",
                f"is before {indian_date(EARLIEST_VALUE_DATE)}, the earliest date books go back to",
            )
        )
    count = len(draft.postings)
    if count < 2 or count > MAX_POSTINGS_PER_ENTRY:
        problems.append(
            FieldProblem(
                f"{at}postings", f"needs 2 to {MAX_POSTINGS_PER_ENTRY} postings, got {count}"
            )
        )
    for i, posting in enumerate(draft.postings):
        if not 0 < posting.amount_paise <= MAX_AMOUNT_PAISE:
            problems.append(FieldProblem(f"{at}postings[{i}].amount", "must be more than zero"))
    debits = sum(p.amount_paise for p in draft.postings if p.side is Side.DEBIT)
    credits = sum(p.amount_paise for p in draft.postings if p.side is Side.CREDIT)
    if debits != credits:
        problems.append(
            FieldProblem(
                f"{at}postings",
                f"debits ({format_inr(debits)}) do not equal credits ({format_inr(credits)})",
            )
        )
    return problems


def _lock(session: Session, who: Principal, drafts: Sequence[EntryDraft]) -> _Locked:
    locked = _Locked()
    dialect = session.get_bind().dialect.name
    state = scoped_state(session)
    lock_books, lock_accounts = _lock_statements(dialect, state is not None)
    connection = session.connection()
    book_ids = sorted({d.book_id for d in drafts})
    for book in connection.execute(
        lock_books, {"book_ids": among_value(book_ids, dialect), "state": state}
    ):
        if book.formed_on is not None:
            locked.formed_on[book.id] = book.formed_on
        if not who.can_read(book.path):
            continue  # reported as not found below: existence must not leak
        if not who.can_write(book.path):
            locked.refused[book.id] = Forbidden(
                f"{who.role.value} tokens may not post to book {book.id}"
            )
        elif book.status == Status.CLOSED.value:
            locked.refused[book.id] = Conflict(f"book {book.id} belongs to a closed institution")
        else:
            locked.books[book.id] = book
    account_ids = sorted({p.account_id for d in drafts for p in d.postings})
    accounts = connection.execute(
        lock_accounts,
        {
            "account_ids": among_value(account_ids, dialect),
            "open_book_ids": among_value(sorted(locked.books), dialect),
            "state": state,
        },
    )
    locked.accounts = {a.id: a for a in accounts}
    return locked


def _balance_change(account: Account, posting: PostingDraft) -> int:
    signed = posting.amount_paise if posting.side is Side.DEBIT else -posting.amount_paise
    return signed if account.normal_side == Side.DEBIT.value else -signed


def _balances(session: Session, drafts: Sequence[EntryDraft], locked: _Locked) -> RunningBalances:
    """The running balances the drafts are checked against: those of every account that may
    not go negative and that a draft takes money from, after the earliest such draft's date."""
    since: dict[int, date] = {}
    for draft in drafts:
        for posting in draft.postings:
            account = locked.accounts.get(posting.account_id)
            if account is None or account.allow_negative:
                continue
            if _balance_change(account, posting) < 0:
                known = since.get(account.id)
                since[account.id] = (
                    draft.value_date if known is None else min(known, draft.value_date)
                )
    return running_balances(session, locked.accounts, since)


def _check_rules(
    drafts: Sequence[EntryDraft],
    locked: _Locked,
    prefix: str,
    balances: RunningBalances,
) -> tuple[list[FieldProblem], dict[int, dict[date, int]]]:
    """Problems against the locked rows, and each account's balance changes by value date
    (applied as they are when there are no problems). `balances` counts the changes of
    entries accepted earlier in the same batch, not yet written."""
    problems: list[FieldProblem] = []
    states = {locked.books[d.book_id].state_code for d in drafts if d.book_id in locked.books}
    if len(states) > 1:
        problems.append(FieldProblem("entries", "a linked set cannot span two states"))
    change: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    first_line: dict[int, str] = {}
    for i, draft in enumerate(drafts):
        at = prefix.format(i=i)
        book = locked.books.get(draft.book_id)
        if book is None:
            problems.append(FieldProblem(f"{at}book_id", f"no book {draft.book_id} in your scope"))
            continue
        formed_on = locked.formed_on.get(book.id)
        if formed_on is not None and draft.value_date < formed_on:
            problems.append(
                FieldProblem(
                    f"{at}value_date",
                    f"is before the institution was formed ({indian_date(formed_on)})",
                )
            )
        if book.closed_through is not None and draft.value_date <= book.closed_through:
            problems.append(
                FieldProblem(
                    f"{at}value_date",
                    f"book {book.id} is closed through {book.closed_through.isoformat()}",
                )
            )
        for j, posting in enumerate(draft.postings):
            where = f"{at}postings[{j}].account_id"
            account = locked.accounts.get(posting.account_id)
            if account is None or account.book_id != draft.book_id:
                problems.append(
                    FieldProblem(where, f"no account {posting.account_id} in book {draft.book_id}")
                )
            elif not account.postable:
                problems.append(
                    FieldProblem(
                        where,
                        f"{account.name} is a control account; post to a member's sub-account",
                    )
                )
            elif account.status != "open":
                problems.append(FieldProblem(where, f"{account.name} is closed"))
            else:
                change[account.id][draft.value_date] += _balance_change(account, posting)
                first_line.setdefault(account.id, where)
    for account_id, by_day in change.items():
        account = locked.accounts[account_id]
        if account.allow_negative or min(by_day.values()) >= 0:
            continue
        low = balances.first_below_zero(account_id, by_day)
        if low is not None:
            problems.append(
                FieldProblem(
                    first_line[account_id],
                    f"would take {account.name} below zero on {indian_date(low.day)}:"
                    f" balance that day {format_inr(low.balance_paise)},"
                    f" change {format_inr(low.change_paise)}",
                )
            )
    return problems, change


# Move a book's chain head: built once (every posting sends it).
_MOVE_HEAD = (
    update(Book.__table__)
    .where(
        Book.__table__.c.id == bindparam("head_id"),
        Book.__table__.c.state_code == bindparam("state"),
    )
    .values(last_seq=bindparam("seq"), head_hash=bindparam("digest"))
)


@dataclass
class _Rows:
    """Rows of entries checked and chained, written together: postings first, then the
    entries that seal them, then the books' new heads."""

    postings: list[dict[str, object]] = field(default_factory=list)
    entries: list[dict[str, object]] = field(default_factory=list)
    heads: dict[int, tuple[int, str]] = field(default_factory=dict)  # book id: (seq, hash)
    states: dict[int, str] = field(default_factory=dict)  # book id: its state

    def chain(
        self, who: Principal, draft: EntryDraft, book: Row[Any], set_id: uuid.UUID | None
    ) -> JournalEntry:
        """Number and hash the entry after the book's head, and move the head (in memory until
        `write`): entries of one book in one batch chain one after another."""
        entry_id = uuid.uuid4()
        recorded_at = utcnow()
        last_seq, head_hash = self.heads.get(book.id, (book.last_seq, book.head_hash))
        seq = last_seq + 1
        postings = [
            ChainedPosting(
                line_no=i + 1,
                account_id=p.account_id,
                side=p.side.value,
                amount_paise=p.amount_paise,
            )
            for i, p in enumerate(draft.postings)
        ]
        digest = entry_hash(
            head_hash,
            ChainedEntry(
                entry_id=entry_id,
                book_id=book.id,
                seq=seq,
                value_date=draft.value_date,
                narration=draft.narration,
                recorded_at=recorded_at,
                recorded_by=who.label,
                set_id=set_id,
                reverses_entry_id=draft.reverses_entry_id,
                postings=postings,
            ),
        )
        self.postings.extend(
            {
                "entry_id": entry_id,
                "book_id": book.id,
                "state_code": book.state_code,
                "account_id": p.account_id,
                "line_no": p.line_no,
                "value_date": draft.value_date,
                "side": p.side,
                "amount_paise": p.amount_paise,
                "delta_paise": p.amount_paise if p.side == Side.DEBIT.value else -p.amount_paise,
            }
            for p in postings
        )
        row = {
            "id": entry_id,
            "book_id": book.id,
            "state_code": book.state_code,
            "seq": seq,
            "value_date": draft.value_date,
            "narration": draft.narration,
            "set_id": set_id,
            "reverses_entry_id": draft.reverses_entry_id,
            "posting_count": len(postings),
            "recorded_at": recorded_at,
            "recorded_by": who.label,
            "prev_hash": head_hash,
            "hash": digest,
        }
        self.entries.append(row)
        self.heads[book.id] = (seq, digest)
        self.states[book.id] = book.state_code
        return JournalEntry(**row)

    def write(self, session: Session) -> None:
        """Core statements, not the unit of work: this is the hot path of every write. Each
        is one statement (postings and entries as arrays on PostgreSQL, app/services/ledger/
        bulk.py), or one executemany, which psycopg pipelines."""
        if not self.entries:
            return
        insert_rows(session, Posting.__table__, self.postings)
        insert_rows(session, JournalEntry.__table__, self.entries)
        session.connection().execute(
            _MOVE_HEAD,
            [
                {
                    "head_id": book_id,
                    "state": self.states[book_id],
                    "seq": seq,
                    "digest": digest,
                }
                for book_id, (seq, digest) in self.heads.items()
            ],
        )


def _post(
    session: Session,
    who: Principal,
    drafts: Sequence[EntryDraft],
    new_set: EntrySet | None,
    today: date | None,
    prefix: str,
) -> list[JournalEntry]:
    today = today or today_in_india()
    problems = [
        p for i, d in enumerate(drafts) for p in shape_problems(d, today, prefix.format(i=i))
    ]
    require_no_problems(problems, "the entry cannot be posted")
    locked = _lock(session, who, drafts)
    refusal = locked.refusal(drafts)
    if refusal is not None:
        raise refusal
    balances = _balances(session, drafts, locked)
    problems, changes = _check_rules(drafts, locked, prefix, balances)
    require_no_problems(problems, "the entry cannot be posted")
    balances.accept(changes)
    set_id = None
    if new_set is not None:
        new_set.state_code = next(iter(locked.books.values())).state_code
        session.add(new_set)
        session.flush()
        set_id = new_set.id
    rows = _Rows()
    entries = [rows.chain(who, d, locked.books[d.book_id], set_id) for d in drafts]
    rows.write(session)
    _move_balances(session, balances.pending, locked, rows)
    return entries


def _move_balances(session: Session, change: dict[int, int], locked: _Locked, rows: _Rows) -> None:
    """One UPDATE for every account the drafts touch. (An UPDATE per account, even
    pipelined, measured several times slower for a batch of meetings.)"""
    states = {account_id: locked.accounts[account_id].state_code for account_id in change}
    add_to_column(session, Account.__table__, "balance_paise", change, states)
    _refresh_in_session(
        session,
        Account,
        _ACCOUNT_COLUMNS,
        locked.accounts,
        {
            key: {"balance_paise": locked.accounts[key].balance_paise + d}
            for key, d in change.items()
        },
    )
    _refresh_in_session(
        session,
        Book,
        _BOOK_COLUMNS,
        locked.books,
        {key: {"last_seq": seq, "head_hash": digest} for key, (seq, digest) in rows.heads.items()},
    )


def _refresh_in_session(
    session: Session,
    model: type[Book] | type[Account],
    columns: Sequence[str],
    locked: Mapping[int, Row[Any]],
    moved: Mapping[int, Mapping[str, object]],
) -> None:
    """A locked book or account that the session already holds as an object takes the
    `columns` read under the lock and what the posting moved: a caller holding it sees the
    posting, as when the lock loaded objects. (The lock reads tuples; objects not already
    loaded are not made.)"""
    identity_map = session.identity_map
    for key, row in locked.items():
        held = identity_map.get(identity_key(model, key))
        if held is None:
            continue
        for name in columns:
            set_committed_value(held, name, getattr(row, name))
        for name, value in moved.get(key, {}).items():
            set_committed_value(held, name, value)


def post_entries(
    session: Session,
    who: Principal,
    drafts: Sequence[EntryDraft],
    today: date | None = None,
    groups: Sequence[Hashable] | None = None,
) -> list[JournalEntry | DomainError]:
    """Post independent entries together, each by the rules of `post_entry`: an entry that
    breaks one is refused alone (its refusal takes its place in the result) and the rest are
    posted. One lock of every book and account, one write of each kind: the bulk path
    (a month of meeting sheets) costs a few statements per batch, not per entry.

    `groups`, when given, names each draft's group (one key per draft): a group's entries are
    checked together, as `post_linked_set` checks a set, and posted or refused together, the
    group's refusal taking each of its entries' places (a meeting's collections and the loans
    lent from them). A group's problems are not named by entry: post its entries alone for
    that. Entries are chained in the drafts' order."""
    today = today or today_in_india()
    keys = list(range(len(drafts))) if groups is None else list(groups)
    if len(keys) != len(drafts):
        raise ValueError("one group key per draft")
    members: dict[Hashable, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        members[key].append(i)
    results: list[JournalEntry | DomainError | None] = [None] * len(drafts)
    for i, draft in enumerate(drafts):
        problems = shape_problems(draft, today)
        if problems:
            results[i] = Invalid.of(problems, "the entry cannot be posted")
    shaped = [d for i, d in enumerate(drafts) if results[i] is None]
    locked = _lock(session, who, shaped) if shaped else _Locked()
    balances = _balances(session, shaped, locked)
    accepted: list[int] = []
    for indices in members.values():
        refusal = _group_refusal(indices, results, drafts, locked, balances)
        if refusal is not None:
            for i in indices:
                results[i] = refusal
            continue
        accepted.extend(indices)
    rows = _Rows()
    for i in sorted(accepted):
        results[i] = rows.chain(who, drafts[i], locked.books[drafts[i].book_id], None)
    rows.write(session)
    _move_balances(session, balances.pending, locked, rows)
    return [r for r in results if r is not None]


def _group_refusal(
    indices: list[int],
    results: list[JournalEntry | DomainError | None],
    drafts: Sequence[EntryDraft],
    locked: _Locked,
    balances: RunningBalances,
) -> DomainError | None:
    """Why the group of drafts at `indices` is refused (the first refusal of its shape, its
    books, or its rules checked together), or None: then its balance changes are accepted."""
    for i in indices:
        earlier = results[i]
        if isinstance(earlier, DomainError):
            return earlier
    group = [drafts[i] for i in indices]
    refusal = locked.refusal(group)
    if refusal is not None:
        return refusal
    problems, change = _check_rules(group, locked, "", balances)
    if problems:
        return Invalid.of(problems, "the entry cannot be posted")
    balances.accept(change)
    return None


def post_entry(
    session: Session, who: Principal, draft: EntryDraft, today: date | None = None
) -> JournalEntry:
    """Post one balanced entry into one book."""
    return _post(session, who, [draft], None, today, prefix="")[0]


def post_linked_set(
    session: Session,
    who: Principal,
    drafts: Sequence[EntryDraft],
    today: date | None = None,
    reverses_set_id: uuid.UUID | None = None,
) -> tuple[EntrySet, list[JournalEntry]]:
    """Post entries into several books of one state as one unit: all are posted, or none."""
    if not 1 <= len(drafts) <= MAX_ENTRIES_PER_SET:
        raise Invalid.field("entries", f"a linked set holds 1 to {MAX_ENTRIES_PER_SET} entries")
    entry_set = EntrySet(
        id=uuid.uuid4(),
        narration=drafts[0].narration,
        reverses_set_id=reverses_set_id,
        recorded_at=utcnow(),
        recorded_by=who.label,
    )
    entries = _post(session, who, drafts, entry_set, today, prefix="entries[{i}].")
    return entry_set, entries
