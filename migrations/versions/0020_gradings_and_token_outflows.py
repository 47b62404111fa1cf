"""SHG gradings (append-only), read by the Revolving Fund rule; a token share on idle-fund
rules; the CLF's CIF utilisation rule.

Existing rows:
- `shg_gradings` starts empty: no SHG has a grading recorded, so a Revolving Fund grant to an
  SHG is refused ("no grading recorded") until its bookkeeper records one. Grants already
  given stand as they are.
- `idle_rules.token_outflow_bp` is 0 (every outflow counts, as before) for every rule, then
  500 (5%) for the rules migration 0006 seeded that nobody has edited since
  (`updated_by = 'migration 0006'`), as models/idle_rules.json now starts them. A rule an
  admin created or edited keeps counting every outflow until she sets a share.
- The rule `clf-cif-below-60` (CLF CIF utilisation below 60% on the run date and 90 days
  before) is added unless a rule of that code exists (a new installation's migration 0006
  seeds it from the JSON already). Downgrading keeps it: flags may name it, and it is a valid
  rule without the new column.

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

import models.base
from migrations.guards import append_only

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None

SEEDED_NO_OUTFLOW = (
    "clf-cif-90d", "clf-rf-90d", "clf-startup-90d", "clf-own-90d", "vo-cif-90d", "vo-rf-90d",
    "vo-vrf-90d", "vo-own-90d", "shg-own-90d",
)
TOKEN_OUTFLOW_BP = 500


def upgrade() -> None:
    op.create_table(
        "shg_gradings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shg_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("graded_on", sa.Date(), nullable=False),
        sa.Column("grade", sa.String(length=2), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("graded_by", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=True),
        sa.Column("recorded_at", models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint("grade IN ('A', 'B', 'C')", name=op.f("ck_shg_gradings_grade")),
        sa.CheckConstraint(
            "score IS NULL OR score BETWEEN 0 AND 100", name=op.f("ck_shg_gradings_score")
        ),
        sa.ForeignKeyConstraint(
            ["shg_id"], ["institutions.id"], name=op.f("fk_shg_gradings_shg_id_institutions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shg_gradings")),
    )
    with op.batch_alter_table("shg_gradings", schema=None) as batch_op:
        batch_op.create_index("ix_shg_gradings_shg", ["shg_id", "graded_on"], unique=False)
    append_only("shg_gradings")

    with op.batch_alter_table("idle_rules", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("token_outflow_bp", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            "token_outflow",
            "token_outflow_bp BETWEEN 0 AND 10000"
            " AND (kind = 'no_outflow' OR token_outflow_bp = 0)",
        )
    rules = sa.table(
        "idle_rules",
        *(sa.column(c) for c in ("code", "kind", "token_outflow_bp", "updated_by")),
    )
    op.execute(
        rules.update()
        .where(
            rules.c.code.in_(SEEDED_NO_OUTFLOW),
            rules.c.kind == "no_outflow",
            rules.c.updated_by == "migration 0006",
        )
        .values(token_outflow_bp=TOKEN_OUTFLOW_BP)
    )
    op.execute(
        sa.text(
            "INSERT INTO idle_rules (code, level, fund, kind, min_balance_paise, days,"
            " max_utilisation_bp, token_outflow_bp, active, created_at, created_by, updated_at,"
            " updated_by)"
            " SELECT 'clf-cif-below-60', 'clf', 'cif', 'low_utilisation', 0, 90, 6000, 0,"
            " :yes, CURRENT_TIMESTAMP, 'migration 0020', CURRENT_TIMESTAMP, 'migration 0020'"
            " WHERE NOT EXISTS (SELECT 1 FROM idle_rules WHERE code = 'clf-cif-below-60')"
        ).bindparams(yes=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("idle_rules", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_idle_rules_token_outflow"), type_="check")
        batch_op.drop_column("token_outflow_bp")
    with op.batch_alter_table("shg_gradings", schema=None) as batch_op:
        batch_op.drop_index("ix_shg_gradings_shg")
    op.drop_table("shg_gradings")
