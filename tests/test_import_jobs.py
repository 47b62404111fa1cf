"""Meeting-sheet imports over the API: only those who keep books may start one, a file over
the API's row limit is refused, and a large file runs as a job in the scheduler process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from app.services.federation import banks
from app.services.lending import import_jobs
from models import ImportJob, Role
from models.base import utcnow
from tests.conftest import make_test_app
from tests.factories import ADMIN, ApiCaller, funded_shg, make_federation, token
from tests.test_meeting_import import HEADER, upload

INLINE, MAXIMUM = 3, 12


@pytest.fixture
def small_limits(connection):
    return make_test_app(
        DATABASE_CONNECTION=connection, IMPORT_INLINE_ROWS=INLINE, IMPORT_MAX_ROWS=MAXIMUM
    )


@pytest.fixture
def shg(session, small_limits):
    fed = funded_shg(session, members_count=3)
    client = small_limits.test_client()
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    return fed, api, client


def sheet_rows(fed, days):
    """One row per member per meeting day (three members): `days` meetings."""
    return "".join(
        f"{fed.shg.id},2026-05-{day:02d},{m.id},yes,100,,,,,,,,\n"
        for day in range(1, days + 1)
        for m in fed.members
    )


def runner(connection):
    """The scheduler process's session factory, joined to the test's transaction."""
    return sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.BANK_PARTNER])
def test_roles_that_keep_no_books_are_refused_before_the_file_is_read(session, shg, role):
    fed, _api, client = shg
    if role is Role.AUDITOR:
        secret = token(session, role, fed.district)
    else:
        bank = banks.create_bank(session, ADMIN, "Probe Bank", "PRBK")
        secret = token(session, role, bank_id=bank.id)
    other = ApiCaller(client, secret)
    # Larger than even the import's byte limit: refused on the role, before reading it.
    huge = b"x" * (65 * 1024 * 1024)
    headers = {**other.headers, "Idempotency-Key": "k", "Content-Type": "text/csv"}
    response = client.post("/api/v1/imports/meetings?mode=apply", data=huge, headers=headers)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert other.get("/api/v1/imports/jobs/1").status_code == 403


def test_a_small_file_is_imported_in_the_request(shg):
    fed, api, _ = shg
    response = upload(api, HEADER + sheet_rows(fed, 1), "apply")
    assert response.status_code == 200
    assert (response.json["rows"], response.json["posted"]) == (3, 1)


def test_a_file_over_the_api_limit_is_refused_with_413(shg):
    fed, api, _ = shg
    response = upload(api, HEADER + sheet_rows(fed, 5), "apply")  # 15 rows > 12
    assert response.status_code == 413
    assert response.content_type == "application/problem+json"
    assert response.json["errors"][0]["field"] == "body"
    assert "flask meetings import" in response.json["errors"][0]["reason"]


def test_an_empty_file_is_refused(shg):
    _fed, api, _ = shg
    response = upload(api, "", "apply")
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "body"


def test_a_large_file_is_queued_run_by_the_scheduler_and_polled(session, connection, shg):
    fed, api, _ = shg
    text = HEADER + sheet_rows(fed, 3)  # 9 rows: over the inline limit, under the maximum
    queued = upload(api, text, "apply", key="big-file")
    assert queued.status_code == 202, queued.json
    job_url = queued.headers["Location"]
    assert job_url == f"/api/v1/imports/jobs/{queued.json['id']}"
    assert (queued.json["status"], queued.json["rows"], queued.json["report"]) == (
        "queued",
        9,
        None,
    )
    # Sent again (a retry after a dropped connection): the same job, nothing queued twice.
    again = upload(api, text, "apply", key="big-file")
    assert again.status_code == 202 and again.json["id"] == queued.json["id"]
    assert len(session.scalars(select(ImportJob)).all()) == 1
    member = fed.members[0].id
    assert api.get(f"/api/v1/members/{member}").json["accounts"][0]["balance"] == "0.00"

    assert import_jobs.run_queued(runner(connection)) == 1
    done = api.get(job_url).json
    assert done["status"] == "done" and done["error"] is None
    assert (done["report"]["posted"], done["report"]["rows"], done["report"]["applied"]) == (
        3,
        9,
        True,
    )
    assert api.get(f"/api/v1/members/{member}").json["accounts"][0]["balance"] == "300.00"
    job = session.get(ImportJob, done["id"])
    assert job.content is None and len(job.file_sha256) == 64  # the file is not kept
    assert import_jobs.run_queued(runner(connection)) == 0


def test_a_queued_dry_run_reports_and_posts_nothing(connection, shg):
    fed, api, _ = shg
    queued = upload(api, HEADER + sheet_rows(fed, 2) + "x,y\n", "dry-run")
    assert queued.status_code == 202
    import_jobs.run_queued(runner(connection))
    report = api.get(queued.headers["Location"]).json["report"]
    assert (report["applied"], report["posted"]) == (False, 2)
    assert report["problems"] and report["problems"][0]["row"] == 8
    member = fed.members[0].id
    assert api.get(f"/api/v1/members/{member}").json["accounts"][0]["balance"] == "0.00"


def test_a_job_is_visible_only_to_its_owner_scope_and_admins(session, shg):
    fed, api, client = shg
    queued = upload(api, HEADER + sheet_rows(fed, 2), "apply")
    url = queued.headers["Location"]
    other_fed = make_federation(session, state_code="OD", members_count=1)
    stranger = ApiCaller(client, token(session, Role.BOOKKEEPER, other_fed.clf))
    colleague = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    admin = ApiCaller(client, token(session, Role.ADMIN))
    assert stranger.get(url).status_code == 404
    assert colleague.get(url).status_code == 200
    assert admin.get(url).status_code == 200


def test_a_job_whose_token_was_revoked_fails_and_posts_nothing(session, connection, shg):
    from app.services.access.tokens import revoke_token

    fed, api, _ = shg
    queued = upload(api, HEADER + sheet_rows(fed, 2), "apply")
    job = session.get(ImportJob, queued.json["id"])
    revoke_token(session, ADMIN, job.token_id)
    session.flush()
    import_jobs.run_queued(runner(connection))
    session.refresh(job)
    assert job.status == "failed" and "revoked" in job.error
    member = fed.members[0].id
    admin = ApiCaller(api.client, token(session, Role.ADMIN))
    assert admin.get(f"/api/v1/members/{member}").json["accounts"][0]["balance"] == "0.00"


def test_a_job_whose_runner_died_is_taken_over_after_its_lease(session, connection, shg):
    fed, api, _ = shg
    queued = upload(api, HEADER + sheet_rows(fed, 2), "apply")
    sessions = runner(connection)
    with sessions() as s:
        claimed = import_jobs.claim_next(s, utcnow())
        s.commit()
    assert claimed == (queued.json["id"], 1)
    # The runner died here. While its lease holds, nobody else takes the job...
    assert import_jobs.run_queued(sessions) == 0
    # ...and once it has run out, another runner does, exactly once.
    later = utcnow() + import_jobs.LEASE + timedelta(seconds=1)
    assert import_jobs.run_queued(sessions, now=later) == 1
    job = session.get(ImportJob, queued.json["id"])
    session.refresh(job)
    assert (job.status, job.attempts) == ("done", 2)
    # The first runner, had it come back, finds the job no longer its own.
    with sessions() as s:
        assert import_jobs.run_claimed(s, job.id, 1) is None


def test_a_job_that_keeps_dying_stops_after_its_attempts(session, connection, shg):
    fed, api, _ = shg
    queued = upload(api, HEADER + sheet_rows(fed, 2), "apply")
    sessions = runner(connection)
    now = utcnow()
    for _ in range(import_jobs.MAX_ATTEMPTS):
        with sessions() as s:
            assert import_jobs.claim_next(s, now) is not None
            s.commit()
        now += import_jobs.LEASE + timedelta(seconds=1)
    with sessions() as s:
        assert import_jobs.claim_next(s, now) is None
        s.commit()
    job = session.get(ImportJob, queued.json["id"])
    session.refresh(job)
    assert job.status == "failed" and "attempts" in job.error
