from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.schemas.fields import (
    ChangeSchema,
    Enum,
    Id,
    Limit,
    Percent,
    QueryId,
    Rupees,
    SafeDate,
    Text,
)
from models.idle import FLAG_STATUSES, IDLE_FUNDS, IDLE_LEVELS, RULE_KINDS


class RuleUpdateSchema(ChangeSchema):
    """What to change in a rule."""

    level = Enum(list(IDLE_LEVELS))
    fund = Enum(list(IDLE_FUNDS))
    kind = Enum(list(RULE_KINDS))
    min_balance = Rupees(metadata={"description": "the smallest balance the rule flags"})
    days = fields.Integer(validate=validate.Range(1, 3650))
    max_utilisation_percent = Percent(
        allow_none=True, metadata={"description": "low_utilisation rules only"}
    )
    token_outflow_percent = Percent(
        metadata={
            "description": "no_outflow rules only: a day's outflow below this share of the"
            ' balance on the run date does not reset the idle clock ("0.00": every outflow'
            " counts)"
        }
    )
    active = fields.Boolean()


class RuleCreateSchema(RuleUpdateSchema):
    code = Text(60, required=True)
    level = Enum(list(IDLE_LEVELS), required=True)
    fund = Enum(list(IDLE_FUNDS), required=True)
    kind = Enum(list(RULE_KINDS), required=True)
    min_balance = Rupees(required=True)
    days = fields.Integer(required=True, validate=validate.Range(1, 3650))


class PartnerRuleSchema(Schema):
    """A rule as a bank partner reads it: without who changed it last (a token label)."""

    id = fields.Integer()
    code = fields.String()
    level = fields.String()
    fund = fields.String()
    kind = fields.String()
    min_balance = Rupees(attribute="min_balance_paise")
    days = fields.Integer()
    max_utilisation_percent = Percent(attribute="max_utilisation_bp", allow_none=True)
    token_outflow_percent = Percent(attribute="token_outflow_bp")
    active = fields.Boolean()
    updated_at = fields.DateTime()


class RuleSchema(PartnerRuleSchema):
    updated_by = fields.String()


class RuleListSchema(Schema):
    items = fields.List(fields.Nested(RuleSchema))


class PartnerRuleListSchema(Schema):
    items = fields.List(fields.Nested(PartnerRuleSchema))


class PartnerScheduleSchema(Schema):
    """The schedule as a bank partner reads it: without who set it (a token label)."""

    day = fields.Integer(required=True, metadata={"description": "day of the month, 1 to 28"})
    hour = fields.Integer(required=True)
    minute = fields.Integer(required=True)
    timezone = Text(40, load_default="Asia/Kolkata")
    active = fields.Boolean(load_default=True)
    updated_at = fields.DateTime(dump_only=True)


class ScheduleSchema(PartnerScheduleSchema):
    updated_by = fields.String(dump_only=True)


class RunCreateSchema(Schema):
    as_of = SafeDate(load_default=None, metadata={"description": "default: today"})
    institution_id = Id(
        load_default=None, metadata={"description": "a state, district or CLF in your scope"}
    )


class RunSchema(Schema):
    id = fields.Integer()
    trigger = fields.String()
    slot = fields.DateTime(allow_none=True)
    as_of = fields.Date()
    scope_path = fields.String()
    started_by = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    duration_ms = fields.Integer(allow_none=True)
    status = fields.String()
    parameters = fields.Dict()
    funds_scanned = fields.Integer()
    flags_opened = fields.Integer()
    flags_continued = fields.Integer()
    flags_closed = fields.Integer()
    error = fields.String(allow_none=True)


class RunListSchema(Schema):
    items = fields.List(fields.Nested(RunSchema))
    next_after = fields.Integer(allow_none=True)


class ExportArgsSchema(Schema):
    format = Enum(["csv", "pdf"], load_default="csv")
    institution_id = QueryId(load_default=None)


class FlagArgsSchema(Schema):
    institution_id = QueryId(
        load_default=None, metadata={"description": "flags under a state, district or CLF"}
    )
    fund = Enum(list(IDLE_FUNDS), load_default=None)
    rule = Text(60, load_default=None)
    status = Enum(list(FLAG_STATUSES), load_default=None)
    ongoing = fields.Boolean(load_default=None)
    min_days_idle = fields.Integer(load_default=None, validate=validate.Range(0, 100_000))
    run_id = QueryId(load_default=None)
    after = QueryId()
    limit = Limit()


class FlagSchema(Schema):
    id = fields.Integer()
    institution_id = fields.Integer()
    fund = fields.String()
    rule_id = fields.Integer()
    status = fields.String()
    ongoing = fields.Function(lambda f: f.closed_run_id is None)
    idle_since = fields.Date()
    first_seen_on = fields.Date()
    last_seen_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    balance = Rupees(attribute="balance_paise")
    days_idle = fields.Integer()
    utilisation_percent = Percent(attribute="utilisation_bp", allow_none=True)
    last_outflow_on = fields.Date(allow_none=True)
    reason = fields.String()
    opened_run_id = fields.Integer()
    last_run_id = fields.Integer()
    closed_run_id = fields.Integer(allow_none=True)


class FlagListSchema(Schema):
    items = fields.List(fields.Nested(FlagSchema))
    next_after = fields.Integer(allow_none=True)


class FlagEventSchema(Schema):
    at = fields.DateTime()
    by = fields.String()
    event = fields.String()
    from_status = fields.String(allow_none=True)
    to_status = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


class FlagDetailSchema(Schema):
    flag = fields.Nested(FlagSchema)
    institution_name = fields.Function(lambda d: d.institution.name)
    institution_kind = fields.Function(lambda d: d.institution.kind)
    rule = fields.Nested(RuleSchema)
    events = fields.List(fields.Nested(FlagEventSchema))


class FlagMoveSchema(Schema):
    status = Enum(list(FLAG_STATUSES), required=True)
    note = Text(2000, load_default=None)
