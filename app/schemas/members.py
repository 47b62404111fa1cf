from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import ChangeSchema, Enum, Id, Limit, QueryId, Rupees, SafeDate, Text
from app.schemas.kyc import MissingSchema
from models.institutions import SOCIAL_CATEGORIES, Status


class MemberCreateSchema(Schema):
    shg_id = Id(required=True)
    name = Text(200, required=True)
    member_code = Text(40)
    joined_on = SafeDate()
    social_category = Enum(
        list(SOCIAL_CATEGORIES),
        metadata={"description": "optional; only to check scores are fair, never scored on"},
    )


class MemberUpdateSchema(ChangeSchema):
    name = Text(200)
    status = Enum([Status.ACTIVE.value, Status.DORMANT.value])


class MemberQueryArgsSchema(Schema):
    shg_id = QueryId()
    after = QueryId()
    limit = Limit()


class MemberAccountCreateSchema(Schema):
    kind = Enum(["loan", "savings"], required=True)
    name = Text(200)


class AccountSchema(Schema):
    id = fields.Integer()
    book_id = fields.Integer()
    code = fields.String()
    role = fields.String(allow_none=True)
    name = fields.String()
    type = fields.String()
    normal_side = fields.Function(lambda a: "debit" if a.normal_side == "D" else "credit")
    allow_negative = fields.Boolean()
    postable = fields.Boolean()
    parent_id = fields.Integer(allow_none=True)
    member_id = fields.Integer(allow_none=True)
    status = fields.String()
    balance = Rupees(allow_negative=True, attribute="balance_paise")


class AccountListSchema(Schema):
    items = fields.List(fields.Nested(AccountSchema))


class MemberSchema(Schema):
    id = fields.Integer()
    shg_id = fields.Integer()
    state_code = fields.String()
    name = fields.String()
    member_code = fields.String(allow_none=True)
    joined_on = fields.Date(allow_none=True)
    social_category = fields.String(allow_none=True)
    status = fields.String()
    created_at = fields.DateTime()
    created_by = fields.String()
    updated_by = fields.String()
    closed_at = fields.DateTime(allow_none=True)


class MemberDetailSchema(MemberSchema):
    accounts = fields.List(fields.Nested(AccountSchema))


class MemberReadSchema(MemberDetailSchema):
    missing_for_reporting = fields.List(
        fields.Nested(MissingSchema),
        metadata={
            "description": "what her KYC lacks before she can be reported to the credit bureaus"
            " (GET /members/{id}/kyc); bookkeeping goes on without it"
        },
    )


class MemberPageSchema(Schema):
    items = fields.List(fields.Nested(MemberSchema))
    next_after = fields.Integer(allow_none=True)
