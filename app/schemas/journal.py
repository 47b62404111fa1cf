from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.fields import Enum, Id, Limit, QueryId, Rupees, SafeDate, Text
from app.services.posting import MAX_ENTRIES_PER_SET, MAX_POSTINGS_PER_ENTRY


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
