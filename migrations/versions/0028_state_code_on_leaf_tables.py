"""`state_code` on three tables that lacked it, each keyed to its parent by (id, state_code):
credit scores (to the member), SHG gradings (to the SHG) and period closes (to the book).
Issue 18: on a deployment distributed by state, a row lives on its state's node and a foreign
key between distributed tables must carry the state (docs/scaling.md).

Existing rows: each takes its parent's state (the member's, the SHG's, the book's), which the
composite key then holds it to; nothing else in them changes. The three tables are append-only:
their guards are set aside for this one fill and put back as they were (on SQLite the table is
copied, which drops its triggers: they are read first and made again from their own text).
Downgrade drops the column and puts the single-column foreign keys back.

Revision ID: 0028
Revises: 0022
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside

revision = "0028"
down_revision = "0025"
branch_labels = None
depends_on = None

# (table, its column naming the parent, the parent table)
CHILDREN = (
    ("credit_scores", "member_id", "members"),
    ("shg_gradings", "shg_id", "institutions"),
    ("period_events", "book_id", "books"),
)


def upgrade() -> None:
    for table, column, parent in CHILDREN:
        with set_aside(table):
            op.add_column(table, sa.Column("state_code", sa.String(length=4), nullable=True))
            op.execute(
                f"UPDATE {table} SET state_code ="
                f" (SELECT p.state_code FROM {parent} p WHERE p.id = {table}.{column})"
            )
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.alter_column(
                    "state_code", existing_type=sa.String(length=4), nullable=False
                )
                batch_op.drop_constraint(f"fk_{table}_{column}_{parent}", type_="foreignkey")
                batch_op.create_foreign_key(
                    f"fk_{table}_{column}_state_code_{parent}",
                    parent,
                    [column, "state_code"],
                    ["id", "state_code"],
                )


def downgrade() -> None:
    for table, column, parent in reversed(CHILDREN):
        with set_aside(table):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint(
                    f"fk_{table}_{column}_state_code_{parent}", type_="foreignkey"
                )
                batch_op.create_foreign_key(
                    f"fk_{table}_{column}_{parent}", parent, [column], ["id"]
                )
                batch_op.drop_column("state_code")
