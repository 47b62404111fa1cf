"""Which SQL statements would not be routed to one state's node (issue 18).

On a deployment distributed by state, a statement on a distributed table goes to one node only
if it names the state: `state_code = ...` in its WHERE or a join on it, or `state_code` among
an INSERT's columns. Anything else fans out to every node. The check here reads the statement
as sent (SQLAlchemy's compiled text, before the driver binds values), which is exactly what a
reviewer of a statement log would read; it is a careful regular expression, not a SQL parser:
a statement that merely mentions state_code in its select list would pass, so it errs on the
lenient side and what it reports is certainly unscoped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event

from models.distribution import DISTRIBUTED

_TABLE = re.compile(r'\b(?:FROM|JOIN|UPDATE|INTO)\s+"?(\w+)"?', re.IGNORECASE)
_SCOPED = re.compile(r"state_code\s*(?:=|IN\b)|=\s*\w+\.state_code\b", re.IGNORECASE)
_INSERT_COLUMNS = re.compile(r"^\s*INSERT\s+INTO\s+\"?\w+\"?\s*\(([^)]*)\)", re.IGNORECASE)


def distributed_tables(statement: str) -> set[str]:
    return {name for name in _TABLE.findall(statement) if name in DISTRIBUTED}


def is_scoped(statement: str) -> bool:
    """Names one state: a state_code condition, or an INSERT that sets state_code."""
    columns = _INSERT_COLUMNS.match(statement)
    if columns:
        return "state_code" in columns.group(1)
    return bool(_SCOPED.search(statement))


@dataclass
class StatementLog:
    """Statements on distributed tables that name no state, with the tables they read."""

    unscoped: list[tuple[str, frozenset[str]]] = field(default_factory=list)
    scoped: int = 0

    def see(self, statement: str) -> None:
        tables = distributed_tables(statement)
        if not tables:
            return
        if is_scoped(statement):
            self.scoped += 1
        else:
            self.unscoped.append((statement, frozenset(tables)))

    def unscoped_tables(self) -> set[str]:
        return {table for _, tables in self.unscoped for table in tables}


@contextmanager
def logging_statements(connection: Connection) -> Iterator[StatementLog]:
    log = StatementLog()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        log.see(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        yield log
    finally:
        event.remove(connection, "before_cursor_execute", before)
