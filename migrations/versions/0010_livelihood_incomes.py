"""Members' household incomes by season or business cycle (append-only: a wrong record is
replaced by a new one), from which Lakhpati Didi status is derived.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 10:19:39.471972
"""

from alembic import op
import sqlalchemy as sa

import models.base
from migrations.guards import append_only


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('livelihood_incomes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity', sa.String(length=100), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('income_paise', sa.BigInteger(), nullable=False),
    sa.Column('replaces_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('income_paise >= 0', name=op.f('ck_livelihood_incomes_income')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_livelihood_incomes_period')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_livelihood_incomes_member_id_members')),
    sa.ForeignKeyConstraint(['replaces_id'], ['livelihood_incomes.id'], name=op.f('fk_livelihood_incomes_replaces_id_livelihood_incomes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_livelihood_incomes')),
    sa.UniqueConstraint('replaces_id', name=op.f('uq_livelihood_incomes_replaces_id'))
    )
    with op.batch_alter_table('livelihood_incomes', schema=None) as batch_op:
        batch_op.create_index('ix_livelihood_incomes_member', ['member_id', 'period_end'], unique=False)
    append_only("livelihood_incomes")


def downgrade() -> None:
    with op.batch_alter_table('livelihood_incomes', schema=None) as batch_op:
        batch_op.drop_index('ix_livelihood_incomes_member')

    op.drop_table('livelihood_incomes')
