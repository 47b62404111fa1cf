"""The OpenAPI document tells the truth about errors.

Every error leaves as `application/problem+json` (`app/errors.py`). flask-smorest would
document errors as `application/json` in its own error shape; here the error responses are
the problem schema under the problem media type, and each operation lists the error statuses
it can answer: every operation can be refused for its input (400, 422), for too many
requests (429) or while the database is unavailable (503); those behind a token also for the
token (401), the role (403) and what lies outside the caller's scope (404); writes also for
a conflict with the books (409) and a body too large (413).
"""

from __future__ import annotations

import http
from typing import Any

from apispec import BasePlugin
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from app.errors import PROBLEM

READ_ERRORS = (400, 422, 429, 503)
TOKEN_ERRORS = (401, 403, 404)
WRITE_ERRORS = (409, 413)
WRITE_METHODS = {"post", "put", "patch", "delete"}


class FieldProblemSchema(Schema):
    field = fields.String(
        required=True, metadata={"description": "the field, e.g. postings[0].amount"}
    )
    code = fields.String(
        required=True,
        metadata={
            "description": "what is wrong, as a stable code to match on (the words of `reason`"
            " may change): e.g. amount.not_positive, date.in_closed_period, member.not_in_shg;"
            " `invalid` when no particular code applies",
            "example": "amount.not_positive",
        },
    )
    reason = fields.String(required=True, metadata={"description": "what is wrong, in words"})


class ProblemSchema(Schema):
    """RFC 9457 problem details, with the fields at fault."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldProblemSchema))


class ProblemResponses(BasePlugin):
    """Adds the error responses each operation can give (see the module docstring)."""

    def operation_helper(
        self, path: str | None = None, operations: dict[str, Any] | None = None, **_: Any
    ) -> None:
        for method, operation in (operations or {}).items():
            statuses = list(READ_ERRORS)
            if operation.get("security") != []:
                statuses += TOKEN_ERRORS
            if method in WRITE_METHODS:
                statuses += WRITE_ERRORS
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            for status in sorted(statuses):
                responses.setdefault(str(status), http.HTTPStatus(status).name)


class BahiApi(Api):
    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # type: ignore[assignment]  # ProblemResponses lists them

    def _register_responses(self) -> None:
        """Error responses as problem+json: the shape and media type really sent."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM)
            self.spec.components.response(status.name, response, lazy=True)


def make_api(app: Any) -> BahiApi:
    return BahiApi(app, spec_kwargs={"extra_plugins": [ProblemResponses()]})
