from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from app.errors import flatten_messages
from app.schemas.fields import Enum, Id, Limit, QueryId, Rupees, SafeDate, Text
from app.services.ledger.journal_batch import MAX_ENTRIES_PER_BATCH
from app.services.ledger.posting import MAX_ENTRIES_PER_SET, MAX_POSTINGS_PER_ENTRY
from app.services.shared.errors import FieldProblem, Invalid


class PostingCreateSchema(Schema):
    account_id = Id(required=True)
    side = Enum(["debit", "credit"], required=True)
    amount = Rupees(required=True)


class EntryCreateSchema(Schema):
    book_id = Id(required=True)
    value_date = SafeDate(required=True)
    narration = Text(500, required=True)
    postings = fields.List(
        fields.Nested(PostingCreateSchema),
        required=True,
        validate=validate.Length(min=2, max=MAX_POSTINGS_PER_ENTRY),
    )


class EntrySetCreateSchema(Schema):
    entries = fields.List(
        fields.Nested(EntryCreateSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_ENTRIES_PER_SET),
    )


class EachEntryAlone(fields.Nested):
    """An entry of a batch: a mistake of form in it (a bad amount, a missing field) refuses
    that entry alone, as an `Invalid` in its place naming fields within the entry, instead
    of the whole batch."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return super()._deserialize(value, attr, data, **kwargs)
        except ValidationError as error:
            problems = [
                # "_schema" is marshmallow's name for the entry itself (not an object).
                FieldProblem("" if p.field == "_schema" else p.field, p.reason)
                for p in flatten_messages(error.messages)
            ]
            return Invalid.of(problems, "the entry cannot be posted")


class EntryBatchCreateSchema(Schema):
    entries = fields.List(
        EachEntryAlone(EntryCreateSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_ENTRIES_PER_BATCH),
        metadata={
            "description": f"1 to {MAX_ENTRIES_PER_BATCH} independent entries, each posted or"
            " refused alone"
        },
    )

    @pre_load
    def refuse_an_oversized_batch_unread(self, data: Any, **_kwargs: Any) -> Any:
        """Counted before any entry is read: reading thousands first would be wasted work."""
        entries = data.get("entries") if isinstance(data, dict) else None
        if isinstance(entries, list) and len(entries) > MAX_ENTRIES_PER_BATCH:
            raise ValidationError(
                f"a batch holds 1 to {MAX_ENTRIES_PER_BATCH} entries, got {len(entries)};"
                " send the rest in another batch",
                "entries",
            )
        return data


class ReverseSchema(Schema):
    value_date = SafeDate(metadata={"description": "Defaults to the original entry's value date"})
    narration = Text(500)


class EntryQueryArgsSchema(Schema):
    from_ = SafeDate(data_key="from")
    to = SafeDate()
    after = QueryId(
        metadata={"description": "Sequence number of the last entry of the previous page"}
    )
    limit = Limit()


class PostingSchema(Schema):
    line_no = fields.Integer()
    account_id = fields.Integer()
    side = fields.Function(lambda p: "debit" if p.side == "D" else "credit")
    amount = Rupees(attribute="amount_paise")


class EntrySchema(Schema):
    id = fields.UUID()
    book_id = fields.Integer()
    seq = fields.Integer()
    value_date = fields.Date()
    narration = fields.String()
    set_id = fields.UUID(allow_none=True)
    reverses_entry_id = fields.UUID(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()
    prev_hash = fields.String()
    hash = fields.String()


class EntryDetailSchema(EntrySchema):
    postings = fields.List(fields.Nested(PostingSchema))
    reversed_by = fields.UUID(allow_none=True)


class EntryPageSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))
    next_after = fields.Integer(allow_none=True)


class PostedSchema(Schema):
    """Where an operation posted, read from its `posted` (`journal.Posted`): what undoing it
    needs. Operations that already give their `entry_id` inherit this."""

    set_id = fields.UUID(
        attribute="posted.set_id",
        allow_none=True,
        metadata={
            "description": "The linked set it posted in several books: undo it with"
            " POST /entry-sets/{set_id}/reverse. Null when it posted one entry: undo that with"
            " POST /journal-entries/{entry_id}/reverse."
        },
    )
    entry_ids = fields.List(
        fields.UUID(),
        attribute="posted.entry_ids",
        metadata={"description": "Every entry it posted, one per book"},
    )


class EntrySetSchema(Schema):
    id = fields.UUID()
    state_code = fields.String()
    narration = fields.String()
    reverses_set_id = fields.UUID(allow_none=True)
    reversed_by = fields.UUID(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()
    entries = fields.List(fields.Nested(EntryDetailSchema))


class BatchProblemSchema(Schema):
    field = fields.String()
    reason = fields.String()


class BatchOutcomeSchema(Schema):
    index = fields.Integer(metadata={"description": "The entry's place in the request, from 0"})
    status = fields.Integer(
        metadata={
            "description": "201: posted. Otherwise the status the entry would have been"
            " refused with alone: 403 (a book this token may not post to), 409 (a closed"
            " institution's book), 422 (a rule broken)"
        }
    )
    entry_id = fields.UUID(allow_none=True, metadata={"description": "When posted"})
    seq = fields.Integer(allow_none=True, metadata={"description": "Its number in its book"})
    title = fields.String(allow_none=True, metadata={"description": "When refused"})
    errors = fields.List(
        fields.Nested(BatchProblemSchema),
        attribute="problems",
        metadata={"description": "When refused: each problem, fields named from the batch"},
    )


class EntryBatchResultSchema(Schema):
    posted = fields.Integer()
    refused = fields.Integer()
    results = fields.List(fields.Nested(BatchOutcomeSchema))
