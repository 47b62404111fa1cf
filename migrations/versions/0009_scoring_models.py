"""Trained scoring models with their cards; one active at most, chosen by an admin.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 10:14:13.239640
"""

from alembic import op
import sqlalchemy as sa

import models.base


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scoring_models',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.String(length=60), nullable=False),
    sa.Column('trained_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('trained_by', sa.String(length=120), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('artefact', sa.LargeBinary(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('activated_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('activated_by', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scoring_models')),
    sa.UniqueConstraint('version', name=op.f('uq_scoring_models_version'))
    )
    with op.batch_alter_table('scoring_models', schema=None) as batch_op:
        batch_op.create_index('uq_scoring_models_active', ['active'], unique=True, postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))



def downgrade() -> None:
    with op.batch_alter_table('scoring_models', schema=None) as batch_op:
        batch_op.drop_index('uq_scoring_models_active', postgresql_where=sa.text('active'), sqlite_where=sa.text('active'))

    op.drop_table('scoring_models')
