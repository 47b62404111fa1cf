"""Server-rendered pages for bookkeepers, auditors and bank officers.

They call the same service functions as the API: views parse a form, call a service, and
render what it returns. Signing in is with the same identities and roles as the API.
"""

from __future__ import annotations

import secrets

from flask import Flask
from flask_limiter import Limiter

from app.web.blueprint import bp


def init_app(app: Flask, limiter: Limiter) -> None:
    if not app.config.get("SECRET_KEY"):
        if app.config["BAHI_ENV"] == "production":
            raise RuntimeError("set BAHI_SECRET_KEY: it signs the web session cookie")
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    from app.web import audit, bank, books, meetings, session  # noqa: F401 - they add routes

    app.register_blueprint(bp)
    # Flask-Limiter checks inside the wrapper it returns, so the wrapper must be the view.
    limit = limiter.limit(app.config["WEB_SIGN_IN_LIMIT"], methods=["POST"])
    app.view_functions["web.sign_in"] = limit(session.sign_in)
