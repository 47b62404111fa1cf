"""Capital support and borrowing between institutions: grants, federation loans, bank loans.

The money lives in the journal; these tables keep what the journal cannot: who gave what to
whom under which fund, a facility's terms and schedule, and how each movement on a facility
split between principal and interest.

- A **grant** (Revolving Fund, Start-up Fund, a CIF or VRF corpus) is received from the state
  mission (one entry, in the receiver's book) or passed from a CLF or VO to an institution
  under it (a linked set: both books).
- A **facility** is a loan owed by an institution: CIF or VRF from a federation above it
  (a linked set in both books for every movement), or a bank term loan or cash credit limit
  (entries in the borrower's book only: the bank keeps its own books).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, one_of, state_key, utcnow
from models.money import parse_rupees

GRANT_FUNDS = ("revolving_fund", "startup_fund", "cif_corpus", "vrf_corpus", "other_grants")
FACILITY_FUNDS = ("cif", "vrf", "bank")
FACILITY_KINDS = ("term", "cash_credit")
MOVEMENT_KINDS = ("draw", "repay", "interest", "incentive")


class Grant(Base):
    """Capital support given once; ignored in every figure once its entry is reversed."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint(one_of("fund", GRANT_FUNDS), name="fund"),
        CheckConstraint("amount_paise > 0", name="amount_positive"),
        CheckConstraint("giver_id IS NULL OR giver_id <> receiver_id", name="not_to_itself"),
        state_key("giver_id", "institutions"),
        state_key("receiver_id", "institutions"),
        state_key("entry_id", "journal_entries"),
        Index("ix_grants_receiver", "receiver_id", "fund"),
        Index("ix_grants_giver", "giver_id", "fund"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4))
    fund: Mapped[str] = mapped_column(String(20))
    # None: from the state mission, which keeps no books here.
    giver_id: Mapped[int | None] = mapped_column(BigId)
    receiver_id: Mapped[int] = mapped_column(BigId)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    value_date: Mapped[date] = mapped_column(Date)
    tranche: Mapped[int] = mapped_column(Integer, default=1)
    reference: Mapped[str | None] = mapped_column(String(100))
    # The receiver's entry: reversing the grant reverses it (and the giver's, as a set).
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class Facility(Base):
    """A loan owed by an institution, to a federation above it or to a bank branch."""

    __tablename__ = "facilities"
    __table_args__ = (
        UniqueConstraint("id", "state_code"),
        state_key("borrower_id", "institutions"),
        state_key("lender_id", "institutions"),
        CheckConstraint(one_of("fund", FACILITY_FUNDS), name="fund"),
        CheckConstraint(one_of("kind", FACILITY_KINDS), name="kind"),
        CheckConstraint(
            "(fund = 'bank') = (branch_id IS NOT NULL AND lender_id IS NULL)", name="lender"
        ),
        CheckConstraint("fund = 'bank' OR kind = 'term'", name="federation_loans_are_term"),
        CheckConstraint("limit_paise > 0", name="limit_positive"),
        CheckConstraint("rate_bp >= 0", name="rate_not_negative"),
        CheckConstraint(
            "(fund = 'bank') = (bank_rate_bp IS NOT NULL)"
            " AND (bank_rate_bp IS NULL OR bank_rate_bp >= 0)",
            name="bank_rate",
        ),
        CheckConstraint("rate_basis IN ('per_month','per_annum')", name="rate_basis"),
        CheckConstraint("method IN ('flat','declining')", name="method"),
        CheckConstraint("frequency IN ('weekly','fortnightly','monthly')", name="frequency"),
        CheckConstraint("instalments > 0 AND moratorium_periods >= 0", name="tenure"),
        Index("ix_facilities_borrower", "borrower_id", "id"),
        Index("ix_facilities_lender", "lender_id", "id"),
        Index("ix_facilities_branch", "branch_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4))
    fund: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(12))
    borrower_id: Mapped[int] = mapped_column(BigId)
    lender_id: Mapped[int | None] = mapped_column(BigId)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("bank_branches.id"))
    account_number: Mapped[str | None] = mapped_column(String(40))
    dose: Mapped[int | None] = mapped_column(Integer)
    sanctioned_on: Mapped[date] = mapped_column(Date)
    # A term loan's sanctioned amount, or a cash credit's limit.
    limit_paise: Mapped[int] = mapped_column(BigInteger)
    # The rate the borrower is charged, per annum or per month (`rate_basis`). On a bank loan,
    # the rate charged to the SHG on the part of the balance the subvention scheme covers.
    rate_bp: Mapped[int] = mapped_column(Integer)
    # Bank loans only: the bank's own rate (its weighted average interest charge or lending
    # rate), per annum. The subvention claim is computed on it, and it is the rate charged on
    # the balance above the scheme's limit (`app/services/lending/bank_loans.py`).
    bank_rate_bp: Mapped[int | None] = mapped_column(Integer)
    # True for bank loans recorded before the two rates were kept apart (migration 0017): both
    # hold the one rate recorded then, until someone confirms them.
    rates_carried_forward: Mapped[bool] = mapped_column(Boolean, default=False)
    rates_confirmed_by: Mapped[str | None] = mapped_column(String(120))
    rate_basis: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(12))
    instalments: Mapped[int] = mapped_column(Integer)
    moratorium_periods: Mapped[int] = mapped_column(Integer, default=0)
    # The day a term loan was drawn; interest on a federation loan runs from here.
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class FacilityInstalment(Base):
    __tablename__ = "facility_instalments"
    __table_args__ = (
        state_key("facility_id", "facilities"),
        CheckConstraint("principal_paise >= 0 AND interest_paise >= 0", name="amounts"),
    )

    facility_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date)
    principal_paise: Mapped[int] = mapped_column(BigInteger)
    interest_paise: Mapped[int] = mapped_column(BigInteger)


class FacilityMovement(Base):
    """One movement on a facility: a draw, a repayment, interest the bank debited, or an
    incentive credited to the loan. Ignored once its entry is reversed."""

    __tablename__ = "facility_movements"
    __table_args__ = (
        state_key("entry_id", "journal_entries"),
        state_key("facility_id", "facilities"),
        CheckConstraint(one_of("kind", MOVEMENT_KINDS), name="kind"),
        CheckConstraint(
            "principal_paise >= 0 AND interest_paise >= 0 AND interest_unpaid_paise >= 0"
            " AND penalty_unpaid_paise >= 0",
            name="amounts",
        ),
        CheckConstraint("principal_paise + interest_paise > 0", name="moves_money"),
        Index("ix_facility_movements_facility", "facility_id", "value_date"),
    )

    # The borrower's entry (of the linked set, for a federation loan).
    entry_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    facility_id: Mapped[int] = mapped_column(BigId)
    kind: Mapped[str] = mapped_column(String(10))
    value_date: Mapped[date] = mapped_column(Date)
    principal_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    interest_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    # Interest is settled up to this day; the next charge or repayment runs from here.
    interest_through: Mapped[date] = mapped_column(Date)
    interest_unpaid_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    # Kept so a facility's repayments read like a member loan's (no penalties on facilities).
    penalty_unpaid_paise: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


class DrawingPower(Base):
    """A cash credit's drawing power from a day on (banks reset it yearly, by dose)."""

    __tablename__ = "drawing_powers"
    __table_args__ = (
        state_key("facility_id", "facilities"),
        CheckConstraint("amount_paise >= 0", name="amount_not_negative"),
    )

    facility_id: Mapped[int] = mapped_column(BigId, primary_key=True)
    state_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    effective_on: Mapped[date] = mapped_column(Date, primary_key=True)
    amount_paise: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(120))


@dataclass(frozen=True)
class DoseRule:
    dose: int
    corpus_multiple: int
    at_least_paise: int


@dataclass(frozen=True)
class ClassBand:
    from_days: int
    to_days: int | None
    label: str


@dataclass(frozen=True)
class CapitalRules:
    vrf_next_release_min_lent_percent: int
    bank_eligibility_min_months_of_books: int
    drawing_power_ladder: tuple[DoseRule, ...]
    term_loan_classes: tuple[ClassBand, ...]
    cash_credit_classes: tuple[ClassBand, ...]
    cash_credit_out_of_order_days: int

    def classify(self, kind: str, days: int) -> str:
        """ "standard", or the band `days` falls in: a term loan's days past due, or a cash
        credit's days continuously over its drawing limit (its NPA comes from being out of
        order, `cash_credit_out_of_order_days`; sources in `capital_rules.json`)."""
        bands = self.term_loan_classes if kind == "term" else self.cash_credit_classes
        for band in bands:
            if days >= band.from_days and (band.to_days is None or days <= band.to_days):
                return band.label
        return "standard"


def _bands(raw: list[dict[str, object]]) -> tuple[ClassBand, ...]:
    return tuple(
        ClassBand(
            int(str(b["from_days"])),
            None if b["to_days"] is None else int(str(b["to_days"])),
            str(b["class"]),
        )
        for b in raw
    )


@cache
def capital_rules() -> CapitalRules:
    raw = json.loads(resources.files(__package__).joinpath("capital_rules.json").read_text("utf-8"))
    return CapitalRules(
        vrf_next_release_min_lent_percent=raw["vrf_next_release_min_lent_percent"],
        bank_eligibility_min_months_of_books=raw["bank_eligibility_min_months_of_books"],
        drawing_power_ladder=tuple(
            DoseRule(d["dose"], d["corpus_multiple"], parse_rupees(d["at_least"]))
            for d in raw["drawing_power_ladder"]
        ),
        term_loan_classes=_bands(raw["term_loan_classes"]),
        cash_credit_classes=_bands(raw["cash_credit_classes"]),
        cash_credit_out_of_order_days=raw["cash_credit_out_of_order_days"],
    )
