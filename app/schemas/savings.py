from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.books import StatementSchema
from app.schemas.fields import Id, Rupees, SafeDate, Text
from app.schemas.members import MemberSchema
from app.schemas.via import Via


class SavingsMovementSchema(Schema):
    amount = Rupees(required=True)
    value_date = SafeDate(required=True)
    via = Via("cash")
    narration = Text(500)


class SavingsInterestSchema(Schema):
    shg_id = Id(required=True)
    amount = Rupees(required=True, metadata={"description": "Total to share among members"})
    value_date = SafeDate(
        required=True, metadata={"description": "Shares follow balances at the end of this day"}
    )
    narration = Text(500)


class PassbookArgsSchema(Schema):
    from_ = SafeDate(
        data_key="from", metadata={"description": "Defaults to the start of the financial year"}
    )
    to = SafeDate(metadata={"description": "Defaults to today (India)"})


class ConsentLineSchema(Schema):
    bank = fields.String()
    purpose = fields.String()
    starts_on = fields.Date()
    expires_on = fields.Date()
    revoked_on = fields.Date(allow_none=True)


class BureauReportLineSchema(Schema):
    bank = fields.String()
    as_of = fields.Date(metadata={"description": "Her loans as they stood at this day's end"})
    made_on = fields.Date(metadata={"description": "The day the bank's file was made"})
    reported = fields.Boolean(metadata={"description": "false: left out for incomplete KYC"})
    statement = fields.String(metadata={"description": "In plain words, as her passbook says"})


class PassbookSchema(Schema):
    member = fields.Nested(MemberSchema)
    shg_id = fields.Integer(attribute="shg.id")
    shg_name = fields.String(attribute="shg.name")
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    accounts = fields.List(fields.Nested(StatementSchema))
    consents = fields.List(
        fields.Nested(ConsentLineSchema),
        metadata={"description": "every consent she gave a bank to read her credit record"},
    )
    bureau_reports = fields.List(
        fields.Nested(BureauReportLineSchema),
        metadata={
            "description": "every file of a bank's credit information that covered her, newest"
            " first: reported to the credit bureaus, or why not"
        },
    )
