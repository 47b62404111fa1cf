"""Each member-loan instalment carries the principal due through it (cumulative), so arrears
age with one indexed comparison per instalment instead of a window over every schedule.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principal_through_paise', sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE loan_instalments SET principal_through_paise = ("
        " SELECT sum(earlier.principal_paise) FROM loan_instalments AS earlier"
        " WHERE earlier.loan_id = loan_instalments.loan_id"
        " AND earlier.number <= loan_instalments.number)"
    )
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.alter_column('principal_through_paise', existing_type=sa.BigInteger(),
                              nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.drop_column('principal_through_paise')
