"""Server-rendered pages for bookkeepers, auditors and bank officers.

They call the same service functions as the API: views parse a form, call a service, and
render what it returns. Signing in is with the same identities and roles as the API.
"""

from __future__ import annotations

from flask import Flask

from app import csp
from app.web.blueprint import bp
from app.web.secret_key import secret_key


def init_app(app: Flask) -> None:
    app.config["SECRET_KEY"] = secret_key(app.config)
    # Every HTML response, the API's docs and printable passbook included, not just these pages.
    csp.init_app(app)
    from app.web import (  # noqa: F401 - they add routes
        audit,
        bank,
        books,
        cash_book,
        entries,
        meetings,
        members,
        offline,
        people,
        repayments,
        reports,
        session,
        sign_in,
    )

    app.register_blueprint(bp)
