"""A member's social category (optional): kept only to check that scores treat groups
fairly (adverse impact on the model card); it is never an input to a score.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25 10:45:53.791927
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('social_category', sa.String(length=12), nullable=True))
        batch_op.create_check_constraint(
            'social_category',
            "social_category IS NULL OR social_category IN"
            " ('SC', 'ST', 'OBC', 'General', 'undisclosed')",
        )



def downgrade() -> None:
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_members_social_category'), type_='check')
        batch_op.drop_column('social_category')

