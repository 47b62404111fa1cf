"""Credit scores as they were given (model, inputs, reasons), append-only, so that any past
score can be explained.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 10:04:14.875703
"""

from alembic import op
import sqlalchemy as sa

import models.base
from migrations.guards import append_only


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credit_scores',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('model', sa.String(length=60), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('scored_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('scored_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('score IS NULL OR score BETWEEN 300 AND 900', name=op.f('ck_credit_scores_range')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_credit_scores_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_scores'))
    )
    with op.batch_alter_table('credit_scores', schema=None) as batch_op:
        batch_op.create_index('ix_credit_scores_member', ['member_id', 'id'], unique=False)
    append_only("credit_scores")


def downgrade() -> None:
    with op.batch_alter_table('credit_scores', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_scores_member')

    op.drop_table('credit_scores')
