"""Consents to share credit profiles with a bank, and the enquiries banks make. Neither is
ever deleted; an enquiry is never changed, and a consent changes only once: when it is
revoked (the database refuses anything else).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 09:55:29.869712
"""

from alembic import op
import sqlalchemy as sa

import models.base
from migrations.guards import append_only


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('consents',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('data_months', sa.Integer(), nullable=False),
    sa.Column('fetch_type', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('revoked_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=120), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=True),
    sa.CheckConstraint("fetch_type IN ('one_time', 'periodic')", name=op.f('ck_consents_fetch_type')),
    sa.CheckConstraint("purpose IN ('individual_loan', 'group_loan', 'loan_monitoring')", name=op.f('ck_consents_purpose')),
    sa.CheckConstraint('(revoked_at IS NULL) = (revoked_by IS NULL)', name=op.f('ck_consents_revocation')),
    sa.CheckConstraint('data_months BETWEEN 1 AND 36', name=op.f('ck_consents_data_months')),
    sa.CheckConstraint('expires_on >= starts_on', name=op.f('ck_consents_period')),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_consents_bank_id_banks')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_consents_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index('ix_consents_bank', ['bank_id', 'member_id'], unique=False)
        batch_op.create_index('ix_consents_member', ['member_id', 'id'], unique=False)

    op.create_table('credit_enquiries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('consent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_credit_enquiries_bank_id_banks')),
    sa.ForeignKeyConstraint(['consent_id'], ['consents.id'], name=op.f('fk_credit_enquiries_consent_id_consents')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_credit_enquiries_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_enquiries'))
    )
    with op.batch_alter_table('credit_enquiries', schema=None) as batch_op:
        batch_op.create_index('ix_credit_enquiries_member', ['member_id', 'id'], unique=False)
    _guard()


# A consent's terms are fixed once recorded; revocation fills the revoked_* columns once.
CONSENT_FIXED = ("member_id", "bank_id", "purpose", "starts_on", "expires_on", "data_months",
                 "fetch_type", "recorded_at", "recorded_by")


def _guard() -> None:
    append_only("credit_enquiries")
    if op.get_bind().dialect.name == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in CONSENT_FIXED)
        op.execute(f"""
CREATE FUNCTION bahi_consent_revocation_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR OLD.revoked_at IS NOT NULL OR {changed} THEN
    RAISE EXCEPTION 'bahi: a consent is never deleted or changed, only revoked once';
  END IF;
  RETURN NEW;
END $$""")
        op.execute("CREATE TRIGGER consents_revocation_only BEFORE UPDATE OR DELETE ON consents"
                   " FOR EACH ROW EXECUTE FUNCTION bahi_consent_revocation_only()")
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONSENT_FIXED)
    op.execute(f"CREATE TRIGGER consents_revocation_only BEFORE UPDATE ON consents"
               f" WHEN OLD.revoked_at IS NOT NULL OR {changed} BEGIN SELECT RAISE(ABORT,"
               " 'bahi: a consent is never changed, only revoked once'); END")
    op.execute("CREATE TRIGGER consents_no_delete BEFORE DELETE ON consents BEGIN"
               " SELECT RAISE(ABORT, 'bahi: a consent is never deleted'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER consents_revocation_only ON consents")
        op.execute("DROP FUNCTION bahi_consent_revocation_only()")
    with op.batch_alter_table('credit_enquiries', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_enquiries_member')

    op.drop_table('credit_enquiries')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index('ix_consents_member')
        batch_op.drop_index('ix_consents_bank')

    op.drop_table('consents')
