"""`api_tokens.scope_state`: the state of the institution a bookkeeper's or auditor's token is
scoped to. Issue 18: every request checks its token and reads its scope's institution; with
the state beside the id, that join names the state and, on a deployment distributed by state,
goes to one node. Tokens are a reference table and keep `institution_id` without a foreign
key (migration 0033); a check holds the two columns together (both set or both empty).

Existing tokens take their institution's state; admin and bank tokens have none.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-03 21:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("scope_state", sa.String(length=4), nullable=True))
    op.execute(
        "UPDATE api_tokens SET scope_state ="
        " (SELECT i.state_code FROM institutions i WHERE i.id = api_tokens.institution_id)"
        " WHERE institution_id IS NOT NULL"
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f("ck_api_tokens_scope_state"), "(institution_id IS NULL) = (scope_state IS NULL)"
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_scope_state"), type_="check")
        batch_op.drop_column("scope_state")
