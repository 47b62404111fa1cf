"""Database guards migrations share. Migrations that have run must keep their meaning: never
change what a function here emits; add a new function instead."""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on `table`, on PostgreSQL (through bahi_refuse_change, made by
    migration 0001) and on SQLite."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION bahi_refuse_change()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, 'bahi: {table} is append-only'); END"
        )


@contextmanager
def set_aside(table: str) -> Iterator[None]:
    """`table`'s own triggers (its append-only guards among them) off while a migration fills
    or copies it, and back as they were after. On PostgreSQL they are disabled and enabled;
    on SQLite, where changing a table's keys copies it and the copy has no triggers, they are
    read, dropped, and made again from their own text."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    triggers = bind.execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
        {"t": table},
    ).all()
    for name, _ in triggers:
        op.execute(f"DROP TRIGGER {name}")
    yield
    for _, sql in triggers:
        op.execute(sql)
