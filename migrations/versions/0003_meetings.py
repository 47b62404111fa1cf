"""SHG meetings: attendance and the entries each meeting posted.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 07:17:03.003943
"""

from alembic import op
import sqlalchemy as sa

import models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meetings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shg_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('members_present', sa.Integer(), nullable=False),
    sa.Column('members_total', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('reversed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('reversed_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['shg_id'], ['institutions.id'], name=op.f('fk_meetings_shg_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('shg_id', 'meeting_date', 'revision', name=op.f('uq_meetings_shg_id_meeting_date_revision'))
    )
    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_attendance_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_meeting_attendance_member_id_members')),
    sa.PrimaryKeyConstraint('meeting_id', 'member_id', name=op.f('pk_meeting_attendance'))
    )
    op.create_table('meeting_entries',
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_meeting_entries_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_entries_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('meeting_id', 'entry_id', name=op.f('pk_meeting_entries'))
    )


def downgrade() -> None:
    op.drop_table('meeting_entries')
    op.drop_table('meeting_attendance')
    op.drop_table('meetings')
