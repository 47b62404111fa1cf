"""Demo data: a small Jharkhand federation with a few weeks of books, for `make run`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services import banks, institutions, members, savings, tokens
from app.services.books import account_by_role
from app.services.clock import today_in_india
from app.services.institutions import NewInstitution
from app.services.posting import EntryDraft, post_entry, post_linked_set
from app.services.principal import Principal
from app.services.savings import SavingsMovement
from models.access import ApiToken, Role
from models.base import utcnow
from models.institutions import Bank, Institution, InstitutionKind
from models.ledger import Book

DEMO = Principal(role=Role.ADMIN, label="system:demo")
SHG_MEMBERS = {
    "Durga SHG": ["Sunita Devi", "Kamla Oraon", "Phulmani Munda", "Sarita Kumari", "Basanti Toppo"],
    "Lakshmi SHG": ["Anita Mahto", "Rinki Kumari", "Sushila Devi", "Geeta Oraon", "Mamta Kachhap"],
}


def _inst(
    session: Session, kind: InstitutionKind, name: str, parent: Institution | None, **kw: object
) -> Institution:
    new = NewInstitution(kind=kind, name=name, parent_id=parent.id if parent else None, **kw)  # type: ignore[arg-type]
    return institutions.create_institution(session, DEMO, new)


def _book(session: Session, institution: Institution) -> Book:
    book = session.scalar(select(Book).where(Book.institution_id == institution.id))
    assert book is not None
    return book


def _shg_books(session: Session, vo: Institution, start: date) -> None:
    for shg_name, names in SHG_MEMBERS.items():
        shg = _inst(
            session, InstitutionKind.SHG, shg_name, vo, formed_on=start - timedelta(days=400)
        )
        book = _book(session, shg)
        cash = account_by_role(session, book.id, "cash").id
        bank = account_by_role(session, book.id, "bank").id
        enrolled = [
            members.create_member(session, DEMO, members.NewMember(shg.id, n)) for n in names
        ]
        for week in range(4):
            day = start + timedelta(days=7 * week)
            for member in enrolled:
                saving = SavingsMovement(
                    member.id, 10000, day, narration=f"Weekly saving – {member.name}"
                )
                savings.deposit(session, DEMO, saving)
            post_entry(
                session,
                DEMO,
                EntryDraft.transfer(book.id, day, "Cash deposited in bank", bank, cash, 40000),
            )


def _cif_to_vo(session: Session, clf: Institution, vo: Institution, day: date) -> None:
    clf_book, vo_book = _book(session, clf), _book(session, vo)
    clf_bank = account_by_role(session, clf_book.id, "bank").id
    post_entry(
        session,
        DEMO,
        EntryDraft.transfer(
            clf_book.id,
            day,
            "CIF received from JSLPS",
            clf_bank,
            account_by_role(session, clf_book.id, "cif_corpus").id,
            50_00_000_00,
        ),
    )
    post_linked_set(
        session,
        DEMO,
        [
            EntryDraft.transfer(
                clf_book.id,
                day,
                "CIF loan disbursed to Pragati VO",
                account_by_role(session, clf_book.id, "cif_loans_to_vos").id,
                clf_bank,
                3_00_000_00,
            ),
            EntryDraft.transfer(
                vo_book.id,
                day,
                "CIF loan received from Ujala CLF",
                account_by_role(session, vo_book.id, "bank").id,
                account_by_role(session, vo_book.id, "cif_payable").id,
                3_00_000_00,
            ),
        ],
    )


def _fresh_tokens(
    session: Session, clf: Institution, district: Institution, bank_id: int
) -> list[str]:
    for old in session.scalars(
        select(ApiToken).where(ApiToken.name.startswith("demo ", autoescape=True))
    ):
        if old.revoked_at is None:
            old.revoked_at = utcnow()
    issued = [
        tokens.issue_token(session, DEMO, name="demo admin", role=Role.ADMIN),
        tokens.issue_token(
            session,
            DEMO,
            name="demo bookkeeper, Ujala CLF",
            role=Role.BOOKKEEPER,
            institution_id=clf.id,
        ),
        tokens.issue_token(
            session,
            DEMO,
            name="demo auditor, Ranchi district",
            role=Role.AUDITOR,
            institution_id=district.id,
        ),
        tokens.issue_token(
            session, DEMO, name="demo bank partner, SBI", role=Role.BANK_PARTNER, bank_id=bank_id
        ),
    ]
    return [f"  {t.token.role:<13} {t.secret}" for t in issued]


def load_demo(session: Session) -> list[str]:
    """Create the demo federation if it is missing; always issue fresh demo tokens."""
    state = session.scalar(
        select(Institution).where(Institution.kind == "state", Institution.state_code == "JH")
    )
    if state is None:
        today = today_in_india()
        start = today - timedelta(days=40)
        state = _inst(session, InstitutionKind.STATE, "Jharkhand", None, state_code="JH")
        district = _inst(session, InstitutionKind.DISTRICT, "Ranchi", state)
        block = _inst(session, InstitutionKind.BLOCK, "Kanke", district)
        clf = _inst(session, InstitutionKind.CLF, "Ujala CLF", block)
        vo = _inst(session, InstitutionKind.VO, "Pragati VO", clf)
        bank = banks.create_bank(session, DEMO, "State Bank of India", "SBIN")
        banks.create_branch(session, DEMO, bank.id, "Kanke", "SBIN0001234", "JH")
        _cif_to_vo(session, clf, vo, start)
        _shg_books(session, vo, start)
    district = session.scalars(select(Institution).where(Institution.kind == "district")).first()
    clf = session.scalars(select(Institution).where(Institution.kind == "clf")).first()
    bank_row = session.scalars(select(Bank).where(Bank.ifsc_prefix == "SBIN")).first()
    assert district and clf and bank_row
    return [
        "Demo API tokens (shown once; `make run` issues new ones each time):",
        *_fresh_tokens(session, clf, district, bank_row.id),
    ]
