"""The state a session's request is scoped to, where app/state_scope.py has found it.

Kept here, in the layer every service may import, so that a service writing Core statements
(the posting path) can name the state as the ORM statements of the same request do.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

STATE_KEY = "bahi.state_code"


def scoped_state(session: Session) -> str | None:
    """The state code of the session's scope, or None (admins, banks, jobs: no one state)."""
    state: str | None = session.info.get(STATE_KEY)
    return state
