"""One credit enquiry per bank, member, consent and day (issue 16).

`credit_enquiries.on_day`: India's day of the enquiry, with a unique index on (bank_id,
member_id, consent_id, on_day), so a day's further views of her profile (reload, PDF, API)
add no enquiry. Existing rows are kept as they are, with `on_day` null (the table is
append-only, and the index lets nulls repeat): the credit history counts them once per bank,
consent and India's day of `at`, as the new rule does.

Revision ID: 0025
Revises: 0022
Create Date: 2026-12-03 17:10:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside

revision = "0025"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("credit_enquiries", sa.Column("on_day", sa.Date(), nullable=True))
    op.create_index(
        "uq_credit_enquiries_daily",
        "credit_enquiries",
        ["bank_id", "member_id", "consent_id", "on_day"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("uq_credit_enquiries_daily", table_name="credit_enquiries")
    if op.get_bind().dialect.name == "sqlite":
        # A copy, as 0016 and 0022 do, not SQLite's own DROP COLUMN: whether that accepts a
        # column depends on how the table's text was last written, which later migrations'
        # copies of credit_enquiries (0034) rewrite; a copy does not depend on it.
        with set_aside("credit_enquiries"), op.batch_alter_table("credit_enquiries") as batch_op:
            batch_op.drop_column("on_day")
        return
    op.drop_column("credit_enquiries", "on_day")
