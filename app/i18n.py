"""The pages' languages: English, Hindi and Odia, through Flask-Babel.

The API speaks English with stable problem codes; only pages are translated. Catalogs live
in `app/translations/<locale>/LC_MESSAGES/messages.po`.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel

# The languages a page can be shown in, in the order the sign-in page offers them.
LANGUAGES = ("en", "hi", "or")


def choose_locale() -> str:
    """The language of the page being drawn (English until a person chooses another)."""
    return "en"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=choose_locale, default_translation_directories="translations")
