from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.fields import Enum, Id, Limit, Percent, QueryId, Rupees, SafeDate, Text
from app.schemas.journal import EntryDetailSchema
from app.schemas.via import Via
from models.interest import InterestBasis
from models.loans import DEFAULT_ALLOCATION, FUND_SOURCES
from models.schedule import MAX_INSTALMENTS, Frequency, Method, RateBasis


class LoanTermsSchema(Schema):
    """The terms of a loan, and where its money comes from."""

    principal = Rupees(required=True)
    rate = Percent(required=True, metadata={"description": "Percent, per month or per annum"})
    rate_basis = Enum([b.value for b in RateBasis], required=True)
    method = Enum([m.value for m in Method], required=True)
    instalments = fields.Integer(
        strict=True, required=True, validate=validate.Range(1, MAX_INSTALMENTS)
    )
    frequency = Enum([f.value for f in Frequency], required=True)
    moratorium_periods = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, MAX_INSTALMENTS)
    )
    fund_source = Enum(list(FUND_SOURCES), load_default="own")
    fund_reference = Text(100)
    purpose = Text(200)


INTEREST_BASIS_DOC = (
    "per_period (default): the schedule's periodic rate on the principal outstanding for each"
    " whole period, a part period prorated by its days, so an instalment paid on its due date"
    " pays exactly the schedule's interest; actual_365: the yearly rate for the actual days"
    " (a declining loan whose terms say so)"
)


FACILITY_DOC = (
    "fund_source bank_loan only: the SHG's bank loan (its id) that funds this loan. Left out,"
    " the SHG's one bank loan running on the day is taken; with several running it must be"
    " given (422 naming facility_id); with none, the loan records none"
)


class MemberLoanTermsSchema(LoanTermsSchema):
    """A member loan's terms: a loan's, how its interest runs between repayments, and the
    bank loan it comes from."""

    interest_basis = Enum(
        [b.value for b in InterestBasis],
        load_default=InterestBasis.PER_PERIOD.value,
        metadata={"description": INTEREST_BASIS_DOC},
    )
    facility_id = Id(metadata={"description": FACILITY_DOC})


class LoanCreateSchema(MemberLoanTermsSchema):
    disbursed_on = SafeDate(required=True)
    via = Via("cash")
    allocation_order = Text(40, load_default=DEFAULT_ALLOCATION)


class RepaymentCreateSchema(Schema):
    amount = Rupees(required=True)
    value_date = SafeDate(required=True)
    via = Via("cash")
    penalty = Rupees(
        load_default=0, metadata={"description": "A fine charged now, paid first by default"}
    )


class AsOfSchema(Schema):
    as_of = SafeDate(metadata={"description": "Defaults to today (India)"})


class InstalmentSchema(Schema):
    number = fields.Integer()
    due_on = fields.Date()
    principal = Rupees(attribute="principal_paise")
    interest = Rupees(attribute="interest_paise")
    total = fields.Function(
        lambda i: Rupees()._serialize(i.principal_paise + i.interest_paise, None, None)
    )


class PositionSchema(Schema):
    as_of = fields.Date()
    status = fields.String()
    outstanding = Rupees(attribute="outstanding_paise")
    interest_due = Rupees(attribute="interest_due_paise")
    penalty_due = Rupees(attribute="penalty_due_paise")
    interest_through = fields.Date()
    days_past_due = fields.Integer()


class LoanSchema(Schema):
    id = fields.Integer()
    shg_id = fields.Integer()
    member_id = fields.Integer()
    account_id = fields.Integer()
    principal = Rupees(attribute="principal_paise")
    rate = Percent(attribute="rate_bp")
    rate_basis = fields.String()
    method = fields.String()
    frequency = fields.String()
    instalments = fields.Integer()
    moratorium_periods = fields.Integer()
    interest_basis = fields.String(metadata={"description": INTEREST_BASIS_DOC})
    disbursed_on = fields.Date()
    fund_source = fields.String()
    fund_reference = fields.String(allow_none=True)
    facility_id = fields.Integer(
        allow_none=True, metadata={"description": "The SHG's bank loan that funded it"}
    )
    purpose = fields.String(allow_none=True)
    allocation_order = fields.String()
    disbursement_entry_id = fields.UUID()
    created_by = fields.String()


class LoanDetailSchema(LoanSchema):
    schedule = fields.List(fields.Nested(InstalmentSchema))
    position = fields.Nested(PositionSchema)


class MemberLoansArgsSchema(Schema):
    as_of = SafeDate(
        metadata={"description": "Defaults to today (India); loans given later are left out"}
    )
    after = QueryId(metadata={"description": "next_after of the previous page"})
    limit = Limit()


class MemberLoanSchema(LoanSchema):
    last_due_on = fields.Date(
        allow_none=True, metadata={"description": "The schedule's last instalment"}
    )
    position = fields.Nested(PositionSchema)


class MemberLoanPageSchema(Schema):
    items = fields.List(fields.Nested(MemberLoanSchema))
    next_after = fields.Integer(allow_none=True)


class RepaymentSchema(Schema):
    entry = fields.Nested(EntryDetailSchema)
    penalty = Rupees(attribute="split.penalty_paise")
    interest = Rupees(attribute="split.interest_paise")
    principal = Rupees(attribute="split.principal_paise")
    position = fields.Nested(PositionSchema)


class WriteOffCreateSchema(Schema):
    value_date = SafeDate(required=True)
    reason = Text(500, required=True)


class WriteOffSchema(Schema):
    entry_id = fields.UUID()
    loan_id = fields.Integer()
    value_date = fields.Date()
    principal = Rupees(attribute="principal_paise")
    reason = fields.String()


class BucketSchema(Schema):
    bucket = fields.String()
    loans = fields.Integer()
    outstanding = Rupees(attribute="outstanding_paise")


class ChildAgeingSchema(Schema):
    institution_id = fields.Integer(attribute="institution.id")
    name = fields.String(attribute="institution.name")
    kind = fields.String(attribute="institution.kind")
    buckets = fields.List(fields.Nested(BucketSchema))


class AgeingSchema(Schema):
    institution_id = fields.Integer(attribute="institution.id")
    as_of = fields.Date()
    buckets = fields.List(fields.Nested(BucketSchema))
    children = fields.List(fields.Nested(ChildAgeingSchema))
