"""What a recorded meeting did, read back from the books: who came, the entries it posted, the
loans it made, how each repayment was split, and the entries that reversed it.

Everything here is read from what recording the meeting stored (its entries, the loans whose
disbursement is one of them, the splits kept against its collections entry), so a meeting
just recorded, one read later and one reversed all read the same way, and recording (one
meeting or a day's batch) is untouched by it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.ledger.journal import EntryView, view_entry
from app.services.lending.meetings import meeting_entries
from models.ledger import JournalEntry
from models.loans import LoanRepayment, MemberLoan
from models.meetings import Meeting, MeetingAttendance


@dataclass(frozen=True)
class RepaymentSplit:
    """One member's repayment of one loan at the meeting, as it was split."""

    member_id: int
    loan_id: int
    entry_id: uuid.UUID
    penalty_paise: int
    interest_paise: int
    principal_paise: int


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Meeting
    attendance: Sequence[MeetingAttendance]
    entries: Sequence[EntryView]
    new_loans: Sequence[MemberLoan]
    repayments: Sequence[RepaymentSplit]
    reversal_entries: Sequence[EntryView]  # empty until the meeting is reversed

    def __getattr__(self, name: str) -> object:
        return getattr(self.meeting, name)


def _splits(session: Session, entry_ids: list[uuid.UUID]) -> list[RepaymentSplit]:
    rows = session.execute(
        select(LoanRepayment, MemberLoan.member_id)
        .join(
            MemberLoan,
            (MemberLoan.id == LoanRepayment.loan_id)
            & (MemberLoan.state_code == LoanRepayment.state_code),
        )
        .where(LoanRepayment.entry_id.in_(entry_ids))
        .order_by(MemberLoan.member_id, LoanRepayment.loan_id)
    )
    return [
        RepaymentSplit(
            member_id,
            r.loan_id,
            r.entry_id,
            r.penalty_paise,
            r.interest_paise,
            r.principal_paise,
        )
        for r, member_id in rows
    ]


def meeting_record(session: Session, meeting: Meeting) -> MeetingRecord:
    """The meeting with everything it did (the caller has checked the reader may see it)."""
    entries = meeting_entries(session, meeting)
    ids = [e.id for e in entries]
    attendance = session.scalars(
        select(MeetingAttendance)
        .where(
            MeetingAttendance.meeting_id == meeting.id,
            MeetingAttendance.state_code == meeting.state_code,
        )
        .order_by(MeetingAttendance.member_id)
    )
    new_loans = session.scalars(
        select(MemberLoan)
        .where(
            MemberLoan.disbursement_entry_id.in_(ids), MemberLoan.state_code == meeting.state_code
        )
        .order_by(MemberLoan.id)
    )
    reversals = session.scalars(
        select(JournalEntry)
        .where(JournalEntry.reverses_entry_id.in_(ids))
        .order_by(JournalEntry.seq)
    )
    return MeetingRecord(
        meeting,
        list(attendance),
        [view_entry(session, e) for e in entries],
        list(new_loans),
        _splits(session, ids) if ids else [],
        [view_entry(session, e) for e in reversals],
    )
