"""A bank loan keeps two rates: the rate charged to the SHG (`rate_bp`, as before) and the
bank's own rate (`bank_rate_bp`), on which the interest subvention claim is computed.

Existing bank loans: `bank_rate_bp` is set to the one rate they were recorded with, and
`rates_carried_forward` is set true. Why both equal rather than guessing: that one rate was
used both for the SHG's interest (computed or checked against the bank's figure, so the SHG's
books were kept at it) and as the claim's base, and nothing recorded says which of the two it
really was. Keeping it in both changes no posted entry and no figure already shown (interest,
claims, incentives); the flag shows on the loan (`GET /bank-loans/{id}`) until someone who
knows the sanction confirms the two rates once (`PATCH /bank-loans/{id}`). Setting the SHG's
rate to the scheme rate wherever the district is category I would have silently lowered the
SHG's interest on loans whose bank really charged more, and the category depends on the year.
Federation loans (CIF, VRF) have no bank rate: it stays null, and a check keeps it so.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-10 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bank_rate_bp", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "rates_carried_forward", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(sa.Column("rates_confirmed_by", sa.String(length=120), nullable=True))
    op.execute(
        "UPDATE facilities SET bank_rate_bp = rate_bp, rates_carried_forward = TRUE"
        " WHERE fund = 'bank'"
    )
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.create_check_constraint(
            "bank_rate",
            "(fund = 'bank') = (bank_rate_bp IS NOT NULL)"
            " AND (bank_rate_bp IS NULL OR bank_rate_bp >= 0)",
        )


def downgrade() -> None:
    with op.batch_alter_table("facilities", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_facilities_bank_rate"), type_="check")
        batch_op.drop_column("rates_confirmed_by")
        batch_op.drop_column("rates_carried_forward")
        batch_op.drop_column("bank_rate_bp")
