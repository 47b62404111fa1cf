"""New loans of a batch of meeting sheets, disbursed set-wise: the bulk import's lending path.

A sheet with new loans posts its collections, then each loan: her loan sub-account, the
disbursement (Dr her loan, Cr cash or bank), the loan and its schedule. One at a time
(`loans.disburse_loan`) that is about twenty statements a loan. Here a batch's lending sheets
go together: the counts that number the sub-accounts in one query each, the sub-accounts in
one INSERT, every sheet's entries in one `post_entries` (each sheet a group: its collections
and its loans post or are refused together), the loans in one INSERT and their schedules in
another. Each row is made by the same functions the one-at-a-time path uses
(`books.member_account_values`, `loans.loan_account_name`, `loans.disbursement_draft`,
`loans.loan_values`, `loans.instalment_values`), so the two write the same books.

A sheet that anything refuses (a loan's terms or bank loan, a missing account, a rule of
posting) is not disbursed here: the caller posts it alone, on the one-at-a-time path, which
names every bad line. The set-wise work runs in a savepoint; when a group is refused, it is
undone (the refused sheets' sub-accounts with it) and done again without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.services.ledger.books import member_account_values
from app.services.ledger.bulk import insert_rows
from app.services.ledger.posting import EntryDraft, post_entries
from app.services.lending import loans
from app.services.lending.loan_funding import funding_facility
from app.services.shared.errors import DomainError
from app.services.shared.principal import Principal
from models.institutions import Member
from models.ledger import Account, Book, JournalEntry
from models.loans import LoanInstalment, MemberLoan

# Each group is one SHG's sheet in its own book, so the groups a refused try accepted are
# accepted again: the second try posts. The bound only guards the loop.
MAX_TRIES = 3


@dataclass(frozen=True)
class LoanLine:
    """One new loan of a sheet: the line it is on, and for whom."""

    line: int
    member: Member
    new: loans.NewLoan


@dataclass(frozen=True)
class LendingSheet:
    """A sheet whose collections are planned and whose lines all passed, with its new loans."""

    key: int  # the sheet's place in its batch
    book: Book
    source_id: int | None  # its cash or bank account; None: the book has none
    collections: EntryDraft | None
    loans: tuple[LoanLine, ...]


@dataclass(frozen=True)
class Lent:
    """A sheet posted set-wise: its collections' entry and its loans' entries, in line order."""

    collections: JournalEntry | None
    loan_entries: list[JournalEntry]


@dataclass(frozen=True)
class _Checked:
    sheet: LendingSheet
    facilities: tuple[int | None, ...]  # each loan's bank loan, in line order


def lend_together(
    session: Session, who: Principal, sheets: Sequence[LendingSheet], today: date | None
) -> tuple[dict[int, Lent], list[int]]:
    """Post the sheets' collections and new loans set-wise. Returns the sheets posted, by key,
    and the keys of those refused, in order, to be posted alone (nothing of them was kept)."""
    if not sheets:
        return {}, []
    controls = _controls(session, {s.book.id for s in sheets})
    checked, alone = [], []
    for sheet in sheets:
        found = _checked(session, sheet, controls)
        if found is None:
            alone.append(sheet.key)
        else:
            checked.append(found)
    for _ in range(MAX_TRIES):
        if not checked:
            break
        posted, refused = _try(session, who, checked, controls, today)
        if not refused:
            return posted, alone
        alone.extend(refused)
        checked = [c for c in checked if c.sheet.key not in refused]
    alone.extend(c.sheet.key for c in checked)
    return {}, alone


def _controls(session: Session, book_ids: set[int]) -> dict[int, Account]:
    """Each book's control account of members' loans."""
    rows = session.scalars(
        select(Account).where(Account.book_id.in_(book_ids), Account.role == "member_loans")
    )
    return {account.book_id: account for account in rows}


def _checked(
    session: Session, sheet: LendingSheet, controls: dict[int, Account]
) -> _Checked | None:
    """The sheet with each loan's bank loan found, or None where the one-at-a-time path
    would refuse something (it then names it)."""
    if sheet.source_id is None or sheet.book.id not in controls:
        return None
    facilities = []
    for lent in sheet.loans:
        try:
            loans.check_new_loan(lent.new)
            facilities.append(
                funding_facility(
                    session,
                    lent.member.shg_id,
                    lent.new.fund_source,
                    lent.new.facility_id,
                    lent.new.disbursed_on,
                )
            )
        except DomainError:
            return None
    return _Checked(sheet, tuple(facilities))


def _try(
    session: Session,
    who: Principal,
    checked: list[_Checked],
    controls: dict[int, Account],
    today: date | None,
) -> tuple[dict[int, Lent], list[int]]:
    """One try in a savepoint: kept when every group posts, else undone; returns what posted
    and the keys of the groups refused."""
    savepoint = session.begin_nested()
    try:
        accounts = _open_accounts(session, who, checked, controls)
        posted = _post(session, who, checked, accounts, today)
        refused = [key for key, lent in posted.items() if lent is None]
        if refused:
            savepoint.rollback()
            # Posting moved balances and book heads in memory as committed values.
            session.expire_all()
            return {}, refused
        _keep_loans(session, who, checked, accounts, posted)
    except BaseException:
        savepoint.rollback()
        session.expire_all()
        raise
    savepoint.commit()
    return {key: lent for key, lent in posted.items() if lent is not None}, []


def _open_accounts(
    session: Session, who: Principal, checked: list[_Checked], controls: dict[int, Account]
) -> dict[int, int]:
    """Every borrower's new loan sub-account, numbered as `loans.disburse_loan` numbers it:
    one INSERT for the batch. Returns each member's new account id (a batch holds one sheet
    per SHG and a sheet one line per member, so one new loan per member)."""
    borrowers = [lent.member for c in checked for lent in c.sheet.loans]
    ids = [m.id for m in borrowers]
    earlier = dict(
        session.execute(
            select(MemberLoan.member_id, func.count())
            .where(MemberLoan.member_id.in_(ids))
            .group_by(MemberLoan.member_id)
        ).all()
    )
    siblings = {
        (parent, member): count
        for parent, member, count in session.execute(
            select(Account.parent_id, Account.member_id, func.count())
            .where(
                Account.member_id.in_(ids),
                Account.parent_id.in_([a.id for a in controls.values()]),
            )
            .group_by(Account.parent_id, Account.member_id)
        )
    }
    rows = []
    for c in checked:
        control = controls[c.sheet.book.id]
        for lent in c.sheet.loans:
            member = lent.member
            rows.append(
                member_account_values(
                    who,
                    c.sheet.book,
                    control,
                    member,
                    siblings.get((control.id, member.id), 0),
                    loans.loan_account_name(member, earlier.get(member.id, 0)),
                    "member_loans",
                )
            )
    table = Account.__table__
    returned = session.connection().execute(
        insert(table).returning(table.c.member_id, table.c.id), rows
    )
    accounts = {member_id: account_id for member_id, account_id in returned}
    assert len(accounts) == len(rows), "a batch lends to each member at most once"
    return accounts


def _post(
    session: Session,
    who: Principal,
    checked: list[_Checked],
    accounts: dict[int, int],
    today: date | None,
) -> dict[int, Lent | None]:
    """Every sheet's collections, then its loans in line order, in one `post_entries`, each
    sheet a group. A refused sheet's value is None."""
    drafts: list[EntryDraft] = []
    groups: list[int] = []
    for c in checked:
        sheet = c.sheet
        assert sheet.source_id is not None  # `_checked` let only such sheets through
        own = [sheet.collections] if sheet.collections is not None else []
        lent = [
            loans.disbursement_draft(
                sheet.book.id, line.new, line.member, accounts[line.member.id], sheet.source_id
            )
            for line in sheet.loans
        ]
        drafts.extend([*own, *lent])
        groups.extend([sheet.key] * (len(own) + len(lent)))
    outcome = post_entries(session, who, drafts, today, groups)
    posted: dict[int, Lent | None] = {}
    at = 0
    for c in checked:
        count = len(c.sheet.loans) + (c.sheet.collections is not None)
        entries = outcome[at : at + count]
        at += count
        if any(isinstance(e, DomainError) for e in entries):
            posted[c.sheet.key] = None
            continue
        written = [e for e in entries if isinstance(e, JournalEntry)]
        if c.sheet.collections is None:
            posted[c.sheet.key] = Lent(None, written)
        else:
            posted[c.sheet.key] = Lent(written[0], written[1:])
    return posted


def _keep_loans(
    session: Session,
    who: Principal,
    checked: list[_Checked],
    accounts: dict[int, int],
    posted: dict[int, Lent | None],
) -> None:
    """The loans (one INSERT) and their schedules (one more)."""
    rows, terms, states = [], {}, {}
    for c in checked:
        lent = posted[c.sheet.key]
        assert lent is not None  # only kept when every group posted
        disbursed = zip(c.sheet.loans, c.facilities, lent.loan_entries, strict=True)
        for line, facility, entry in disbursed:
            account = accounts[line.member.id]
            rows.append(loans.loan_values(who, line.new, line.member, account, facility, entry.id))
            terms[line.member.id] = line.new
            states[line.member.id] = line.member.state_code
    table = MemberLoan.__table__
    returned = session.connection().execute(
        insert(table).returning(table.c.member_id, table.c.id), rows
    )
    schedules = [
        row
        for member_id, loan_id in returned
        for row in loans.instalment_values(loan_id, states[member_id], terms[member_id])
    ]
    insert_rows(session, LoanInstalment.__table__, schedules)
