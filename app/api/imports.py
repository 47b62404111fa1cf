from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint

from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.imports import ImportArgsSchema, ImportReportSchema
from app.services.errors import Invalid
from app.services.meeting_import import import_meetings
from app.writes import HEADER_DOC, idempotent

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports", description="Bulk imports")

CSV_BODY = {"required": True, "content": {"text/csv": {"schema": {"type": "string"}}}}


@blp.before_request
def _allow_large_files() -> None:
    # Before anything reads the body (the idempotency fingerprint does, first).
    request.max_content_length = current_app.config["IMPORT_MAX_CONTENT_LENGTH"]


def _csv_text() -> str:
    try:
        return request.get_data(cache=True).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid.field(
            "body", "the file must be UTF-8 text (save the sheet as CSV UTF-8)"
        ) from None


@blp.route("/meetings", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC], requestBody=CSV_BODY)
@idempotent
@blp.arguments(ImportArgsSchema, location="query")
@blp.response(200, ImportReportSchema)
def import_meeting_sheets(args: dict[str, Any]) -> Any:
    """Import meeting sheets (CSV): a dry run reports every problem by row; apply posts each
    meeting atomically and skips meetings already recorded."""
    text = _csv_text()
    source = f"csv:{args.get('source') or 'upload'}"
    return import_meetings(db(), who(), text, source, apply=args["mode"] == "apply")
