"""A member loan's interest basis: "per_period" (the schedule's periodic rate for each whole
period, a part period prorated by its days; the default) or "actual_365" (actual days on the
yearly rate, for lenders whose terms say so). See models/interest.py.

Existing rows: every loan already recorded becomes "per_period", declining ones included,
although their repayments so far were split on actual/365. Why: actual/365 was never a term
of those loans, only the service's one rule; the schedule stored with each loan (what the
member was shown and agreed: its EMI, interest and principal per instalment) is on the
periodic rate, and keeping actual/365 would go on charging on-time payers more than their
schedule in 31-day months and showing them past due. Nothing posted is rewritten: the
journal entries and the stored splits (`loan_repayments`) of every repayment stay as they
were; from each loan's latest repayment (its `interest_through` date) on, interest runs per
period. What the old rule charged more or less than the schedule in past repayments (a few
rupees a month either way: 24% a year over 365 days averages 2% a month) stays in the books;
where it left her principal short of the schedule, that principal is still due, as before.
An SHG that wants a loan's past repayments split by its schedule reverses them newest first
and records them again (the reversals keep the trail). Flat loans are unaffected: their
interest is the schedule's whatever the basis.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 10:00:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


CHECK = "interest_basis IN ('per_period','actual_365')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


# On SQLite the column is added and dropped in place (ALTER TABLE ADD/DROP COLUMN, its check
# a column constraint), not by batch mode's copy of the table: that copy drops the old
# member_loans, which the loans' instalments, repayments and write-offs refer to, and with
# foreign keys on (app.db) the drop fails as soon as one loan is recorded.


def upgrade() -> None:
    if _sqlite():
        op.execute(
            "ALTER TABLE member_loans ADD COLUMN interest_basis VARCHAR(12)"
            " DEFAULT 'per_period' NOT NULL"
            f" CONSTRAINT ck_member_loans_interest_basis CHECK ({CHECK})"
        )
        return
    # The server default fills every existing row with "per_period" (see above).
    op.add_column(
        "member_loans",
        sa.Column(
            "interest_basis", sa.String(length=12), nullable=False, server_default="per_period"
        ),
    )
    op.create_check_constraint("interest_basis", "member_loans", CHECK)


def downgrade() -> None:
    if _sqlite():
        # A copy (foreign keys are off for migrations now, migrations/env.py): a later
        # migration's copy of member_loans (0029) made the column's check a table constraint,
        # which SQLite's own DROP COLUMN refuses to leave behind.
        with set_aside("member_loans"), op.batch_alter_table("member_loans") as batch_op:
            batch_op.drop_constraint(op.f("ck_member_loans_interest_basis"), type_="check")
            batch_op.drop_column("interest_basis")
        return
    op.drop_constraint(op.f("ck_member_loans_interest_basis"), "member_loans", type_="check")
    op.drop_column("member_loans", "interest_basis")
