"""Page tests' stand-in for a person at a browser, shared by every `test_web_*` module."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services.access import people
from app.services.access.one_time_codes import fernet_for
from app.services.access.passwords import HashCost
from models import Role
from models.institutions import Institution
from tests.factories import ADMIN

# The testing settings' argon2 cost (config.TestingConfig), so no sign-in rehashes.
TEST_SECURITY = people.Security(cost=HashCost(1, 1024, 1), fernet=fernet_for("tests"))
PASSWORD = "kaveri-river-42"
_mobiles = itertools.count(9_000_000_001)


@dataclass(frozen=True)
class Credentials:
    """What a person types to sign in."""

    mobile: str
    password: str
    person_id: int


def person(
    session: Session,
    role: Role,
    institution: Institution | None = None,
    bank_id: int | None = None,
    *,
    name: str | None = None,
    password: str = PASSWORD,
    totp_required: bool = False,
) -> Credentials:
    """A person of this role and scope with a password of her own (none to change)."""
    mobile = str(next(_mobiles))
    made = people.create_person(
        session,
        ADMIN,
        TEST_SECURITY,
        people.NewPerson(
            name or f"Test {role.value}",
            mobile,
            role,
            institution.id if institution else None,
            bank_id,
            totp_required=totp_required,
        ),
        password,
    )
    session.flush()
    return Credentials(mobile, password, made.person.id)


class WebUser:
    """A browser stand-in: signs in through the form and sends the CSRF token with each post."""

    def __init__(self, client, credentials: Credentials | None = None) -> None:
        self.client = client
        if credentials is not None:
            response = self.sign_in(credentials)
            assert response.status_code == 303, response.get_data(as_text=True)

    def sign_in(self, credentials: Credentials, **extra: str):
        """Post the sign-in form (mobile, password, and any `extra` field: language, next)."""
        csrf = field_value(self.client.get("/sign-in").get_data(as_text=True), "csrf_token")
        form = {"mobile": credentials.mobile, "password": credentials.password}
        return self.client.post("/sign-in", data={**form, "csrf_token": csrf, **extra})

    def get(self, path: str, **kw):
        return self.client.get(path, **kw)

    def page(self, path: str) -> str:
        """The page's HTML; every page must carry the Content-Security-Policy."""
        response = self.client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert "script-src 'self';" in response.headers.get("Content-Security-Policy", ""), path
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict, **kw):
        # The token the pages carry is the one in her session cookie (signing in renews it).
        with self.client.session_transaction() as cookie:
            csrf = cookie.get("csrf", "")
        return self.client.post(path, data={"csrf_token": csrf, **data}, **kw)


def signed_in(
    session: Session,
    client,
    role: Role,
    institution: Institution | None = None,
    bank_id: int | None = None,
) -> WebUser:
    """A person of this role and scope, signed in on the pages."""
    return WebUser(client, person(session, role, institution, bank_id=bank_id))


def field_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} field on the page"
    return match[1]
