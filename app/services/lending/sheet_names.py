"""SHGs and members named in a meeting sheet by their code or name instead of their number.

A bookkeeper's spreadsheet has "Durga SHG" and "Sunita Devi", not 4127 and 90311. A code or a
name is taken where it picks out exactly one SHG in her scope (one member of the row's SHG);
where it picks out none or several, the row gets a plain problem saying so, never a guess.
A value of digits only (not starting with 0) is a number, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.services.shared.principal import Principal, within_scope
from models.institutions import Institution, InstitutionKind, Member

# Two are enough to tell one from several.
_ENOUGH = 2


class ScopeNames:
    """Looks each code or name up once, within what the importer may read."""

    def __init__(self, session: Session, who: Principal) -> None:
        self.session, self.who = session, who
        self._shgs: dict[str, int | str] = {}
        self._members: dict[tuple[int, str], int | str] = {}

    def shg(self, text: str) -> int | str:
        """The SHG's number, or why it cannot be told."""
        if text not in self._shgs:
            query = select(Institution.id).where(
                Institution.kind == InstitutionKind.SHG.value,
                or_(Institution.code == text, func.lower(Institution.name) == text.lower()),
            )
            found = self.session.scalars(within_scope(query, self.who).limit(_ENOUGH)).all()
            self._shgs[text] = _one(found, f"no SHG called “{text}” in your area", "SHGs")
        return self._shgs[text]

    def member(self, shg_id: int, text: str) -> int | str:
        """The member's number within her SHG, or why she cannot be told."""
        key = (shg_id, text)
        if key not in self._members:
            query = (
                select(Member.id)
                .join(Institution, Institution.id == Member.shg_id)
                .where(
                    Member.shg_id == shg_id,
                    or_(Member.member_code == text, func.lower(Member.name) == text.lower()),
                )
            )
            found = self.session.scalars(within_scope(query, self.who).limit(_ENOUGH)).all()
            self._members[key] = _one(found, f"no member called “{text}” in this SHG", "members")
        return self._members[key]


def _one(found: Sequence[int], missing: str, kind: str) -> int | str:
    if not found:
        return missing
    if len(found) > 1:
        return f"several {kind} are called so: give the number instead"
    return found[0]
