from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.formats import percent
from app.schemas.fields import ChangeSchema, Enum, Id, Percent, Rupees, SafeDate, Text
from app.schemas.journal import PostedSchema
from app.schemas.loans import InstalmentSchema, LoanTermsSchema
from app.schemas.via import Via
from models.capital import GRANT_FUNDS
from models.grading import GRADES
from models.schedule import MAX_INSTALMENTS, Frequency


class GrantCreateSchema(Schema):
    fund = Enum(list(GRANT_FUNDS), required=True)
    receiver_id = Id(required=True)
    giver_id = Id(
        load_default=None,
        allow_none=True,
        metadata={"description": "The CLF or VO passing it on; leave out for the state mission"},
    )
    amount = Rupees(required=True)
    value_date = SafeDate(required=True)
    via = Via("bank")
    reference = Text(100)


class GrantSchema(PostedSchema):
    id = fields.Integer()
    fund = fields.String()
    giver_id = fields.Integer(allow_none=True)
    receiver_id = fields.Integer()
    amount = Rupees(attribute="amount_paise")
    value_date = fields.Date()
    tranche = fields.Integer()
    reference = fields.String(allow_none=True)
    entry_id = fields.UUID()
    reversed = fields.Boolean()
    created_by = fields.String()


class GrantListSchema(Schema):
    items = fields.List(fields.Nested(GrantSchema))


class GradingCreateSchema(Schema):
    graded_on = SafeDate(required=True, metadata={"description": "the day the SHG was graded"})
    grade = Enum(list(GRADES), required=True)
    score = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(0, 100),
        metadata={"description": "out of 100, where the grading scale gives one"},
    )
    graded_by = Text(200, required=True, metadata={"description": "who graded it"})
    reference = Text(100, metadata={"description": "the grading sheet's number"})


class GradingSchema(Schema):
    id = fields.Integer()
    shg_id = fields.Integer()
    graded_on = fields.Date()
    grade = fields.String()
    score = fields.Integer(allow_none=True)
    graded_by = fields.String()
    reference = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()


class GradingListSchema(Schema):
    items = fields.List(fields.Nested(GradingSchema))


class FederationLoanCreateSchema(LoanTermsSchema):
    class Meta:
        exclude = ("fund_source", "fund_reference", "purpose")

    fund = Enum(["cif", "vrf"], required=True)
    lender_id = Id(required=True)
    borrower_id = Id(required=True)
    disbursed_on = SafeDate(required=True)
    reference = Text(40)


class PartnerFacilitySchema(Schema):
    """A loan as its lending bank reads it: without who recorded it (the token label names
    the bookkeeper and her CLF)."""

    id = fields.Integer()
    fund = fields.String()
    kind = fields.String()
    borrower_id = fields.Integer()
    lender_id = fields.Integer(allow_none=True)
    branch_id = fields.Integer(allow_none=True)
    account_number = fields.String(allow_none=True)
    dose = fields.Integer(allow_none=True)
    sanctioned_on = fields.Date()
    limit = Rupees(attribute="limit_paise")
    rate = Percent(attribute="rate_bp")
    rate_basis = fields.String()
    method = fields.String()
    frequency = fields.String()
    instalments = fields.Integer()
    moratorium_periods = fields.Integer()
    disbursed_on = fields.Date(allow_none=True)


class FacilitySchema(PartnerFacilitySchema):
    created_by = fields.String()


class FederationPositionSchema(Schema):
    as_of = fields.Date()
    status = fields.String()
    outstanding = Rupees(attribute="outstanding_paise")
    interest_due = Rupees(attribute="interest_due_paise")
    interest_through = fields.Date()
    days_past_due = fields.Integer()


class FederationLoanSchema(FacilitySchema):
    disbursement_entry_id = fields.UUID(attribute="posted.entry_id")
    disbursement_set_id = fields.UUID(
        attribute="posted.set_id",
        metadata={
            "description": "The lending posted in both books: undo it (once no repayment"
            " stands) with POST /entry-sets/{disbursement_set_id}/reverse"
        },
    )
    disbursement_entry_ids = fields.List(fields.UUID(), attribute="posted.entry_ids")
    schedule = fields.List(fields.Nested(InstalmentSchema))
    position = fields.Nested(FederationPositionSchema)


class MovementSchema(PostedSchema):
    entry_id = fields.UUID()
    facility_id = fields.Integer()
    kind = fields.String()
    value_date = fields.Date()
    principal = Rupees(attribute="principal_paise")
    interest = Rupees(attribute="interest_paise")
    interest_through = fields.Date()
    created_by = fields.String()


class FederationRepaymentCreateSchema(Schema):
    amount = Rupees(required=True)
    value_date = SafeDate(required=True)


class FederationRepaymentSchema(Schema):
    movement = fields.Nested(MovementSchema)
    position = fields.Nested(FederationPositionSchema)


class FundUtilisationSchema(Schema):
    fund = fields.String()
    received = Rupees(attribute="received_paise")
    returned = Rupees(attribute="returned_paise")
    granted = Rupees(attribute="granted_paise")
    lent = Rupees(attribute="lent_paise")
    repaid = Rupees(attribute="repaid_paise")
    written_off = Rupees(attribute="written_off_paise")
    outstanding = Rupees(attribute="outstanding_paise")
    idle = Rupees(attribute="idle_paise")
    last_outflow_on = fields.Date(allow_none=True)


class UtilisationSchema(Schema):
    institution_id = fields.Integer(attribute="institution.id")
    as_of = fields.Date()
    funds = fields.List(fields.Nested(FundUtilisationSchema))


class BankLoanCreateSchema(Schema):
    shg_id = Id(required=True)
    branch_id = Id(required=True)
    kind = Enum(["term", "cash_credit"], required=True)
    dose = fields.Integer(strict=True, required=True, validate=validate.Range(1, 20))
    sanctioned_on = SafeDate(
        required=True, metadata={"description": "A term loan is drawn in full on this day"}
    )
    limit = Rupees(
        required=True, metadata={"description": "The term loan, or the cash credit limit"}
    )
    rate_to_shg = Percent(
        load_default=None,
        metadata={
            "description": "Percent per annum the bank charges the SHG on the balance the"
            " interest subvention scheme covers (in a category I district the scheme rate, 7%,"
            " on up to ₹3 lakh). Required (or the old `rate`)"
        },
    )
    bank_rate = Percent(
        load_default=None,
        metadata={
            "description": "The bank's own rate, percent per annum (its weighted average"
            " interest charge or lending rate): the subvention claim is computed on it, and the"
            " bank charges it above the scheme's limit. Defaults to `rate_to_shg`"
        },
    )
    rate = Percent(
        load_default=None,
        metadata={"description": "Deprecated: the old single rate, read as `rate_to_shg`"},
    )
    account_number = Text(40, required=True)
    instalments = fields.Integer(
        strict=True, load_default=12, validate=validate.Range(1, MAX_INSTALMENTS)
    )
    frequency = Enum([f.value for f in Frequency], load_default="monthly")
    moratorium_periods = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, MAX_INSTALMENTS)
    )
    drawing_power = Rupees(
        load_default=None,
        allow_none=True,
        metadata={"description": "Cash credit; defaults to the dose ladder, within the limit"},
    )
    via = Via("bank")

    @validates_schema
    def _one_rate_to_the_shg(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if data.get("rate_to_shg") is None and data.get("rate") is None:
            raise ValidationError("the rate charged to the SHG is required", "rate_to_shg")
        if data.get("rate_to_shg") is not None and data.get("rate") is not None:
            raise ValidationError("give `rate_to_shg` only (`rate` is its old name)", "rate")


class BankRatesUpdateSchema(ChangeSchema):
    rate_to_shg = Percent(metadata={"description": "Percent per annum charged to the SHG"})
    bank_rate = Percent(metadata={"description": "The bank's own rate, percent per annum"})


class ClassPeriodSchema(Schema):
    class_ = fields.String(data_key="class", attribute="label")
    from_ = fields.Date(data_key="from", attribute="start")
    to = fields.Date(
        attribute="end",
        allow_none=True,
        metadata={"description": "Its last day-end; null while it lasts on the day asked for"},
    )
    reason = fields.String()


class BankPositionSchema(Schema):
    as_of = fields.Date()
    status = fields.String()
    owed = Rupees(attribute="owed_paise")
    drawn = Rupees(attribute="drawn_paise")
    interest_charged = Rupees(attribute="interest_charged_paise")
    repaid = Rupees(attribute="repaid_paise")
    drawing_limit = Rupees(attribute="drawing_limit_paise")
    available = Rupees(attribute="available_paise")
    days_past_due = fields.Integer(
        metadata={
            "description": "Term loan: days past due, counted at day end. Cash credit: days"
            " out of order so far (the longer of days over the drawing limit and days without"
            " a credit)"
        }
    )
    days_over_limit = fields.Integer(
        metadata={"description": "Cash credit: days in a row above the drawing limit"}
    )
    days_without_credit = fields.Integer(
        metadata={"description": "Cash credit: days in a row owing with no credit"}
    )
    classification = fields.String()
    classified_since = fields.Date(allow_none=True)
    reason = fields.String()


class _BankLoanFields(Schema):
    rate_to_shg = Percent(attribute="rate_bp")
    # Its old name, still returned for clients that read it (one field may not share
    # `rate_bp` with another, so it is read through a function).
    rate = fields.Function(
        lambda loan: percent(loan.rate_bp),
        metadata={"type": "string", "description": "Deprecated: the same as `rate_to_shg`"},
    )
    bank_rate = Percent(attribute="bank_rate_bp")
    rates_carried_forward = fields.Boolean(
        metadata={
            "description": "Recorded before the two rates were kept apart: both hold its one"
            " rate until confirmed with PATCH /bank-loans/{id}"
        }
    )
    schedule = fields.List(fields.Nested(InstalmentSchema))
    position = fields.Nested(BankPositionSchema)
    classification_history = fields.List(
        fields.Nested(ClassPeriodSchema),
        attribute="position.history",
        metadata={"description": "Standard, SMA-0/1/2 and NPA periods through `as_of`"},
    )


class BankLoanSchema(_BankLoanFields, FacilitySchema):
    pass


class PartnerBankLoanSchema(_BankLoanFields, PartnerFacilitySchema):
    pass


class BankMovementCreateSchema(Schema):
    amount = Rupees(required=True)
    value_date = SafeDate(required=True)
    via = Via("bank")


class InterestCreateSchema(Schema):
    through = SafeDate(required=True)
    amount = Rupees(
        load_default=None,
        allow_none=True,
        metadata={"description": "As the bank debited it; left out, Bahi computes it"},
    )


class DrawingPowerCreateSchema(Schema):
    amount = Rupees(required=True)
    effective_on = SafeDate(required=True)


class DrawingPowerSchema(Schema):
    facility_id = fields.Integer()
    amount = Rupees(attribute="amount_paise")
    effective_on = fields.Date()
    created_by = fields.String()


class DrawingPowerArgsSchema(Schema):
    dose = fields.Integer(required=True, validate=validate.Range(1, 20))
    as_of = SafeDate(metadata={"description": "Defaults to today (India)"})


class SuggestedDrawingPowerSchema(Schema):
    shg_id = fields.Integer()
    dose = fields.Integer()
    as_of = fields.Date()
    corpus = Rupees(attribute="corpus_paise")
    drawing_power = Rupees(attribute="drawing_power_paise")


class PeriodArgsSchema(Schema):
    from_ = SafeDate(required=True, data_key="from")
    to = SafeDate(required=True)
    format = Enum(["json", "csv"], load_default="json")


class MonthSubventionSchema(Schema):
    facility_id = fields.Integer(attribute="facility.id")
    loan_account = fields.String(attribute="facility.account_number")
    shg_id = fields.Integer(attribute="shg.id")
    shg_name = fields.String(attribute="shg.name")
    branch_ifsc = fields.String(attribute="branch.ifsc")
    district_category = fields.String(attribute="category")
    month_start = fields.Date()
    month_end = fields.Date()
    average_outstanding = Rupees(attribute="average_outstanding_paise")
    rate_to_shg = Percent(attribute="facility.rate_bp")
    bank_rate = Percent(attribute="facility.bank_rate_bp")
    prompt_payer = fields.Boolean(attribute="prompt")
    subvention_due_to_bank = Rupees(attribute="due_to_bank_paise")
    prompt_incentive = Rupees(attribute="incentive_paise")
    incentive_route = fields.String()


class SubventionListSchema(Schema):
    items = fields.List(fields.Nested(MonthSubventionSchema))
    total_due_to_bank = Rupees()
    total_incentive = Rupees()


class IncentiveCreateSchema(Schema):
    period_start = SafeDate(required=True)
    period_end = SafeDate(required=True)
    amount = Rupees(required=True)
    value_date = SafeDate(required=True)
    credited_to = Enum(
        ["loan_account", "bank"],
        load_default=None,
        allow_none=True,
        metadata={"description": "Defaults by district category: I loan account, II bank"},
    )


class IncentiveSchema(Schema):
    entry_id = fields.UUID()
    facility_id = fields.Integer()
    period_start = fields.Date()
    period_end = fields.Date()
    amount = Rupees(attribute="amount_paise")
    credited_to = fields.String()
    created_by = fields.String()


class FacilityListSchema(Schema):
    items = fields.List(fields.Nested(FacilitySchema))
