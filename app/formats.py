"""How people in India read dates and rates, for pages, PDFs, CSVs and messages."""

from __future__ import annotations

from datetime import date


def indian_date(day: date | None) -> str:
    """25-11-2026; empty for no date."""
    return day.strftime("%d-%m-%Y") if day else ""


def percent(basis_points: int | None) -> str:
    """Basis points as a percentage with two decimals, exactly: 6000 → "60.00"; empty for
    none."""
    if basis_points is None:
        return ""
    return f"{basis_points // 100}.{basis_points % 100:02d}"


# A payment grid's colours: on time, 1-30, 31-60, 61-90, over 90 days past due.
DPD_COLOURS = (
    (0, "#2e7d32", "on time"),
    (30, "#f9a825", "1-30 days late"),
    (60, "#ef6c00", "31-60 days late"),
    (90, "#c62828", "61-90 days late"),
    (None, "#6a1b9a", "over 90 days late"),
)
NOT_RUNNING = ("#dddddd", "no loan running")


def dpd_colour(days: int | None) -> str:
    """The colour of a month in a payment grid; grey when no loan was running."""
    if days is None:
        return NOT_RUNNING[0]
    return next(colour for limit, colour, _ in DPD_COLOURS if limit is None or days <= limit)
