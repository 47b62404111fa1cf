from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import page_body
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.members import (
    AccountSchema,
    MemberAccountCreateSchema,
    MemberCreateSchema,
    MemberDetailSchema,
    MemberPageSchema,
    MemberQueryArgsSchema,
    MemberReadSchema,
    MemberUpdateSchema,
)
from app.services.federation import kyc
from app.services.federation import members as service
from app.writes import HEADER_DOC, idempotent
from models.institutions import Status

blp = Blueprint("members", __name__, url_prefix="/api/v1/members", description="Members of SHGs")


@blp.route("", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(MemberCreateSchema)
@blp.response(201, MemberDetailSchema)
def create(data: dict[str, Any]) -> Any:
    """Enrol a member in an SHG; her savings sub-account is opened with her."""
    return service.create_member(db(), who(), service.NewMember(**data))


@blp.route("", methods=["GET"])
@blp.arguments(MemberQueryArgsSchema, location="query")
@blp.response(200, MemberPageSchema)
def list_(args: dict[str, Any]) -> Any:
    """List members in your scope."""
    return page_body(
        service.list_members(db(), who(), args.get("shg_id"), args.get("after"), args["limit"])
    )


@blp.route("/<id:member_id>", methods=["GET"])
@blp.response(200, MemberReadSchema)
def get(member_id: int) -> Any:
    """One member with her accounts and balances, and what her KYC lacks for reporting."""
    return kyc.member_reading(db(), who(), member_id)


@blp.route("/<id:member_id>", methods=["PATCH"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(MemberUpdateSchema)
@blp.response(200, MemberDetailSchema)
def update(data: dict[str, Any], member_id: int) -> Any:
    """Correct a member's name or mark her active or dormant."""
    status = Status(data["status"]) if "status" in data else None
    return service.update_member(db(), who(), member_id, name=data.get("name"), status=status)


@blp.route("/<id:member_id>/close", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, MemberDetailSchema)
def close(member_id: int) -> Any:
    """A member leaves: refused while any of her accounts carries a balance."""
    return service.close_member(db(), who(), member_id)


@blp.route("/<id:member_id>/accounts", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(MemberAccountCreateSchema)
@blp.response(201, AccountSchema)
def open_account(data: dict[str, Any], member_id: int) -> Any:
    """Open a sub-account for a member (one per loan) in her SHG's book."""
    return service.open_account_for_member(db(), who(), member_id, data["kind"], data.get("name"))
