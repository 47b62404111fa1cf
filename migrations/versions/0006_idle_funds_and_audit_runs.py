"""Idle funds and audit runs: editable rules (seeded from models/idle_rules.json), the
schedule (monthly, the 1st, 02:00 Asia/Kolkata), runs, flags with their observations and
events (append-only), and APScheduler's job store table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:24:31.620529
"""

from alembic import op
import json
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

import models.base
from migrations.guards import append_only


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_runs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('trigger', sa.String(length=12), nullable=False),
    sa.Column('slot', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('scope_path', sa.String(length=400), nullable=False),
    sa.Column('started_by', sa.String(length=120), nullable=False),
    sa.Column('started_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('funds_scanned', sa.Integer(), nullable=False),
    sa.Column('flags_opened', sa.Integer(), nullable=False),
    sa.Column('flags_continued', sa.Integer(), nullable=False),
    sa.Column('flags_closed', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.CheckConstraint("(trigger = 'schedule') = (slot IS NOT NULL)", name=op.f('ck_audit_runs_slot')),
    sa.CheckConstraint("status IN ('running', 'succeeded', 'failed')", name=op.f('ck_audit_runs_status')),
    sa.CheckConstraint("trigger IN ('schedule', 'on_demand')", name=op.f('ck_audit_runs_trigger')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_runs')),
    sa.UniqueConstraint('slot', name=op.f('uq_audit_runs_slot'))
    )
    with op.batch_alter_table('audit_runs', schema=None) as batch_op:
        batch_op.create_index('ix_audit_runs_started', ['started_at'], unique=False)

    op.create_table('audit_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Integer(), nullable=False),
    sa.Column('hour', sa.Integer(), nullable=False),
    sa.Column('minute', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint('day BETWEEN 1 AND 28', name=op.f('ck_audit_schedule_day')),
    sa.CheckConstraint('hour BETWEEN 0 AND 23 AND minute BETWEEN 0 AND 59', name=op.f('ck_audit_schedule_time')),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_schedule_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_schedule'))
    )
    op.create_table('idle_rules',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('level', sa.String(length=10), nullable=False),
    sa.Column('fund', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('min_balance_paise', sa.BigInteger(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('max_utilisation_bp', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.CheckConstraint("(kind = 'low_utilisation') = (max_utilisation_bp IS NOT NULL)", name=op.f('ck_idle_rules_utilisation')),
    sa.CheckConstraint("fund IN ('cif', 'revolving_fund', 'startup_fund', 'vrf', 'own')", name=op.f('ck_idle_rules_fund')),
    sa.CheckConstraint("kind IN ('no_outflow', 'low_utilisation')", name=op.f('ck_idle_rules_kind')),
    sa.CheckConstraint("level IN ('shg', 'vo', 'clf')", name=op.f('ck_idle_rules_level')),
    sa.CheckConstraint('min_balance_paise >= 0 AND days > 0', name=op.f('ck_idle_rules_limits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idle_rules')),
    sa.UniqueConstraint('code', name=op.f('uq_idle_rules_code'))
    )
    op.create_table('scheduler_jobs',
    sa.Column('id', sa.Unicode(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_jobs'))
    )
    with op.batch_alter_table('scheduler_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_jobs_next_run_time'), ['next_run_time'], unique=False)

    op.create_table('idle_flags',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('institution_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('path', sa.String(length=400), nullable=False),
    sa.Column('fund', sa.String(length=20), nullable=False),
    sa.Column('rule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('opened_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('last_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('closed_run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('idle_since', sa.Date(), nullable=False),
    sa.Column('first_seen_on', sa.Date(), nullable=False),
    sa.Column('last_seen_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('balance_paise', sa.BigInteger(), nullable=False),
    sa.Column('days_idle', sa.Integer(), nullable=False),
    sa.Column('utilisation_bp', sa.Integer(), nullable=True),
    sa.Column('last_outflow_on', sa.Date(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_changed_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("fund IN ('cif', 'revolving_fund', 'startup_fund', 'vrf', 'own')", name=op.f('ck_idle_flags_fund')),
    sa.CheckConstraint("status IN ('open', 'acknowledged', 'explained', 'resolved', 'escalated')", name=op.f('ck_idle_flags_status')),
    sa.ForeignKeyConstraint(['closed_run_id'], ['audit_runs.id'], name=op.f('fk_idle_flags_closed_run_id_audit_runs')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_idle_flags_institution_id_institutions')),
    sa.ForeignKeyConstraint(['last_run_id'], ['audit_runs.id'], name=op.f('fk_idle_flags_last_run_id_audit_runs')),
    sa.ForeignKeyConstraint(['opened_run_id'], ['audit_runs.id'], name=op.f('fk_idle_flags_opened_run_id_audit_runs')),
    sa.ForeignKeyConstraint(['rule_id'], ['idle_rules.id'], name=op.f('fk_idle_flags_rule_id_idle_rules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idle_flags'))
    )
    with op.batch_alter_table('idle_flags', schema=None) as batch_op:
        batch_op.create_index('ix_idle_flags_path', ['path'], unique=False)
        batch_op.create_index('uq_idle_flags_ongoing', ['institution_id', 'fund', 'rule_id'], unique=True, postgresql_where=sa.text('closed_run_id IS NULL'), sqlite_where=sa.text('closed_run_id IS NULL'))

    op.create_table('idle_flag_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('flag_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=120), nullable=False),
    sa.Column('event', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=True),
    sa.Column('to_status', sa.String(length=12), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['flag_id'], ['idle_flags.id'], name=op.f('fk_idle_flag_events_flag_id_idle_flags')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idle_flag_events'))
    )
    with op.batch_alter_table('idle_flag_events', schema=None) as batch_op:
        batch_op.create_index('ix_idle_flag_events_flag', ['flag_id', 'id'], unique=False)

    op.create_table('idle_observations',
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('flag_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('balance_paise', sa.BigInteger(), nullable=False),
    sa.Column('days_idle', sa.Integer(), nullable=False),
    sa.Column('utilisation_bp', sa.Integer(), nullable=True),
    sa.Column('last_outflow_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['flag_id'], ['idle_flags.id'], name=op.f('fk_idle_observations_flag_id_idle_flags')),
    sa.ForeignKeyConstraint(['run_id'], ['audit_runs.id'], name=op.f('fk_idle_observations_run_id_audit_runs')),
    sa.PrimaryKeyConstraint('run_id', 'flag_id', name=op.f('pk_idle_observations'))
    )
    _seed()
    for table in APPEND_ONLY:
        append_only(table)


RULES = Path(__file__).resolve().parents[2] / "models" / "idle_rules.json"
APPEND_ONLY = ("idle_flag_events", "idle_observations")


def _seed() -> None:
    """The starting rules and schedule, as they were when this migration was written."""
    now = sa.func.current_timestamp()
    rules = sa.table("idle_rules", *(sa.column(c) for c in (
        "code", "level", "fund", "kind", "min_balance_paise", "days", "max_utilisation_bp",
        "active", "created_at", "created_by", "updated_at", "updated_by")))
    for rule in json.loads(RULES.read_text())["rules"]:
        percent = rule.get("max_utilisation_percent")
        op.execute(rules.insert().values(
            code=rule["code"], level=rule["level"], fund=rule["fund"], kind=rule["kind"],
            min_balance_paise=int(Decimal(rule["min_balance"]) * 100), days=rule["days"],
            max_utilisation_bp=None if percent is None else int(Decimal(percent) * 100),
            active=True, created_at=now, created_by="migration 0006", updated_at=now,
            updated_by="migration 0006"))
    schedule = sa.table("audit_schedule", *(sa.column(c) for c in (
        "id", "day", "hour", "minute", "timezone", "active", "created_at", "created_by",
        "updated_at", "updated_by")))
    op.execute(schedule.insert().values(
        id=1, day=1, hour=2, minute=0, timezone="Asia/Kolkata", active=True, created_at=now,
        created_by="migration 0006", updated_at=now, updated_by="migration 0006"))


def downgrade() -> None:
    op.drop_table('idle_observations')
    with op.batch_alter_table('idle_flag_events', schema=None) as batch_op:
        batch_op.drop_index('ix_idle_flag_events_flag')

    op.drop_table('idle_flag_events')
    with op.batch_alter_table('idle_flags', schema=None) as batch_op:
        batch_op.drop_index('uq_idle_flags_ongoing', postgresql_where=sa.text('closed_run_id IS NULL'), sqlite_where=sa.text('closed_run_id IS NULL'))
        batch_op.drop_index('ix_idle_flags_path')

    op.drop_table('idle_flags')
    with op.batch_alter_table('scheduler_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_jobs_next_run_time'))

    op.drop_table('scheduler_jobs')
    op.drop_table('idle_rules')
    op.drop_table('audit_schedule')
    with op.batch_alter_table('audit_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_runs_started')

    op.drop_table('audit_runs')
