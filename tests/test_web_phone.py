"""Nothing she types is lost, and the phone layout (issue 16), where no browser is needed:
the service worker's address and policy, a post refused for the idle timeout sending her back
to the form after signing in, the mark that tells the browser a form went through, and the
register's amount due as a value she confirms."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from models import Role
from models.meetings import Meeting
from tests.factories import funded_shg
from tests.web_support import field_value, signed_in

MEETING_DAY = date(2026, 6, 5)


@pytest.fixture
def fed(session):
    return funded_shg(session, members_count=3)


@pytest.fixture
def bookkeeper(session, client, fed):
    return signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)


def _register_form(user, fed, action: str = "post", **figures: str) -> dict[str, str]:
    page = user.page(f"/shgs/{fed.shg.id}/meetings/new")
    data = {
        "meeting_date": MEETING_DAY.strftime("%d-%m-%Y"),
        "via": "cash",
        "form_key": field_value(page, "form_key"),
        "action": action,
    }
    for member in fed.members:
        data[f"m{member.id}-present"] = "yes"
    return data | figures


def test_the_service_worker_is_served_from_the_root_to_anyone(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"  # a new version takes over at once
    assert 'addEventListener("fetch"' in worker.get_data(as_text=True)
    page = client.get("/sign-in")
    assert "worker-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'data-worker="/sw.js"' in page.get_data(as_text=True)


def test_a_post_refused_for_the_timeout_goes_back_to_the_form_after_sign_in(
    session, client, fed, bookkeeper
):
    register = f"/shgs/{fed.shg.id}/meetings/new?date=05-06-2026"
    data = _register_form(bookkeeper, fed, "check")
    with client.session_transaction() as cookie:
        cookie["seen"] = int(time.time()) - 16 * 60
    sent = bookkeeper.post(
        f"/shgs/{fed.shg.id}/meetings/new", data, headers={"Referer": f"http://localhost{register}"}
    )
    assert sent.status_code == 302
    where = urlsplit(sent.location)
    assert (where.path, parse_qs(where.query)["next"]) == ("/sign-in", [register])
    sign_in = client.get(sent.location).get_data(as_text=True)
    assert f'name="next" value="{register}"' in sign_in


def test_a_post_with_no_session_at_all_is_sent_to_sign_in_not_refused(client, fed):
    sent = client.post(f"/shgs/{fed.shg.id}/meetings/new", data={"meeting_date": "05-06-2026"})
    assert sent.status_code == 302
    assert sent.location == f"/sign-in?next=/shgs/{fed.shg.id}/meetings/new"


def test_the_page_after_a_post_that_went_through_tells_the_browser_once(
    session, client, fed, bookkeeper
):
    path = f"/shgs/{fed.shg.id}/meetings/new"
    data = _register_form(bookkeeper, fed, **{f"m{fed.members[0].id}-savings": "100"})
    posted = bookkeeper.post(path, data)
    assert (posted.status_code, posted.location) == (303, f"/shgs/{fed.shg.id}")
    assert f'data-saved-form="{path}"' in bookkeeper.page(posted.location)
    assert 'data-saved-form=""' in bookkeeper.page(posted.location)  # told once
    again = bookkeeper.post(path, data)  # the same form sent again (the outbox's retry)
    assert again.location == f"/shgs/{fed.shg.id}"
    assert f'data-saved-form="{path}"' in bookkeeper.page(again.location)
    assert session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_secrets_are_never_kept_by_the_browser(client):
    sign_in = client.get("/sign-in").get_data(as_text=True)
    assert 'class="card narrow" data-no-keep' in sign_in
    keep = (Path(__file__).parents[1] / "app" / "static" / "keep.js").read_text()
    assert "pass|pin|otp|aadhaar|access_key|csrf|form_key" in keep
