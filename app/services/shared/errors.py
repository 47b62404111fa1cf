"""Domain errors. The API turns each into application/problem+json in one place."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.shared.problem_codes import ProblemCode, problem_code


@dataclass(frozen=True)
class FieldProblem:
    field: str
    reason: str

    @property
    def code(self) -> str:
        """The reason's stable code (`amount.not_positive`), for programs and pages to match."""
        return problem_code(self.reason).code

    @property
    def coded(self) -> ProblemCode:
        """The code and the figures the reason carried, for a page's sentence."""
        return problem_code(self.reason)


class DomainError(Exception):
    status = 400
    title = "Request refused"

    def __init__(self, detail: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.problems = problems or []


class Invalid(DomainError):
    """The request is well-formed but breaks a business rule; `problems` name the fields."""

    status = 422
    title = "Invalid request"

    @classmethod
    def field(cls, field: str, reason: str) -> Invalid:
        return cls(f"{field}: {reason}", [FieldProblem(field, reason)])

    @classmethod
    def of(cls, problems: list[FieldProblem], summary: str) -> Invalid:
        """One refusal naming every problem, after a summary of what could not be done."""
        return cls(f"{summary}: " + "; ".join(f"{p.field}: {p.reason}" for p in problems), problems)


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (closed period, already reversed, ...)."""

    status = 409
    title = "Conflict"


def require_no_problems(problems: list[FieldProblem], summary: str) -> None:
    if problems:
        raise Invalid.of(problems, summary)


def renamed(error: Invalid, rename: dict[str, str]) -> Invalid:
    """The same problems under an operation's own field names (`postings[0].account_id` → `amount`).

    `rename` maps a field prefix to the operation's field; unmatched fields keep their name.
    """

    def new_name(name: str) -> str:
        for prefix, target in rename.items():
            if name.startswith(prefix):
                return target
        return name

    problems = [FieldProblem(new_name(p.field), p.reason) for p in error.problems]
    return Invalid("; ".join(f"{p.field}: {p.reason}" for p in problems) or error.detail, problems)
