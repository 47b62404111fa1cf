"""Builders for test federations and API callers. They go through the services, never raw SQL."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.services.access import tokens
from app.services.federation import banks, institutions, members
from app.services.federation.institutions import NewInstitution
from app.services.ledger.books import account_by_role, book_of
from app.services.ledger.posting import EntryDraft, post_entry
from app.services.shared.principal import Principal
from models import Account, BankBranch, Institution, InstitutionKind, Member, Role

ADMIN = Principal(role=Role.ADMIN, label="test:admin")
_keys = itertools.count(1)


@dataclass
class Federation:
    state: Institution
    district: Institution
    block: Institution
    clf: Institution
    vo: Institution
    shg: Institution
    members: list[Member] = field(default_factory=list)
    branch: BankBranch | None = None

    def account(self, session: Session, institution: Institution, role: str) -> Account:
        return account_by_role(session, book_of(session, institution.id).id, role)

    def book_id(self, session: Session, institution: Institution) -> int:
        return book_of(session, institution.id).id


def make_federation(session: Session, state_code: str = "JH", members_count: int = 3) -> Federation:
    def inst(
        kind: InstitutionKind, name: str, parent: Institution | None, **kw: Any
    ) -> Institution:
        new = NewInstitution(kind=kind, name=name, parent_id=parent.id if parent else None, **kw)
        return institutions.create_institution(session, ADMIN, new)

    state = inst(InstitutionKind.STATE, f"State {state_code}", None, state_code=state_code)
    district = inst(InstitutionKind.DISTRICT, "Ranchi", state)
    block = inst(InstitutionKind.BLOCK, "Kanke", district)
    clf = inst(InstitutionKind.CLF, "Ujala CLF", block)
    vo = inst(InstitutionKind.VO, "Pragati VO", clf)
    shg = inst(InstitutionKind.SHG, "Durga SHG", vo)
    fed = Federation(state, district, block, clf, vo, shg)
    for i in range(members_count):
        fed.members.append(
            members.create_member(session, ADMIN, members.NewMember(shg.id, f"Member {i + 1}"))
        )
    session.flush()
    return fed


def funded_shg(session: Session, members_count: int, rupees: int = 15_000) -> Federation:
    """A federation whose SHG has received its Revolving Fund in cash on 1 April 2026."""
    fed = make_federation(session, members_count=members_count)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    transfer(
        session,
        fed.book_id(session, fed.shg),
        cash.id,
        rf.id,
        rupees * 100,
        date(2026, 4, 1),
        "RF received",
    )
    return fed


def bank_ready_federation(session: Session) -> Federation:
    """An SHG with books since 1 April 2025 (₹20,000 of RF in its bank account), and a bank
    branch in its state."""
    fed = make_federation(session)
    transfer(
        session,
        fed.book_id(session, fed.shg),
        fed.account(session, fed.shg, "bank").id,
        fed.account(session, fed.shg, "revolving_fund").id,
        2_000_000,
        date(2025, 4, 1),
    )
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    fed.branch = banks.create_branch(session, ADMIN, bank.id, "Kanke", "JRGB0000101", "JH")
    return fed


def transfer(
    session: Session,
    book_id: int,
    debit: int,
    credit: int,
    paise: int,
    day: date,
    narration: str = "test entry",
    who: Principal = ADMIN,
) -> Any:
    draft = EntryDraft.transfer(
        book_id,
        day,
        narration,
        debit,
        credit,
        paise,
    )
    return post_entry(session, who, draft, today=date(2030, 1, 1))


def token(
    session: Session, role: Role, institution: Institution | None = None, bank_id: int | None = None
) -> str:
    issued = tokens.issue_token(
        session,
        ADMIN,
        name=f"test {role.value}",
        role=role,
        institution_id=institution.id if institution else None,
        bank_id=bank_id,
    )
    session.flush()
    return issued.secret


class ApiCaller:
    """A test client bound to one token, adding a fresh Idempotency-Key to each write."""

    def __init__(self, client: Any, secret: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers, **kw)

    def write(
        self, method: str, path: str, body: Any = None, key: str | None = None, **kw: Any
    ) -> Any:
        headers = {**self.headers, "Idempotency-Key": key or f"test-{next(_keys)}"}
        return self.client.open(path, method=method, json=body, headers=headers, **kw)

    def post(self, path: str, body: Any = None, key: str | None = None) -> Any:
        return self.write("POST", path, body, key)

    def patch(self, path: str, body: Any = None, key: str | None = None) -> Any:
        return self.write("PATCH", path, body, key)
