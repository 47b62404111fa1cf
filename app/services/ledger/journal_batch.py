"""A batch of independent journal entries: each posted or refused alone, answered by index.

What holds, per entry, is what holds for `POST /journal-entries`: its postings are all
written or none, it balances, it is chained in its book, and it is checked against the
running balances as they stand after the entries of the batch accepted before it. What does
not hold across entries: a refused entry stops none of the others (use a linked set when
entries must stand or fall together). The batch is one transaction: if it cannot be committed
(the database fails), nothing of it is posted and a retry with the same Idempotency-Key posts
it afresh; once committed, a retry returns the first answer.

The work is `posting.post_entries`: one lock of every book and account the batch touches,
one write of each kind, a few statements for the whole batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.services.ledger.posting import EntryDraft, post_entries
from app.services.shared.errors import DomainError, FieldProblem
from app.services.shared.principal import Principal
from models.ledger import JournalEntry

MAX_ENTRIES_PER_BATCH = 1000
POSTED = 201


@dataclass(frozen=True)
class Outcome:
    """What became of the entry at `index`: posted (status 201, its id and number in its
    book) or refused (the status its refusal would have alone, and its problems, each
    field named from the batch: `entries[3].postings[0].amount`)."""

    index: int
    status: int
    entry_id: uuid.UUID | None = None
    seq: int | None = None
    title: str | None = None
    problems: tuple[FieldProblem, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    posted: int
    refused: int
    results: list[Outcome]


def _refused(index: int, error: DomainError) -> Outcome:
    at = f"entries[{index}]"
    # A refusal without field problems is one of the entry's book (not postable by this
    # token, or its institution closed): it is named by the field that chose the book.
    problems = tuple(
        FieldProblem(f"{at}.{p.field}" if p.field else at, p.reason) for p in error.problems
    ) or (FieldProblem(f"{at}.book_id", error.detail),)
    return Outcome(index, error.status, title=error.title, problems=problems)


def post_batch(
    session: Session,
    who: Principal,
    items: Sequence[EntryDraft | DomainError],
    today: date | None = None,
) -> BatchResult:
    """Post every draft among `items` that its rules allow; an item that is already a
    refusal (the request could not be read as an entry) keeps its place as refused.

    Raises nothing for an entry's mistakes: they are in its outcome."""
    assert len(items) <= MAX_ENTRIES_PER_BATCH, "the schema bounds a batch"
    drafts = [(i, item) for i, item in enumerate(items) if isinstance(item, EntryDraft)]
    results = post_entries(session, who, [d for _, d in drafts], today)
    by_index: dict[int, JournalEntry | DomainError] = {
        i: result for (i, _), result in zip(drafts, results, strict=True)
    }
    outcomes = []
    for i, item in enumerate(items):
        result = by_index.get(i, item)
        if isinstance(result, JournalEntry):
            outcomes.append(Outcome(i, POSTED, entry_id=result.id, seq=result.seq))
        else:
            assert isinstance(result, DomainError)
            outcomes.append(_refused(i, result))
    posted = sum(1 for o in outcomes if o.status == POSTED)
    return BatchResult(posted, len(outcomes) - posted, outcomes)
