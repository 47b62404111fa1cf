"""Idempotency records keep no secret and expire.

The record of a `POST /tokens` kept the whole response, the new token's secret included,
with no expiry: a database backup held working admin tokens. Existing records of responses
that carry a secret are scrubbed (the secret replaced by a note that it was shown once);
from now on such responses are stored redacted (`app/writes.idempotent(redact=...)`), and
records older than `IDEMPOTENCY_RETENTION_DAYS` are purged by the scheduler process, which
the index on `created_at` serves.

The scrub cannot be undone (the secrets are gone, as they should be); downgrade drops the
index only.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:30:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

NOTE = (
    "The secret was shown once, in the first response to this request, and is kept nowhere."
    " If it was lost, revoke token {id} and issue a new one."
)


def _scrubbed(body: str) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict) or document.get("secret") is None:
        return None
    return json.dumps(
        {**document, "secret": None, "secret_note": NOTE.format(id=document.get("id"))}
    )


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.text("SELECT id, response_body FROM idempotency_records WHERE response_body LIKE :hint"),
        {"hint": '%"secret"%'},
    ).all()
    for record_id, body in rows:
        scrubbed = _scrubbed(body)
        if scrubbed is not None:
            bind.execute(
                sa.text("UPDATE idempotency_records SET response_body = :body WHERE id = :id"),
                {"body": scrubbed, "id": record_id},
            )
    op.create_index("ix_idempotency_records_created_at", "idempotency_records", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_idempotency_records_created_at", table_name="idempotency_records")
