from __future__ import annotations

import uuid
from typing import Any

from flask_smorest import Blueprint

from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.journal import (
    EntryBatchCreateSchema,
    EntryBatchResultSchema,
    EntryCreateSchema,
    EntryDetailSchema,
    EntrySetCreateSchema,
    EntrySetSchema,
    ReverseSchema,
)
from app.services.ledger import journal, journal_batch, posting
from app.services.lending import reversals
from app.services.shared.errors import DomainError
from app.writes import HEADER_DOC, idempotent
from models.ledger import Side

blp = Blueprint(
    "journal", __name__, url_prefix="/api/v1", description="Journal entries and linked sets"
)


def to_draft(data: dict[str, Any]) -> posting.EntryDraft:
    return posting.EntryDraft(
        book_id=data["book_id"],
        value_date=data["value_date"],
        narration=data["narration"],
        postings=tuple(
            posting.PostingDraft(
                p["account_id"], Side.DEBIT if p["side"] == "debit" else Side.CREDIT, p["amount"]
            )
            for p in data["postings"]
        ),
    )


def entry_response(entry: Any) -> Any:
    """The detail view of an entry an operation just posted."""
    return journal.view_entry(db(), entry)


@blp.route("/journal-entries", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(EntryCreateSchema)
@blp.response(201, EntryDetailSchema)
def post_entry(data: dict[str, Any]) -> Any:
    """Post a balanced journal entry into one book."""
    draft = to_draft(data)
    return journal.fresh_view(posting.post_entry(db(), who(), draft), draft.postings)


@blp.route("/journal-entries/batch", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(EntryBatchCreateSchema)
@blp.response(200, EntryBatchResultSchema)
def post_batch(data: dict[str, Any]) -> Any:
    """Post up to 1,000 independent entries, each posted or refused alone, answered by index.

    200 whenever the batch was read: each result's own `status` says what became of its
    entry (201 posted; 403, 409 or 422 refused, with its problems named from the batch,
    `entries[3].postings[0].amount`). One Idempotency-Key covers the batch: a retry gets the
    first answer and posts nothing twice. The batch commits as one transaction."""
    items = [e if isinstance(e, DomainError) else to_draft(e) for e in data["entries"]]
    return journal_batch.post_batch(db(), who(), items)


@blp.route("/journal-entries/<uuid:entry_id>", methods=["GET"])
@blp.response(200, EntryDetailSchema)
def get_entry(entry_id: uuid.UUID) -> Any:
    """One journal entry with its postings, and the entry that reversed it if any."""
    return journal.view_entry(db(), journal.readable_entry(db(), who(), entry_id))


@blp.route("/journal-entries/<uuid:entry_id>/reverse", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(ReverseSchema, required=False)
@blp.response(201, EntryDetailSchema)
def reverse_entry(data: dict[str, Any], entry_id: uuid.UUID) -> Any:
    """Post the mirror entry of a mistake and link the two."""
    entry = reversals.reverse_entry(db(), who(), entry_id, **data)
    return journal.view_entry(db(), entry)


@blp.route("/entry-sets", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(EntrySetCreateSchema)
@blp.response(201, EntrySetSchema)
def post_set(data: dict[str, Any]) -> Any:
    """Post entries in several books of one state at once: all or none."""
    entry_set, _ = posting.post_linked_set(db(), who(), [to_draft(e) for e in data["entries"]])
    return journal.view_set(db(), entry_set)


@blp.route("/entry-sets/<uuid:set_id>", methods=["GET"])
@blp.response(200, EntrySetSchema)
def get_set(set_id: uuid.UUID) -> Any:
    """One linked set with all its entries."""
    return journal.view_set(db(), journal.readable_set(db(), who(), set_id))


@blp.route("/entry-sets/<uuid:set_id>/reverse", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(ReverseSchema, required=False)
@blp.response(201, EntrySetSchema)
def reverse_set(data: dict[str, Any], set_id: uuid.UUID) -> Any:
    """Reverse every entry of a linked set, in every book, as one new linked set."""
    entry_set, _ = reversals.reverse_set(db(), who(), set_id, **data)
    return journal.view_set(db(), entry_set)
