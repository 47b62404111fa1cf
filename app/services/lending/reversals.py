"""Correcting mistakes: a posted entry is never changed; its mirror entry is posted instead."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.ledger.journal import readable_entry, readable_set, set_entries
from app.services.ledger.posting import EntryDraft, PostingDraft, post_entry, post_linked_set
from app.services.lending import facilities, loans
from app.services.shared.errors import Conflict, Invalid
from app.services.shared.principal import Principal
from models.ledger import EntrySet, JournalEntry, Posting, Side

# Operations whose entries must be undone in a certain order each say so here: a guard
# raises Conflict when the entry may not be reversed yet.
GUARDS = (loans.ensure_reversible, facilities.ensure_reversible)


def _mirror(
    session: Session, entry: JournalEntry, value_date: date | None, narration: str | None
) -> EntryDraft:
    if entry.reverses_entry_id is not None:
        raise Conflict(f"entry {entry.id} is itself a reversal; post a new entry instead")
    for guard in GUARDS:
        guard(session, entry)
    reversed_by = session.scalar(
        select(JournalEntry.id).where(JournalEntry.reverses_entry_id == entry.id)
    )
    if reversed_by is not None:
        raise Conflict(f"entry {entry.id} was already reversed by entry {reversed_by}")
    when = value_date or entry.value_date
    if when < entry.value_date:
        raise Invalid.field(
            "value_date", f"a reversal cannot be dated before the entry ({entry.value_date})"
        )
    postings = session.scalars(
        select(Posting).where(Posting.entry_id == entry.id).order_by(Posting.line_no)
    )
    return EntryDraft(
        book_id=entry.book_id,
        value_date=when,
        narration=narration
        or f"Reversal of entry {entry.book_id}/{entry.seq}: {entry.narration}"[:500],
        postings=tuple(
            PostingDraft(
                account_id=p.account_id,
                side=Side.CREDIT if p.side == Side.DEBIT.value else Side.DEBIT,
                amount_paise=p.amount_paise,
            )
            for p in postings
        ),
        reverses_entry_id=entry.id,
    )


def reverse_entry(
    session: Session,
    who: Principal,
    entry_id: uuid.UUID,
    *,
    value_date: date | None = None,
    narration: str | None = None,
    today: date | None = None,
) -> JournalEntry:
    """Post the mirror of an entry (same accounts, sides swapped) and link it to the original."""
    entry = readable_entry(session, who, entry_id)
    if entry.set_id is not None:
        raise Conflict(
            f"entry {entry.id} belongs to linked set {entry.set_id}; reverse the whole set so"
            " every book it touched is corrected together"
        )
    return post_entry(session, who, _mirror(session, entry, value_date, narration), today)


def reverse_set(
    session: Session,
    who: Principal,
    set_id: uuid.UUID,
    *,
    value_date: date | None = None,
    narration: str | None = None,
    today: date | None = None,
) -> tuple[EntrySet, list[JournalEntry]]:
    """Reverse every entry of a linked set as a new linked set: all books or none."""
    original = readable_set(session, who, set_id)
    if original.reverses_set_id is not None:
        raise Conflict(f"set {set_id} is itself a reversal; post a new set instead")
    drafts = [_mirror(session, e, value_date, narration) for e in set_entries(session, set_id)]
    return post_linked_set(session, who, drafts, today, reverses_set_id=uuid.UUID(str(set_id)))
