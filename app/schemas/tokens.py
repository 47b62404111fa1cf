from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import Enum, Id, Text
from models.access import Role


class TokenCreateSchema(Schema):
    name = Text(120, required=True)
    role = Enum([r.value for r in Role], required=True)
    institution_id = Id(allow_none=True)
    bank_id = Id(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    role = fields.String()
    institution_id = fields.Integer(allow_none=True)
    bank_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


class IssuedTokenSchema(TokenSchema):
    secret = fields.String(metadata={"description": "Shown once; store it now"})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))
