"""Reading journal entries and linked sets, within the reader's scope."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from app.services.ledger.posting import PostingDraft
from app.services.shared.errors import NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.institutions import Institution
from models.ledger import Book, EntrySet, JournalEntry, Posting


@dataclass(frozen=True)
class EntryView:
    entry: JournalEntry
    postings: Sequence[Posting]
    reversed_by: uuid.UUID | None

    def __getattr__(self, name: str) -> object:
        return getattr(self.entry, name)


# Built once: constructing an alias costs more than the query it serves on the hot path.
_REVERSAL = aliased(JournalEntry, name="reversal")


def reversed_clause(entry_id: object, state_code: object = None) -> object:
    """Whether the entry has been reversed. Uses its own alias of the journal so that it never
    correlates with a journal the outer query joins. With `state_code` (a value, or the outer
    row's column), the reversal is looked for in that state only: a reversal is in its entry's
    book, and so its state."""
    reversal = _REVERSAL.reverses_entry_id == entry_id
    if state_code is not None:
        reversal = reversal & (_REVERSAL.state_code == state_code)
    return exists().where(reversal)


def book_path(session: Session, book_id: int) -> str | None:
    return session.scalar(
        select(Institution.path)
        .join(Book, Book.institution_id == Institution.id)
        .where(Book.id == book_id)
    )


def readable_book(session: Session, who: Principal, book_id: int) -> Book:
    book = session.get(Book, book_id)
    path = book_path(session, book_id) if book else None
    if book is None or path is None or not who.can_read(path):
        raise NotFound(f"book {book_id} not found")
    return book


def readable_entry(session: Session, who: Principal, entry_id: uuid.UUID) -> JournalEntry:
    entry = session.get(JournalEntry, entry_id)
    path = book_path(session, entry.book_id) if entry else None
    if entry is None or path is None or not who.can_read(path):
        raise NotFound(f"journal entry {entry_id} not found")
    return entry


@dataclass(frozen=True)
class Posted:
    """Where an operation posted: its entry and, when it posted in several books, the linked
    set that holds them all. A set is undone only whole (`POST /entry-sets/{set_id}/reverse`);
    an entry alone by `POST /journal-entries/{entry_id}/reverse`."""

    entry_id: uuid.UUID
    set_id: uuid.UUID | None
    entry_ids: tuple[uuid.UUID, ...]  # every entry of the set (by book), or the entry alone


def posted(session: Session, entry_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Posted]:
    """Each entry's `Posted`, in two queries however many entries."""
    if not entry_ids:
        return {}
    set_of = dict(
        session.execute(
            select(JournalEntry.id, JournalEntry.set_id).where(JournalEntry.id.in_(entry_ids))
        ).all()
    )
    in_set: dict[uuid.UUID, list[uuid.UUID]] = {}
    set_ids = {s for s in set_of.values() if s is not None}
    if set_ids:
        for set_id, entry_id in session.execute(
            select(JournalEntry.set_id, JournalEntry.id)
            .where(JournalEntry.set_id.in_(set_ids))
            .order_by(JournalEntry.book_id)
        ):
            in_set.setdefault(set_id, []).append(entry_id)
    return {
        entry_id: Posted(
            entry_id,
            set_id,
            tuple(in_set[set_id]) if set_id is not None else (entry_id,),
        )
        for entry_id, set_id in set_of.items()
    }


def posted_one(session: Session, entry_id: uuid.UUID) -> Posted:
    return posted(session, [entry_id])[entry_id]


def set_entries(session: Session, set_id: uuid.UUID) -> list[JournalEntry]:
    return list(
        session.scalars(
            select(JournalEntry).where(JournalEntry.set_id == set_id).order_by(JournalEntry.book_id)
        )
    )


def readable_set(session: Session, who: Principal, set_id: uuid.UUID) -> EntrySet:
    entry_set = session.get(EntrySet, set_id)
    entries = set_entries(session, set_id) if entry_set else []
    # A set is readable only when every book it touched is: it would otherwise leak them.
    if entry_set is None or not all(
        (path := book_path(session, e.book_id)) is not None and who.can_read(path) for e in entries
    ):
        raise NotFound(f"entry set {set_id} not found")
    return entry_set


def fresh_view(entry: JournalEntry, draft_postings: Sequence[PostingDraft]) -> EntryView:
    """The view of an entry just posted in this transaction, without reading it back."""
    postings = [
        Posting(
            line_no=i + 1, account_id=p.account_id, side=p.side.value, amount_paise=p.amount_paise
        )
        for i, p in enumerate(draft_postings)
    ]
    return EntryView(entry=entry, postings=postings, reversed_by=None)


def view_entry(session: Session, entry: JournalEntry) -> EntryView:
    postings = list(
        session.scalars(
            select(Posting).where(Posting.entry_id == entry.id).order_by(Posting.line_no)
        )
    )
    reversed_by = session.scalar(
        select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry.id)
    )
    return EntryView(entry=entry, postings=postings, reversed_by=reversed_by)


def list_entries(
    session: Session,
    who: Principal,
    book_id: int,
    date_from: date | None,
    date_to: date | None,
    after: int | None,
    limit: int,
) -> Page[JournalEntry]:
    """A book's entries in posting order (by sequence number)."""
    readable_book(session, who, book_id)
    query = select(JournalEntry).where(JournalEntry.book_id == book_id)
    if date_from:
        query = query.where(JournalEntry.value_date >= date_from)
    if date_to:
        query = query.where(JournalEntry.value_date <= date_to)
    return fetch_page(session, query, JournalEntry.seq, after, limit)


@dataclass(frozen=True)
class SetView:
    entry_set: EntrySet
    entries: Sequence[EntryView]
    reversed_by: uuid.UUID | None

    def __getattr__(self, name: str) -> object:
        return getattr(self.entry_set, name)


def view_set(session: Session, entry_set: EntrySet) -> SetView:
    entries = [view_entry(session, e) for e in set_entries(session, entry_set.id)]
    reversed_by = session.scalar(
        select(EntrySet.id).where(EntrySet.reverses_set_id == entry_set.id)
    )
    return SetView(entry_set, entries, reversed_by)
