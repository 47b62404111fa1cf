"""Conventions every operation of the OpenAPI document keeps, so a new endpoint cannot drift
from them unnoticed: lists are objects with "items", reversals answer 201, and `via` follows
one rule (README, "Changes to the API")."""

from __future__ import annotations

import pytest

# Money from or to the mission, a federation or a bank moves through the bank account when
# `via` is left out; everything else (members' money, the group's own expenses and income)
# in cash.
BANK_BY_DEFAULT = ("/api/v1/grants", "/api/v1/bank-loans")


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def _schema(document, schema):
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _body(document, operation):
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return _schema(document, schema) if schema else None


def test_via_may_be_left_out_everywhere_and_defaults_by_who_is_paid(document):
    seen = {}
    for path, method, operation in _operations(document):
        body = _body(document, operation)
        if body is None or "via" not in body.get("properties", {}):
            continue
        via = body["properties"]["via"]
        expected = "bank" if path.startswith(BANK_BY_DEFAULT) else "cash"
        assert "via" not in body.get("required", []), path
        assert (via["enum"], via["default"]) == (["cash", "bank"], expected), path
        assert f"Left out: {expected}" in via["description"], path
        seen[(method, path)] = via["default"]
    assert seen[("post", "/api/v1/members/{member_id}/savings/deposits")] == "cash"
    assert seen[("post", "/api/v1/meetings")] == "cash"
    assert seen[("post", "/api/v1/cash-book/expenses")] == "cash"
    assert seen[("post", "/api/v1/grants")] == "bank"
    assert seen[("post", "/api/v1/bank-loans/{facility_id}/draws")] == "bank"


def test_no_list_is_a_bare_array(document):
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                assert _schema(document, schema).get("type") != "array", (method, path, status)
    accounts = document["paths"]["/api/v1/books/{book_id}/accounts"]["get"]["responses"]["200"]
    schema = _schema(document, accounts["content"]["application/json"]["schema"])
    assert schema["properties"]["items"]["type"] == "array"


def test_every_reversal_answers_201(document):
    reversals = [
        (path, operation)
        for path, method, operation in _operations(document)
        if method == "post" and path.endswith("/reverse")
    ]
    assert {p for p, _ in reversals} >= {
        "/api/v1/journal-entries/{entry_id}/reverse",
        "/api/v1/entry-sets/{set_id}/reverse",
        "/api/v1/meetings/{meeting_id}/reverse",
    }
    for path, operation in reversals:
        assert "201" in operation["responses"] and "200" not in operation["responses"], path
