from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import ScheduledView, page_body
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.loans import (
    AgeingSchema,
    AsOfSchema,
    LoanCreateSchema,
    LoanDetailSchema,
    MemberLoanPageSchema,
    MemberLoansArgsSchema,
    PositionSchema,
    RepaymentCreateSchema,
    RepaymentSchema,
    WriteOffCreateSchema,
    WriteOffSchema,
)
from app.services.ledger import journal
from app.services.lending import arrears, loans, member_loans
from app.services.shared.clock import today_in_india
from app.writes import HEADER_DOC, idempotent
from models.interest import InterestBasis
from models.loans import MemberLoan
from models.schedule import Frequency, LoanTerms, Method, RateBasis

blp = Blueprint("loans", __name__, url_prefix="/api/v1", description="Internal loans to members")


def _view(loan: MemberLoan, as_of: Any = None) -> ScheduledView:
    session = db()
    return ScheduledView(
        loan,
        loans.schedule_of(session, loan),
        loans.position(session, loan, as_of or today_in_india()),
    )


def to_terms(data: dict[str, Any]) -> LoanTerms:
    """LoanTerms from a parsed LoanTermsSchema."""
    return LoanTerms(
        principal_paise=data["principal"],
        rate_bp=data["rate"],
        rate_basis=RateBasis(data["rate_basis"]),
        method=Method(data["method"]),
        instalments=data["instalments"],
        frequency=Frequency(data["frequency"]),
        moratorium_periods=data["moratorium_periods"],
    )


def _new_loan(data: dict[str, Any], member_id: int) -> loans.NewLoan:
    return loans.NewLoan(
        member_id=member_id,
        terms=to_terms(data),
        disbursed_on=data["disbursed_on"],
        fund_source=data["fund_source"],
        fund_reference=data.get("fund_reference"),
        purpose=data.get("purpose"),
        via=data["via"],
        allocation_order=data["allocation_order"],
        interest_basis=InterestBasis(data["interest_basis"]),
        facility_id=data.get("facility_id"),
    )


@blp.route("/members/<id:member_id>/loans", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(LoanCreateSchema)
@blp.response(201, LoanDetailSchema)
def disburse(data: dict[str, Any], member_id: int) -> Any:
    """Lend to a member: terms, fund source and the generated schedule are stored."""
    loan = loans.disburse_loan(db(), who(), _new_loan(data, member_id))
    return _view(loan, loan.disbursed_on)


@blp.route("/members/<id:member_id>/loans", methods=["GET"])
@blp.arguments(MemberLoansArgsSchema, location="query")
@blp.response(200, MemberLoanPageSchema)
def list_member_loans(args: dict[str, Any], member_id: int) -> Any:
    """A member's loans, running and closed, oldest first, each with its position."""
    page = member_loans.loans_of_member(
        db(),
        who(),
        member_id,
        args.get("as_of") or today_in_india(),
        args.get("after"),
        args["limit"],
    )
    return page_body(page)


@blp.route("/loans/<id:loan_id>", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, LoanDetailSchema)
def get(args: dict[str, Any], loan_id: int) -> Any:
    """A loan with its schedule and what is owed as of a date."""
    return _view(loans.readable_loan(db(), who(), loan_id), args.get("as_of"))


@blp.route("/loans/<id:loan_id>/position", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, PositionSchema)
def get_position(args: dict[str, Any], loan_id: int) -> Any:
    """Outstanding principal, interest and penalty due as of a date."""
    loan = loans.readable_loan(db(), who(), loan_id)
    return loans.position(db(), loan, args.get("as_of") or today_in_india())


@blp.route("/loans/<id:loan_id>/repayments", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(RepaymentCreateSchema)
@blp.response(201, RepaymentSchema)
def repay(data: dict[str, Any], loan_id: int) -> Any:
    """Record a repayment; it is split penalty → interest → principal (the loan's order)."""
    result = loans.repay_loan(
        db(),
        who(),
        loan_id,
        data["amount"],
        data["value_date"],
        via=data["via"],
        penalty_paise=data["penalty"],
    )
    return {
        "entry": journal.view_entry(db(), result.entry),
        "split": result.split,
        "position": result.position,
    }


@blp.route("/loans/<id:loan_id>/write-off", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(WriteOffCreateSchema)
@blp.response(201, WriteOffSchema)
def write_off(data: dict[str, Any], loan_id: int) -> Any:
    """Write off a loan's outstanding principal (undone by reversing its entry)."""
    return loans.write_off_loan(db(), who(), loan_id, data["value_date"], data["reason"])


@blp.route("/institutions/<id:institution_id>/arrears", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, AgeingSchema)
def get_arrears(args: dict[str, Any], institution_id: int) -> Any:
    """Loans by days past due (current, 1-30, 31-60, 61-90, 90+), in total and per child."""
    return arrears.ageing(db(), who(), institution_id, args.get("as_of") or today_in_india())
