"""A request scoped to one state names that state in its ORM statements (issue 18).

On a deployment distributed by state (docs/scaling.md), a statement reaches one node only if
it says which state it is about. A bookkeeper's or auditor's token is tied to an institution,
and so to its state; once the request knows it, every ORM SELECT, UPDATE and DELETE on a table
distributed by `state_code` gets `state_code = :state` added (SQLAlchemy's
`with_loader_criteria`), without each service saying so. The rows a request sees do not
change: everything in a scope is in its institution's state. Admins and banks span states and
get no condition; Core statements (the posting, import and ageing paths) and INSERTs say their
state themselves, or not yet (tests/test_state_scoped_queries.py lists what is left).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Delete, Select, Update, event, select
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, sessionmaker, with_loader_criteria

from app.services.shared.principal import Principal
from app.services.shared.scoped_state import STATE_KEY
from models import Base, Institution
from models.distribution import DISTRIBUTED, DISTRIBUTION_COLUMN

__all__ = ["STATE_KEY", "install", "scope_to_state"]


@cache
def _state_owned() -> frozenset[Mapper[Any]]:
    """Mapped classes of distributed tables with a non-null `state_code`, their distribution
    column (a table still without it, or with a nullable one, is left alone)."""
    owned = set()
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        column = table.c.get(DISTRIBUTION_COLUMN)
        if table.name in DISTRIBUTED and column is not None and not column.nullable:
            owned.add(mapper)
    return frozenset(owned)


def scope_to_state(session: Session, who: Principal) -> None:
    """Remember the state of the principal's scope for the rest of the session (read with
    the token when it was authenticated, else looked up by the scope's path)."""
    if who.scope_path is None:
        return
    state = who.scope_state or session.scalar(
        select(Institution.state_code).where(Institution.path == who.scope_path)
    )
    if state is not None:
        session.info[STATE_KEY] = state


def _name_the_state(execute_state: ORMExecuteState) -> None:
    state = execute_state.session.info.get(STATE_KEY)
    statement = execute_state.statement
    if state is None or not isinstance(statement, Select | Update | Delete):
        return
    if execute_state.is_column_load or execute_state.is_relationship_load:
        return  # options given to the parent statement carry over to these loads
    mappers = _state_owned().intersection(execute_state.all_mappers)
    options = [
        with_loader_criteria(
            mapper.class_, lambda cls: cls.state_code == state, include_aliases=True
        )
        for mapper in mappers
    ]
    if options:
        execute_state.statement = statement.options(*options)


def install(sessions: sessionmaker[Session] | Session) -> None:
    """Name the state in the ORM statements of these sessions (or of this one)."""
    event.listen(sessions, "do_orm_execute", _name_the_state)
