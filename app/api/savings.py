from __future__ import annotations

from typing import Any

from flask import Response, render_template
from flask_smorest import Blueprint

from app.api.journal import entry_response
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.journal import EntryDetailSchema
from app.schemas.savings import (
    PassbookArgsSchema,
    PassbookSchema,
    SavingsInterestSchema,
    SavingsMovementSchema,
)
from app.services.credit import passbook
from app.services.lending import savings
from app.writes import HEADER_DOC, idempotent

blp = Blueprint(
    "savings", __name__, url_prefix="/api/v1", description="Member savings and passbooks"
)


def _movement(data: dict[str, Any], member_id: int) -> savings.SavingsMovement:
    return savings.SavingsMovement(
        member_id=member_id,
        amount_paise=data["amount"],
        value_date=data["value_date"],
        via=data["via"],
        narration=data.get("narration"),
    )


@blp.route("/members/<id:member_id>/savings/deposits", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(SavingsMovementSchema)
@blp.response(201, EntryDetailSchema)
def deposit(data: dict[str, Any], member_id: int) -> Any:
    """A member saves (cash or bank)."""
    return entry_response(savings.deposit(db(), who(), _movement(data, member_id)))


@blp.route("/members/<id:member_id>/savings/withdrawals", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(SavingsMovementSchema)
@blp.response(201, EntryDetailSchema)
def withdraw(data: dict[str, Any], member_id: int) -> Any:
    """A member withdraws savings, never beyond her balance."""
    return entry_response(savings.withdraw(db(), who(), _movement(data, member_id)))


@blp.route("/savings-interest", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(SavingsInterestSchema)
@blp.response(201, EntryDetailSchema)
def share_interest(data: dict[str, Any]) -> Any:
    """Share the SHG's savings interest or dividend among members by their savings."""
    entry = savings.share_savings_interest(
        db(), who(), data["shg_id"], data["amount"], data["value_date"], data.get("narration")
    )
    return entry_response(entry)


@blp.route("/members/<id:member_id>/passbook", methods=["GET"])
@blp.arguments(PassbookArgsSchema, location="query")
@blp.response(200, PassbookSchema)
def get_passbook(args: dict[str, Any], member_id: int) -> Any:
    """The member's passbook: every movement with running balance, per account."""
    return passbook.passbook(db(), who(), member_id, args.get("from_"), args.get("to"))


@blp.route("/members/<id:member_id>/passbook.html", methods=["GET"])
@blp.arguments(PassbookArgsSchema, location="query")
@blp.doc(
    responses={200: {"description": "A printable passbook page", "content": {"text/html": {}}}}
)
def print_passbook(args: dict[str, Any], member_id: int) -> Response:
    """The passbook as a printable page (Indian money format, dd-mm-yyyy dates)."""
    book = passbook.passbook(db(), who(), member_id, args.get("from_"), args.get("to"))
    return Response(render_template("passbook.html", book=book), mimetype="text/html")
