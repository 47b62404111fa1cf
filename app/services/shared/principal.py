"""Who is acting, and what they may see and change.

Scopes are subtrees of the federation tree: a token is tied to an institution and reaches
everything whose materialised path starts with that institution's path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select

from models.access import Role

T = TypeVar("T", bound=tuple[Any, ...])


@dataclass(frozen=True)
class Principal:
    role: Role
    label: str  # recorded as "who" on every write: "token:7 Sunita (bookkeeper)"
    token_id: int | None = None
    scope_path: str | None = None  # bookkeeper: a CLF's path; auditor: a district's or state's
    bank_id: int | None = None
    person_id: int | None = None  # the person signed in, or the one the token was issued to
    name: str | None = None  # her name, for page headers
    scope_state: str | None = None  # the state of the scope's institution, when read with it

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def can_read(self, path: str) -> bool:
        if self.role is Role.ADMIN:
            return True
        if self.role in (Role.BOOKKEEPER, Role.AUDITOR):
            return self.scope_path is not None and path.startswith(self.scope_path)
        return False

    def can_write(self, path: str) -> bool:
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.BOOKKEEPER:
            return self.scope_path is not None and path.startswith(self.scope_path)
        return False

    def read_prefix(self) -> str | None:
        """The path prefix a listing must be filtered by; None means everything (admin)."""
        if self.role is Role.ADMIN:
            return None
        if self.role in (Role.BOOKKEEPER, Role.AUDITOR) and self.scope_path:
            return self.scope_path
        return "#"  # paths all start with "/": this prefix matches nothing


def within_scope(query: Select[T], who: Principal) -> Select[T]:
    """Restrict a query that joins `institutions` to the subtree the principal may read."""
    from models.institutions import Institution

    prefix = who.read_prefix()
    if prefix is None:
        return query
    return query.where(Institution.path.startswith(prefix, autoescape=True))


SYSTEM = Principal(role=Role.ADMIN, label="system")


def cli_principal(user: str) -> Principal:
    return Principal(role=Role.ADMIN, label=f"cli:{user}")
