"""Consent, credit histories, and consented credit profiles for bank partners."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.auth import current_principal as who
from app.downloads import attachment
from app.requestdb import db
from app.schemas.banks import PageArgsSchema
from app.schemas.credit import (
    ConsentCreateSchema,
    ConsentListSchema,
    ConsentRevokeSchema,
    ConsentSchema,
    CreditHistorySchema,
    CreditProfileSchema,
    IncomeCreateSchema,
    IncomeListSchema,
    IncomeSchema,
    MemberSearchArgsSchema,
    MemberSearchSchema,
    ProfileArgsSchema,
    ProfileListSchema,
    ScoringModelListSchema,
    ScoringModelSchema,
)
from app.schemas.loans import AsOfSchema
from app.services.credit import bank_lists, consents, credit_history, scoring_models
from app.services.credit.profile_pdf import profile_pdf
from app.services.federation.members import readable_member
from app.services.lending import livelihood
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Forbidden
from app.writes import HEADER_DOC, idempotent

blp = Blueprint("credit", __name__, url_prefix="/api/v1", description="Consent and credit")

PROFILES_PER_PAGE = 20  # each profile is dozens of queries: banks page through their list


@blp.route("/members/<id:member_id>/consents", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(ConsentCreateSchema)
@blp.response(201, ConsentSchema)
def give_consent(data: dict[str, Any], member_id: int) -> Any:
    """Record her consent for a bank to read her credit profile (her bookkeeper)."""
    new = consents.NewConsent(
        member_id=member_id,
        bank_id=data["bank_id"],
        purpose=data["purpose"],
        starts_on=data["starts_on"] or today_in_india(),
        expires_on=data["expires_on"],
        data_months=data["data_months"],
        fetch_type=data["fetch_type"],
    )
    return consents.record_consent(db(), who(), new)


@blp.route("/members/<id:member_id>/consents", methods=["GET"])
@blp.response(200, ConsentListSchema)
def list_consents(member_id: int) -> Any:
    """Every consent she has given, newest first, revoked ones included."""
    return {"items": consents.consents_of(db(), who(), member_id)}


@blp.route("/consents/<id:consent_id>/revoke", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(ConsentRevokeSchema, required=False)
@blp.response(200, ConsentSchema)
def revoke(data: dict[str, Any], consent_id: int) -> Any:
    """She withdraws her consent: from this moment the bank reads nothing more."""
    return consents.revoke_consent(db(), who(), consent_id, data["reason"])


@blp.route("/members/<id:member_id>/credit-history", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, CreditHistorySchema)
def history(args: dict[str, Any], member_id: int) -> Any:
    """Her credit history from the books, for her federation's people in scope."""
    member = readable_member(db(), who(), member_id)
    return credit_history.credit_history(db(), member, args.get("as_of") or today_in_india())


@blp.route("/bank/members", methods=["GET"])
@blp.arguments(MemberSearchArgsSchema, location="query")
@blp.response(200, MemberSearchSchema)
def search(args: dict[str, Any]) -> Any:
    """Members with a consent active today for your bank, each with that consent's purpose,
    start and expiry; `search` by her whole member code."""
    return bank_lists.listed(db(), who(), args["search"], args.get("after"), args["limit"])


@blp.route("/bank/members.csv", methods=["GET"])
@blp.response(200, description="The whole list as CSV", content_type="text/csv")
def members_csv() -> Any:
    """Every member with a consent active today for your bank, as CSV (no profile is read,
    so no enquiry is recorded)."""
    body = bank_lists.consenting_csv(db(), who())
    return attachment(body, "text/csv", f"consenting-members-{today_in_india()}.csv")


@blp.route("/bank/members/<id:member_id>/credit-profile", methods=["GET"])
@blp.arguments(ProfileArgsSchema, location="query")
@blp.response(200, CreditProfileSchema)
@blp.alt_response(200, description="format=pdf: one page to file", content_type="application/pdf")
def profile(args: dict[str, Any], member_id: int) -> Any:
    """Her credit profile, with her consent for your bank; 404 without it. Every pull is an
    enquiry in her history. `format=pdf` gives the one page a loan officer files."""
    session = db()
    result = consents.credit_profile(session, who(), member_id)
    session.commit()
    if args["format"] == "pdf":
        return attachment(profile_pdf(result), "application/pdf", f"profile-{member_id}.pdf")
    return result


@blp.route("/bank/credit-profiles", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, ProfileListSchema)
def batch(args: dict[str, Any]) -> Any:
    """The profiles of every member with consent for your bank, a page at a time."""
    session = db()
    page = consents.consenting_members(
        session, who(), None, args.get("after"), min(args["limit"], PROFILES_PER_PAGE)
    )
    items = [consents.credit_profile(session, who(), m.id) for m in page.items]
    session.commit()
    return {"items": items, "next_after": page.next_after}


@blp.route("/scoring/models", methods=["GET"])
@blp.response(200, ScoringModelListSchema)
def list_models() -> Any:
    """Trained readiness models with their cards, newest first (admin)."""
    if not who().is_admin:
        raise Forbidden("only an admin reads model cards")
    return {"items": scoring_models.models(db())}


@blp.route("/scoring/models/<string:version>/activate", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.response(200, ScoringModelSchema)
def activate_model(version: str) -> Any:
    """Make this model score from now on (admin): refused unless it passes every gate and
    beats the active model on the same validation data."""
    return scoring_models.activate(db(), who(), version)


@blp.route("/members/<id:member_id>/incomes", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(IncomeCreateSchema)
@blp.response(201, IncomeSchema)
def record_income(data: dict[str, Any], member_id: int) -> Any:
    """Her household income from one season or business cycle (her bookkeeper); a wrong
    record is corrected by a new one naming it in `replaces_id`."""
    new = livelihood.NewIncome(
        member_id,
        data["activity"],
        data["period_start"],
        data["period_end"],
        data["income"],
        data["replaces_id"],
    )
    return livelihood.record_income(db(), who(), new)


@blp.route("/members/<id:member_id>/incomes", methods=["GET"])
@blp.arguments(AsOfSchema, location="query")
@blp.response(200, IncomeListSchema)
def list_incomes(args: dict[str, Any], member_id: int) -> Any:
    """Her standing income records, latest first, and her Lakhpati Didi status."""
    items, status = livelihood.incomes_of(
        db(), who(), member_id, args.get("as_of") or today_in_india()
    )
    return {"items": items, "lakhpati": status}
