"""Server-rendered pages for bookkeepers, auditors and bank officers.

They call the same service functions as the API: views parse a form, call a service, and
render what it returns. Signing in is with the same identities and roles as the API.
"""

from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter

from app import csp
from app.web.blueprint import bp
from app.web.secret_key import secret_key


def init_app(app: Flask, limiter: Limiter) -> None:
    app.config["SECRET_KEY"] = secret_key(app.config)
    # Every HTML response, the API's docs and printable passbook included, not just these pages.
    csp.init_app(app)
    from app.web import audit, bank, books, meetings, session  # noqa: F401 - they add routes

    app.register_blueprint(bp)
    # Flask-Limiter checks inside the wrapper it returns, so the wrapper must be the view.
    limit = limiter.limit(app.config["WEB_SIGN_IN_LIMIT"], methods=["POST"])
    app.view_functions["web.sign_in"] = limit(session.sign_in)
