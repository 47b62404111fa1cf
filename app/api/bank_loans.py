"""Bank loans to SHGs (term loans and cash credit), their classification, and interest
subvention: per loan, the bank's claim report, and incentives received."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import ScheduledView, dumped_for_reader, posted_view
from app.auth import current_principal as who
from app.downloads import attachment
from app.requestdb import db
from app.schemas.capital import (
    BankLoanCreateSchema,
    BankLoanSchema,
    BankMovementCreateSchema,
    BankRatesUpdateSchema,
    DrawingPowerArgsSchema,
    DrawingPowerCreateSchema,
    DrawingPowerSchema,
    IncentiveCreateSchema,
    IncentiveSchema,
    InterestCreateSchema,
    MovementSchema,
    PartnerBankLoanSchema,
    PeriodArgsSchema,
    SubventionListSchema,
    SuggestedDrawingPowerSchema,
)
from app.schemas.loans import AsOfSchema
from app.services.capital import subvention
from app.services.federation.institutions import readable_institution
from app.services.ledger.books import book_of
from app.services.lending import bank_loans, facilities
from app.services.shared.clock import today_in_india
from app.services.shared.errors import NotFound
from app.writes import HEADER_DOC, idempotent
from models.capital import Facility
from models.schedule import Frequency

blp = Blueprint(
    "bank_loans", __name__, url_prefix="/api/v1", description="Bank loans and interest subvention"
)


def _bank_loan(facility_id: int) -> Facility:
    facility = facilities.readable_facility(db(), who(), facility_id)
    if facility.fund != "bank":
        raise NotFound(f"facility {facility_id} is not a bank loan")
    return facility


def _view(facility: Facility, as_of: Any = None) -> ScheduledView:
    session = db()
    return ScheduledView(
        facility,
        facilities.schedule_of(session, facility),
        bank_loans.position(session, facility, as_of or today_in_india()),
    )


@blp.route("/bank-loans", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BankLoanCreateSchema)
@blp.response(201, BankLoanSchema)
def sanction(data: dict[str, Any]) -> Any:
    """Record a bank loan: a term loan is drawn in full on its sanction day; a cash credit is
    sanctioned with a drawing power (the dose ladder's, unless given)."""
    new = bank_loans.NewBankLoan(
        shg_id=data["shg_id"],
        branch_id=data["branch_id"],
        kind=data["kind"],
        dose=data["dose"],
        sanctioned_on=data["sanctioned_on"],
        limit_paise=data["limit"],
        rate_bp=data["rate_to_shg"] if data["rate_to_shg"] is not None else data["rate"],
        bank_rate_bp=data["bank_rate"],
        account_number=data["account_number"],
        instalments=data["instalments"],
        frequency=Frequency(data["frequency"]),
        moratorium_periods=data["moratorium_periods"],
        drawing_power_paise=data["drawing_power"],
        via=data["via"],
    )
    facility = bank_loans.sanction(db(), who(), new)
    return _view(facility, facility.sanctioned_on)


@blp.route("/bank-loans/<id:facility_id>", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, BankLoanSchema)
@dumped_for_reader(BankLoanSchema(), PartnerBankLoanSchema())
def get(args: dict[str, Any], facility_id: int) -> Any:
    """A bank loan, its schedule, and its balance and classification as of a date (its
    lending bank's partner reads it without `created_by`)."""
    return _view(_bank_loan(facility_id), args.get("as_of"))


@blp.route("/bank-loans/<id:facility_id>", methods=["PATCH"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BankRatesUpdateSchema)
@blp.response(200, BankLoanSchema)
def confirm_rates(data: dict[str, Any], facility_id: int) -> Any:
    """Confirm the two rates of a loan recorded before they were kept apart (once): interest
    charged stays as posted; later interest and subvention use these."""
    facility = bank_loans.confirm_rates(
        db(), who(), _bank_loan(facility_id), data.get("rate_to_shg"), data.get("bank_rate")
    )
    return _view(facility)


@blp.route("/bank-loans/<id:facility_id>/draws", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BankMovementCreateSchema)
@blp.response(201, MovementSchema)
def draw(data: dict[str, Any], facility_id: int) -> Any:
    """Draw on a cash credit, within the lower of its limit and drawing power."""
    return posted_view(
        bank_loans.draw(
            db(), who(), _bank_loan(facility_id), data["amount"], data["value_date"], data["via"]
        )
    )


@blp.route("/bank-loans/<id:facility_id>/repayments", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(BankMovementCreateSchema)
@blp.response(201, MovementSchema)
def repay(data: dict[str, Any], facility_id: int) -> Any:
    """Pay into the loan account."""
    return posted_view(
        bank_loans.repay(
            db(), who(), _bank_loan(facility_id), data["amount"], data["value_date"], data["via"]
        )
    )


@blp.route("/bank-loans/<id:facility_id>/interest", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(InterestCreateSchema)
@blp.response(201, MovementSchema)
def charge_interest(data: dict[str, Any], facility_id: int) -> Any:
    """Record the interest the bank debited through a day (computed on daily balances when
    no amount is given)."""
    return posted_view(
        bank_loans.charge_interest(
            db(), who(), _bank_loan(facility_id), data["through"], data["amount"]
        )
    )


@blp.route("/bank-loans/<id:facility_id>/drawing-power", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(DrawingPowerCreateSchema)
@blp.response(201, DrawingPowerSchema)
def set_drawing_power(data: dict[str, Any], facility_id: int) -> Any:
    """Set a cash credit's drawing power from a day on."""
    return bank_loans.set_drawing_power(
        db(), who(), _bank_loan(facility_id), data["amount"], data["effective_on"]
    )


@blp.route("/institutions/<id:shg_id>/drawing-power", methods=["GET"])
@blp.arguments(DrawingPowerArgsSchema, location="query")
@blp.response(200, SuggestedDrawingPowerSchema)
def suggest_drawing_power(args: dict[str, Any], shg_id: int) -> Any:
    """The SHG's corpus and the drawing power the dose ladder gives for it."""
    session = db()
    shg = readable_institution(session, who(), shg_id)
    as_of = args.get("as_of") or today_in_india()
    return {
        "shg_id": shg.id,
        "dose": args["dose"],
        "as_of": as_of,
        "corpus_paise": bank_loans.corpus(session, book_of(session, shg.id), as_of),
        "drawing_power_paise": bank_loans.suggested_drawing_power(
            session, shg.id, args["dose"], as_of
        ),
    }


def _listing(rows: list[subvention.MonthSubvention], fmt: str, name: str) -> Any:
    if fmt == "csv":
        return attachment(subvention.claim_csv(rows), "text/csv", f"{name}.csv")
    return {
        "items": rows,
        "total_due_to_bank": sum(r.due_to_bank_paise for r in rows),
        "total_incentive": sum(r.incentive_paise for r in rows),
    }


@blp.route("/bank-loans/<id:facility_id>/subvention", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, SubventionListSchema)
def loan_subvention(args: dict[str, Any], facility_id: int) -> Any:
    """Month by month: subvention due to the bank and the prompt-repayment incentive."""
    rows = subvention.loan_subvention(db(), _bank_loan(facility_id), args["from_"], args["to"])
    return _listing(rows, args["format"], f"subvention-loan-{facility_id}")


@blp.route("/banks/<id:bank_id>/subvention-claims", methods=["GET"])
@blp.arguments(PeriodArgsSchema, location="query")
@blp.response(200, SubventionListSchema)
@blp.alt_response(200, description="format=csv: the claim as CSV", content_type="text/csv")
def bank_claim(args: dict[str, Any], bank_id: int) -> Any:
    """A bank's interest subvention claim for a period, per loan and month (JSON or CSV)."""
    rows = subvention.claim(db(), who(), bank_id, args["from_"], args["to"])
    name = f"subvention-claim-bank-{bank_id}-{args['from_']}-{args['to']}"
    return _listing(rows, args["format"], name)


@blp.route("/bank-loans/<id:facility_id>/incentives", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(IncentiveCreateSchema)
@blp.response(201, IncentiveSchema)
def receive_incentive(data: dict[str, Any], facility_id: int) -> Any:
    """Post a prompt-repayment incentive received for a period (once per period)."""
    new = subvention.NewReceipt(
        facility_id=facility_id,
        period_start=data["period_start"],
        period_end=data["period_end"],
        amount_paise=data["amount"],
        value_date=data["value_date"],
        credited_to=data["credited_to"],
    )
    return subvention.receive_incentive(db(), who(), _bank_loan(facility_id), new)
