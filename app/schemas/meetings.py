from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.fields import Id, Rupees, SafeDate
from app.schemas.journal import EntryDetailSchema
from app.schemas.loans import MemberLoanTermsSchema
from app.schemas.via import Via
from app.services.lending.meetings import MAX_LINES


class RepaymentLineSchema(Schema):
    amount = Rupees(required=True)
    loan_id = Id(metadata={"description": "Needed only when she has more than one loan running"})


class MeetingLineSchema(Schema):
    member_id = Id(required=True)
    present = fields.Boolean(load_default=True)
    savings = Rupees(load_default=0)
    fine = Rupees(load_default=0)
    repayment = fields.Nested(RepaymentLineSchema)
    new_loan = fields.Nested(MemberLoanTermsSchema)


class MeetingCreateSchema(Schema):
    shg_id = Id(required=True)
    meeting_date = SafeDate(required=True)
    via = Via("cash")
    lines = fields.List(
        fields.Nested(MeetingLineSchema), required=True, validate=validate.Length(1, MAX_LINES)
    )


class MeetingReverseSchema(Schema):
    value_date = SafeDate(metadata={"description": "Defaults to each entry's own value date"})


class AttendanceSchema(Schema):
    member_id = fields.Integer()
    present = fields.Boolean()


class MeetingLoanSchema(Schema):
    member_id = fields.Integer()
    loan_id = fields.Integer(attribute="id")
    principal = Rupees(attribute="principal_paise")
    facility_id = fields.Integer(
        allow_none=True, metadata={"description": "The SHG's bank loan that funded it"}
    )
    disbursement_entry_id = fields.UUID()


class MeetingRepaymentSchema(Schema):
    member_id = fields.Integer()
    loan_id = fields.Integer()
    penalty = Rupees(attribute="penalty_paise")
    interest = Rupees(attribute="interest_paise")
    principal = Rupees(attribute="principal_paise")
    entry_id = fields.UUID(metadata={"description": "The meeting's collections entry"})


class MeetingSchema(Schema):
    id = fields.Integer()
    shg_id = fields.Integer()
    meeting_date = fields.Date()
    revision = fields.Integer()
    members_present = fields.Integer()
    members_total = fields.Integer()
    source = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()
    reversed_at = fields.DateTime(allow_none=True)
    reversed_by = fields.String(allow_none=True)
    attendance = fields.List(fields.Nested(AttendanceSchema))
    entries = fields.List(fields.Nested(EntryDetailSchema))
    new_loans = fields.List(
        fields.Nested(MeetingLoanSchema),
        metadata={"description": "The loans the meeting made, one per line with a new_loan"},
    )
    repayments = fields.List(
        fields.Nested(MeetingRepaymentSchema),
        metadata={"description": "How each member's repayment was split, per loan"},
    )
    reversal_entries = fields.List(
        fields.Nested(EntryDetailSchema),
        metadata={"description": "The entries that reversed it; empty while it stands"},
    )
