"""Page tests' stand-in for a person at a browser, shared by every `test_web_*` module."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from models import Role
from models.institutions import Institution
from tests.factories import token


class WebUser:
    """A browser stand-in: signs in through the form and sends the CSRF token with each post."""

    def __init__(self, client, secret: str | None = None) -> None:
        self.client = client
        if secret is not None:
            response = self.sign_in(secret)
            assert response.status_code == 303, response.get_data(as_text=True)

    def sign_in(self, secret: str):
        csrf = field_value(self.client.get("/sign-in").get_data(as_text=True), "csrf_token")
        return self.client.post("/sign-in", data={"access_key": secret, "csrf_token": csrf})

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
    return WebUser(client, token(session, role, institution, bank_id=bank_id))


def field_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} field on the page"
    return match[1]
