"""A retried write returns the first result and posts nothing twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import JournalEntry, Role
from tests.factories import ApiCaller, make_federation, token


@pytest.fixture
def setup(session, client):
    fed = make_federation(session)
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    book = fed.book_id(session, fed.shg)
    body = {
        "book_id": book,
        "value_date": "2026-06-01",
        "narration": "Revolving Fund",
        "postings": [
            {
                "account_id": fed.account(session, fed.shg, "bank").id,
                "side": "debit",
                "amount": "15000",
            },
            {
                "account_id": fed.account(session, fed.shg, "revolving_fund").id,
                "side": "credit",
                "amount": "15000",
            },
        ],
    }
    return api, body, book


def count_entries(session, book):
    return session.scalar(
        select(func.count()).select_from(JournalEntry).where(JournalEntry.book_id == book)
    )


def test_same_key_same_body_replays_the_first_response(session, setup):
    api, body, book = setup
    first = api.post("/api/v1/journal-entries", body, key="meeting-2026-06-01")
    again = api.post("/api/v1/journal-entries", {**body}, key="meeting-2026-06-01")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count_entries(session, book) == 1


def test_same_key_different_body_is_409(session, setup):
    api, body, book = setup
    api.post("/api/v1/journal-entries", body, key="k")
    clash = api.post("/api/v1/journal-entries", {**body, "narration": "other"}, key="k")
    assert clash.status_code == 409 and clash.content_type == "application/problem+json"
    assert count_entries(session, book) == 1


def test_keys_belong_to_one_token(session, client, setup):
    api, body, book = setup
    api.post("/api/v1/journal-entries", body, key="shared")
    admin = ApiCaller(client, token(session, Role.ADMIN))
    assert admin.post("/api/v1/journal-entries", body, key="shared").status_code == 201
    assert count_entries(session, book) == 2


def test_a_refused_write_is_not_remembered(session, setup):
    api, body, _book = setup
    bad = {**body, "value_date": "2099-01-01"}
    assert api.post("/api/v1/journal-entries", bad, key="retry-me").status_code == 422
    assert api.post("/api/v1/journal-entries", body, key="retry-me").status_code == 201


@pytest.mark.parametrize("key", [None, "", "x" * 201])
def test_a_write_without_a_usable_key_is_refused(setup, key):
    api, body, _ = setup
    headers = {**api.headers}
    if key is not None:
        headers["Idempotency-Key"] = key
    response = api.client.post("/api/v1/journal-entries", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "Idempotency-Key"


# --- No secret at rest; records expire --------------------------------------------------


def test_a_new_tokens_secret_is_shown_once_and_kept_nowhere(session, client):
    from models import ApiToken, IdempotencyRecord

    admin = ApiCaller(client, token(session, Role.ADMIN))
    body = {"name": "Field laptop", "role": "admin"}
    first = admin.post("/api/v1/tokens", body, key="issue-laptop")
    assert first.status_code == 201
    secret = first.json["secret"]
    assert secret.startswith("bahi_")
    kept = session.scalars(select(IdempotencyRecord.response_body)).all()
    assert kept and not any(secret in text for text in kept)
    assert not any(secret[12:] in text for text in kept)  # not even past the stored prefix
    hashes = session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in hashes

    replay = admin.post("/api/v1/tokens", body, key="issue-laptop")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json["id"] == first.json["id"] and replay.json["secret"] is None
    assert "shown once" in replay.json["secret_note"]
    assert f"revoke token {first.json['id']}" in replay.json["secret_note"]
    # The secret still works: the record was redacted, not the token.
    assert ApiCaller(client, secret).get("/api/v1/institutions").status_code == 200


def test_an_expired_record_no_longer_replays_and_is_purged(session, client, app):
    from datetime import timedelta

    from sqlalchemy import update

    from app.services.shared.idempotency import purge_expired
    from models import IdempotencyRecord
    from models.base import utcnow

    admin = ApiCaller(client, token(session, Role.ADMIN))
    bank = {"name": "Odisha Gramya Bank", "ifsc_prefix": "OGBX"}
    assert admin.post("/api/v1/banks", bank, key="bank-1").status_code == 201
    days = app.config["IDEMPOTENCY_RETENTION_DAYS"]
    session.execute(
        update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=days, seconds=1))
    )
    session.flush()
    # Past its retention the key starts afresh: the same bank again is a new request (409).
    again = admin.post("/api/v1/banks", bank, key="bank-1")
    assert again.status_code == 409 and "Idempotent-Replayed" not in again.headers
    other = {"name": "Utkal Grameen Bank", "ifsc_prefix": "UTKL"}
    assert admin.post("/api/v1/banks", other, key="bank-2").status_code == 201
    count_before = session.scalar(select(func.count()).select_from(IdempotencyRecord))
    session.execute(
        update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=days + 1))
    )
    purged = purge_expired(session, utcnow(), timedelta(days=days))
    assert purged == count_before >= 1
    assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 0


def test_records_within_retention_are_not_purged(session, setup):
    from datetime import timedelta

    from app.services.shared.idempotency import purge_expired
    from models import IdempotencyRecord
    from models.base import utcnow

    api, body, _ = setup
    api.post("/api/v1/journal-entries", body, key="recent")
    assert purge_expired(session, utcnow(), timedelta(days=30)) == 0
    assert session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1


def test_the_migration_scrubs_secrets_kept_before_it(databases):
    """Records written before 0013 held new tokens' secrets; upgrading scrubs them."""
    import json

    from alembic import command
    from sqlalchemy import text

    from app.cli import alembic_config

    url = databases.empty()
    command.upgrade(alembic_config(url), "0012")
    engine = databases.engine(url)
    secret = "bahi_" + "s" * 43
    issued = {"id": 1, "name": "laptop", "secret": secret, "role": "admin"}
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO api_tokens (id, name, token_hash, prefix, role, created_at,"
                " created_by) VALUES (1, 'laptop', :h, 'bahi_sssssss', 'admin',"
                " CURRENT_TIMESTAMP, 'cli')"
            ),
            {"h": "0" * 64},
        )
        for i, body in enumerate([issued, {"id": 5, "balance": "10.00"}]):
            conn.execute(
                text(
                    "INSERT INTO idempotency_records (token_id, key, fingerprint, status_code,"
                    " response_body, created_at) VALUES (1, :k, :f, 201, :b, CURRENT_TIMESTAMP)"
                ),
                {"k": f"k{i}", "f": "f" * 64, "b": json.dumps(body)},
            )
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        kept = dict(conn.execute(text("SELECT key, response_body FROM idempotency_records")).all())
    assert secret not in kept["k0"]
    scrubbed = json.loads(kept["k0"])
    assert scrubbed["secret"] is None and "shown once" in scrubbed["secret_note"]
    assert json.loads(kept["k1"]) == {"id": 5, "balance": "10.00"}


def test_a_write_reads_its_token_and_its_key_in_one_statement(session, connection, setup):
    """The round trip a write saves: its Idempotency-Key's record comes with its token."""
    from sqlalchemy import event

    api, body, book = setup
    api.post("/api/v1/journal-entries", body, key="first")
    reads: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and "idempotency_records" in statement:
            reads.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        replayed = api.post("/api/v1/journal-entries", body, key="first")
        fresh = api.post("/api/v1/journal-entries", {**body, "narration": "x"}, key="second")
    finally:
        event.remove(connection, "before_cursor_execute", note)
    assert replayed.headers["Idempotent-Replayed"] == "true" and fresh.status_code == 201
    assert len(reads) == 2 and all("api_tokens" in s for s in reads)
    assert count_entries(session, book) == 2
