from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from app.schemas.fields import Enum, Id, Text
from models.access import Role


class TokenCreateSchema(Schema):
    name = Text(120, required=True)
    role = Enum([r.value for r in Role], required=True)
    institution_id = Id(allow_none=True)
    bank_id = Id(allow_none=True)
    expires_at = fields.AwareDateTime(allow_none=True)
    person_id = Id(
        allow_none=True,
        metadata={"description": "The person it is issued to (her role and scope)"},
    )


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    role = fields.String()
    institution_id = fields.Integer(allow_none=True)
    bank_id = fields.Integer(allow_none=True)
    person_id = fields.Integer(allow_none=True)
    for_pages = fields.Boolean(
        metadata={"description": "A person's page token: it has no secret, never a bearer"}
    )
    created_at = fields.DateTime()
    created_by = fields.String()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)


SHOWN_ONCE_NOTE = (
    "The secret was shown once, in the first response to this request, and is kept nowhere."
    " If it was lost, revoke token {id} and issue a new one."
)


class IssuedTokenSchema(TokenSchema):
    secret = fields.String(
        allow_none=True,
        metadata={"description": "Shown once; store it now. null when this is a replay"},
    )
    secret_note = fields.String(
        metadata={"description": "On a replay only: why the secret is not in this response"}
    )


def without_secret(body: dict[str, Any]) -> dict[str, Any]:
    """What the idempotency record keeps of a new token's response: never its secret."""
    return {**body, "secret": None, "secret_note": SHOWN_ONCE_NOTE.format(id=body["id"])}


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))
