from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import page_body
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.institutions import (
    InstitutionCreateSchema,
    InstitutionPageSchema,
    InstitutionQueryArgsSchema,
    InstitutionSchema,
    InstitutionUpdateSchema,
)
from app.services.federation import institutions as service
from app.writes import HEADER_DOC, idempotent
from models.institutions import InstitutionKind, Status

blp = Blueprint(
    "institutions", __name__, url_prefix="/api/v1/institutions", description="The federation tree"
)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(InstitutionCreateSchema)
@blp.response(201, InstitutionSchema)
def create(data: dict[str, Any]) -> Any:
    """Create a state, district, block, CLF, VO or SHG (books are opened with it)."""
    new = service.NewInstitution(**{**data, "kind": InstitutionKind(data["kind"])})
    return service.create_institution(db(), who(), new)


@blp.route("", methods=["GET"])
@blp.arguments(InstitutionQueryArgsSchema, location="query")
@blp.response(200, InstitutionPageSchema)
def list_(args: dict[str, Any]) -> Any:
    """List institutions in your scope, filtered and paginated."""
    where = service.InstitutionFilter(
        kind=InstitutionKind(args["kind"]) if "kind" in args else None,
        parent_id=args.get("parent_id"),
        state_code=args.get("state_code"),
        status=Status(args["status"]) if "status" in args else None,
        name_contains=args.get("q"),
    )
    return page_body(
        service.list_institutions(db(), who(), where, args.get("after"), args["limit"])
    )


@blp.route("/<id:institution_id>", methods=["GET"])
@blp.response(200, InstitutionSchema)
def get(institution_id: int) -> Any:
    """One institution."""
    return service.readable_institution(db(), who(), institution_id)


@blp.route("/<id:institution_id>", methods=["PATCH"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(InstitutionUpdateSchema)
@blp.response(200, InstitutionSchema)
def update(data: dict[str, Any], institution_id: int) -> Any:
    """Rename an institution or mark it active or dormant."""
    status = Status(data["status"]) if "status" in data else None
    return service.update_institution(
        db(), who(), institution_id, name=data.get("name"), code=data.get("code"), status=status
    )


@blp.route("/<id:institution_id>/close", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, InstitutionSchema)
def close(institution_id: int) -> Any:
    """Close an institution: refused while it has open children, members or balances."""
    return service.close_institution(db(), who(), institution_id)
