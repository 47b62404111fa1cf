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
