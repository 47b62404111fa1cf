"""Idle flags, their events and observations keyed by state; tokens and people no longer refer
to institutions. Issue 18 (docs/scaling.md, "Before distributing").

- `idle_flags.state_code`: the institution's, held to it by the composite key
  `(institution_id, state_code)`; `UNIQUE (id, state_code)` for the flag's children; the one
  ongoing episode per institution, fund and rule is unique with the state in it (the same
  rows: an institution is in one state).
- `idle_flag_events.state_code` and `idle_observations.state_code`: the flag's, held to it by
  `(flag_id, state_code)`; an observation's primary key becomes `(run_id, flag_id,
  state_code)`. Both are append-only: their guards are set aside for the fill.
- `audit_runs` is a reference table and `import_jobs` local to the coordinator
  (models/distribution.py): neither changes here.
- `api_tokens.institution_id` and `people.institution_id` lose their foreign keys to
  institutions (a reference table may not refer to a distributed one); the columns stay, and
  the services that issue tokens and add people check the institution (`tokens.check_scope`).

Existing rows take their parent's state; nothing else in them changes. Downgrade puts the
single-column keys back and drops the columns.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-03 20:30:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside
from models.base import NAMING_CONVENTION

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

# The tables that refer to a flag by `flag_id`
FLAG_CHILDREN = ("idle_flag_events", "idle_observations")
# Reference tables that referred to institutions
NATIONAL = ("api_tokens", "people")
ONGOING = "closed_run_id IS NULL"


def _fill_state(table: str, column: str, parent: str) -> None:
    op.add_column(table, sa.Column("state_code", sa.String(length=4), nullable=True))
    op.execute(
        f"UPDATE {table} SET state_code ="
        f" (SELECT p.state_code FROM {parent} p WHERE p.id = {table}.{column})"
    )


def _ongoing_index(columns: list[str]) -> None:
    op.create_index(
        "uq_idle_flags_ongoing",
        "idle_flags",
        columns,
        unique=True,
        postgresql_where=sa.text(ONGOING),
        sqlite_where=sa.text(ONGOING),
    )


def _flags_up() -> None:
    # Dropped before SQLite's copy and made after it, so its WHERE is never left to reflection.
    op.drop_index("uq_idle_flags_ongoing", table_name="idle_flags")
    with set_aside("idle_flags"):
        _fill_state("idle_flags", "institution_id", "institutions")
        with op.batch_alter_table("idle_flags", schema=None) as batch_op:
            batch_op.alter_column("state_code", existing_type=sa.String(length=4), nullable=False)
            batch_op.drop_constraint(
                "fk_idle_flags_institution_id_institutions", type_="foreignkey"
            )
            batch_op.create_foreign_key(
                "fk_idle_flags_institution_id_state_code_institutions",
                "institutions",
                ["institution_id", "state_code"],
                ["id", "state_code"],
            )
            batch_op.create_unique_constraint("uq_idle_flags_id_state_code", ["id", "state_code"])
    _ongoing_index(["institution_id", "state_code", "fund", "rule_id"])


def _child_up(table: str) -> None:
    with set_aside(table):
        _fill_state(table, "flag_id", "idle_flags")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("state_code", existing_type=sa.String(length=4), nullable=False)
            batch_op.drop_constraint(f"fk_{table}_flag_id_idle_flags", type_="foreignkey")
            batch_op.create_foreign_key(
                f"fk_{table}_flag_id_state_code_idle_flags",
                "idle_flags",
                ["flag_id", "state_code"],
                ["id", "state_code"],
            )
            if table == "idle_observations":
                batch_op.drop_constraint("pk_idle_observations", type_="primary")
                batch_op.create_primary_key(
                    "pk_idle_observations", ["run_id", "flag_id", "state_code"]
                )


def _batch(table: str) -> Any:
    """On SQLite, a copy that names the foreign keys 0023 added without a table constraint's
    name (api_tokens.person_id) by the models' convention, so later migrations find them."""
    return op.batch_alter_table(table, schema=None, naming_convention=NAMING_CONVENTION)


def upgrade() -> None:
    _flags_up()
    for table in FLAG_CHILDREN:
        _child_up(table)
    for table in NATIONAL:
        with set_aside(table), _batch(table) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_institution_id_institutions", type_="foreignkey")


def _child_down(table: str) -> None:
    with set_aside(table), op.batch_alter_table(table, schema=None) as batch_op:
        if table == "idle_observations":
            batch_op.drop_constraint("pk_idle_observations", type_="primary")
            batch_op.create_primary_key("pk_idle_observations", ["run_id", "flag_id"])
        batch_op.drop_constraint(f"fk_{table}_flag_id_state_code_idle_flags", type_="foreignkey")
        batch_op.create_foreign_key(
            f"fk_{table}_flag_id_idle_flags", "idle_flags", ["flag_id"], ["id"]
        )
        batch_op.drop_column("state_code")


def _flags_down() -> None:
    op.drop_index("uq_idle_flags_ongoing", table_name="idle_flags")
    with set_aside("idle_flags"), op.batch_alter_table("idle_flags", schema=None) as batch_op:
        batch_op.drop_constraint("uq_idle_flags_id_state_code", type_="unique")
        batch_op.drop_constraint(
            "fk_idle_flags_institution_id_state_code_institutions", type_="foreignkey"
        )
        batch_op.create_foreign_key(
            "fk_idle_flags_institution_id_institutions", "institutions", ["institution_id"], ["id"]
        )
        batch_op.drop_column("state_code")
    _ongoing_index(["institution_id", "fund", "rule_id"])


def downgrade() -> None:
    for table in reversed(NATIONAL):
        with set_aside(table), _batch(table) as batch_op:
            batch_op.create_foreign_key(
                f"fk_{table}_institution_id_institutions",
                "institutions",
                ["institution_id"],
                ["id"],
            )
    for table in reversed(FLAG_CHILDREN):
        _child_down(table)
    _flags_down()
