from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.fields import Enum, Id, Limit, QueryId, Rupees, SafeDate, Text
from models.credit import FETCH_TYPES, PURPOSES


class ConsentCreateSchema(Schema):
    bank_id = Id(required=True)
    purpose = Enum(list(PURPOSES), required=True)
    starts_on = SafeDate(load_default=None, metadata={"description": "default: today"})
    expires_on = SafeDate(required=True)
    data_months = fields.Integer(load_default=36, validate=validate.Range(1, 36))
    fetch_type = Enum(list(FETCH_TYPES), load_default="one_time")


class ConsentRevokeSchema(Schema):
    reason = Text(500, load_default=None)


class PartnerConsentSchema(Schema):
    """A consent as the bank reads it: what she agreed to and when. Not who recorded it (the
    token label names her bookkeeper and CLF), nor revocation: a bank sees active consents."""

    id = fields.Integer()
    member_id = fields.Integer()
    bank_id = fields.Integer()
    purpose = fields.String()
    purpose_text = fields.String()
    starts_on = fields.Date()
    expires_on = fields.Date()
    data_months = fields.Integer()
    fetch_type = fields.String()
    recorded_at = fields.DateTime()


class ConsentSchema(PartnerConsentSchema):
    """A consent as her federation's people read it, with who recorded and revoked it."""

    recorded_by = fields.String()
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True)
    revoke_reason = fields.String(allow_none=True)


class ConsentListSchema(Schema):
    items = fields.List(fields.Nested(ConsentSchema))


class LoanHistorySchema(Schema):
    loan_id = fields.Integer()
    fund_source = fields.String()
    sanctioned = Rupees(attribute="sanctioned_paise")
    disbursed_on = fields.Date()
    instalments = fields.Integer()
    outstanding = Rupees(attribute="outstanding_paise")
    overdue = Rupees(attribute="overdue_paise", metadata={"description": "principal due, unpaid"})
    days_past_due = fields.Integer(attribute="overdue_days")
    worst_days_past_due = fields.Integer()
    status = fields.String()
    grid = fields.List(
        fields.Integer(allow_none=True),
        metadata={"description": "days past due at each month end of `months`; null: not running"},
    )


class SavingsHistorySchema(Schema):
    balance = Rupees(attribute="balance_paise")
    months_saved = fields.Integer()
    months_in_window = fields.Integer()
    longest_streak = fields.Integer()
    current_streak = fields.Integer()


class AttendanceHistorySchema(Schema):
    meetings = fields.Integer()
    present = fields.Integer()


class ShgStandingSchema(Schema):
    name = fields.String()
    vo_name = fields.String()
    meetings_last_12_months = fields.Integer()
    members = fields.Integer()
    loans_running = fields.Integer()
    loans_overdue = fields.Integer()
    last_entry_on = fields.Date(allow_none=True)
    member_months_saved = fields.Integer()
    member_months = fields.Integer()
    lent_to_members = Rupees(attribute="lent_to_members_paise")
    cash_and_bank = Rupees(attribute="cash_and_bank_paise")
    capital_revolving = fields.Function(
        lambda s: None if s.capital_revolving is None else f"{s.capital_revolving:.4f}",
        metadata={"description": "share of the group's capital lent to members (A: 0.80+)"},
    )
    vo_shgs = fields.Integer()
    vo_loans_running = fields.Integer()
    vo_loans_overdue = fields.Integer()


class EnquirySchema(Schema):
    bank = fields.String()
    purpose = fields.String()
    on = fields.Date()


class LakhpatiSchema(Schema):
    status = fields.String(metadata={"description": "lakhpati, not_yet, or unknown"})
    cycles = fields.Integer(
        metadata={"description": "seasons or business cycles sharing days with the year"}
    )
    monthly_average = Rupees(
        attribute="monthly_average_paise",
        allow_none=True,
        metadata={"description": "the year's income / 12; null while unknown"},
    )
    yearly = Rupees(
        attribute="yearly_paise",
        allow_none=True,
        metadata={"description": "household income over the year, all activities added"},
    )
    year_from = fields.Date(
        allow_none=True, metadata={"description": "the 12 months judged, ending on her latest"}
    )
    year_to = fields.Date(allow_none=True)
    reason = fields.String()


class IncomeCreateSchema(Schema):
    activity = Text(100, required=True)
    period_start = SafeDate(required=True)
    period_end = SafeDate(required=True)
    income = Rupees(required=True, metadata={"description": "net household income"})
    replaces_id = Id(load_default=None)


class IncomeSchema(Schema):
    id = fields.Integer()
    activity = fields.String()
    period_start = fields.Date()
    period_end = fields.Date()
    income = Rupees(attribute="income_paise")
    replaces_id = fields.Integer(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()


class IncomeListSchema(Schema):
    items = fields.List(fields.Nested(IncomeSchema))
    lakhpati = fields.Nested(LakhpatiSchema)


class CreditHistorySchema(Schema):
    member_id = fields.Function(lambda h: h.member.id)
    as_of = fields.Date()
    months = fields.List(fields.Date())
    loans = fields.List(fields.Nested(LoanHistorySchema))
    savings = fields.Nested(SavingsHistorySchema)
    attendance = fields.Nested(AttendanceHistorySchema)
    shg = fields.Nested(ShgStandingSchema)
    enquiries = fields.List(fields.Nested(EnquirySchema))
    livelihood = fields.Nested(LakhpatiSchema)


class MaskedIdentitySchema(Schema):
    member_id = fields.Integer()
    name = fields.String()
    member_code = fields.String(allow_none=True)
    shg = fields.String()
    district = fields.String()


class EligibilitySchema(Schema):
    suggested_individual_loan = Rupees(attribute="suggested_loan_paise")
    loan_reason = fields.String()
    subvention = fields.List(fields.String())


class ScorePointsSchema(Schema):
    characteristic = fields.String()
    words = fields.String()
    # not money: a scorecard characteristic's value, as the model bins it
    value = fields.Float(allow_none=True, metadata={"description": "null: nothing to judge"})
    points = fields.Integer()


class OfficerReasonSchema(Schema):
    words = fields.String()
    points_lost = fields.Integer(
        allow_none=True,
        metadata={
            "description": "an expert score's points below the best for this characteristic;"
            " null for a trained model"
        },
    )


class ReadinessSchema(Schema):
    model = fields.String(metadata={"description": "which model made the score"})
    kind = fields.String(
        metadata={
            "description": "expert: points set by hand, not calibrated (not a probability of"
            " default); trained: an activated model that passed its validation gates"
        }
    )
    title = fields.String(metadata={"description": "what to call the score where it is shown"})
    note = fields.String(metadata={"description": "what the score is, in one line"})
    score = fields.Integer(
        allow_none=True, metadata={"description": "300-900; null: insufficient history"}
    )
    probability_90_days_past_due = fields.Function(
        lambda r: None if r.probability_bad is None else f"{r.probability_bad:.4f}",
        metadata={
            "description": "calibrated, from a trained model only; always null for the expert score"
        },
    )
    points = fields.List(
        fields.Nested(ScorePointsSchema),
        allow_none=True,
        metadata={"description": "an expert score's points from 600; null for a trained model"},
    )
    reasons = fields.List(fields.String(), metadata={"description": "in words said to her"})
    reasons_for_officer = fields.List(
        fields.Nested(OfficerReasonSchema),
        attribute="for_officer",
        metadata={"description": "the same reasons, written for the loan officer"},
    )
    missing = fields.List(fields.String())
    eligibility = fields.Nested(EligibilitySchema)


class CreditProfileSchema(Schema):
    """Read only by a bank partner, with her consent."""

    identity = fields.Nested(MaskedIdentitySchema)
    consent = fields.Nested(PartnerConsentSchema)
    history = fields.Nested(CreditHistorySchema)
    readiness = fields.Nested(ReadinessSchema)


class ProfileListSchema(Schema):
    items = fields.List(fields.Nested(CreditProfileSchema))
    next_after = fields.Integer(allow_none=True)


class ProfileArgsSchema(Schema):
    format = Enum(["json", "pdf"], load_default="json")


class MemberSearchArgsSchema(Schema):
    search = Text(
        40,
        load_default=None,
        metadata={
            "description": "Her whole member code, exactly as in her passbook: never a name nor"
            " part of a code, which would let a bank unmask the masked identity by guessing"
        },
    )
    after = QueryId()
    limit = Limit()


class ConsentingMemberSchema(MaskedIdentitySchema):
    consent_id = fields.Integer()
    purpose = fields.String()
    purpose_text = fields.String()
    starts_on = fields.Date()
    expires_on = fields.Date()


class MemberSearchSchema(Schema):
    items = fields.List(fields.Nested(ConsentingMemberSchema))
    next_after = fields.Integer(allow_none=True)


class ScoringModelSchema(Schema):
    version = fields.String()
    trained_at = fields.DateTime()
    trained_by = fields.String()
    active = fields.Boolean()
    activated_at = fields.DateTime(allow_none=True)
    activated_by = fields.String(allow_none=True)
    card = fields.Dict(metadata={"description": "the model card: metrics, gates, groups"})


class ScoringModelListSchema(Schema):
    items = fields.List(fields.Nested(ScoringModelSchema))
