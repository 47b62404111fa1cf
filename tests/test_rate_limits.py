"""Rate limits: per authenticated token, failed authentications per client address (shared by
every worker through the database), Retry-After on every 429, and addresses behind a proxy."""

from __future__ import annotations

import pytest

from app.services.access.throttle import count_attempt
from models import Role
from tests.conftest import make_test_app
from tests.factories import make_federation, token


def limited_app(connection, **settings):
    return make_test_app(
        DATABASE_CONNECTION=connection,
        RATELIMIT_ENABLED=True,
        AUTH_FAILURE_LIMIT="5 per minute",
        **settings,
    )


def junk(client, i, **headers):
    return client.get(
        "/api/v1/institutions", headers={"Authorization": f"Bearer junk-{i}", **headers}
    )


def assert_too_many(response):
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_made_up_tokens_share_their_addresss_limit(connection):
    client = limited_app(connection).test_client()
    statuses = [junk(client, i).status_code for i in range(20)]
    assert statuses == [401] * 5 + [429] * 15
    assert_too_many(junk(client, 99))


def test_the_limit_on_failed_attempts_holds_across_workers(connection):
    """Two app instances stand for two gunicorn workers: they count together."""
    first, second = (limited_app(connection).test_client() for _ in range(2))
    assert [junk(first, i).status_code for i in range(3)] == [401] * 3
    assert [junk(second, i).status_code for i in range(2)] == [401] * 2
    assert_too_many(junk(second, 5))
    assert_too_many(junk(first, 6))


def test_a_valid_token_still_works_from_an_address_over_the_failure_limit(session, connection):
    client = limited_app(connection).test_client()
    secret = token(session, Role.ADMIN)
    for i in range(8):
        junk(client, i)
    response = client.get("/api/v1/institutions", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200


def test_requests_count_per_authenticated_token(session, connection):
    client = limited_app(connection, RATELIMIT_DEFAULT="3 per minute").test_client()
    first, second = token(session, Role.ADMIN), token(session, Role.ADMIN)

    def get(secret):
        return client.get("/api/v1/institutions", headers={"Authorization": f"Bearer {secret}"})

    assert [get(first).status_code for _ in range(3)] == [200] * 3
    assert_too_many(get(first))
    assert get(second).status_code == 200  # another token, its own bucket


def test_behind_a_configured_proxy_each_client_address_counts_apart(connection):
    client = limited_app(connection, PROXY_FIX_X_FOR=1).test_client()
    for i in range(5):
        assert junk(client, i, **{"X-Forwarded-For": "203.0.113.7"}).status_code == 401
    assert_too_many(junk(client, 5, **{"X-Forwarded-For": "203.0.113.7"}))
    assert junk(client, 6, **{"X-Forwarded-For": "198.51.100.9"}).status_code == 401


def test_without_a_proxy_configured_a_forged_forwarded_for_changes_nothing(connection):
    client = limited_app(connection).test_client()
    for i in range(5):
        junk(client, i, **{"X-Forwarded-For": f"203.0.113.{i}"})
    assert_too_many(junk(client, 5, **{"X-Forwarded-For": "198.51.100.9"}))


def test_a_window_counts_afresh_once_its_period_is_over(session):
    start = 1_800_000_000.0  # a multiple of 60: a window starts here
    for second in range(3):
        assert count_attempt(session, "k", "3 per minute", now=start + second) is None
    refused = count_attempt(session, "k", "3 per minute", now=start + 45)
    assert refused is not None and refused.retry_after == 15
    assert count_attempt(session, "k", "3 per minute", now=start + 60) is None


@pytest.mark.parametrize("limit", ["2 per second", "2 per hour"])
def test_other_keys_are_counted_apart(session, limit):
    for _ in range(2):
        assert count_attempt(session, "a", limit, now=3600.0) is None
    assert count_attempt(session, "a", limit, now=3600.0) is not None
    assert count_attempt(session, "b", limit, now=3600.0) is None


def test_requests_without_limits_enabled_are_never_counted(session, client):
    make_federation(session)
    statuses = {junk(client, i).status_code for i in range(40)}
    assert statuses == {401}


def test_only_a_429_is_told_to_retry_after(session, connection):
    client = limited_app(connection, RATELIMIT_DEFAULT="2 per minute").test_client()
    headers = {"Authorization": f"Bearer {token(session, Role.ADMIN)}"}
    first = client.get("/api/v1/institutions", headers=headers)
    assert first.status_code == 200 and "Retry-After" not in first.headers
    client.get("/api/v1/institutions", headers=headers)
    assert_too_many(client.get("/api/v1/institutions", headers=headers))
