"""Capital support and federation lending: grants, CIF and VRF loans, fund utilisation."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api import ScheduledView, posted_view
from app.api.loans import to_terms
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.capital import (
    FacilityListSchema,
    FederationLoanCreateSchema,
    FederationLoanSchema,
    FederationRepaymentCreateSchema,
    FederationRepaymentSchema,
    GradingCreateSchema,
    GradingListSchema,
    GradingSchema,
    GrantCreateSchema,
    GrantListSchema,
    GrantSchema,
    UtilisationSchema,
)
from app.schemas.loans import AsOfSchema
from app.services.capital import gradings, grants, utilisation
from app.services.lending import facilities, federation_loans
from app.services.shared.clock import today_in_india
from app.services.shared.errors import NotFound
from app.writes import HEADER_DOC, idempotent
from models.capital import Facility

blp = Blueprint(
    "capital", __name__, url_prefix="/api/v1", description="Capital support and federation loans"
)


def _federation_loan(facility_id: int) -> Facility:
    facility = facilities.readable_facility(db(), who(), facility_id)
    if facility.fund == "bank":
        raise NotFound(f"facility {facility_id} is a bank loan: see /bank-loans/{facility_id}")
    return facility


def _view(facility: Facility, as_of: Any = None) -> ScheduledView:
    session = db()
    return ScheduledView(
        facility,
        facilities.schedule_of(session, facility),
        federation_loans.position(session, facility, as_of or today_in_india()),
        federation_loans.disbursement(session, facility),
    )


@blp.route("/grants", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(GrantCreateSchema)
@blp.response(201, GrantSchema)
def give(data: dict[str, Any]) -> Any:
    """Record a grant (RF, Start-up Fund, CIF or VRF corpus) from the mission or passed on
    by a CLF or VO; it posts in every book it touches."""
    new = grants.NewGrant(
        fund=data["fund"],
        receiver_id=data["receiver_id"],
        amount_paise=data["amount"],
        value_date=data["value_date"],
        giver_id=data["giver_id"],
        via=data["via"],
        reference=data.get("reference"),
    )
    return grants.new_grant_view(db(), grants.give_grant(db(), who(), new))


@blp.route("/institutions/<id:institution_id>/grants", methods=["GET"])
@blp.response(200, GrantListSchema)
def list_grants(institution_id: int) -> Any:
    """Grants the institution received or gave, oldest first."""
    return {"items": grants.grants_of(db(), who(), institution_id)}


@blp.route("/institutions/<id:institution_id>/gradings", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(GradingCreateSchema)
@blp.response(201, GradingSchema)
def record_grading(data: dict[str, Any], institution_id: int) -> Any:
    """Record an SHG's grading as its grading team gave it (its bookkeeper); the Revolving
    Fund rule reads the latest on or before a grant's date."""
    new = gradings.NewGrading(
        institution_id,
        data["graded_on"],
        data["grade"],
        data["graded_by"],
        data["score"],
        data.get("reference"),
    )
    return gradings.record_grading(db(), who(), new, today_in_india())


@blp.route("/institutions/<id:institution_id>/gradings", methods=["GET"])
@blp.response(200, GradingListSchema)
def list_gradings(institution_id: int) -> Any:
    """An SHG's gradings, latest first."""
    return {"items": gradings.gradings_of(db(), who(), institution_id)}


@blp.route("/federation-loans", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(FederationLoanCreateSchema)
@blp.response(201, FederationLoanSchema)
def lend(data: dict[str, Any]) -> Any:
    """Lend CIF or VRF to an institution below (CLF to VO or SHG, VO to SHG)."""
    new = federation_loans.NewFederationLoan(
        fund=data["fund"],
        lender_id=data["lender_id"],
        borrower_id=data["borrower_id"],
        terms=to_terms(data),
        disbursed_on=data["disbursed_on"],
        reference=data.get("reference"),
    )
    facility = federation_loans.lend(db(), who(), new)
    return _view(facility, facility.disbursed_on)


@blp.route("/federation-loans/<id:facility_id>", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, FederationLoanSchema)
def get(args: dict[str, Any], facility_id: int) -> Any:
    """A CIF or VRF loan with its schedule and what is owed as of a date."""
    return _view(_federation_loan(facility_id), args.get("as_of"))


@blp.route("/federation-loans/<id:facility_id>/repayments", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(FederationRepaymentCreateSchema)
@blp.response(201, FederationRepaymentSchema)
def repay(data: dict[str, Any], facility_id: int) -> Any:
    """The borrower repays: interest due first, then principal; posts in both books."""
    movement, position = federation_loans.repay(
        db(), who(), _federation_loan(facility_id), data["amount"], data["value_date"]
    )
    return {"movement": posted_view(movement), "position": position}


@blp.route("/institutions/<id:institution_id>/facilities", methods=["GET"])
@blp.response(200, FacilityListSchema)
def list_facilities(institution_id: int) -> Any:
    """CIF, VRF and bank loans the institution owes or has lent."""
    return {"items": facilities.facilities_of(db(), who(), institution_id)}


@blp.route("/institutions/<id:institution_id>/fund-utilisation", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, UtilisationSchema)
def get_utilisation(args: dict[str, Any], institution_id: int) -> Any:
    """Per fund: received, returned, granted, lent, repaid, outstanding and idle."""
    return utilisation.utilisation(
        db(), who(), institution_id, args.get("as_of") or today_in_india()
    )
