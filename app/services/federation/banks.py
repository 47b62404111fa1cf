"""Banks and their branches: the counterparties of SHG bank linkage."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.shared.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.shared.paging import Page, fetch_page
from app.services.shared.principal import Principal
from models.access import Role
from models.institutions import Bank, BankBranch, Institution, InstitutionKind

IFSC = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")


def _admin_only(who: Principal) -> None:
    if not who.is_admin:
        raise Forbidden("only an admin may register banks and branches")


def create_bank(session: Session, who: Principal, name: str, ifsc_prefix: str) -> Bank:
    _admin_only(who)
    if not re.fullmatch(r"[A-Z]{4}", ifsc_prefix):
        raise Invalid.field(
            "ifsc_prefix", "must be the 4 capital letters that start the bank's IFSCs"
        )
    if session.scalar(
        select(Bank.id).where((Bank.name == name) | (Bank.ifsc_prefix == ifsc_prefix))
    ):
        raise Conflict("a bank with that name or IFSC prefix exists")
    bank = Bank(name=name, ifsc_prefix=ifsc_prefix, created_by=who.label, updated_by=who.label)
    session.add(bank)
    session.flush()
    return bank


def readable_bank(session: Session, who: Principal, bank_id: int) -> Bank:
    bank = session.get(Bank, bank_id)
    if bank is None or (who.role is Role.BANK_PARTNER and who.bank_id != bank_id):
        raise NotFound(f"bank {bank_id} not found")
    return bank


def list_banks(session: Session, who: Principal, after: int | None, limit: int) -> Page[Bank]:
    query = select(Bank)
    if who.role is Role.BANK_PARTNER:
        query = query.where(Bank.id == who.bank_id)
    return fetch_page(session, query, Bank.id, after, limit)


def create_branch(
    session: Session, who: Principal, bank_id: int, name: str, ifsc: str, state_code: str
) -> BankBranch:
    _admin_only(who)
    bank = session.get(Bank, bank_id)
    if bank is None:
        raise NotFound(f"bank {bank_id} not found")
    if not IFSC.match(ifsc) or not ifsc.startswith(bank.ifsc_prefix):
        raise Invalid.field("ifsc", f"must be an 11-character IFSC starting {bank.ifsc_prefix}0")
    state = session.scalar(
        select(Institution.id).where(
            Institution.kind == InstitutionKind.STATE.value, Institution.state_code == state_code
        )
    )
    if state is None:
        raise Invalid.field("state_code", f"no state {state_code}")
    if session.scalar(select(BankBranch.id).where(BankBranch.ifsc == ifsc)):
        raise Conflict(f"a branch with IFSC {ifsc} exists")
    branch = BankBranch(
        bank_id=bank.id,
        name=name,
        ifsc=ifsc,
        state_code=state_code,
        created_by=who.label,
        updated_by=who.label,
    )
    session.add(branch)
    session.flush()
    return branch


def list_branches(
    session: Session, who: Principal, bank_id: int, after: int | None, limit: int
) -> Page[BankBranch]:
    readable_bank(session, who, bank_id)
    return fetch_page(
        session,
        select(BankBranch).where(BankBranch.bank_id == bank_id),
        BankBranch.id,
        after,
        limit,
    )
