"""JSON request bodies are checked for shape before anything walks them.

Two inputs used to reach code that cannot cope with them and came back as 500s:
- nesting thousands of levels deep (a 4 KB body) exhausts Python's recursion limit in the
  idempotency fingerprint and in webargs;
- a lone surrogate (`"\\udc80"`) is valid JSON but not text: the database driver fails to
  encode it.
Both are refused here, with the field that carries them, as 400 problems.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request

from app.services.shared.errors import DomainError, FieldProblem

MAX_JSON_DEPTH = 32
# Cheap tests on the raw bytes decide whether the parsed body needs a walk at all: a body
# with few brackets cannot be deep, and one with neither an escaped surrogate nor raw
# surrogate bytes (CESU-8, which json.loads lets through) cannot carry a lone one.
_SURROGATE_HINT = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")


class BadJson(DomainError):
    status = 400
    title = "Invalid JSON body"


def _is_lone_surrogate_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _walk(document: Any) -> FieldProblem | None:
    """The first problem in a parsed document: too deep, or text that is not Unicode."""
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str) and _is_lone_surrogate_text(value):
            return FieldProblem(path or "body", "must be valid text (it holds a lone surrogate)")
        if not isinstance(value, dict | list):
            continue
        if depth >= MAX_JSON_DEPTH:
            return FieldProblem(path or "body", f"is nested more than {MAX_JSON_DEPTH} levels")
        if isinstance(value, dict):
            for key, child in value.items():
                if _is_lone_surrogate_text(key):
                    return FieldProblem(path or "body", "has a key that is not valid text")
                stack.append((child, f"{path}.{key}" if path else key, depth + 1))
        else:
            stack.extend((child, f"{path}[{i}]", depth + 1) for i, child in enumerate(value))
    return None


def check_json_body(body: bytes) -> None:
    """Refuse a JSON body nested too deeply or holding text that is not Unicode.

    Raises:
        BadJson: with the offending field; malformed JSON is left to the schema's parser.
    """
    if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH and not _SURROGATE_HINT.search(body):
        return
    try:
        document = json.loads(body)
    except RecursionError:
        problem = FieldProblem("body", f"is nested more than {MAX_JSON_DEPTH} levels")
        raise BadJson(f"body: {problem.reason}", [problem]) from None
    except ValueError:
        return
    problem = _walk(document)
    if problem is not None:
        raise BadJson(f"{problem.field}: {problem.reason}", [problem])


def _guard() -> None:
    if request.path.startswith("/api/v1") and request.is_json:
        check_json_body(request.get_data(cache=True))


def init_app(app: Flask) -> None:
    app.before_request(_guard)
