"""People who sign in as themselves (issue 16): `people`, and who each token and logged
request belongs to.

`people`: new and empty; the first admin is made with `flask users create`.
`api_tokens.person_id`: the person a token was issued to. Existing tokens are carried forward
with no person (null): they keep working exactly as before, as machines' tokens, and the
access log shows no person for them. `api_tokens.for_pages`: false for every existing token
(a person's page token, which has no secret, is made when she first signs in).
`access_log.person_id`: null on every existing row (nobody signed in as a person before).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 17:30:00
"""

import sqlalchemy as sa
from alembic import op

from migrations.guards import set_aside
from models.base import UtcDateTime
from models.people import SCOPE_MATCHES_ROLE

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PAGE_TOKEN = "person_id IS NOT NULL OR NOT for_pages"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _people() -> None:
    op.create_table(
        "people",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("mobile", sa.String(10), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column(
            "institution_id",
            BigId,
            sa.ForeignKey("institutions.id", name="fk_people_institution_id_institutions"),
        ),
        sa.Column("bank_id", BigId, sa.ForeignKey("banks.id", name="fk_people_bank_id_banks")),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", UtcDateTime()),
        sa.Column("disabled_at", UtcDateTime()),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("totp_required", sa.Boolean(), nullable=False),
        sa.Column("totp_secret_encrypted", sa.Text()),
        sa.Column("totp_confirmed_at", UtcDateTime()),
        sa.Column("totp_last_step", sa.BigInteger()),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(120), nullable=False),
        sa.UniqueConstraint("mobile", name="uq_people_mobile"),
        sa.CheckConstraint(
            "role IN ('admin','bookkeeper','auditor','bank_partner')", name="role"
        ),
        sa.CheckConstraint(SCOPE_MATCHES_ROLE, name="scope_matches_role"),
        sa.CheckConstraint("length(mobile) = 10", name="mobile"),
        sa.CheckConstraint("language IN ('en','hi','or')", name="language"),
        sa.CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
        sa.CheckConstraint(
            "totp_confirmed_at IS NULL OR totp_secret_encrypted IS NOT NULL", name="totp"
        ),
    )


def _token_columns() -> None:
    if _sqlite():
        # In place (ALTER TABLE ADD COLUMN), not batch mode's copy of a table others point at.
        op.execute(
            "ALTER TABLE api_tokens ADD COLUMN person_id INTEGER"
            " CONSTRAINT fk_api_tokens_person_id_people REFERENCES people (id)"
        )
        op.execute(
            "ALTER TABLE api_tokens ADD COLUMN for_pages BOOLEAN NOT NULL DEFAULT 0"
            f" CONSTRAINT ck_api_tokens_page_token_person CHECK ({PAGE_TOKEN})"
        )
        op.execute(
            "ALTER TABLE access_log ADD COLUMN person_id INTEGER"
            " CONSTRAINT fk_access_log_person_id_people REFERENCES people (id)"
        )
    else:
        op.add_column("api_tokens", sa.Column("person_id", BigId, nullable=True))
        op.add_column(
            "api_tokens",
            sa.Column("for_pages", sa.Boolean(), nullable=False, server_default=sa.false()),
        )
        op.create_foreign_key(
            "fk_api_tokens_person_id_people", "api_tokens", "people", ["person_id"], ["id"]
        )
        op.create_check_constraint("page_token_person", "api_tokens", PAGE_TOKEN)
        op.add_column("access_log", sa.Column("person_id", BigId, nullable=True))
        op.create_foreign_key(
            "fk_access_log_person_id_people", "access_log", "people", ["person_id"], ["id"]
        )
    op.create_index("ix_api_tokens_person_id", "api_tokens", ["person_id"])


def upgrade() -> None:
    _people()
    _token_columns()


def downgrade() -> None:
    op.drop_index("ix_api_tokens_person_id", table_name="api_tokens")
    if _sqlite():
        op.execute("ALTER TABLE access_log DROP COLUMN person_id")
        # A copy, not SQLite's own DROP COLUMN: a later migration's copy of api_tokens (0033)
        # made the columns' check and foreign key table constraints, which DROP COLUMN refuses
        # to leave behind.
        with set_aside("api_tokens"), op.batch_alter_table("api_tokens") as batch_op:
            batch_op.drop_constraint(op.f("ck_api_tokens_page_token_person"), type_="check")
            batch_op.drop_column("for_pages")
            batch_op.drop_column("person_id")
    else:
        op.drop_constraint("fk_access_log_person_id_people", "access_log", type_="foreignkey")
        op.drop_column("access_log", "person_id")
        op.drop_constraint(op.f("ck_api_tokens_page_token_person"), "api_tokens", type_="check")
        op.drop_constraint("fk_api_tokens_person_id_people", "api_tokens", type_="foreignkey")
        op.drop_column("api_tokens", "for_pages")
        op.drop_column("api_tokens", "person_id")
    op.drop_table("people")
