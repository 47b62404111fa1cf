from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request, url_for
from flask_smorest import Blueprint

from app.auth import current_principal as who
from app.downloads import attachment
from app.errors import problem
from app.requestdb import db
from app.schemas.imports import (
    ImportArgsSchema,
    ImportJobSchema,
    ImportReportSchema,
    MeetingSheetArgsSchema,
)
from app.services.federation.institutions import writable_institution
from app.services.lending import import_jobs
from app.services.lending.meeting_import import import_meetings
from app.services.lending.sheet_prefill import prefilled_sheet
from app.services.shared.clock import today_in_india
from app.services.shared.errors import FieldProblem, Invalid
from app.writes import HEADER_DOC, idempotent

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Bulk imports")

CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}
ROW_LIMITS = (
    "Files of up to IMPORT_INLINE_ROWS rows (2,000 by default) are imported in the request"
    " and answered 200 with the report; larger files, up to IMPORT_MAX_ROWS (200,000), are"
    " queued and answered 202 with the job's address in Location, to poll with GET; larger"
    " still are refused with 413 (split the file, or use `flask meetings import`, which has"
    " no limit)."
)


@blp.before_request
def _importers_only_then_allow_large_files() -> None:
    # Before anything reads the body (the idempotency fingerprint does, first): a role that
    # may not import is refused without its file being read.
    import_jobs.require_importer(who())
    request.max_content_length = current_app.config["IMPORT_MAX_CONTENT_LENGTH"]


def _csv_text() -> str:
    try:
        text = request.get_data(cache=True).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid.field(
            "body", "the file must be UTF-8 text (save the sheet as CSV UTF-8)"
        ) from None
    if not text.strip():
        raise Invalid.field("body", "the file is empty: send the meeting sheets as CSV")
    return text


def _too_many_rows(rows: int, limit: int) -> Response:
    reason = (
        f"the file has {rows:,} rows; the API takes at most {limit:,}: split it"
        " (by CLF or by week), or import it with `flask meetings import`"
    )
    return problem(413, "Content Too Large", f"body: {reason}", [FieldProblem("body", reason)])


def _queued(job: Any) -> Response:
    location = url_for("imports.job", job_id=job.id)
    body = json.dumps(ImportJobSchema().dump(job))
    return Response(body, 202, mimetype="application/json", headers={"Location": location})


@blp.route("/meetings", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC], requestBody=CSV_BODY, description=ROW_LIMITS)
@idempotent
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(200, ImportReportSchema)
@blp.alt_response(202, schema=ImportJobSchema, description="Queued: poll the Location")
def import_meeting_sheets(args: dict[str, Any]) -> Any:
    """Import meeting sheets (CSV): a dry run reports every problem by row; apply posts each
    meeting atomically and skips meetings already recorded."""
    text = _csv_text()
    source = f"csv:{args.get('source') or 'upload'}"
    apply = args["mode"] == "apply"
    rows = import_jobs.count_rows(text)
    if rows > current_app.config["IMPORT_MAX_ROWS"]:
        return _too_many_rows(rows, current_app.config["IMPORT_MAX_ROWS"])
    if rows > current_app.config["IMPORT_INLINE_ROWS"]:
        return _queued(import_jobs.queue_import(db(), who(), text, source, apply=apply))
    return import_meetings(db(), who(), text, source, apply=apply)


@blp.route("/meeting-sheets/<id:shg_id>", methods=["GET"])
@blp.arguments(MeetingSheetArgsSchema, location="query")
@blp.response(200, description="The sheet, as CSV", content_type="text/csv")
def meeting_sheet(args: dict[str, Any], shg_id: int) -> Any:
    """An SHG's meeting sheet to fill: a row per member with her name and code, her loans
    running and what is due at the meeting; uploaded when filled, it imports as it is."""
    writable_institution(db(), who(), shg_id)
    day = args.get("meeting_date") or today_in_india()
    body = prefilled_sheet(db(), who(), shg_id, day)
    return attachment(body, "text/csv", f"meeting-{shg_id}-{day.isoformat()}.csv")


@blp.route("/jobs/<id:job_id>", methods=["GET"])
@blp.response(200, ImportJobSchema)
def job(job_id: int) -> Any:
    """An import job: queued, running, done (with its report) or failed (with why)."""
    return import_jobs.readable_job(db(), who(), job_id)
