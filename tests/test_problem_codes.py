"""Every reason the code base gives a field problem has a stable code (issue 16): the API's
problem+json carries it, and the pages turn it into a sentence in her language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from app.services.shared.errors import FieldProblem, Invalid
from app.services.shared.problem_codes import GENERIC, problem_code
from models import Role
from tests.factories import ApiCaller, make_federation, token

ROOT = Path(__file__).resolve().parent.parent
# The calls that write a reason: (the callee's name, the reason's position among its arguments).
WRITERS = {"FieldProblem": 1, "RowProblem": 2, "MoneyError": 0, "field": 1, "fail": 1}
# A figure inside an f-string: tried as a number and as a word, as reasons carry both.
SAMPLES = ("1", "shg")


def _reason_texts(node: ast.expr) -> list[str] | None:
    """The reason as written, with each figure a sample; None for one computed elsewhere."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            "".join(
                str(part.value) if isinstance(part, ast.Constant) else sample
                for part in node.values
            )
            for sample in SAMPLES
        ]
    if isinstance(node, ast.IfExp):
        both = [_reason_texts(node.body), _reason_texts(node.orelse)]
        return [t for texts in both if texts for t in texts] or None
    if isinstance(node, ast.BinOp):  # 'must order ... e.g. ' + DEFAULT_ALLOCATION
        left = _reason_texts(node.left)
        return [t + "1" for t in left] if left else None
    return None


def written_reasons() -> list[tuple[str, int, list[str]]]:
    found = []
    for path in sorted([*ROOT.glob("app/**/*.py"), *ROOT.glob("models/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in WRITERS or len(node.args) <= WRITERS[name]:
                continue
            if name == "field" and getattr(node.func.value, "id", "") != "Invalid":
                continue
            texts = _reason_texts(node.args[WRITERS[name]])
            if texts is not None and any(texts):
                found.append((str(path.relative_to(ROOT)), node.lineno, texts))
    return found


def test_every_reason_written_in_the_code_base_has_a_code():
    reasons = written_reasons()
    assert len(reasons) > 150  # the scan sees the services' reasons, not nothing
    generic = [
        (where, line, texts)
        for where, line, texts in reasons
        if all(problem_code(t).code == GENERIC for t in texts)
    ]
    assert generic == []


def test_a_new_reason_without_a_pattern_gets_the_generic_code():
    assert problem_code("has a problem no one has seen before").code == GENERIC


@pytest.mark.parametrize(
    ("reason", "code", "params"),
    [
        ("must be more than zero", "amount.not_positive", {}),
        (
            "is ₹500.00 more than she owes (₹300.00)",
            "amount.more_than_owed",
            {"amount": "₹500.00", "owed": "₹300.00"},
        ),
        (
            "book 7 is closed through 2026-06-30",
            "date.in_closed_period",
            {"book": "7", "date": "2026-06-30"},
        ),
        ("no active member 12 in this SHG", "member.not_in_shg", {"member": "12"}),
        ("must be a date such as 05-06-2026", "date.not_valid", {}),
        ('must be "cash" or "bank"', "choice.not_allowed", {"choices": '"cash" or "bank"'}),
        ("at most 2000 characters", "text.too_long", {"high": "2000"}),
    ],
)
def test_a_reason_gives_its_code_and_figures(reason, code, params):
    assert problem_code(reason) == (code, params)
    assert FieldProblem("amount", reason).code == code


def test_the_api_problem_carries_the_code(session, client):
    fed = make_federation(session)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    refused = api.post(
        f"/api/v1/members/{fed.members[0].id}/savings/deposits",
        {"amount": "0", "value_date": "2026-05-15"},
    )
    assert refused.status_code == 422, refused.json
    assert {
        "field": "amount",
        "code": "amount.not_positive",
        "reason": "must be more than zero",
    } in refused.json["errors"]


def test_invalid_field_keeps_its_reason_and_code():
    error = Invalid.field("amount", "must not be negative")
    assert [(p.field, p.code) for p in error.problems] == [("amount", "amount.negative")]


@pytest.mark.parametrize(
    ("secret", "code", "params"),
    [
        ("7" * 201, "password.too_long", {"high": "200"}),
        ("12", "password.too_short", {"pin": "6"}),
        ("short", "password.too_short", {"high": "10", "pin": "6"}),
        ("123456", "password.common", {}),
        ("my9876543210pw", "password.has_mobile", {}),
    ],
)
def test_each_reason_a_password_is_refused_has_its_own_code(secret, code, params):
    # weakness() returns its reasons rather than raising them, so the scan above misses them;
    # "a password needs ..." once read as an institution's need (institution.wrong_kind).
    from app.services.access.passwords import weakness

    reason = weakness(secret, "9876543210")
    assert reason is not None
    assert problem_code(reason) == (code, params)
