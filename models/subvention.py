"""Interest subvention under DAY-NRLM: the scheme's parameters per financial year, and the
incentives an SHG has received.

Parameters are data (`models/subvention_years/*.json`, one file per financial year), never constants
in code: the scheme changes by year, and a claim for an old year must be computed with that
year's rules.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow
from models.money import parse_rupees


@dataclass(frozen=True)
class Slab:
    """Outstanding between `from_paise` and `to_paise` earns subvention: either the lending
    rate's excess over the scheme rate, capped (`flat_bp` None), or a flat rate."""

    from_paise: int
    to_paise: int
    cap_bp: int | None
    flat_bp: int | None
    category_i_only: bool


@dataclass(frozen=True)
class SchemeYear:
    financial_year: str  # "2025-26"
    starts_on: date
    ends_on: date
    scheme_rate_bp: int  # the rate the SHG pays: 7%
    slabs: tuple[Slab, ...]
    prompt_additional_bp: int  # the further subvention for prompt payers: 3%
    prompt_grace_days: int  # a term-loan instalment paid within this many days is prompt
    cash_credit_max_days_over_limit: int
    category_i_districts: frozenset[str]


def financial_year_of(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


@cache
def scheme_year(financial_year: str) -> SchemeYear | None:
    """The scheme's parameters for a financial year, or None when none are kept for it."""
    name = f"fy{financial_year}.json"
    folder = resources.files(__package__).joinpath("subvention_years")
    if not folder.joinpath(name).is_file():
        return None
    raw = json.loads(folder.joinpath(name).read_text("utf-8"))
    start = int(financial_year[:4])
    return SchemeYear(
        financial_year=financial_year,
        starts_on=date(start, 4, 1),
        ends_on=date(start + 1, 3, 31),
        scheme_rate_bp=raw["scheme_rate_bp"],
        slabs=tuple(
            Slab(
                from_paise=parse_rupees(s["from"]),
                to_paise=parse_rupees(s["to"]),
                cap_bp=s.get("cap_bp"),
                flat_bp=s.get("flat_bp"),
                category_i_only=s.get("category_i_only", False),
            )
            for s in raw["slabs"]
        ),
        prompt_additional_bp=raw["prompt_additional_bp"],
        prompt_grace_days=raw["prompt_grace_days"],
        cash_credit_max_days_over_limit=raw["cash_credit_max_days_over_limit"],
        category_i_districts=frozenset(raw["category_i_districts"]),
    )


class SubventionReceipt(Base):
    """A prompt-repayment incentive received for a facility and a claim period. Ignored once
    its entry is reversed."""

    __tablename__ = "subvention_receipts"
    __table_args__ = (
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint("period_start <= period_end", name="period"),
        CheckConstraint("credited_to IN ('loan_account','bank')", name="credited_to"),
        Index("ix_subvention_receipts_facility", "facility_id", "period_start"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("journal_entries.id"), primary_key=True
    )
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    credited_to: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
