"""Recompute every balance from postings and every hash of every chain, and report mismatches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.ledger.chain import ChainedEntry, ChainedPosting, entry_hash
from app.services.shared.principal import Principal, within_scope
from models.institutions import Institution
from models.ledger import GENESIS_HASH, Account, Book, JournalEntry, Posting, Side


@dataclass(frozen=True)
class Mismatch:
    book_id: int
    kind: str  # "balance", "chain", "unbalanced_entry", "head"
    detail: str


@dataclass
class VerificationReport:
    books: int = 0
    entries: int = 0
    postings: int = 0
    accounts: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


def _check_balances(session: Session, book: Book, report: VerificationReport) -> None:
    sums = dict(
        session.execute(
            select(Posting.account_id, func.sum(Posting.delta_paise))
            .where(Posting.book_id == book.id)
            .group_by(Posting.account_id)
        ).all()
    )
    for account in session.scalars(select(Account).where(Account.book_id == book.id)):
        report.accounts += 1
        sign = 1 if account.normal_side == Side.DEBIT.value else -1
        recomputed = sign * int(sums.get(account.id) or 0)
        if recomputed != account.balance_paise:
            report.mismatches.append(
                Mismatch(
                    book.id,
                    "balance",
                    f"account {account.code} ({account.id}) holds {account.balance_paise} paise;"
                    f" its postings sum to {recomputed}",
                )
            )


def _entries_with_postings(
    session: Session, book: Book
) -> Iterator[tuple[JournalEntry, list[Posting]]]:
    rows = session.execute(
        select(JournalEntry, Posting)
        .join(Posting, Posting.entry_id == JournalEntry.id)
        .where(JournalEntry.book_id == book.id)
        .order_by(JournalEntry.seq, Posting.line_no)
        .execution_options(yield_per=5000)
    )
    for _, group in groupby(rows, key=lambda row: row[0].id):
        pairs = list(group)
        yield pairs[0][0], [posting for _, posting in pairs]


def _check_chain(session: Session, book: Book, report: VerificationReport) -> None:
    expected_prev, expected_seq = GENESIS_HASH, 1
    for entry, postings in _entries_with_postings(session, book):
        report.entries += 1
        report.postings += len(postings)
        if sum(p.delta_paise for p in postings) != 0:
            report.mismatches.append(
                Mismatch(book.id, "unbalanced_entry", f"entry {entry.seq} does not balance")
            )
        recomputed = entry_hash(
            expected_prev,
            ChainedEntry(
                entry_id=entry.id,
                book_id=entry.book_id,
                seq=entry.seq,
                value_date=entry.value_date,
                narration=entry.narration,
                recorded_at=entry.recorded_at,
                recorded_by=entry.recorded_by,
                set_id=entry.set_id,
                reverses_entry_id=entry.reverses_entry_id,
                postings=[
                    ChainedPosting(p.line_no, p.account_id, p.side, p.amount_paise)
                    for p in postings
                ],
            ),
        )
        if (
            entry.seq != expected_seq
            or entry.prev_hash != expected_prev
            or entry.hash != recomputed
        ):
            report.mismatches.append(
                Mismatch(
                    book.id,
                    "chain",
                    f"entry {entry.seq} ({entry.id}) does not match the hash chain",
                )
            )
        expected_prev, expected_seq = entry.hash, entry.seq + 1
    if book.head_hash != expected_prev or book.last_seq != expected_seq - 1:
        report.mismatches.append(
            Mismatch(book.id, "head", "the book's head does not match its last entry")
        )


def verify_books(session: Session, books: Iterable[Book]) -> VerificationReport:
    report = VerificationReport()
    for book in books:
        report.books += 1
        _check_balances(session, book, report)
        _check_chain(session, book, report)
    return report


def books_in_scope(session: Session, who: Principal, book_id: int | None = None) -> list[Book]:
    query = select(Book).join(Institution, Institution.id == Book.institution_id).order_by(Book.id)
    query = within_scope(query, who)
    if book_id is not None:
        query = query.where(Book.id == book_id)
    return list(session.scalars(query))
