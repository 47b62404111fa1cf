"""The pages' languages: English, Hindi and Odia, through Flask-Babel.

The API speaks English with stable problem codes; only pages are translated. Catalogs live
in `app/translations/<locale>/LC_MESSAGES/messages.po`; their compiled `.mo` files are not
kept in git: `compile_catalogs` writes them when the app is built (a few milliseconds), so a
fresh clone, `make run` and CI need no extra step. `make translations` extracts the pages'
strings again and merges them into both catalogs.

Which language a page is drawn in (`choose_locale`): the person's choice kept in
`session["lang"]` (set by the language links at the foot of every page, `?lang=hi`, and at
sign-in from her account), else the best match of the browser's Accept-Language, else English.
"""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale

from app.formats import month_year
from app.words import word

# The languages a page can be shown in, in the order the sign-in page offers them.
LANGUAGES = ("en", "hi", "or")
# Each language's name in itself, for the language links.
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी", "or": "ଓଡ଼ିଆ"}
TRANSLATIONS = Path(__file__).parent / "translations"


def choose_locale() -> str:
    """The language of the page being drawn: her choice, else her browser's, else English."""
    if not has_request_context():
        return "en"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    """The language of this page, as `<html lang>` and the language links name it."""
    return choose_locale()


def _remember_choice() -> None:
    """`?lang=hi` on any page (the language links) keeps that language for the session."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        session["lang"] = asked


def clear_session_keeping_language() -> None:
    """Empty the session (signing in or out) without forgetting the language she chose."""
    chosen = session.get("lang")
    session.clear()
    if chosen in LANGUAGES:
        session["lang"] = chosen


def language_url(code: str) -> str:
    """This page's address with `lang=code`, its other query arguments kept."""
    args: dict[str, Any] = request.args.to_dict()
    args["lang"] = code
    return f"{request.path}?{urlencode(args)}"


def page_month_year(day: date) -> str:
    """The `month_year` filter: a month named in the page's language."""
    return month_year(day, str(get_locale() or "en"))


def compile_catalogs(directory: Path = TRANSLATIONS) -> None:
    """Write each catalog's `.mo` beside its `.po` where missing or older than the `.po`.

    Written to a temporary file and renamed, so two workers starting together never read a
    half-written catalog.
    """
    for po in directory.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source)
        handle, temporary = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog)
        os.replace(temporary, mo)


def init_app(app: Flask) -> None:
    compile_catalogs()
    Babel(app, locale_selector=choose_locale, default_translation_directories="translations")
    app.before_request(_remember_choice)
    app.jinja_env.filters["month_year"] = page_month_year
    app.jinja_env.filters["word"] = word
    from app.web.plain_problems import plain_problem

    app.jinja_env.globals["plain_problem"] = plain_problem

    @app.context_processor
    def _language_globals() -> dict[str, Any]:
        return {
            "page_language": current_language,
            "language_url": language_url,
            "LANGUAGE_NAMES": LANGUAGE_NAMES,
        }
