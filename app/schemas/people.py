from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from app.schemas.fields import Enum, Id, Text
from models.access import Role
from models.people import LANGUAGES


class PersonCreateSchema(Schema):
    name = Text(120, required=True)
    mobile = Text(
        20,
        required=True,
        metadata={"description": "10 digits; +91, spaces and dashes are taken off"},
    )
    role = Enum([r.value for r in Role], required=True)
    institution_id = Id(allow_none=True)
    bank_id = Id(allow_none=True)
    language = Enum(list(LANGUAGES), load_default="en")
    totp_required = fields.Boolean(load_default=False)


class PersonSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String()
    role = fields.String()
    institution_id = fields.Integer(allow_none=True)
    bank_id = fields.Integer(allow_none=True)
    language = fields.String()
    totp_required = fields.Boolean()
    totp_enrolled = fields.Function(lambda p: p.totp_confirmed_at is not None)
    must_change_password = fields.Boolean()
    locked_until = fields.DateTime(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    created_by = fields.String()
    updated_at = fields.DateTime()
    updated_by = fields.String()


class PersonListSchema(Schema):
    items = fields.List(fields.Nested(PersonSchema))


class PersonWithPasswordSchema(PersonSchema):
    temporary_password = fields.String(
        allow_none=True,
        metadata={
            "description": "Shown once; she changes it at her first sign-in. null on a replay"
        },
    )
    temporary_password_note = fields.String(
        metadata={"description": "On a replay only: why the password is not in this response"}
    )


SHOWN_ONCE_NOTE = (
    "The temporary password was shown once, in the first response to this request, and is"
    " kept nowhere. If it was lost, reset person {id}'s password again."
)


def without_password(body: dict[str, Any]) -> dict[str, Any]:
    """What the idempotency record keeps: never the temporary password."""
    return {
        **body,
        "temporary_password": None,
        "temporary_password_note": SHOWN_ONCE_NOTE.format(id=body["id"]),
    }


class RequireCodeSchema(Schema):
    required = fields.Boolean(
        required=True, metadata={"description": "true: she must give a one-time code"}
    )


class PersonTokenSchema(Schema):
    name = Text(120, required=True)
    expires_at = fields.AwareDateTime(allow_none=True)
