"""How people in India read dates and rates, for pages, PDFs, CSVs and messages."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from babel.dates import format_date

# Pages in English read Indian English month names (CLDR's en_IN).
_BABEL_LOCALES = {"en": "en_IN"}


def indian_date(day: date | None) -> str:
    """25-11-2026, in every language (dd-mm-yyyy, Latin digits); empty for no date."""
    return day.strftime("%d-%m-%Y") if day else ""


def month_year(day: date, language: str = "en") -> str:
    """A month as her language names it, the year in Latin digits: "Nov 2026", "नव॰ 2026",
    "ନଭେମ୍ବର 2026" (CLDR's abbreviated month names; Odia has no abbreviations)."""
    return format_date(day, "MMM yyyy", locale=_BABEL_LOCALES.get(language, language))


def percent(basis_points: int | None) -> str:
    """Basis points as a percentage with two decimals, exactly: 6000 → "60.00"; empty for
    none."""
    if basis_points is None:
        return ""
    return f"{basis_points // 100}.{basis_points % 100:02d}"


class DpdBand(NamedTuple):
    """A band of days past due in a payment grid, and how pages and PDFs colour it."""

    limit: int | None  # the most days past due in the band; None: no upper limit
    colour: str  # the PDF's fill, and the page's, through `css_class` in app/static/bahi.css
    css_class: str
    words: str


# A payment grid's bands: on time, 1-30, 31-60, 61-90, over 90 days past due.
DPD_BANDS = (
    DpdBand(0, "#2e7d32", "dpd-on-time", "on time"),
    DpdBand(30, "#f9a825", "dpd-30", "1-30 days late"),
    DpdBand(60, "#ef6c00", "dpd-60", "31-60 days late"),
    DpdBand(90, "#c62828", "dpd-90", "61-90 days late"),
    DpdBand(None, "#6a1b9a", "dpd-over-90", "over 90 days late"),
)
NOT_RUNNING = DpdBand(None, "#dddddd", "dpd-none", "no loan running")


def dpd_band(days: int | None) -> DpdBand:
    """The band of a month in a payment grid; NOT_RUNNING when no loan was running."""
    if days is None:
        return NOT_RUNNING
    return next(band for band in DPD_BANDS if band.limit is None or days <= band.limit)


def dpd_colour(days: int | None) -> str:
    """The colour of a month in a payment grid; grey when no loan was running."""
    return dpd_band(days).colour


def dpd_class(days: int | None) -> str:
    """The class that colours a month of a page's payment strip (a class, not a style
    attribute: the pages' Content-Security-Policy refuses inline styles)."""
    return dpd_band(days).css_class
