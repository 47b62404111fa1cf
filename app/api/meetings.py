from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.api.loans import to_terms
from app.auth import current_principal as who
from app.requestdb import db
from app.schemas.meetings import MeetingCreateSchema, MeetingReverseSchema, MeetingSchema
from app.services.lending import meeting_records, meetings
from app.writes import HEADER_DOC, idempotent
from models.interest import InterestBasis
from models.meetings import Meeting

blp = Blueprint("meetings", __name__, url_prefix="/api/v1/meetings", description="SHG meetings")


def _view(meeting: Meeting) -> meeting_records.MeetingRecord:
    return meeting_records.meeting_record(db(), meeting)


def _new_loan(data: dict[str, Any] | None) -> meetings.NewLoanLine | None:
    if data is None:
        return None
    return meetings.NewLoanLine(
        to_terms(data),
        data["fund_source"],
        data.get("fund_reference"),
        data.get("purpose"),
        InterestBasis(data["interest_basis"]),
        data.get("facility_id"),
    )


def to_sheet(data: dict[str, Any], source: str | None = None) -> meetings.MeetingSheet:
    lines = tuple(
        meetings.MeetingLine(
            member_id=line["member_id"],
            present=line["present"],
            savings_paise=line["savings"],
            fine_paise=line["fine"],
            repayment=meetings.RepaymentLine(
                line["repayment"]["amount"], line["repayment"].get("loan_id")
            )
            if "repayment" in line
            else None,
            new_loan=_new_loan(line.get("new_loan")),
        )
        for line in data["lines"]
    )
    return meetings.MeetingSheet(data["shg_id"], data["meeting_date"], lines, data["via"], source)


@blp.route("", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
def record(data: dict[str, Any]) -> Any:
    """Record a whole SHG meeting: all its lines post, or none (every bad line is named)."""
    return _view(meetings.record_meeting(db(), who(), to_sheet(data)))


@blp.route("/<id:meeting_id>", methods=["GET"])
@blp.response(200, MeetingSchema)
def get(meeting_id: int) -> Any:
    """A meeting with its attendance, entries, new loans and repayment splits."""
    return _view(meetings.readable_meeting(db(), who(), meeting_id))


@blp.route("/<id:meeting_id>/reverse", methods=["POST"])
@blp.doc(parameters=[HEADER_DOC])
@idempotent
@blp.arguments(MeetingReverseSchema, required=False)
@blp.response(201, MeetingSchema)
def reverse(data: dict[str, Any], meeting_id: int) -> Any:
    """Reverse everything a meeting posted (its reversal_entries), so it can be recorded again."""
    return _view(meetings.reverse_meeting(db(), who(), meeting_id, data.get("value_date")))
