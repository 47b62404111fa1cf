from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.people import (
    PersonCreateSchema,
    PersonListSchema,
    PersonSchema,
    PersonTokenSchema,
    PersonWithPasswordSchema,
    RequireCodeSchema,
    without_password,
)
from app.schemas.tokens import IssuedTokenSchema, without_secret
from app.security import security
from app.services.access import people as service
from app.services.shared.errors import Forbidden
from app.writes import HEADER_DOC, idempotent
from models.access import Role

blp = Blueprint(
    "people", __name__, url_prefix="/api/v1/people", description="People who sign in (admin)"
)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent(redact=without_password)
@blp.arguments(PersonCreateSchema)
@blp.response(201, PersonWithPasswordSchema)
def create(data: dict[str, Any]) -> Any:
    """Add a person; her temporary password is in this response only."""
    new = service.NewPerson(**{**data, "role": Role(data["role"])})
    return service.create_person(db(), who(), security(), new, None)


@blp.route("", methods=["GET"])
@blp.response(200, PersonListSchema)
def list_() -> Any:
    """Everyone, by name (never a password or secret)."""
    return {"items": service.list_people(db(), who())}


@blp.route("/<id:person_id>", methods=["GET"])
@blp.response(200, PersonSchema)
def read(person_id: int) -> Any:
    """One person."""
    if not who().is_admin:
        raise Forbidden("only an admin may read people")
    return service.get_person(db(), person_id)


@blp.route("/<id:person_id>/disable", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, PersonSchema)
def disable(person_id: int) -> Any:
    """Disable her at once: signed out of the pages, her API tokens refused."""
    return service.set_disabled(db(), who(), person_id, True)


@blp.route("/<id:person_id>/enable", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, PersonSchema)
def enable(person_id: int) -> Any:
    """Enable her again."""
    return service.set_disabled(db(), who(), person_id, False)


@blp.route("/<id:person_id>/reset-password", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent(redact=without_password)
@blp.response(200, PersonWithPasswordSchema)
def reset_password(person_id: int) -> Any:
    """A temporary password, in this response only; she must change it at next sign-in."""
    return service.reset_password(db(), who(), security(), person_id)


@blp.route("/<id:person_id>/require-code", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(RequireCodeSchema)
@blp.response(200, PersonSchema)
def require_code(data: dict[str, Any], person_id: int) -> Any:
    """Require (or stop requiring) a one-time code at her sign-in."""
    return service.require_code(db(), who(), person_id, data["required"])


@blp.route("/<id:person_id>/reset-code", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, PersonSchema)
def reset_code(person_id: int) -> Any:
    """Forget her authenticator app (a lost phone): she enrols again at next sign-in."""
    return service.reset_code(db(), who(), person_id)


@blp.route("/<id:person_id>/tokens", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent(redact=without_secret)
@blp.arguments(PersonTokenSchema)
@blp.response(201, IssuedTokenSchema)
def issue_token(data: dict[str, Any], person_id: int) -> Any:
    """An API token in her name, with her role and scope; its secret is in this response only."""
    return service.issue_token_to(db(), who(), person_id, **data)
