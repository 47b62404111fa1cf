"""Member loans: terms, stored schedules and repayment splits.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 07:09:46.642632
"""

from alembic import op
import sqlalchemy as sa

import models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_loans',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shg_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('principal_paise', sa.BigInteger(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('rate_basis', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('moratorium_periods', sa.Integer(), nullable=False),
    sa.Column('disbursed_on', sa.Date(), nullable=False),
    sa.Column('fund_source', sa.String(length=10), nullable=False),
    sa.Column('fund_reference', sa.String(length=100), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=True),
    sa.Column('allocation_order', sa.String(length=40), nullable=False),
    sa.Column('disbursement_entry_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("frequency IN ('weekly','fortnightly','monthly')", name=op.f('ck_member_loans_frequency')),
    sa.CheckConstraint("fund_source IN ('own','cif','bank_loan','vrf')", name=op.f('ck_member_loans_fund_source')),
    sa.CheckConstraint("method IN ('flat','declining')", name=op.f('ck_member_loans_method')),
    sa.CheckConstraint("rate_basis IN ('per_month','per_annum')", name=op.f('ck_member_loans_rate_basis')),
    sa.CheckConstraint('instalments > 0 AND moratorium_periods >= 0', name=op.f('ck_member_loans_tenure')),
    sa.CheckConstraint('principal_paise > 0', name=op.f('ck_member_loans_principal_positive')),
    sa.CheckConstraint('rate_bp >= 0', name=op.f('ck_member_loans_rate_not_negative')),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_member_loans_account_id_accounts')),
    sa.ForeignKeyConstraint(['disbursement_entry_id'], ['journal_entries.id'], name=op.f('fk_member_loans_disbursement_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_member_loans_member_id_members')),
    sa.ForeignKeyConstraint(['shg_id', 'state_code'], ['institutions.id', 'institutions.state_code'], name=op.f('fk_member_loans_shg_id_state_code_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_loans')),
    sa.UniqueConstraint('account_id', name=op.f('uq_member_loans_account_id'))
    )
    with op.batch_alter_table('member_loans', schema=None) as batch_op:
        batch_op.create_index('ix_member_loans_member', ['member_id'], unique=False)
        batch_op.create_index('ix_member_loans_shg', ['shg_id', 'id'], unique=False)

    op.create_table('loan_instalments',
    sa.Column('loan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('principal_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_paise', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('principal_paise >= 0 AND interest_paise >= 0', name=op.f('ck_loan_instalments_amounts')),
    sa.ForeignKeyConstraint(['loan_id'], ['member_loans.id'], name=op.f('fk_loan_instalments_loan_id_member_loans')),
    sa.PrimaryKeyConstraint('loan_id', 'number', name=op.f('pk_loan_instalments'))
    )
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.create_index('ix_loan_instalments_due', ['due_on'], unique=False)

    op.create_table('loan_repayments',
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('loan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('penalty_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_paise', sa.BigInteger(), nullable=False),
    sa.Column('principal_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_through', sa.Date(), nullable=False),
    sa.Column('penalty_unpaid_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_unpaid_paise', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('penalty_paise >= 0 AND interest_paise >= 0 AND principal_paise >= 0 AND penalty_unpaid_paise >= 0 AND interest_unpaid_paise >= 0', name=op.f('ck_loan_repayments_amounts')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_loan_repayments_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['loan_id'], ['member_loans.id'], name=op.f('fk_loan_repayments_loan_id_member_loans')),
    sa.PrimaryKeyConstraint('entry_id', 'loan_id', name=op.f('pk_loan_repayments'))
    )
    with op.batch_alter_table('loan_repayments', schema=None) as batch_op:
        batch_op.create_index('ix_loan_repayments_loan', ['loan_id', 'value_date'], unique=False)
    op.create_table('loan_write_offs',
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('loan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('principal_paise', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('principal_paise > 0', name=op.f('ck_loan_write_offs_principal_positive')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_loan_write_offs_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['loan_id'], ['member_loans.id'], name=op.f('fk_loan_write_offs_loan_id_member_loans')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_loan_write_offs'))
    )
    with op.batch_alter_table('loan_write_offs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_write_offs_loan_id'), ['loan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('loan_write_offs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_write_offs_loan_id'))

    op.drop_table('loan_write_offs')
    with op.batch_alter_table('loan_repayments', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_repayments_loan')

    op.drop_table('loan_repayments')
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_instalments_due')

    op.drop_table('loan_instalments')
    with op.batch_alter_table('member_loans', schema=None) as batch_op:
        batch_op.drop_index('ix_member_loans_shg')
        batch_op.drop_index('ix_member_loans_member')

    op.drop_table('member_loans')
