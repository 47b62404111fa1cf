"""Members' KYC in versions (models/kyc.py): what RBI's tables ask banks to report for SHG
members. Append-only: an edit is a new version. Existing members have no KYC row; their
reporting shows what is missing until a bookkeeper records it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 16:40:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import append_only
from models.base import UtcDateTime

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "member_kyc",
        sa.Column("id", BigId, primary_key=True),
        sa.Column(
            "member_id",
            BigId,
            sa.ForeignKey("members.id", name="fk_member_kyc_member_id_members"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("full_name", sa.String(200)),
        sa.Column("date_of_birth", sa.Date()),
        sa.Column("age_years", sa.Integer()),
        sa.Column("age_as_on", sa.Date()),
        sa.Column("gender", sa.String(12)),
        sa.Column("marital_status", sa.String(10)),
        sa.Column("key_person_name", sa.String(200)),
        sa.Column("key_person_relation", sa.String(10)),
        sa.Column("address_line", sa.String(200)),
        sa.Column("village_or_town", sa.String(100)),
        sa.Column("district_name", sa.String(100)),
        sa.Column("state_code", sa.String(4)),
        sa.Column("pin_code", sa.String(6)),
        sa.Column("phone", sa.String(10)),
        sa.Column("voter_id", sa.String(20)),
        sa.Column("ration_card", sa.String(30)),
        sa.Column("other_id_type", sa.String(20)),
        sa.Column("other_id_number", sa.String(30)),
        sa.Column("ckyc_number", sa.String(14)),
        sa.Column("bank_account_number", sa.String(20)),
        sa.Column("bank_ifsc", sa.String(11)),
        sa.Column("aadhaar_last4", sa.String(4)),
        sa.Column("recorded_at", UtcDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("member_id", "version", name="uq_member_kyc_member_id_version"),
        sa.CheckConstraint("version >= 1", name="version"),
        sa.CheckConstraint(
            "gender IS NULL OR gender IN ('female', 'male', 'transgender')",
            name="gender",
        ),
        sa.CheckConstraint(
            "key_person_relation IS NULL OR key_person_relation IN"
            " ('husband', 'father', 'mother', 'son', 'brother', 'other')",
            name="key_person_relation",
        ),
        sa.CheckConstraint(
            "other_id_type IS NULL OR other_id_type IN"
            " ('pan', 'passport', 'driving_licence', 'nrega_job_card', 'other')",
            name="other_id_type",
        ),
        sa.CheckConstraint(
            "marital_status IS NULL OR marital_status IN"
            " ('married', 'separated', 'divorced', 'widowed', 'unmarried')",
            name="marital_status",
        ),
        sa.CheckConstraint(
            "aadhaar_last4 IS NULL OR length(aadhaar_last4) = 4", name="aadhaar_last4"
        ),
    )
    op.create_index("ix_member_kyc_member_version", "member_kyc", ["member_id", "version"])
    append_only("member_kyc")


def downgrade() -> None:
    op.drop_table("member_kyc")
