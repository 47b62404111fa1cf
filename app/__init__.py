"""Bahi: double-entry books and credit readiness for SHGs and their federations."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter

import config as bahi_config
from app.formats import dpd_colour, indian_date
from app.openapi import make_api
from app.schemas.fields import Rupees
from models.money import format_inr


class IdConverter(BaseConverter):
    """Ids in URLs: 1 to 18 digits, so no URL can overflow a 64-bit column."""

    regex = r"[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app. Nothing runs on import; the scheduler never starts here."""
    app = Flask(__name__)
    app.config.from_mapping(bahi_config.load((test_config or {}).get("BAHI_ENV")))
    if test_config:
        app.config.from_mapping(test_config)
    app.url_map.converters["id"] = IdConverter
    app.jinja_env.filters["inr"] = format_inr
    app.jinja_env.filters["indian_date"] = indian_date
    app.jinja_env.filters["dpd_colour"] = dpd_colour
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from app import (
        auth,
        cli,
        db,
        docs,
        errors,
        i18n,
        request_guard,
        requestdb,
        security,
        state_scope,
        static_versions,
        web,
        writes,
    )

    app.extensions["bahi.sessions"] = db.session_factory_for(app.config)
    state_scope.install(app.extensions["bahi.sessions"])
    requestdb.init_app(app)
    _trust_proxies(app)
    # Authentication runs before the limiter, so requests are counted per token that
    # authenticated (failed attempts are limited by auth itself, per address).
    auth.init_app(app)
    limiter = Limiter(
        key_func=auth.rate_limit_key,
        default_limits=[app.config["RATELIMIT_DEFAULT"]],
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        enabled=app.config["RATELIMIT_ENABLED"],
        # No X-RateLimit-* headers: with them the limiter also puts its own Retry-After on
        # every answer (a 202 told to wait 60 s, a 503's own Retry-After overridden).
        # `errors.handle_rate_limited` gives each 429 its Retry-After.
        headers_enabled=False,
    )
    limiter.init_app(app)
    # Flask-Limiter's decorators hold the limiter weakly: the app must keep it alive.
    app.extensions["bahi.limiter"] = limiter
    request_guard.init_app(app)
    writes.init_app(app)
    _register_api(app)
    errors.init_app(app)  # after the Api, so problem+json replaces its error format
    docs.init_app(app)
    cli.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    static_versions.init_app(app)
    security.init_app(app)  # after the secret key: production names that one first
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind a reverse proxy, take the client's address (and scheme) from the headers the
    given number of proxies set (`BAHI_PROXY_FIX_X_FOR=1` behind one nginx); with none
    configured the headers are ignored, since any client could forge them."""
    hops = app.config["PROXY_FIX_X_FOR"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def _register_api(app: Flask) -> None:
    from app.api import (
        bank_loans,
        banks,
        books,
        bureau,
        capital,
        cash_book,
        credit,
        health,
        idle,
        imports,
        institutions,
        journal,
        kyc,
        loans,
        meetings,
        members,
        people,
        savings,
        tokens,
    )

    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": (
                    "Double-entry books for SHGs, VOs and CLFs. Amounts are decimal rupee strings."
                )
            },
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearer": []}],
        },
    )
    api = make_api(app)
    api.register_converter(
        IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": 10**18}
    )
    api.register_field(Rupees, "string", None)
    for module in (
        health,
        institutions,
        members,
        kyc,
        banks,
        journal,
        books,
        savings,
        loans,
        meetings,
        imports,
        cash_book,
        capital,
        bank_loans,
        bureau,
        idle,
        credit,
        tokens,
        people,
    ):
        api.register_blueprint(module.blp)
