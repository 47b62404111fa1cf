"""Writing many rows in few statements: the bulk import's hot path.

One statement per row, even pipelined by psycopg, costs PostgreSQL a bind and an execute
for each row; and a multi-row VALUES statement with thousands of placeholders costs more
to build and parse than it saves. On PostgreSQL each column therefore travels as one array
and `unnest` turns the arrays back into rows: one small statement for any number of rows.
SQLite runs in-process, where a statement per row is cheap, so it keeps executemany.

An array travels as its text literal (`{1,2,"a \\"b\\""}`), written here: psycopg's own list
adapter examines every element and measured several times slower, most of a batch's cost.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum

from sqlalchemy import (
    ColumnElement,
    String,
    Table,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeEngine


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _element(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Enum):
        value = value.value
    # Quoted, so commas, braces, spaces and the word NULL inside a value are only letters.
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def array_literal(values: Iterable[object]) -> str:
    """PostgreSQL's text form of a one-dimensional array of the values."""
    return "{" + ",".join(map(_element, values)) + "}"


def among(session: Session, column: ColumnElement, keys: Sequence[object]) -> ColumnElement[bool]:
    """`column IN keys`. On PostgreSQL as `column IN (SELECT unnest(array))`: one parameter,
    where IN would render (and psycopg parse) a placeholder per key, thousands for a batch.
    (Not `= ANY(array)`: the text-to-array cast is stable, not immutable, so a filter would
    parse the whole array again for every row it looks at.)"""
    if _on_postgresql(session):
        literal = bindparam(None, array_literal(keys), type_=String)
        return column.in_(select(func.unnest(cast(literal, ARRAY(column.type)))))
    return column.in_(keys)


def among_parameter(column: ColumnElement, name: str, dialect: str) -> ColumnElement[bool]:
    """`among` for a statement built once and sent many times: the keys are the parameter
    `name`, given by `among_value` (on SQLite an expanding IN)."""
    if dialect == "postgresql":
        literal = bindparam(name, type_=String)
        return column.in_(select(func.unnest(cast(literal, ARRAY(column.type)))))
    return column.in_(bindparam(name, expanding=True))


def among_value(keys: Sequence[object], dialect: str) -> object:
    """The value of an `among_parameter` parameter."""
    return array_literal(keys) if dialect == "postgresql" else list(keys)


def _arrays(session: Session, table: Table, names: list[str], rows: Sequence[Mapping]) -> dict:
    """Each column's values as one array literal, through the column type's own bind
    processing."""
    dialect = session.get_bind().dialect
    arrays = {}
    for name in names:
        process = _bind_processor(dialect, table.c[name].type)
        column = [row[name] for row in rows]
        arrays[name] = array_literal(map(process, column) if process else column)
    return arrays


# A column type's bind processor, asked for once per driver (a type builds it anew on every
# request). Keyed by the type object itself: those of the tables' columns live as long as the
# process.
_processors: dict[tuple[str, str, TypeEngine], Callable[[object], object] | None] = {}


def _bind_processor(dialect: Dialect, type_: TypeEngine) -> Callable[[object], object] | None:
    key = (dialect.name, dialect.driver, type_)
    if key not in _processors:
        _processors[key] = type_.bind_processor(dialect)
    return _processors[key]


def _unnest(session: Session, table: Table, names: Sequence[str]) -> str:
    dialect = session.get_bind().dialect
    return ", ".join(
        f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in names
    )


# Built once per table and columns: parsing a text() statement's parameters costs more than
# sending it, and the posting path sends the same few thousands of times.
_built: dict[tuple[str, ...], TextClause] = {}


def _statement(key: tuple[str, ...], build: Callable[[], str]) -> TextClause:
    statement = _built.get(key)
    if statement is None:
        statement = _built[key] = text(build())
    return statement


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, object]]) -> None:
    """INSERT the rows (each with the same keys)."""
    if not rows:
        return
    if not _on_postgresql(session):
        session.connection().execute(insert(table), list(rows))
        return
    names = list(rows[0])
    # Only the table's own names are formatted in; every value travels as a parameter.
    statement = _statement(
        ("insert", table.name, *names),
        lambda: (
            f"INSERT INTO {table.name} ({', '.join(names)})"  # noqa: S608
            f" SELECT * FROM unnest({_unnest(session, table, names)})"
        ),
    )
    session.connection().execute(statement, _arrays(session, table, names, rows))


def add_to_column(
    session: Session,
    table: Table,
    target: str,
    deltas: Mapping[int, int],
    states: Mapping[int, str],
) -> None:
    """`target += delta` for each row by id, in id order within a state (the rows are locked).
    `states` gives each row's `state_code`: one statement per state names it as a constant, so
    that on a deployment distributed by state each goes to one node (issue 18); a batch is of
    one state in practice (a meeting sheet, a linked set)."""
    by_state: dict[str, list[int]] = defaultdict(list)
    for key in sorted(deltas):
        by_state[states[key]].append(key)
    for state, keys in sorted(by_state.items()):
        _add_in_state(session, table, target, {key: deltas[key] for key in keys}, state)


def _add_in_state(
    session: Session, table: Table, target: str, deltas: Mapping[int, int], state: str
) -> None:
    rows = [{"id": key, target: delta} for key, delta in deltas.items()]
    if not _on_postgresql(session):
        session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("moved_id"), table.c.state_code == state)
            .values({target: table.c[target] + bindparam("delta", type_=table.c[target].type)}),
            [{"moved_id": row["id"], "delta": row[target]} for row in rows],
        )
        return
    statement = _statement(
        ("add", table.name, target),
        lambda: (
            f"UPDATE {table.name} SET {target} = {table.name}.{target} + moved.{target}"  # noqa: S608
            f" FROM unnest({_unnest(session, table, ['id', target])}) AS moved (id, {target})"
            f" WHERE {table.name}.id = moved.id AND {table.name}.state_code = :moved_state"
        ),
    )
    parameters = {**_arrays(session, table, ["id", target], rows), "moved_state": state}
    session.connection().execute(statement, parameters)
