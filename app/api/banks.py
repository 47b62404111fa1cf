from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import dumped_for_reader, page_body
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.banks import (
    BankCreateSchema,
    BankPageSchema,
    BankSchema,
    BranchCreateSchema,
    BranchPageSchema,
    BranchSchema,
    PageArgsSchema,
    PartnerBankPageSchema,
    PartnerBankSchema,
)
from app.services.federation import banks as service
from app.writes import HEADER_DOC, idempotent

blp = Blueprint("banks", __name__, url_prefix="/api/v1/banks", description="Banks and branches")


@blp.route("", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BankCreateSchema)
@blp.response(201, BankSchema)
def create(data: dict[str, Any]) -> Any:
    """Register a bank (admin)."""
    return service.create_bank(db(), who(), data["name"], data["ifsc_prefix"])


@blp.route("", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, BankPageSchema)
@dumped_for_reader(BankPageSchema(), PartnerBankPageSchema())
def list_(args: dict[str, Any]) -> Any:
    """List banks (a bank partner sees only its own, without `created_by`)."""
    return page_body(service.list_banks(db(), who(), args.get("after"), args["limit"]))


@blp.route("/<id:bank_id>", methods=["GET"])
@blp.response(200, BankSchema)
@dumped_for_reader(BankSchema(), PartnerBankSchema())
def get(bank_id: int) -> Any:
    """One bank (a bank partner reads only its own, without `created_by`)."""
    return service.readable_bank(db(), who(), bank_id)


@blp.route("/<id:bank_id>/branches", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BranchCreateSchema)
@blp.response(201, BranchSchema)
def create_branch(data: dict[str, Any], bank_id: int) -> Any:
    """Register a branch of a bank (admin)."""
    return service.create_branch(
        db(), who(), bank_id, data["name"], data["ifsc"], data["state_code"]
    )


@blp.route("/<id:bank_id>/branches", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, BranchPageSchema)
def list_branches(args: dict[str, Any], bank_id: int) -> Any:
    """List a bank's branches."""
    return page_body(service.list_branches(db(), who(), bank_id, args.get("after"), args["limit"]))
