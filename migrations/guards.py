"""Database guards migrations share. Migrations that have run must keep their meaning: never
change what a function here emits; add a new function instead."""

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
