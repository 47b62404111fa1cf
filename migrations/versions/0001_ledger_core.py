"""Ledger core: federation tree, books, journal, tokens, and the triggers that guard them.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 06:10:17.184882
"""

from alembic import op
import sqlalchemy as sa

import models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('banks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ifsc_prefix', sa.String(length=4), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("status IN ('active', 'dormant', 'closed')", name=op.f('ck_banks_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_banks')),
    sa.UniqueConstraint('ifsc_prefix', name=op.f('uq_banks_ifsc_prefix')),
    sa.UniqueConstraint('name', name=op.f('uq_banks_name'))
    )
    op.create_table('entry_sets',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('narration', sa.String(length=500), nullable=False),
    sa.Column('reverses_set_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['reverses_set_id'], ['entry_sets.id'], name=op.f('fk_entry_sets_reverses_set_id_entry_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entry_sets')),
    sa.UniqueConstraint('id', 'state_code', name=op.f('uq_entry_sets_id_state_code')),
    sa.UniqueConstraint('reverses_set_id', name=op.f('uq_entry_sets_reverses_set_id'))
    )
    op.create_table('institutions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('formed_on', sa.Date(), nullable=True),
    sa.Column('closed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("(kind = 'state') = (parent_id IS NULL)", name=op.f('ck_institutions_root_is_state')),
    sa.CheckConstraint("kind IN ('state', 'district', 'block', 'clf', 'vo', 'shg')", name=op.f('ck_institutions_kind')),
    sa.CheckConstraint("status IN ('active', 'dormant', 'closed')", name=op.f('ck_institutions_status')),
    sa.ForeignKeyConstraint(['parent_id', 'state_code'], ['institutions.id', 'institutions.state_code'], name=op.f('fk_institutions_parent_id_state_code_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_institutions')),
    sa.UniqueConstraint('id', 'state_code', name=op.f('uq_institutions_id_state_code'))
    )
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.create_index('ix_institutions_parent', ['parent_id', 'id'], unique=False)
        batch_op.create_index('ix_institutions_path', ['path'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('bank_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('expires_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'admin' AND institution_id IS NULL AND bank_id IS NULL) OR (role IN ('bookkeeper','auditor') AND institution_id IS NOT NULL AND bank_id IS NULL) OR (role = 'bank_partner' AND bank_id IS NOT NULL AND institution_id IS NULL)", name=op.f('ck_api_tokens_scope_matches_role')),
    sa.CheckConstraint("role IN ('admin','bookkeeper','auditor','bank_partner')", name=op.f('ck_api_tokens_role')),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_api_tokens_bank_id_banks')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_api_tokens_institution_id_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('bank_branches',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('bank_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('ifsc', sa.String(length=11), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("status IN ('active', 'dormant', 'closed')", name=op.f('ck_bank_branches_status')),
    sa.ForeignKeyConstraint(['bank_id'], ['banks.id'], name=op.f('fk_bank_branches_bank_id_banks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_branches')),
    sa.UniqueConstraint('ifsc', name=op.f('uq_bank_branches_ifsc'))
    )
    op.create_table('books',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('chart', sa.String(length=40), nullable=False),
    sa.Column('last_seq', sa.BigInteger(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('closed_through', sa.Date(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['institution_id', 'state_code'], ['institutions.id', 'institutions.state_code'], name=op.f('fk_books_institution_id_state_code_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_books')),
    sa.UniqueConstraint('id', 'state_code', name=op.f('uq_books_id_state_code')),
    sa.UniqueConstraint('institution_id', name=op.f('uq_books_institution_id'))
    )
    op.create_table('members',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('shg_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('member_code', sa.String(length=40), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("status IN ('active', 'dormant', 'closed')", name=op.f('ck_members_status')),
    sa.ForeignKeyConstraint(['shg_id', 'state_code'], ['institutions.id', 'institutions.state_code'], name=op.f('fk_members_shg_id_state_code_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('id', 'state_code', name=op.f('uq_members_id_state_code'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index('ix_members_shg', ['shg_id', 'id'], unique=False)

    op.create_table('access_log',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('token_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('role', sa.String(length=12), nullable=True),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_access_log_token_id_api_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log'))
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_token_at', ['token_id', 'at'], unique=False)

    op.create_table('accounts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=10), nullable=False),
    sa.Column('normal_side', sa.String(length=1), nullable=False),
    sa.Column('allow_negative', sa.Boolean(), nullable=False),
    sa.Column('postable', sa.Boolean(), nullable=False),
    sa.Column('parent_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('member_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('balance_paise', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=6), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("normal_side IN ('D','C')", name=op.f('ck_accounts_normal_side')),
    sa.CheckConstraint("status IN ('open','closed')", name=op.f('ck_accounts_status')),
    sa.CheckConstraint("type IN ('asset','liability','fund','income','expense')", name=op.f('ck_accounts_type')),
    sa.CheckConstraint('allow_negative OR balance_paise >= 0', name=op.f('ck_accounts_not_negative')),
    sa.ForeignKeyConstraint(['book_id', 'state_code'], ['books.id', 'books.state_code'], name=op.f('fk_accounts_book_id_state_code_books')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_accounts_member_id_members')),
    sa.ForeignKeyConstraint(['parent_id'], ['accounts.id'], name=op.f('fk_accounts_parent_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('book_id', 'code', name=op.f('uq_accounts_book_id_code')),
    sa.UniqueConstraint('book_id', 'role', name=op.f('uq_accounts_book_id_role')),
    sa.UniqueConstraint('id', 'book_id', name=op.f('uq_accounts_id_book_id'))
    )
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.create_index('ix_accounts_member', ['member_id'], unique=False)

    op.create_table('idempotency_records',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('token_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.Text(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_tokens.id'], name=op.f('fk_idempotency_records_token_id_api_tokens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('token_id', 'key', name=op.f('uq_idempotency_records_token_id_key'))
    )
    op.create_table('journal_entries',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('state_code', sa.String(length=4), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('narration', sa.String(length=500), nullable=False),
    sa.Column('set_id', sa.Uuid(), nullable=True),
    sa.Column('reverses_entry_id', sa.Uuid(), nullable=True),
    sa.Column('posting_count', sa.SmallInteger(), nullable=False),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['book_id', 'state_code'], ['books.id', 'books.state_code'], name=op.f('fk_journal_entries_book_id_state_code_books')),
    sa.ForeignKeyConstraint(['reverses_entry_id'], ['journal_entries.id'], name=op.f('fk_journal_entries_reverses_entry_id_journal_entries')),
    sa.ForeignKeyConstraint(['set_id', 'state_code'], ['entry_sets.id', 'entry_sets.state_code'], name=op.f('fk_journal_entries_set_id_state_code_entry_sets')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal_entries')),
    sa.UniqueConstraint('book_id', 'seq', name=op.f('uq_journal_entries_book_id_seq')),
    sa.UniqueConstraint('id', 'book_id', name=op.f('uq_journal_entries_id_book_id')),
    sa.UniqueConstraint('reverses_entry_id', name=op.f('uq_journal_entries_reverses_entry_id'))
    )
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.create_index('ix_journal_entries_book_date', ['book_id', 'value_date', 'seq'], unique=False)

    op.create_table('period_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('action', sa.String(length=6), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('closed_through_before', sa.Date(), nullable=True),
    sa.Column('closed_through_after', sa.Date(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("action IN ('close','reopen')", name=op.f('ck_period_events_action')),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_period_events_book_id_books')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_period_events'))
    )
    with op.batch_alter_table('period_events', schema=None) as batch_op:
        batch_op.create_index('ix_period_events_book', ['book_id', 'id'], unique=False)

    op.create_table('postings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entry_id', sa.Uuid(), nullable=False),
    sa.Column('book_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('value_date', sa.Date(), nullable=False),
    sa.Column('side', sa.String(length=1), nullable=False),
    sa.Column('amount_paise', sa.BigInteger(), nullable=False),
    sa.Column('delta_paise', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("(side = 'D' AND delta_paise = amount_paise) OR (side = 'C' AND delta_paise = -amount_paise)", name=op.f('ck_postings_delta_matches_side')),
    sa.CheckConstraint('amount_paise > 0', name=op.f('ck_postings_amount_positive')),
    sa.ForeignKeyConstraint(['account_id', 'book_id'], ['accounts.id', 'accounts.book_id'], name=op.f('fk_postings_account_id_book_id_accounts')),
    sa.ForeignKeyConstraint(['entry_id', 'book_id'], ['journal_entries.id', 'journal_entries.book_id'], name=op.f('fk_postings_entry_id_book_id_journal_entries'), initially='DEFERRED', deferrable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings')),
    sa.UniqueConstraint('entry_id', 'line_no', name=op.f('uq_postings_entry_id_line_no'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index('ix_postings_account_date', ['account_id', 'value_date', 'id'], unique=False, postgresql_include=['delta_paise'])



    _create_guards()


def downgrade() -> None:
    _drop_guards()
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index('ix_postings_account_date')

    op.drop_table('postings')
    with op.batch_alter_table('period_events', schema=None) as batch_op:
        batch_op.drop_index('ix_period_events_book')

    op.drop_table('period_events')
    with op.batch_alter_table('journal_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_journal_entries_book_date')

    op.drop_table('journal_entries')
    op.drop_table('idempotency_records')
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_index('ix_accounts_member')

    op.drop_table('accounts')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_token_at')

    op.drop_table('access_log')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_shg')

    op.drop_table('members')
    op.drop_table('books')
    op.drop_table('bank_branches')
    op.drop_table('api_tokens')
    with op.batch_alter_table('institutions', schema=None) as batch_op:
        batch_op.drop_index('ix_institutions_path')
        batch_op.drop_index('ix_institutions_parent')

    op.drop_table('institutions')
    op.drop_table('entry_sets')
    op.drop_table('banks')


APPEND_ONLY_TABLES = ("journal_entries", "postings", "period_events", "entry_sets")

PG_GUARDS = [
    """
    CREATE FUNCTION bahi_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'bahi: % is append-only; correct a mistake with a reversal', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
    END $$
    """,
    """
    CREATE FUNCTION bahi_refuse_posting_into_sealed_entry() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id) THEN
        RAISE EXCEPTION 'bahi: entry % is already posted; postings cannot be added', NEW.entry_id
          USING ERRCODE = 'restrict_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE FUNCTION bahi_seal_entry() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      n integer; total bigint; other_dates integer; closed date;
    BEGIN
      SELECT count(*), coalesce(sum(delta_paise), 0),
             count(*) FILTER (WHERE value_date <> NEW.value_date)
        INTO n, total, other_dates
        FROM postings WHERE entry_id = NEW.id;
      IF n < 2 THEN
        RAISE EXCEPTION 'bahi: entry % has % postings; at least two are needed', NEW.id, n
          USING ERRCODE = 'check_violation';
      END IF;
      IF total <> 0 THEN
        RAISE EXCEPTION 'bahi: entry % is unbalanced: debits exceed credits by % paise', NEW.id, total
          USING ERRCODE = 'check_violation';
      END IF;
      IF n <> NEW.posting_count OR other_dates > 0 THEN
        RAISE EXCEPTION 'bahi: entry % does not match its postings', NEW.id
          USING ERRCODE = 'check_violation';
      END IF;
      SELECT closed_through INTO closed FROM books WHERE id = NEW.book_id;
      IF closed IS NOT NULL AND NEW.value_date <= closed THEN
        RAISE EXCEPTION 'bahi: book % is closed through %', NEW.book_id, closed
          USING ERRCODE = 'check_violation';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER postings_sealed BEFORE INSERT ON postings
      FOR EACH ROW EXECUTE FUNCTION bahi_refuse_posting_into_sealed_entry()
    """,
    """
    CREATE TRIGGER journal_entries_seal BEFORE INSERT ON journal_entries
      FOR EACH ROW EXECUTE FUNCTION bahi_seal_entry()
    """,
    *(
        f"""
        CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
          FOR EACH ROW EXECUTE FUNCTION bahi_refuse_change()
        """
        for table in APPEND_ONLY_TABLES
    ),
    *(
        f"""
        CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION bahi_refuse_change()
        """
        for table in APPEND_ONLY_TABLES
    ),
]

SQLITE_GUARDS = [
    *(
        f"""
        CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}
        BEGIN
          SELECT RAISE(ABORT, 'bahi: {table} is append-only; correct a mistake with a reversal');
        END
        """
        for table in APPEND_ONLY_TABLES
        for verb in ("UPDATE", "DELETE")
    ),
    """
    CREATE TRIGGER postings_sealed BEFORE INSERT ON postings
    WHEN EXISTS (SELECT 1 FROM journal_entries WHERE id = NEW.entry_id)
    BEGIN
      SELECT RAISE(ABORT, 'bahi: entry is already posted; postings cannot be added');
    END
    """,
    """
    CREATE TRIGGER journal_entries_seal BEFORE INSERT ON journal_entries
    BEGIN
      SELECT RAISE(ABORT, 'bahi: an entry needs at least two postings')
       WHERE (SELECT count(*) FROM postings WHERE entry_id = NEW.id) < 2;
      SELECT RAISE(ABORT, 'bahi: entry is unbalanced: debits and credits differ')
       WHERE (SELECT coalesce(sum(delta_paise), 0) FROM postings WHERE entry_id = NEW.id) <> 0;
      SELECT RAISE(ABORT, 'bahi: entry does not match its postings')
       WHERE (SELECT count(*) FROM postings WHERE entry_id = NEW.id) <> NEW.posting_count
          OR EXISTS (SELECT 1 FROM postings
                      WHERE entry_id = NEW.id AND value_date <> NEW.value_date);
      SELECT RAISE(ABORT, 'bahi: the book is closed through this value date')
       WHERE NEW.value_date <= (SELECT closed_through FROM books WHERE id = NEW.book_id);
    END
    """,
]


def _create_guards() -> None:
    guards = PG_GUARDS if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS postings_sealed ON postings")
        op.execute("DROP TRIGGER IF EXISTS journal_entries_seal ON journal_entries")
        for function in ("bahi_refuse_change", "bahi_refuse_posting_into_sealed_entry",
                         "bahi_seal_entry"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    else:
        for table in APPEND_ONLY_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")
        op.execute("DROP TRIGGER IF EXISTS postings_sealed")
        op.execute("DROP TRIGGER IF EXISTS journal_entries_seal")
