"""Capital support, facilities (CIF, VRF and bank loans) and interest subvention.

Also moves the standard charts to version 2: CLF books gain 3200 Start-up fund received for
VOs and SHGs, SHG books gain 5250 Interest on VRF loan. Books opened on version 1 get the
new account here, so every book of a kind has the same chart.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 08:33:03.342792
"""

from alembic import op
import sqlalchemy as sa

import models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


# Movements on money are never edited: a mistake is corrected by reversing the entry.
APPEND_ONLY = ("grants", "facility_movements", "subvention_receipts", "facility_instalments")

CHART_ADDITIONS = (
    ("clf-standard@1", "clf-standard@2", "3200", "startup_fund",
     "Start-up fund received for VOs and SHGs", "fund", "C"),
    ("shg-standard@1", "shg-standard@2", "5250", "vrf_interest",
     "Interest on VRF loan", "expense", "D"),
)


def _upgrade_charts() -> None:
    for old, new, code, role, name, kind, side in CHART_ADDITIONS:
        op.execute(sa.text(
            "INSERT INTO accounts (book_id, state_code, code, role, name, type, normal_side,"
            " allow_negative, postable, balance_paise, status, created_at, created_by)"
            " SELECT id, state_code, :code, :role, :name, :kind, :side, :yes, :yes, 0, 'open',"
            " CURRENT_TIMESTAMP, 'migration 0004' FROM books WHERE chart = :old"
        ).bindparams(code=code, role=role, name=name, kind=kind, side=side, yes=True, old=old))
        op.execute(sa.text("UPDATE books SET chart = :new WHERE chart = :old")
                   .bindparams(new=new, old=old))


def _guard_append_only() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                       " FOR EACH ROW EXECUTE FUNCTION bahi_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                       " FOR EACH STATEMENT EXECUTE FUNCTION bahi_refuse_change()")
            continue
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} BEGIN"
                f" SELECT RAISE(ABORT, 'bahi: {table} is append-only; correct a mistake with"
                " a reversal'); END"
            )


def upgrade() -> None:
    op.create_table('facilities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('fund', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('borrower_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('lender_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('account_number', sa.String(length=40), nullable=True),
    sa.Column('dose', sa.Integer(), nullable=True),
    sa.Column('sanctioned_on', sa.Date(), nullable=False),
    sa.Column('limit_paise', sa.BigInteger(), nullable=False),
    sa.Column('rate_bp', sa.Integer(), nullable=False),
    sa.Column('rate_basis', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('frequency', sa.String(length=12), nullable=False),
    sa.Column('instalments', sa.Integer(), nullable=False),
    sa.Column('moratorium_periods', sa.Integer(), nullable=False),
    sa.Column('disbursed_on', sa.Date(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("(fund = 'bank') = (branch_id IS NOT NULL AND lender_id IS NULL)", name=op.f('ck_facilities_lender')),
    sa.CheckConstraint("frequency IN ('weekly','fortnightly','monthly')", name=op.f('ck_facilities_frequency')),
    sa.CheckConstraint("fund = 'bank' OR kind = 'term'", name=op.f('ck_facilities_federation_loans_are_term')),
    sa.CheckConstraint("fund IN ('cif', 'vrf', 'bank')", name=op.f('ck_facilities_fund')),
    sa.CheckConstraint("kind IN ('term', 'cash_credit')", name=op.f('ck_facilities_kind')),
    sa.CheckConstraint("method IN ('flat','declining')", name=op.f('ck_facilities_method')),
    sa.CheckConstraint("rate_basis IN ('per_month','per_annum')", name=op.f('ck_facilities_rate_basis')),
    sa.CheckConstraint('instalments > 0 AND moratorium_periods >= 0', name=op.f('ck_facilities_tenure')),
    sa.CheckConstraint('limit_paise > 0', name=op.f('ck_facilities_limit_positive')),
    sa.CheckConstraint('rate_bp >= 0', name=op.f('ck_facilities_rate_not_negative')),
    sa.ForeignKeyConstraint(['borrower_id'], ['institutions.id'], name=op.f('fk_facilities_borrower_id_institutions')),
    sa.ForeignKeyConstraint(['branch_id'], ['bank_branches.id'], name=op.f('fk_facilities_branch_id_bank_branches')),
    sa.ForeignKeyConstraint(['lender_id'], ['institutions.id'], name=op.f('fk_facilities_lender_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facilities'))
    )
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.create_index('ix_facilities_borrower', ['borrower_id', 'id'], unique=False)
        batch_op.create_index('ix_facilities_branch', ['branch_id', 'id'], unique=False)
        batch_op.create_index('ix_facilities_lender', ['lender_id', 'id'], unique=False)

    op.create_table('drawing_powers',
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('amount_paise >= 0', name=op.f('ck_drawing_powers_amount_not_negative')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_drawing_powers_facility_id_facilities')),
    sa.PrimaryKeyConstraint('facility_id', 'effective_on', name=op.f('pk_drawing_powers'))
    )
    op.create_table('facility_instalments',
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('principal_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_paise', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('principal_paise >= 0 AND interest_paise >= 0', name=op.f('ck_facility_instalments_amounts')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_facility_instalments_facility_id_facilities')),
    sa.PrimaryKeyConstraint('facility_id', 'number', name=op.f('pk_facility_instalments'))
    )
    op.create_table('facility_movements',
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('principal_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_paise', sa.BigInteger(), nullable=False),
    sa.Column('interest_through', sa.Date(), nullable=False),
    sa.Column('interest_unpaid_paise', sa.BigInteger(), nullable=False),
    sa.Column('penalty_unpaid_paise', sa.BigInteger(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("kind IN ('draw', 'repay', 'interest', 'incentive')", name=op.f('ck_facility_movements_kind')),
    sa.CheckConstraint('principal_paise + interest_paise > 0', name=op.f('ck_facility_movements_moves_money')),
    sa.CheckConstraint('principal_paise >= 0 AND interest_paise >= 0 AND interest_unpaid_paise >= 0 AND penalty_unpaid_paise >= 0', name=op.f('ck_facility_movements_amounts')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_facility_movements_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_facility_movements_facility_id_facilities')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_facility_movements'))
    )
    with op.batch_alter_table('facility_movements', schema=None) as batch_op:
        batch_op.create_index('ix_facility_movements_facility', ['facility_id', 'value_date'], unique=False)

    op.create_table('grants',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('fund', sa.String(length=20), nullable=False),
    sa.Column('giver_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('receiver_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('tranche', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("fund IN ('revolving_fund', 'startup_fund', 'cif_corpus', 'vrf_corpus', 'other_grants')", name=op.f('ck_grants_fund')),
    sa.CheckConstraint('amount_paise > 0', name=op.f('ck_grants_amount_positive')),
    sa.CheckConstraint('giver_id IS NULL OR giver_id <> receiver_id', name=op.f('ck_grants_not_to_itself')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_grants_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['giver_id'], ['institutions.id'], name=op.f('fk_grants_giver_id_institutions')),
    sa.ForeignKeyConstraint(['receiver_id'], ['institutions.id'], name=op.f('fk_grants_receiver_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grants'))
    )
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.create_index('ix_grants_giver', ['giver_id', 'fund'], unique=False)
        batch_op.create_index('ix_grants_receiver', ['receiver_id', 'fund'], unique=False)

    op.create_table('subvention_receipts',
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('facility_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('credited_to', sa.String(length=12), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("credited_to IN ('loan_account','bank')", name=op.f('ck_subvention_receipts_credited_to')),
    sa.CheckConstraint('amount_paise > 0', name=op.f('ck_subvention_receipts_amount_positive')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_subvention_receipts_period')),
    sa.ForeignKeyConstraint(['entry_id'], ['journal_entries.id'], name=op.f('fk_subvention_receipts_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['facility_id'], ['facilities.id'], name=op.f('fk_subvention_receipts_facility_id_facilities')),
    sa.PrimaryKeyConstraint('entry_id', name=op.f('pk_subvention_receipts'))
    )
    with op.batch_alter_table('subvention_receipts', schema=None) as batch_op:
        batch_op.create_index('ix_subvention_receipts_facility', ['facility_id', 'period_start'], unique=False)

    _guard_append_only()
    _upgrade_charts()



def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    # The added accounts stay: they may carry postings, and postings are never deleted.
    with op.batch_alter_table('subvention_receipts', schema=None) as batch_op:
        batch_op.drop_index('ix_subvention_receipts_facility')

    op.drop_table('subvention_receipts')
    with op.batch_alter_table('grants', schema=None) as batch_op:
        batch_op.drop_index('ix_grants_receiver')
        batch_op.drop_index('ix_grants_giver')

    op.drop_table('grants')
    with op.batch_alter_table('facility_movements', schema=None) as batch_op:
        batch_op.drop_index('ix_facility_movements_facility')

    op.drop_table('facility_movements')
    op.drop_table('facility_instalments')
    op.drop_table('drawing_powers')
    with op.batch_alter_table('facilities', schema=None) as batch_op:
        batch_op.drop_index('ix_facilities_lender')
        batch_op.drop_index('ix_facilities_branch')
        batch_op.drop_index('ix_facilities_borrower')

    op.drop_table('facilities')
