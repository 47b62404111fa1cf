"""Interest subvention under DAY-NRLM: the scheme's parameters per financial year, and the
incentives an SHG has received.

Parameters are data (`models/subvention_years/*.json`, one file per financial year), never constants
in code: the scheme changes by year, and a claim for an old year must be computed with that
year's rules. Every rate, slab and cap in a year file names its source (the guideline read, or
"assumption" where none was found); a slab no guideline gives for that year is not in the
default file. A state that applies one (the ₹3-5 lakh slab after 2022-23, for instance) sets it
explicitly in `subvention_years/states/<state code>/fy<year>.json` (`{"slabs": [...]}`, each
slab with its `source`), added to that year's slabs for loans in that state only.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    Index,
    String,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, state_key, utcnow
from models.money import parse_rupees

YEARS = Path(__file__).parent / "subvention_years"
STATES = YEARS / "states"  # explicit state settings; none ship with Bahi


@dataclass(frozen=True)
class Slab:
    """Outstanding between `from_paise` and `to_paise` earns subvention: either the bank's
    rate's excess over the scheme rate, capped (`flat_bp` None), or a flat rate."""

    from_paise: int
    to_paise: int
    cap_bp: int | None
    flat_bp: int | None
    category_i_only: bool
    source: str


@dataclass(frozen=True)
class SchemeYear:
    financial_year: str  # "2025-26"
    starts_on: date
    ends_on: date
    scheme_rate_bp: int  # the rate the SHG pays on the first slab: 7%
    slabs: tuple[Slab, ...]
    prompt_additional_bp: int  # the further subvention for prompt payers: 3%
    # Prompt payer, judged over the claim period: a term loan never more than this many days
    # past due on a day of the period (counting only the SHG's own credits)...
    prompt_grace_days: int
    # ... a cash credit never over its drawing limit for more than this many days in a row,
    cash_credit_max_days_over_limit: int
    # ... and with a credit of the SHG's own in every month of the period, when true.
    cash_credit_credit_every_month: bool
    category_i_districts: frozenset[str]

    @property
    def subvented_limit_paise(self) -> int:
        """The balance on which the SHG pays the scheme's rate (the first slab's top, ₹3 lakh)."""
        return self.slabs[0].to_paise


def financial_year_of(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def _slab(raw: dict[str, Any], where: str) -> Slab:
    if not str(raw.get("source", "")).strip():
        raise ValueError(f"{where}: every slab names its source")
    return Slab(
        from_paise=parse_rupees(raw["from"]),
        to_paise=parse_rupees(raw["to"]),
        cap_bp=raw.get("cap_bp"),
        flat_bp=raw.get("flat_bp"),
        category_i_only=raw.get("category_i_only", False),
        source=raw["source"],
    )


def _state_slabs(financial_year: str, state_code: str | None) -> tuple[Slab, ...]:
    path = STATES / (state_code or "") / f"fy{financial_year}.json"
    if state_code is None or not path.is_file():
        return ()
    raw = json.loads(path.read_text("utf-8"))
    return tuple(_slab(s, str(path)) for s in raw["slabs"])


@cache
def scheme_year(financial_year: str, state_code: str | None = None) -> SchemeYear | None:
    """The scheme's parameters for a financial year (with the state's explicit settings, if
    it has any), or None when none are kept for it."""
    path = YEARS / f"fy{financial_year}.json"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text("utf-8"))
    start = int(financial_year[:4])
    prompt = raw["prompt_payer"]
    return SchemeYear(
        financial_year=financial_year,
        starts_on=date(start, 4, 1),
        ends_on=date(start + 1, 3, 31),
        scheme_rate_bp=raw["scheme_rate_bp"],
        slabs=tuple(_slab(s, str(path)) for s in raw["slabs"])
        + _state_slabs(financial_year, state_code),
        prompt_additional_bp=raw["prompt_additional_bp"],
        prompt_grace_days=prompt["term_loan_max_days_past_due"],
        cash_credit_max_days_over_limit=prompt["cash_credit_max_days_over_limit"],
        cash_credit_credit_every_month=prompt["cash_credit_credit_every_month"],
        category_i_districts=frozenset(raw["category_i_districts"]),
    )


class SubventionReceipt(Base):
    """A prompt-repayment incentive received for a facility and a claim period. Ignored once
    its entry is reversed."""

    __tablename__ = "subvention_receipts"
    __table_args__ = (
        state_key("entry_id", "journal_entries"),
        state_key("facility_id", "facilities"),
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint("period_start <= period_end", name="period"),
        CheckConstraint("credited_to IN ('loan_account','bank')", name="credited_to"),
        Index("ix_subvention_receipts_facility", "facility_id", "period_start"),
    )

    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    facility_id: Mapped[int] = mapped_column(BigId)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    credited_to: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))
