"""The live schema is ready to be distributed by state (issue 18), read from PostgreSQL's catalog.

After `alembic upgrade head` (the template database), every table must be placed in
models/distribution.py, and the rules Citus enforces must hold: a distributed table has a
non-null `state_code` in its primary key, in every unique key and in every unique index
(partial ones included: Citus refuses them alike); a foreign key between distributed tables
carries `state_code` on both sides, in the same place; a reference or local table refers to
no distributed one, and a distributed table to no local one.

Nothing is left to do: migrations 0028 to 0034 keyed every state-owned table by state (129
violations before them), and the test fails on any violation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from models.distribution import DISTRIBUTION_COLUMN as STATE
from models.distribution import Placement, placement

pytestmark = pytest.mark.usefixtures("postgres_only")


@dataclass(frozen=True)
class Key:
    table: str
    name: str
    kind: str  # "p", "u" or "f"
    columns: tuple[str, ...]
    referred_table: str | None
    referred_columns: tuple[str, ...]


_KEYS = text(
    """
    SELECT c.conrelid::regclass::text, c.conname, c.contype,
           ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                 ORDER BY k.i),
           NULLIF(c.confrelid, 0)::regclass::text,
           ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                 JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                 ORDER BY k.i)
    FROM pg_constraint c JOIN pg_namespace s ON s.oid = c.connamespace
    WHERE s.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')
    """
)


def _tables(conn: Connection) -> list[str]:
    sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
    return list(conn.execute(text(sql)).scalars())


def _state_column_not_null(conn: Connection) -> dict[str, bool]:
    sql = text(
        "SELECT table_name, is_nullable = 'NO' FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_name = :c"
    )
    return {table: not_null for table, not_null in conn.execute(sql, {"c": STATE})}


# Unique indexes that back no constraint (a partial one, as the one ongoing idle flag's).
_UNIQUE_INDEXES = text(
    """
    SELECT t.relname, i.relname,
           ARRAY(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, o)
                 JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
                 ORDER BY k.o)
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_class t ON t.oid = x.indrelid
    JOIN pg_namespace s ON s.oid = t.relnamespace
    WHERE s.nspname = current_schema() AND x.indisunique
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    """
)


def _unique_index_violations(conn: Connection) -> set[str]:
    found = set()
    for table, name, columns in conn.execute(_UNIQUE_INDEXES):
        if placement(table) is Placement.DISTRIBUTED and STATE not in columns:
            found.add(f"{table}: unique index {name} ({', '.join(columns)}) lacks {STATE}")
    return found


def _keys(conn: Connection) -> list[Key]:
    rows = conn.execute(_KEYS)
    return [Key(t, n, k, tuple(c), rt, tuple(rc or ())) for t, n, k, c, rt, rc in rows]


def _unique_violation(key: Key) -> str | None:
    distributed = placement(key.table) is Placement.DISTRIBUTED
    if key.kind in ("p", "u") and distributed and STATE not in key.columns:
        kind = "primary key" if key.kind == "p" else "unique"
        return f"{key.table}: {kind} ({', '.join(key.columns)}) lacks {STATE}"
    return None


def _foreign_violation(key: Key) -> str | None:
    if key.kind != "f" or key.referred_table is None:
        return None
    source, target = placement(key.table), placement(key.referred_table)
    both = Placement.DISTRIBUTED
    if source is both and target is both:
        paired = dict(zip(key.columns, key.referred_columns, strict=True))
        if paired.get(STATE) != STATE:
            columns = ", ".join(key.columns)
            return f"{key.table}: ({columns}) to {key.referred_table} lacks {STATE}"
    elif target is both:
        return f"{key.table}: {source} table refers to distributed {key.referred_table}"
    elif source is both and target is Placement.LOCAL:
        return f"{key.table}: distributed table refers to local {key.referred_table}"
    return None


def violations(conn: Connection) -> set[str]:
    """Every way the live schema breaks the rules of distribution by state."""
    found: set[str] = set()
    state_columns = _state_column_not_null(conn)
    for table in _tables(conn):
        where = placement(table)
        if where is None:
            found.add(f"{table}: not placed in models/distribution.py")
        elif where is Placement.DISTRIBUTED and not state_columns.get(table, False):
            found.add(f"{table}: no non-null {STATE} column")
    for key in _keys(conn):
        problem = _unique_violation(key) or _foreign_violation(key)
        if problem:
            found.add(problem)
    return found | _unique_index_violations(conn)


@pytest.fixture
def postgres_only(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("reads PostgreSQL's catalog; the distributed deployment is PostgreSQL")


def promote_primary_keys(conn: Connection) -> list[str]:
    """The step before distributing: a distributed table keyed on `id` alone that has its
    `state_code` gets (id, state_code) as its primary key. The shared schema cannot
    have it because SQLite numbers rows only for a column declared INTEGER PRIMARY KEY; on
    PostgreSQL it is one statement a table (docs/scaling.md). A table whose `id` other tables
    still refer to alone cannot be promoted (PostgreSQL refuses to drop the key): it stays a
    violation. Returns the tables promoted."""
    promoted = []
    has_state = _state_column_not_null(conn)
    for key in _keys(conn):
        if key.kind == "p" and key.columns == ("id",) and has_state.get(key.table):
            try:
                with conn.begin_nested():
                    conn.execute(text(promotion(key.table, key.name)))
            except DBAPIError:  # other tables refer to `id` alone
                continue
            promoted.append(key.table)
    return promoted


def promotion(table: str, name: str) -> str:
    return (
        f"ALTER TABLE {table} DROP CONSTRAINT {name},"
        f" ADD CONSTRAINT {name} PRIMARY KEY (id, {STATE})"
    )


def test_every_table_is_placed_and_keyed_by_state(connection):
    """The live schema, after the primary keys' promotion (rolled back with the test)."""
    promote_primary_keys(connection)
    found = violations(connection)
    assert sorted(found) == [], "violations of distribution by state"


def test_the_check_is_not_blind(connection):
    """An unplaced table is caught, and so is a foreign key between distributed tables that
    leaves the state out (members to their SHG, made single-column here and rolled back), and
    a unique index without the state."""
    connection.execute(text("CREATE TABLE stray (id integer PRIMARY KEY)"))
    connection.execute(
        text(
            "ALTER TABLE members DROP CONSTRAINT fk_members_shg_id_state_code_institutions,"
            " ADD CONSTRAINT fk_members_shg_id FOREIGN KEY (shg_id) REFERENCES institutions (id)"
        )
    )
    connection.execute(text("CREATE UNIQUE INDEX ix_blind ON members (id) WHERE id > 0"))
    found = violations(connection)
    assert "stray: not placed in models/distribution.py" in found
    assert "members: unique index ix_blind (id) lacks state_code" in found
    assert "members: (shg_id) to institutions lacks state_code" in found
