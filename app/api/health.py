"""Health checks for load balancers and orchestrators: no token needed.

`live` says the process answers (restart it if not); `ready` says it can serve requests,
which needs the database (send it no traffic while not).
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.errors import database_unavailable

blp = Blueprint("health", __name__, url_prefix="/api/v1/health", description="Health checks")

PUBLIC = {"security": []}


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})


@blp.route("/live", methods=["GET"])
@blp.doc(**PUBLIC)
@blp.response(200, HealthSchema)
def live() -> Any:
    """Liveness: the process answers; the database is not touched."""
    return {"status": "ok"}


@blp.route("", methods=["GET"])
@blp.doc(**PUBLIC)
@blp.response(200, HealthSchema)
def ready() -> Any:
    """Readiness: the database answers a query (503 when it does not)."""
    # A session of its own: the check must not leave a failed transaction on the request's.
    try:
        with current_app.extensions["bahi.sessions"]() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.warning("readiness check: database unavailable", exc_info=True)
        return database_unavailable()
    return {"status": "ok"}
