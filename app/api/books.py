from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import page_body
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.books import (
    AsOfArgsSchema,
    BalanceSchema,
    BalanceSheetSchema,
    BookSchema,
    IncomeExpenditureSchema,
    PeriodArgsSchema,
    PeriodCloseSchema,
    PeriodEventSchema,
    PeriodReopenSchema,
    PeriodStatusSchema,
    StatementArgsSchema,
    StatementSchema,
    TrialBalanceSchema,
    VerificationSchema,
)
from app.schemas.journal import EntryPageSchema, EntryQueryArgsSchema
from app.schemas.members import AccountListSchema
from app.services.ledger import balances, journal, periods, reports, verify
from app.services.shared.clock import today_in_india
from app.writes import HEADER_DOC, idempotent

blp = Blueprint("books", __name__, url_prefix="/api/v1", description="Books, accounts and reports")


@blp.route("/books/<id:book_id>", methods=["GET"])
@blp.response(200, BookSchema)
def get_book(book_id: int) -> Any:
    """One book: its chart, last sequence number, head hash and closed-through date."""
    return journal.readable_book(db(), who(), book_id)


@blp.route("/books/<id:book_id>/accounts", methods=["GET"])
@blp.response(200, AccountListSchema)
def list_accounts(book_id: int) -> Any:
    """The book's chart of accounts with current balances (control accounts summed)."""
    book = journal.readable_book(db(), who(), book_id)
    return {"items": balances.accounts_with_balances(db(), book)}


@blp.route("/books/<id:book_id>/entries", methods=["GET"])
@blp.arguments(EntryQueryArgsSchema, location="query")
@blp.response(200, EntryPageSchema)
def list_entries(args: dict[str, Any], book_id: int) -> Any:
    """The book's journal in posting order."""
    page = journal.list_entries(
        db(), who(), book_id, args.get("from_"), args.get("to"), args.get("after"), args["limit"]
    )
    return page_body(page)


@blp.route("/accounts/<id:account_id>", methods=["GET"])
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, BalanceSchema)
def get_balance(args: dict[str, Any], account_id: int) -> Any:
    """An account and its balance now, or as of a date."""
    account = balances.readable_account(db(), who(), account_id)
    as_of = args.get("as_of")
    return {
        "account": account,
        "as_of": as_of,
        "balance": balances.balance_as_of(db(), account, as_of),
    }


@blp.route("/accounts/<id:account_id>/statement", methods=["GET"])
@blp.arguments(StatementArgsSchema, location="query")
@blp.response(200, StatementSchema)
def get_statement(args: dict[str, Any], account_id: int) -> Any:
    """Statement: opening balance, postings with running balance, closing balance."""
    account = balances.readable_account(db(), who(), account_id)
    to = args.get("to") or today_in_india()
    return balances.statement(
        db(), account, args.get("from_"), to, args.get("after"), args["limit"]
    )


@blp.route("/books/<id:book_id>/trial-balance", methods=["GET"])
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, TrialBalanceSchema)
def get_trial_balance(args: dict[str, Any], book_id: int) -> Any:
    """Trial balance as of a date: total debits always equal total credits."""
    book = journal.readable_book(db(), who(), book_id)
    return reports.trial_balance(db(), book, args.get("as_of") or today_in_india())


@blp.route("/books/<id:book_id>/balance-sheet", methods=["GET"])
@blp.arguments(AsOfArgsSchema, location="query")
@blp.response(200, BalanceSheetSchema)
def get_balance_sheet(args: dict[str, Any], book_id: int) -> Any:
    """Balance sheet as of a date: assets = liabilities + funds + surplus."""
    book = journal.readable_book(db(), who(), book_id)
    return reports.balance_sheet(db(), book, args.get("as_of") or today_in_india())


@blp.route("/books/<id:book_id>/income-expenditure", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, IncomeExpenditureSchema)
def get_income_expenditure(args: dict[str, Any], book_id: int) -> Any:
    """Income and expenditure for a period (default: this financial year to date)."""
    book = journal.readable_book(db(), who(), book_id)
    to = args.get("to") or today_in_india()
    return reports.income_expenditure(
        db(), book, args.get("from_") or reports.financial_year_start(to), to
    )


@blp.route("/books/<id:book_id>/periods", methods=["GET"])
@blp.response(200, PeriodStatusSchema)
def get_periods(book_id: int) -> Any:
    """The book's closed-through date and every close and re-opening."""
    return periods.period_status(db(), who(), book_id)


@blp.route("/books/<id:book_id>/periods/close", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(PeriodCloseSchema)
@blp.response(201, PeriodEventSchema)
def close_period(data: dict[str, Any], book_id: int) -> Any:
    """Close the book through the end of a month: nothing more may be posted on or before it."""
    return periods.close_month(db(), who(), book_id, data["month"])


@blp.route("/books/<id:book_id>/periods/reopen", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(PeriodReopenSchema)
@blp.response(201, PeriodEventSchema)
def reopen_period(data: dict[str, Any], book_id: int) -> Any:
    """Re-open a closed month and every later one (admin, with a reason)."""
    return periods.reopen_month(db(), who(), book_id, data["month"], data["reason"])


@blp.route("/books/<id:book_id>/verification", methods=["GET"])
@blp.response(200, VerificationSchema)
def verify_book(book_id: int) -> Any:
    """Recompute the book's balances and hash chain and report any mismatch."""
    journal.readable_book(db(), who(), book_id)
    return verify.verify_books(db(), verify.books_in_scope(db(), who(), book_id))


@blp.route("/verification", methods=["GET"])
@blp.response(200, VerificationSchema)
def verify_scope() -> Any:
    """Verify every book in your scope."""
    return verify.verify_books(db(), verify.books_in_scope(db(), who()))
