"""Members' KYC: recorded in versions by her bookkeeper, read with what is missing for
credit reporting. A bank partner never reads it here (403)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import page_body
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.kyc import KycChangeSchema, KycHistoryArgsSchema, KycHistorySchema, KycSchema
from app.services.federation import kyc as service
from app.writes import HEADER_DOC, idempotent

blp = Blueprint(
    "kyc", __name__, url_prefix="/api/v1/members", description="Members' KYC, in versions"
)


@blp.route("/<id:member_id>/kyc", methods=["GET"])
@blp.response(200, KycSchema)
def get(member_id: int) -> Any:
    """Her KYC as it stands (`version` null before the first) and what it lacks for reporting."""
    return service.kyc_of(db(), who(), member_id)


@blp.route("/<id:member_id>/kyc", methods=["PUT"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(KycChangeSchema)
@blp.response(201, KycSchema)
def record(data: dict[str, Any], member_id: int) -> Any:
    """Record a new version: the latest with the fields sent changed (null clears one)."""
    return service.record_kyc(db(), who(), member_id, data)


@blp.route("/<id:member_id>/kyc/history", methods=["GET"])
@blp.arguments(KycHistoryArgsSchema, location="query")
@blp.response(200, KycHistorySchema)
def history(args: dict[str, Any], member_id: int) -> Any:
    """Every version of her KYC, newest first, with who recorded each and when."""
    page = service.kyc_history(db(), who(), member_id, args.get("after"), args["limit"])
    return page_body(page)
