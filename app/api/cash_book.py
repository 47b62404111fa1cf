"""The cash book's everyday lines for an SHG, VO or CLF, by name instead of account ids: bank
interest, cash to and from the bank, expenses and other income."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.journal import entry_response
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.cash_book import (
    CashBookLineSchema,
    CashExpenseCreateSchema,
    OtherIncomeCreateSchema,
)
from app.schemas.journal import EntryDetailSchema
from app.services.lending import cash_book
from app.writes import HEADER_DOC, idempotent

blp = Blueprint(
    "cash_book",
    __name__,
    url_prefix="/api/v1/cash-book",
    description="Bank interest, cash to and from the bank, expenses and other income",
)


def _line(data: dict[str, Any]) -> cash_book.CashBookLine:
    return cash_book.CashBookLine(
        institution_id=data["institution_id"],
        value_date=data["value_date"],
        amount_paise=data["amount"],
        narration=data.get("narration"),
    )


@blp.route("/bank-interest", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(CashBookLineSchema)
@blp.response(201, EntryDetailSchema)
def bank_interest(data: dict[str, Any]) -> Any:
    """Interest the bank credited: Dr bank, Cr interest on bank deposits."""
    return entry_response(cash_book.bank_interest(db(), who(), _line(data)))


@blp.route("/bank-deposits", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(CashBookLineSchema)
@blp.response(201, EntryDetailSchema)
def deposit_cash(data: dict[str, Any]) -> Any:
    """Cash taken to the bank: Dr bank, Cr cash."""
    return entry_response(cash_book.deposit_cash(db(), who(), _line(data)))


@blp.route("/bank-withdrawals", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(CashBookLineSchema)
@blp.response(201, EntryDetailSchema)
def withdraw_cash(data: dict[str, Any]) -> Any:
    """Cash drawn from the bank: Dr cash, Cr bank."""
    return entry_response(cash_book.withdraw_cash(db(), who(), _line(data)))


@blp.route("/expenses", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(CashExpenseCreateSchema)
@blp.response(201, EntryDetailSchema)
def expense(data: dict[str, Any]) -> Any:
    """An expense paid: Dr the category's expense account, Cr cash or bank."""
    entry = cash_book.expense(db(), who(), _line(data), data["category"], data["via"])
    return entry_response(entry)


@blp.route("/income", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(OtherIncomeCreateSchema)
@blp.response(201, EntryDetailSchema)
def income(data: dict[str, Any]) -> Any:
    """Other income received: Dr cash or bank, Cr the category's income account."""
    entry = cash_book.income(db(), who(), _line(data), data["category"], data["via"])
    return entry_response(entry)
