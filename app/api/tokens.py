from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.tokens import (
    IssuedTokenSchema,
    TokenCreateSchema,
    TokenListSchema,
    TokenSchema,
    without_secret,
)
from app.services.access import tokens as service
from app.services.shared.errors import Forbidden
from app.writes import HEADER_DOC, idempotent
from models.access import Role

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="API tokens (admin)")


@blp.route("", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent(redact=without_secret)
@blp.arguments(TokenCreateSchema)
@blp.response(201, IssuedTokenSchema)
def issue(data: dict[str, Any]) -> Any:
    """Issue a token; its secret is in this response only (a replay says it was shown)."""
    return service.issue_token(db(), who(), **{**data, "role": Role(data["role"])})


@blp.route("", methods=["GET"])
@blp.response(200, TokenListSchema)
def list_() -> Any:
    """Every token (never the secrets)."""
    if not who().is_admin:
        raise Forbidden("only an admin may list tokens")
    return {"items": service.list_tokens(db())}


@blp.route("/<id:token_id>/revoke", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, TokenSchema)
def revoke(token_id: int) -> Any:
    """Revoke a token at once."""
    return service.revoke_token(db(), who(), token_id)
