from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import Enum, Id, Limit, QueryId, Rupees, SafeDate


class BureauFileCreateSchema(Schema):
    bank_id = Id(required=True, metadata={"description": "A bank partner: its own bank"})
    as_of = SafeDate(
        required=True,
        metadata={
            "description": "The reference date (the 15th or a month's last day by default);"
            " figures at its day-end, so it must have ended"
        },
    )


class BureauFileArgsSchema(Schema):
    bank_id = QueryId(metadata={"description": "A bank partner reads only its own bank's"})
    after = QueryId(metadata={"description": "next_after of the previous page"})
    limit = Limit()


class RejectArgsSchema(Schema):
    format = Enum(["json", "csv"], load_default="json")


class PartnerBureauFileSchema(Schema):
    """A file as its bank reads it: without who made it (a token label)."""

    id = fields.Integer()
    bank_id = fields.Integer()
    as_of = fields.Date()
    period_start = fields.Date(
        metadata={"description": "Accounts closed or written off after this day are reported"}
    )
    header_profile = fields.String(metadata={"description": "The CIC header layout used"})
    file_name = fields.String()
    sha256 = fields.String(metadata={"description": "Of the exact bytes the download gives"})
    byte_count = fields.Integer()
    shgs = fields.Integer(metadata={"description": "SHGs with a member reported"})
    members_reported = fields.Integer()
    members_rejected = fields.Integer(metadata={"description": "Left out: see the rejects"})
    accounts = fields.Integer(metadata={"description": "Account segments (member loans)"})
    accounts_closed = fields.Integer(
        metadata={"description": "Closed or written off in the period"}
    )
    source = fields.String(metadata={"description": "api, cli or schedule"})
    created_at = fields.DateTime()


class BureauFileSchema(PartnerBureauFileSchema):
    created_by = fields.String()


class BureauFileListSchema(Schema):
    items = fields.List(fields.Nested(BureauFileSchema))
    next_after = fields.Integer(allow_none=True)


class PartnerBureauFileListSchema(Schema):
    items = fields.List(fields.Nested(PartnerBureauFileSchema))
    next_after = fields.Integer(allow_none=True)


class ReconciliationSchema(Schema):
    """An SHG's members' loans funded by the bank's loans: books = reported + rounding +
    rejected + not reported; unexplained is what is left (zero unless something is wrong)."""

    shg_id = fields.Integer(attribute="shg.id")
    shg_name = fields.String(attribute="shg.name")
    bank_loans_limit = Rupees(attribute="figures.facility_limit_paise")
    books_outstanding = Rupees(attribute="figures.books_outstanding_paise")
    reported_outstanding = Rupees(
        attribute="figures.reported_outstanding_paise",
        metadata={"description": "The file's Current Balance figures (whole rupees) summed"},
    )
    rounding = Rupees(attribute="figures.rounding_paise", allow_negative=True)
    rejected_outstanding = Rupees(
        attribute="figures.rejected_outstanding_paise",
        metadata={"description": "Owed by members left out for incomplete KYC"},
    )
    not_reported = Rupees(
        attribute="figures.not_reported_paise",
        metadata={"description": "The SHG's loans from the bank do not exceed the threshold"},
    )
    unexplained = Rupees(attribute="unexplained_paise", allow_negative=True)
    unattributed_outstanding = Rupees(
        attribute="figures.unattributed_outstanding_paise",
        metadata={
            "description": "Owed on the SHG's loans from bank-loan funds that name no bank loan:"
            " not in the books figure, perhaps this bank's"
        },
    )
    unattributed_loans = fields.Integer(attribute="figures.unattributed_loans")
    members_reported = fields.Integer(attribute="figures.members_reported")
    members_rejected = fields.Integer(attribute="figures.members_rejected")
    accounts = fields.Integer(attribute="figures.accounts")


class PartnerBureauFileDetailSchema(PartnerBureauFileSchema):
    bank_name = fields.String(attribute="bank.name")
    reconciliation = fields.List(fields.Nested(ReconciliationSchema))


class BureauFileDetailSchema(PartnerBureauFileDetailSchema):
    created_by = fields.String()


class ProblemLineSchema(Schema):
    field = fields.String()
    reason = fields.String()


class RejectSchema(Schema):
    member_id = fields.Integer(attribute="member.id")
    member_code = fields.String(attribute="member.member_code", allow_none=True)
    member_name = fields.String(attribute="member.name")
    shg_id = fields.Integer(attribute="shg.id")
    shg_name = fields.String(attribute="shg.name")
    accounts = fields.Integer()
    outstanding = Rupees(attribute="outstanding_paise")
    problems = fields.List(
        fields.Nested(ProblemLineSchema),
        attribute="problem_lines",
        metadata={"description": "What her KYC lacks for reporting, or what does not fit"},
    )


class RejectListSchema(Schema):
    file_id = fields.Integer()
    items = fields.List(fields.Nested(RejectSchema))
