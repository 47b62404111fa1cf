from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import ChangeSchema, Enum, Id, Limit, QueryId, SafeDate, Text
from models.institutions import InstitutionKind, Status

KINDS = [k.value for k in InstitutionKind]


class InstitutionCreateSchema(Schema):
    kind = Enum(KINDS, required=True)
    name = Text(200, required=True)
    parent_id = Id(allow_none=True)
    state_code = Text(4, min_length=2, metadata={"description": "Only for a state, e.g. JH"})
    code = Text(40, metadata={"description": "External code (LGD, NRLM portal)"})
    formed_on = SafeDate()


class InstitutionUpdateSchema(ChangeSchema):
    name = Text(200)
    code = Text(40)
    status = Enum([Status.ACTIVE.value, Status.DORMANT.value])


class InstitutionQueryArgsSchema(Schema):
    kind = Enum(KINDS)
    parent_id = QueryId()
    state_code = Text(4, min_length=2)
    status = Enum([s.value for s in Status])
    q = Text(100, metadata={"description": "Name contains (case-insensitive)"})
    after = QueryId(metadata={"description": "The next_after value of the previous page"})
    limit = Limit()


class InstitutionSchema(Schema):
    id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    code = fields.String(allow_none=True)
    state_code = fields.String()
    parent_id = fields.Integer(allow_none=True)
    path = fields.String()
    status = fields.String()
    formed_on = fields.Date(allow_none=True)
    book_id = fields.Function(
        lambda i: i.book.id if i.book else None, metadata={"type": "integer", "nullable": True}
    )
    created_at = fields.DateTime()
    created_by = fields.String()
    updated_at = fields.DateTime()
    updated_by = fields.String()
    closed_at = fields.DateTime(allow_none=True)


class InstitutionPageSchema(Schema):
    items = fields.List(fields.Nested(InstitutionSchema))
    next_after = fields.Integer(allow_none=True)
