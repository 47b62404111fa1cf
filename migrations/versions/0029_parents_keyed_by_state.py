"""`UNIQUE (id, state_code)` on the four parents that had `state_code` but no key with it:
accounts, journal entries, member loans and facilities. Issue 18: a foreign key between tables
distributed by state must name the state on both sides, and its target must be a unique key;
these are the targets the composite keys of the tables that refer to them need
(docs/scaling.md, "Before distributing"). Rows are untouched: `id` is unique already, so
`(id, state_code)` is too.

On SQLite each table is copied (SQLite changes a table's keys no other way), with foreign keys
off for the run (migrations/env.py) and its triggers made again from their own text.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 20:00:00
"""

from alembic import op

from migrations.guards import set_aside

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

PARENTS = ("accounts", "journal_entries", "member_loans", "facilities")


def upgrade() -> None:
    for table in PARENTS:
        with set_aside(table), op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_unique_constraint(f"uq_{table}_id_state_code", ["id", "state_code"])


def downgrade() -> None:
    for table in reversed(PARENTS):
        with set_aside(table), op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"uq_{table}_id_state_code", type_="unique")
