from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import Limit, Month, Rupees, SafeDate, Text
from app.schemas.members import AccountSchema


class BookSchema(Schema):
    id = fields.Integer()
    institution_id = fields.Integer()
    state_code = fields.String()
    chart = fields.String()
    last_seq = fields.Integer()
    head_hash = fields.String()
    closed_through = fields.Date(allow_none=True)


class AsOfArgsSchema(Schema):
    as_of = SafeDate(metadata={"description": "Defaults to today (India)"})


class PeriodArgsSchema(Schema):
    from_ = SafeDate(
        data_key="from", metadata={"description": "Defaults to the start of the financial year"}
    )
    to = SafeDate(metadata={"description": "Defaults to today (India)"})


class StatementArgsSchema(Schema):
    from_ = SafeDate(data_key="from", metadata={"description": "Defaults to the first posting"})
    to = SafeDate(metadata={"description": "Defaults to today (India)"})
    after = Text(40, metadata={"description": "next_after of the previous page"})
    limit = Limit()


class BalanceSchema(Schema):
    account = fields.Nested(AccountSchema)
    as_of = fields.Date(allow_none=True)
    balance = Rupees(allow_negative=True)


class StatementLineSchema(Schema):
    posting_id = fields.Integer()
    entry_id = fields.String()
    seq = fields.Integer()
    value_date = fields.Date()
    narration = fields.String()
    side = fields.Function(lambda line: "debit" if line.side == "D" else "credit")
    amount = Rupees(attribute="amount_paise")
    balance = Rupees(allow_negative=True, attribute="balance_paise")


class StatementSchema(Schema):
    account = fields.Nested(AccountSchema)
    date_from = fields.Date(data_key="from", allow_none=True)
    date_to = fields.Date(data_key="to")
    opening_balance = Rupees(allow_negative=True, attribute="opening_paise")
    closing_balance = Rupees(allow_negative=True, attribute="closing_paise")
    lines = fields.List(fields.Nested(StatementLineSchema))
    next_after = fields.String(allow_none=True)


class TrialBalanceRowSchema(Schema):
    account_id = fields.Integer(attribute="account.id")
    code = fields.String(attribute="account.code")
    name = fields.String(attribute="account.name")
    type = fields.String(attribute="account.type")
    debit = Rupees(attribute="debit_paise")
    credit = Rupees(attribute="credit_paise")


class TrialBalanceSchema(Schema):
    book_id = fields.Integer(attribute="book.id")
    as_of = fields.Date()
    rows = fields.List(fields.Nested(TrialBalanceRowSchema))
    total_debit = Rupees(attribute="total_debit_paise")
    total_credit = Rupees(attribute="total_credit_paise")


class ReportLineSchema(Schema):
    code = fields.String()
    name = fields.String()
    amount = Rupees(allow_negative=True, attribute="amount_paise")


class SectionSchema(Schema):
    title = fields.String()
    lines = fields.List(fields.Nested(ReportLineSchema))
    total = Rupees(allow_negative=True, attribute="total_paise")


class BalanceSheetSchema(Schema):
    book_id = fields.Integer(attribute="book.id")
    as_of = fields.Date()
    assets = fields.Nested(SectionSchema)
    liabilities = fields.Nested(SectionSchema)
    funds = fields.Nested(SectionSchema)
    surplus = Rupees(allow_negative=True, attribute="surplus_paise")
    balances = fields.Boolean()


class IncomeExpenditureSchema(Schema):
    book_id = fields.Integer(attribute="book.id")
    date_from = fields.Date(data_key="from")
    date_to = fields.Date(data_key="to")
    income = fields.Nested(SectionSchema)
    expenditure = fields.Nested(SectionSchema)
    surplus = Rupees(allow_negative=True, attribute="surplus_paise")


class PeriodCloseSchema(Schema):
    month = Month(required=True)


class PeriodReopenSchema(PeriodCloseSchema):
    reason = Text(500, required=True)


class PeriodEventSchema(Schema):
    id = fields.Integer()
    action = fields.String()
    month = fields.String()
    closed_through_before = fields.Date(allow_none=True)
    closed_through_after = fields.Date(allow_none=True)
    reason = fields.String(allow_none=True)
    recorded_at = fields.DateTime()
    recorded_by = fields.String()


class PeriodStatusSchema(Schema):
    book_id = fields.Integer(attribute="book.id")
    closed_through = fields.Date(attribute="book.closed_through", allow_none=True)
    events = fields.List(fields.Nested(PeriodEventSchema))


class MismatchSchema(Schema):
    book_id = fields.Integer()
    kind = fields.String()
    detail = fields.String()


class VerificationSchema(Schema):
    ok = fields.Boolean()
    books = fields.Integer()
    accounts = fields.Integer()
    entries = fields.Integer()
    postings = fields.Integer()
    mismatches = fields.List(fields.Nested(MismatchSchema))
