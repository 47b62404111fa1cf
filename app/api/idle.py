"""Idle funds: the rules and schedule (admin), audit runs (auditors start them too), the
flags auditors work through, and each run's CSV and PDF export."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import dumped_for_reader
from app.auth import current_principal as who
from app.downloads import attachment
from app.requestdb import db
from app.schemas.banks import PageArgsSchema
from app.schemas.idle import (
    ExportArgsSchema,
    FlagArgsSchema,
    FlagDetailSchema,
    FlagListSchema,
    FlagMoveSchema,
    PartnerRuleListSchema,
    PartnerScheduleSchema,
    RuleCreateSchema,
    RuleListSchema,
    RuleSchema,
    RuleUpdateSchema,
    RunCreateSchema,
    RunListSchema,
    RunSchema,
    ScheduleSchema,
)
from app.services.audit import audit_runs, idle_exports, idle_flags, idle_rules
from app.writes import HEADER_DOC, idempotent

blp = Blueprint("idle", __name__, url_prefix="/api/v1/idle", description="Idle funds and audits")


def _rule_fields(data: dict[str, Any]) -> idle_rules.RuleFields:
    return idle_rules.RuleFields(
        level=data.get("level"),
        fund=data.get("fund"),
        kind=data.get("kind"),
        min_balance_paise=data.get("min_balance"),
        days=data.get("days"),
        max_utilisation_bp=data.get("max_utilisation_percent"),
        token_outflow_bp=data.get("token_outflow_percent"),
        active=data.get("active"),
    )


@blp.route("/rules", methods=["GET"])
@blp.response(200, RuleListSchema)
@dumped_for_reader(RuleListSchema(), PartnerRuleListSchema())
def list_rules() -> Any:
    """The idle-fund rules, active or not (a bank partner reads them without `updated_by`)."""
    return {"items": idle_rules.rules(db())}


@blp.route("/rules", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(RuleCreateSchema)
@blp.response(201, RuleSchema)
def create_rule(data: dict[str, Any]) -> Any:
    """Add a rule (admin)."""
    return idle_rules.create_rule(db(), who(), data["code"], _rule_fields(data))


@blp.route("/rules/<id:rule_id>", methods=["PATCH"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(RuleUpdateSchema)
@blp.response(200, RuleSchema)
def update_rule(data: dict[str, Any], rule_id: int) -> Any:
    """Change a rule or switch it off (admin). Runs keep the rules as they applied them."""
    return idle_rules.update_rule(db(), who(), rule_id, _rule_fields(data))


@blp.route("/schedule", methods=["GET"])
@blp.response(200, ScheduleSchema)
@dumped_for_reader(ScheduleSchema(), PartnerScheduleSchema())
def get_schedule() -> Any:
    """When the scheduled report runs (a bank partner reads it without `updated_by`)."""
    return idle_rules.schedule(db())


@blp.route("/schedule", methods=["PUT"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(ScheduleSchema)
@blp.response(200, ScheduleSchema)
def set_schedule(data: dict[str, Any]) -> Any:
    """Set the schedule (admin); the scheduler process picks it up within a minute."""
    return idle_rules.set_schedule(
        db(), who(), data["day"], data["hour"], data["minute"], data["timezone"], data["active"]
    )


@blp.route("/runs", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(RunCreateSchema, required=False)
@blp.response(201, RunSchema)
def start_run(data: dict[str, Any]) -> Any:
    """Run the report now over your scope (auditor or admin): the scheduler's code path."""
    return audit_runs.run_on_demand(db(), who(), data["as_of"], data["institution_id"])


@blp.route("/runs", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, RunListSchema)
def list_runs(args: dict[str, Any]) -> Any:
    """Runs over your scope, newest first."""
    page = audit_runs.runs(db(), who(), args.get("after"), args["limit"])
    return {"items": page.items, "next_after": page.next_after}


@blp.route("/runs/<id:run_id>", methods=["GET"])
@blp.response(200, RunSchema)
def get_run(run_id: int) -> Any:
    """One run: when, who or what started it, parameters, counts, duration, status, errors."""
    return audit_runs.readable_run(db(), who(), run_id)


@blp.route("/runs/<id:run_id>/export", methods=["GET"])
@blp.arguments(ExportArgsSchema, location="query")
@blp.response(200, description="CSV (default) or PDF")
@blp.alt_response(200, description="format=pdf", content_type="application/pdf")
def export_run(args: dict[str, Any], run_id: int) -> Any:
    """What the run found in your scope, with totals: CSV, or a PDF with a chart."""
    export = idle_exports.run_export(db(), who(), run_id, args["institution_id"])
    return attachment(*idle_exports.export_file(export, args["format"]))


@blp.route("/flags", methods=["GET"])
@blp.arguments(FlagArgsSchema, location="query")
@blp.response(200, FlagListSchema)
def list_flags(args: dict[str, Any]) -> Any:
    """Flags in your scope, filtered by place, fund, rule, status, whether still idle, age."""
    f = idle_flags.FlagFilter(
        under=args["institution_id"],
        fund=args["fund"],
        rule=args["rule"],
        status=args["status"],
        ongoing=args["ongoing"],
        min_days_idle=args["min_days_idle"],
        run_id=args["run_id"],
    )
    page = idle_flags.flags(db(), who(), f, args.get("after"), args["limit"])
    return {"items": page.items, "next_after": page.next_after}


@blp.route("/flags/<id:flag_id>", methods=["GET"])
@blp.response(200, FlagDetailSchema)
def get_flag(flag_id: int) -> Any:
    """A flag with its reason, figures and every step of its history."""
    return idle_flags.detail(db(), who(), flag_id)


@blp.route("/flags/<id:flag_id>/status", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(FlagMoveSchema)
@blp.response(200, FlagDetailSchema)
def move_flag(data: dict[str, Any], flag_id: int) -> Any:
    """Move a flag on (acknowledged, explained, resolved, escalated) with a note. A
    bookkeeper answers a flag on her CLF by explaining it."""
    return idle_flags.move(db(), who(), flag_id, data["status"], data["note"])
