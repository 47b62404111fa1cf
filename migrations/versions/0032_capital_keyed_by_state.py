"""Capital support keyed by state: grants, facilities and the four tables of a facility's rows
(schedule, movements, drawing powers, subvention receipts). Issue 18: on a deployment
distributed by state every foreign key between distributed tables names the state on both
sides, and every primary or unique key includes it (docs/scaling.md, "Before distributing").

- grants: its entry, giver and receiver are referred to by (id, state_code). A grant is passed
  only down the receiver's own line (a CLF or VO to an institution under it, the state mission
  to any), so all three are in the grant's state already.
- facilities: borrower and lender by (id, state_code); a federation lends only below itself.
- facility_instalments, drawing_powers, facility_movements, subvention_receipts: each gains
  `state_code`, filled from its facility, then NOT NULL; its facility (and its entry, for the
  movements and receipts: the borrower's entry, in the facility's state) are referred to by
  (id, state_code), and `state_code` joins the primary key after the facility or entry:
  `(facility_id, state_code, number)`, `(facility_id, state_code, effective_on)`,
  `(entry_id, state_code)`. The rows a key allows are the same, since a facility or an entry
  is in one state.

Three of the six are append-only: their guards are set aside for the fill and the copy and put
back as they were (migrations/guards.py). On SQLite each table is copied (SQLite changes keys no
other way), with foreign keys off for the run (migrations/env.py). Downgrade puts the
single-column keys back and drops the added columns.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-03 20:15:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

# table -> the columns that refer to a distributed parent, and the parent
REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "grants": (
        ("entry_id", "journal_entries"),
        ("giver_id", "institutions"),
        ("receiver_id", "institutions"),
    ),
    "facilities": (("borrower_id", "institutions"), ("lender_id", "institutions")),
    "facility_instalments": (("facility_id", "facilities"),),
    "drawing_powers": (("facility_id", "facilities"),),
    "facility_movements": (("entry_id", "journal_entries"), ("facility_id", "facilities")),
    "subvention_receipts": (("entry_id", "journal_entries"), ("facility_id", "facilities")),
}

# A facility's rows, which take its state: their primary key before, and after.
ROWS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "facility_instalments": (("facility_id", "number"), ("facility_id", "state_code", "number")),
    "drawing_powers": (
        ("facility_id", "effective_on"),
        ("facility_id", "state_code", "effective_on"),
    ),
    "facility_movements": (("entry_id",), ("entry_id", "state_code")),
    "subvention_receipts": (("entry_id",), ("entry_id", "state_code")),
}


def _fill_state(table: str) -> None:
    op.add_column(table, sa.Column("state_code", sa.String(length=4), nullable=True))
    op.execute(
        f"UPDATE {table} SET state_code ="
        f" (SELECT f.state_code FROM facilities f WHERE f.id = {table}.facility_id)"
    )


def upgrade() -> None:
    for table, references in REFERENCES.items():
        with set_aside(table):
            if table in ROWS:
                _fill_state(table)
            with op.batch_alter_table(table, schema=None) as batch_op:
                if table in ROWS:
                    batch_op.alter_column(
                        "state_code", existing_type=sa.String(length=4), nullable=False
                    )
                    batch_op.drop_constraint(f"pk_{table}", type_="primary")
                    batch_op.create_primary_key(f"pk_{table}", list(ROWS[table][1]))
                for column, parent in references:
                    batch_op.drop_constraint(f"fk_{table}_{column}_{parent}", type_="foreignkey")
                    batch_op.create_foreign_key(
                        f"fk_{table}_{column}_state_code_{parent}",
                        parent,
                        [column, "state_code"],
                        ["id", "state_code"],
                    )


def downgrade() -> None:
    for table, references in reversed(REFERENCES.items()):
        with set_aside(table), op.batch_alter_table(table, schema=None) as batch_op:
            for column, parent in references:
                batch_op.drop_constraint(
                    f"fk_{table}_{column}_state_code_{parent}", type_="foreignkey"
                )
                batch_op.create_foreign_key(
                    f"fk_{table}_{column}_{parent}", parent, [column], ["id"]
                )
            if table in ROWS:
                batch_op.drop_constraint(f"pk_{table}", type_="primary")
                batch_op.create_primary_key(f"pk_{table}", list(ROWS[table][0]))
                batch_op.drop_column("state_code")
