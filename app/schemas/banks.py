from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import Limit, QueryId, Text


class BankCreateSchema(Schema):
    name = Text(200, required=True)
    ifsc_prefix = Text(4, min_length=4, required=True)


class BranchCreateSchema(Schema):
    name = Text(200, required=True)
    ifsc = Text(11, min_length=11, required=True)
    state_code = Text(4, min_length=2, required=True)


class PageArgsSchema(Schema):
    after = QueryId()
    limit = Limit()


class PartnerBankSchema(Schema):
    """A bank's record as its own bank partner reads it: without who registered it."""

    id = fields.Integer()
    name = fields.String()
    ifsc_prefix = fields.String()
    status = fields.String()


class BankSchema(PartnerBankSchema):
    created_by = fields.String()


class BranchSchema(Schema):
    id = fields.Integer()
    bank_id = fields.Integer()
    name = fields.String()
    ifsc = fields.String()
    state_code = fields.String()
    status = fields.String()


class BankPageSchema(Schema):
    items = fields.List(fields.Nested(BankSchema))
    next_after = fields.Integer(allow_none=True)


class PartnerBankPageSchema(Schema):
    items = fields.List(fields.Nested(PartnerBankSchema))
    next_after = fields.Integer(allow_none=True)


class BranchPageSchema(Schema):
    items = fields.List(fields.Nested(BranchSchema))
    next_after = fields.Integer(allow_none=True)
