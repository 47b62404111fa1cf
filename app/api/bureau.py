"""Reporting SHG members' loans to the credit bureaus: a bank's files, made once per reference
date and kept whole; the file's exact bytes, its reconciliation and its reject report."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask_smorest import Blueprint

from app.api import dumped_for_reader, page_body
from app.auth import current_principal as who
from app.downloads import attachment
from app.requestdb import db
from app.schemas.bureau import (
    BureauFileArgsSchema,
    BureauFileCreateSchema,
    BureauFileDetailSchema,
    BureauFileListSchema,
    BureauFileSchema,
    PartnerBureauFileDetailSchema,
    PartnerBureauFileListSchema,
    RejectArgsSchema,
    RejectListSchema,
)
from app.services.credit import bureau_reports
from app.writes import HEADER_DOC, idempotent
from models.bureau_settings import BureauSettings, load_settings

blp = Blueprint(
    "bureau",
    __name__,
    url_prefix="/api/v1/bureau",
    description="SHG members' loans reported to the credit bureaus, for a bank partner",
)

BYTES = {"schema": {"type": "string", "format": "binary"}}


def settings() -> BureauSettings:
    return load_settings(current_app.config["BUREAU_SETTINGS_FILE"])


@blp.route("/files", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BureauFileCreateSchema)
@blp.response(201, BureauFileSchema)
def generate(data: dict[str, Any]) -> Any:
    """Make and keep a bank's file as of a reference date (a bank partner: its own bank;
    admin: any); once per bank and date (409 after). Its reconciliation: read the file."""
    return bureau_reports.generate_file(db(), who(), data["bank_id"], data["as_of"], settings())


@blp.route("/files", methods=["GET"])
@blp.arguments(BureauFileArgsSchema, location="query")
@blp.response(200, BureauFileListSchema)
@dumped_for_reader(BureauFileListSchema(), PartnerBureauFileListSchema())
def list_files(args: dict[str, Any]) -> Any:
    """Files, newest first: a bank partner's own bank's; an admin's of any bank."""
    page = bureau_reports.list_files(
        db(), who(), args.get("bank_id"), args.get("after"), args["limit"]
    )
    return page_body(page)


@blp.route("/files/<id:file_id>", methods=["GET"])
@blp.response(200, BureauFileDetailSchema)
@dumped_for_reader(BureauFileDetailSchema(), PartnerBureauFileDetailSchema())
def get_file(file_id: int) -> Any:
    """A file: when, for which date, its SHA-256 and counts, and per SHG its reconciliation
    with the books."""
    return bureau_reports.file_detail(db(), who(), file_id)


@blp.route("/files/<id:file_id>/download", methods=["GET"])
@blp.doc(
    responses={
        "200": {
            "description": "The file's exact bytes, as made (its SHA-256 in the ETag)",
            "content": {"application/octet-stream": BYTES},
        }
    }
)
def download(file_id: int) -> Response:
    """The file, byte for byte as it was made, named for the bank and date."""
    file, data = bureau_reports.file_content(db(), who(), file_id)
    response = attachment(data, "application/octet-stream", file.file_name)
    response.set_etag(file.sha256)
    return response


@blp.route("/files/<id:file_id>/rejects", methods=["GET"])
@blp.doc(responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
@blp.arguments(RejectArgsSchema, location="query")
@blp.response(200, RejectListSchema, description="JSON; with format=csv, CSV")
def rejects(args: dict[str, Any], file_id: int) -> Any:
    """The members the file left out for incomplete KYC, each with what is missing (JSON,
    or CSV with format=csv)."""
    file, items = bureau_reports.rejects(db(), who(), file_id)
    if args["format"] == "csv":
        name = f"{file.file_name.rsplit('.', 1)[0]}-rejects.csv"
        return attachment(bureau_reports.rejects_csv(items), "text/csv", name)
    return {"file_id": file.id, "items": items}
