"""The state a session's request is scoped to, where app/state_scope.py has found it.

Kept here, in the layer every service may import, so that a service writing Core statements
(the posting path) can name the state as the ORM statements of the same request do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.orm.interfaces import ORMOption

STATE_KEY = "bahi.state_code"


def scoped_state(session: Session) -> str | None:
    """The state code of the session's scope, or None (admins, banks, jobs: no one state)."""
    state: str | None = session.info.get(STATE_KEY)
    return state


def in_state(cls: type[Any], state_code: str) -> ORMOption:
    """An option naming `cls`'s state in the statement that loads it by id:
    `session.get(cls, id, options=[in_state(cls, state)])` still finds an object the session
    holds without a statement, and otherwise reads it by its id and its state (a bank's request
    spans states, so its session names none)."""
    return with_loader_criteria(cls, lambda c: c.state_code == state_code)
