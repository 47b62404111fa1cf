"""Signing in on the pages as oneself (issue 16): language, lock-out, one-time codes, a forced
password change, the header, and the admin's pages for people."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select, text

from app.services.access import people
from models import AccessLogEntry, Role
from models.people import Person
from tests.factories import ADMIN, funded_shg, make_federation
from tests.web_support import Credentials, WebUser, person, signed_in


@pytest.fixture
def fed(session):
    return funded_shg(session, members_count=2)


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_she_signs_in_with_her_mobile_and_password_in_the_language_she_chose(session, client, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf, name="Puja Mahto")
    form = WebUser(client).page("/sign-in")
    assert 'name="language"' in form and "हिन्दी" in form and "ଓଡ଼ିଆ" in form
    user = WebUser(client)
    signed = user.sign_in(Credentials(f"+91 {her.mobile}", her.password, 0), language="hi")
    assert (signed.status_code, signed.location) == (303, "/federation")
    with client.session_transaction() as cookie:
        assert cookie["lang"] == "hi" and cookie["person_id"] == her.person_id
        assert "token_id" not in cookie
    page = user.page("/federation")
    assert '<html lang="hi">' in page
    # Her name and role (in her language), never a token label.
    assert "Puja Mahto · मुनीम (बुककीपर)" in page
    assert "token:" not in page and "pages:" not in page
    assert session.get(Person, her.person_id).language == "hi"  # remembered for her


def test_wrong_passwords_lock_her_out_with_a_plain_message(session, client, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    user = WebUser(client)
    wrong = Credentials(her.mobile, "not-my-password", 0)
    answers = [user.sign_in(wrong) for _ in range(5)]
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 423]
    assert "do not match" in _text(answers[0])
    assert "locked" in _text(answers[4]) and "15 minutes" in _text(answers[4])
    still = user.sign_in(her)
    assert still.status_code == 423  # the right password too, until the time is over
    logged = session.scalars(
        select(AccessLogEntry.person_id).where(AccessLogEntry.path.like("/sign-in%"))
    ).all()
    assert len(logged) == 6


def test_a_required_one_time_code_is_a_second_step_and_enrols_her_app(session, client, app, fed):
    her = person(session, Role.ADMIN, name="Rekha Sinha", totp_required=True)
    user = WebUser(client)
    first = user.sign_in(her)
    assert (first.status_code, first.location) == (303, "/sign-in/code")
    assert client.get("/federation").location.startswith("/sign-in")  # not signed in yet
    enrol = user.page("/sign-in/code")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', enrol)[1]
    raw = session.execute(text("SELECT * FROM people WHERE id = :id"), {"id": her.person_id})
    assert secret not in " ".join(str(v) for v in raw.one())
    bad = user.post("/sign-in/code", {"code": "12345"})
    assert bad.status_code == 401 and "not right" in _text(bad)
    code = pyotp.TOTP(secret).now()
    done = user.post("/sign-in/code", {"code": code})
    assert (done.status_code, done.location) == (303, "/federation")
    assert user.page("/federation")
    # Next time: the code only, no new secret shown; the code just used is refused.
    again = WebUser(client)
    again.sign_in(her)
    page = again.page("/sign-in/code")
    assert 'id="totp-secret"' not in page
    assert again.post("/sign-in/code", {"code": code}).status_code == 401


def test_after_a_reset_she_must_change_her_password_first(session, client, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    made = people.reset_password(session, ADMIN, people_security(client), her.person_id)
    user = WebUser(client)
    signed = user.sign_in(Credentials(her.mobile, made.temporary_password, 0))
    assert signed.location == "/password"
    assert client.get("/federation").location == "/password"
    mismatch = user.post(
        "/password",
        {
            "current_password": made.temporary_password,
            "new_password": "river-bank-9",
            "new_password_again": "river-bank-8",
        },
    )
    assert mismatch.status_code == 422 and "not the same" in _text(mismatch)
    weak = user.post(
        "/password",
        {
            "current_password": made.temporary_password,
            "new_password": "123456",
            "new_password_again": "123456",
        },
    )
    assert weak.status_code == 422 and "guess" in _text(weak)
    changed = user.post(
        "/password",
        {
            "current_password": made.temporary_password,
            "new_password": "river-bank-9",
            "new_password_again": "river-bank-9",
        },
    )
    assert changed.status_code == 303
    assert user.get("/federation").status_code == 200
    assert WebUser(client).sign_in(Credentials(her.mobile, "river-bank-9", 0)).status_code == 303


def people_security(client):
    return client.application.extensions["bahi.security"]


def test_a_bookkeeper_person_writes_only_in_her_clf(session, client, fed):
    other = make_federation(session, "OD", members_count=1)
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, fed.clf)
    assert bookkeeper.get(f"/shgs/{fed.shg.id}").status_code == 200
    assert bookkeeper.get(f"/shgs/{other.shg.id}").status_code in (403, 404)
    refused = bookkeeper.post(f"/shgs/{other.shg.id}/meetings/new", {"meeting_date": "05-06-2026"})
    assert refused.status_code in (403, 404)


def test_the_people_pages_are_the_admins(session, client, fed):
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, fed.clf)
    assert bookkeeper.get("/people").status_code == 403
    admin = signed_in(session, client, Role.ADMIN)
    listing = admin.page("/people")
    assert "Add a person" in listing and "Ujala CLF (CLF)" in listing
    made = admin.post(
        "/people",
        {
            "name": "Sunita Devi",
            "mobile": "98123 45678",
            "role": "bookkeeper",
            "scope": f"institution:{fed.clf.id}",
            "language": "or",
        },
    )
    assert made.status_code == 201
    temporary = re.search(r'id="temporary-password">([a-z0-9]+)<', _text(made))[1]
    sunita = session.scalars(select(Person).where(Person.mobile == "9812345678")).one()
    assert sunita.must_change_password and sunita.language == "or"
    wrong_scope = admin.post(
        "/people",
        {"name": "X", "mobile": "9812345679", "role": "bookkeeper", "scope": ""},
    )
    assert wrong_scope.status_code == 422 and "CLF" in _text(wrong_scope).upper()

    detail = admin.page(f"/people/{sunita.id}")
    key = re.search(r'name="form_key" value="([^"]+)"', detail)[1]
    disabled = admin.post(f"/people/{sunita.id}/disable", {"form_key": key})
    session.expire_all()
    assert disabled.status_code == 303 and sunita.disabled_at is not None
    refused = WebUser(client).sign_in(Credentials("9812345678", temporary, 0))
    assert refused.status_code == 401
    token_page = admin.post(f"/people/{sunita.id}/tokens", {"name": "tally sync"})
    assert token_page.status_code == 409  # a disabled person gets no token
