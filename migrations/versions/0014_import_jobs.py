"""Import jobs: meeting-sheet files too large for one web request, queued for the scheduler
process (see models/imports.py).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:10:00
"""

import sqlalchemy as sa
from alembic import op

from models.base import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column(
            "token_id",
            BigId,
            sa.ForeignKey("api_tokens.id", name="fk_import_jobs_token_id_api_tokens"),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("scope_path", sa.String(400), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("file_bytes", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("lease_until", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name="status"
        ),
        sa.CheckConstraint("mode IN ('dry-run', 'apply')", name="mode"),
    )
    op.create_index("ix_import_jobs_status_id", "import_jobs", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_import_jobs_status_id", table_name="import_jobs")
    op.drop_table("import_jobs")
