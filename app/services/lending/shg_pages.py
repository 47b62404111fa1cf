"""What the bookkeeper's pages show of a federation: the tree, an SHG with its members,
balances and loans, and the meeting register with what each member owes today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.federation.institutions import readable_institution
from app.services.ledger.balances import AccountBalance, accounts_with_balances
from app.services.ledger.books import book_of
from app.services.lending import loans
from app.services.shared.errors import NotFound
from app.services.shared.principal import Principal, within_scope
from models.institutions import Institution, InstitutionKind, Member, Status
from models.ledger import Account
from models.loans import MemberLoan
from models.meetings import Meeting

RECENT_MEETINGS = 12


@dataclass(frozen=True)
class TreeNode:
    institution: Institution
    children: list[TreeNode]


def tree(
    session: Session, who: Principal, root_id: int | None
) -> tuple[list[Institution], list[TreeNode]]:
    """The path down to `root_id` (or the reader's own place) and two levels below it: a CLF
    with its VOs and their SHGs."""
    if root_id is None and who.scope_path is not None:
        root_id = int(who.scope_path.strip("/").split("/")[-1])
    root = readable_institution(session, who, root_id) if root_id is not None else None
    level_one = _children(session, who, [root.id] if root else None)
    level_two = _children(session, who, [i.id for i in level_one])
    below: dict[int, list[TreeNode]] = {}
    for child in level_two:
        assert child.parent_id is not None
        below.setdefault(child.parent_id, []).append(TreeNode(child, []))
    nodes = [TreeNode(i, below.get(i.id, [])) for i in level_one]
    trail = _ancestors(session, who, root) if root else []
    return trail, [TreeNode(root, nodes)] if root else nodes


def _children(session: Session, who: Principal, parents: list[int] | None) -> list[Institution]:
    if parents == []:
        return []
    query = within_scope(select(Institution), who)
    if parents is None:
        query = query.where(Institution.parent_id.is_(None))
    else:
        query = query.where(Institution.parent_id.in_(parents))
    return list(session.scalars(query.order_by(Institution.name, Institution.id)))


def _ancestors(session: Session, who: Principal, place: Institution) -> list[Institution]:
    ids = [int(p) for p in place.path.strip("/").split("/")[:-1]]
    found = {i.id: i for i in session.scalars(select(Institution).where(Institution.id.in_(ids)))}
    return [found[i] for i in ids if i in found and who.can_read(found[i].path)]


@dataclass(frozen=True)
class MemberRow:
    member: Member
    savings_paise: int
    loans: list[loans.LoanPosition]

    @property
    def outstanding_paise(self) -> int:
        return sum(p.outstanding_paise for p in self.loans)


@dataclass(frozen=True)
class ShgOverview:
    shg: Institution
    as_of: date
    balances: list[AccountBalance]  # the SHG's own accounts; members' sub-accounts are rows
    members: list[MemberRow]
    meetings: list[Meeting]  # the latest first


def readable_shg(session: Session, who: Principal, shg_id: int) -> Institution:
    shg = readable_institution(session, who, shg_id)
    if shg.kind != InstitutionKind.SHG.value:
        raise NotFound(f"institution {shg_id} is not an SHG")
    return shg


def _savings(session: Session, member_ids: list[int]) -> dict[int, int]:
    held: dict[int, int] = {}
    for member_id, balance in session.execute(
        select(Account.member_id, Account.balance_paise).where(
            Account.member_id.in_(member_ids), Account.type == "liability"
        )
    ):
        held[member_id] = held.get(member_id, 0) + balance
    return held


def _positions(session: Session, shg_id: int, as_of: date) -> dict[int, list[loans.LoanPosition]]:
    running: dict[int, list[loans.LoanPosition]] = {}
    for loan in session.scalars(
        select(MemberLoan).where(MemberLoan.shg_id == shg_id).order_by(MemberLoan.id)
    ):
        place = loans.position(session, loan, as_of)
        if place.status == "active":
            running.setdefault(loan.member_id, []).append(place)
    return running


def shg_overview(session: Session, who: Principal, shg_id: int, as_of: date) -> ShgOverview:
    shg = readable_shg(session, who, shg_id)
    members = list(
        session.scalars(select(Member).where(Member.shg_id == shg.id).order_by(Member.id))
    )
    savings = _savings(session, [m.id for m in members])
    running = _positions(session, shg.id, as_of)
    rows = [MemberRow(m, savings.get(m.id, 0), running.get(m.id, [])) for m in members]
    balances = [
        b for b in accounts_with_balances(session, book_of(session, shg.id)) if b.member_id is None
    ]
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(Meeting.shg_id == shg.id)
            .order_by(Meeting.meeting_date.desc(), Meeting.id.desc())
            .limit(RECENT_MEETINGS)
        )
    )
    return ShgOverview(shg, as_of, balances, rows, meetings)


@dataclass(frozen=True)
class LoanDue:
    loan: MemberLoan
    outstanding_paise: int
    due_paise: int  # principal fallen due and unpaid, with interest and penalty due


@dataclass(frozen=True)
class RegisterRow:
    member: Member
    loans: list[LoanDue]


def _due(session: Session, place: loans.LoanPosition) -> LoanDue:
    loan = place.loan
    fallen_due = max(
        (
            i.principal_through_paise
            for i in loans.schedule_of(session, loan)
            if i.due_on <= place.as_of
        ),
        default=0,
    )
    repaid = loan.principal_paise - place.outstanding_paise
    owed = max(fallen_due - repaid, 0) + place.interest_due_paise + place.penalty_due_paise
    return LoanDue(loan, place.outstanding_paise, owed)


def register(session: Session, who: Principal, shg_id: int, on: date) -> list[RegisterRow]:
    """The meeting register's rows: each active member, with her running loans and what is
    due on each at the meeting."""
    shg = readable_shg(session, who, shg_id)
    members = session.scalars(
        select(Member)
        .where(Member.shg_id == shg.id, Member.status != Status.CLOSED.value)
        .order_by(Member.id)
    )
    running = _positions(session, shg.id, on)
    return [
        RegisterRow(m, [_due(session, place) for place in running.get(m.id, [])]) for m in members
    ]
