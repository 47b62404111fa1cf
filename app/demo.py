"""Demo data: a small Jharkhand federation with a few weeks of books, for `make run`."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.access import people
from app.services.audit.audit_runs import RunRequest, run_report
from app.services.capital import gradings, grants
from app.services.credit import consents
from app.services.federation import banks, institutions, members
from app.services.federation.institutions import NewInstitution
from app.services.ledger.books import account_by_role
from app.services.ledger.posting import EntryDraft, post_entry
from app.services.lending import federation_loans, savings
from app.services.lending.savings import SavingsMovement
from app.services.shared.clock import today_in_india
from app.services.shared.principal import Principal
from app.synthetic import generate
from models.access import ApiToken, Role
from models.base import utcnow
from models.institutions import Bank, Institution, InstitutionKind, Member
from models.ledger import Book
from models.people import Person
from models.schedule import Frequency, LoanTerms, Method, RateBasis

DEMO = Principal(role=Role.ADMIN, label="system:demo")
# One demo person per role: (name, mobile number, password). Known to anyone who reads this
# file: demo data only, never loaded where real books are kept.
DEMO_PEOPLE = {
    Role.ADMIN: ("Rekha Sinha", "9100000001", "demo-admin-pass"),
    Role.BOOKKEEPER: ("Puja Mahto", "9100000002", "demo-bookkeeper-pass"),
    Role.AUDITOR: ("Meena Kujur", "9100000003", "demo-auditor-pass"),
    Role.BANK_PARTNER: ("Anjali Verma", "9100000004", "demo-bank-pass"),
}
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


def _shg_books(session: Session, clf: Institution, vo: Institution, start: date) -> None:
    for shg_name, names in SHG_MEMBERS.items():
        shg = _inst(
            session, InstitutionKind.SHG, shg_name, vo, formed_on=start - timedelta(days=400)
        )
        book = _book(session, shg)
        cash = account_by_role(session, book.id, "cash").id
        bank = account_by_role(session, book.id, "bank").id
        enrolled = [
            members.create_member(
                session, DEMO, members.NewMember(shg.id, n, f"JH-{shg_name[:3].upper()}-{i:04d}")
            )
            for i, n in enumerate(names, start=1)
        ]
        # Books from three months before the weeks below (each member's first saving), graded
        # A, then the Revolving Fund: the rule in app/services/capital/revolving_fund.py.
        joined = start - timedelta(days=92)
        for member in enrolled:
            savings.deposit(session, DEMO, SavingsMovement(member.id, 10000, joined))
        gradings.record_grading(
            session,
            DEMO,
            gradings.NewGrading(shg.id, start, "A", "Ujala CLF grading committee", 88),
            today_in_india(),
        )
        grants.give_grant(
            session,
            DEMO,
            grants.NewGrant("revolving_fund", shg.id, 20_000_00, start, giver_id=clf.id),
        )
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


def _capital_support(session: Session, clf: Institution, vo: Institution, day: date) -> None:
    """CIF and RF from the mission to the CLF; a CIF loan from the CLF to the VO."""
    for fund, amount in (("cif_corpus", 50_00_000_00), ("revolving_fund", 50_000_00)):
        grants.give_grant(
            session, DEMO, grants.NewGrant(fund, clf.id, amount, day, reference="JSLPS")
        )
    terms = LoanTerms(
        3_00_000_00, 600, RateBasis.PER_ANNUM, Method.DECLINING, 24, Frequency.MONTHLY
    )
    federation_loans.lend(
        session, DEMO, federation_loans.NewFederationLoan("cif", clf.id, vo.id, terms, day)
    )


def _demo_person(
    session: Session, security: people.Security, role: Role, scope: dict[str, int]
) -> Person:
    """The demo person of this role, made if missing; her known password set again."""
    name, mobile, password = DEMO_PEOPLE[role]
    found = session.scalar(select(Person).where(Person.mobile == mobile))
    if found is None:
        new = people.NewPerson(name, mobile, role, **scope)
        return people.create_person(session, DEMO, security, new, password).person
    found.password_hash = security.cost.hasher().hash(password)
    found.must_change_password, found.disabled_at, found.locked_until = False, None, None
    return found


def _demo_people_and_tokens(
    session: Session, security: people.Security, scopes: dict[Role, dict[str, int]]
) -> list[str]:
    """The demo people (with their passwords) and a fresh API token issued to each."""
    for old in session.scalars(
        select(ApiToken).where(ApiToken.name.startswith("demo ", autoescape=True))
    ):
        if old.revoked_at is None:
            old.revoked_at = utcnow()
    signs, keys = [], []
    for role, scope in scopes.items():
        person = _demo_person(session, security, role, scope)
        name, mobile, password = DEMO_PEOPLE[role]
        issued = people.issue_token_to(session, DEMO, person.id, name=f"demo {role.value}")
        signs.append(f"  {role.value:<13} {mobile} {password}   ({name})")
        keys.append(f"  {role.value:<13} {issued.secret}")
    return [
        "Demo people: sign in at http://127.0.0.1:5000/ with a mobile number and password:",
        *signs,
        "Demo API tokens, issued to those people (shown once; `make run` issues new ones):",
        *keys,
    ]


def load_demo(session: Session, security: people.Security) -> list[str]:
    """Create the demo federation and people if missing; always issue fresh demo tokens."""
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
        # CIF received four months ago and mostly unlent: the idle-fund run below flags it.
        _capital_support(session, clf, vo, today - timedelta(days=120))
        _shg_books(session, clf, vo, start)
        run_report(session, DEMO, RunRequest("on_demand", today, "/"))
        # A synthetic federation with two years of meetings, so that scores have records to
        # stand on; the first member of each lets the demo bank read her profile.
        synthetic = generate(
            session, shgs=2, per_shg=8, months=24, seed=3, start=today - timedelta(days=730)
        )
        first = session.scalars(select(Member).order_by(Member.id)).first()
        assert first is not None
        for member_id in (first.id, synthetic.borrowers[synthetic.shgs[0]][0].member_id):
            consents.record_consent(
                session,
                DEMO,
                consents.NewConsent(
                    member_id, bank.id, "individual_loan", today, today + timedelta(days=180)
                ),
            )
    district = session.scalars(select(Institution).where(Institution.kind == "district")).first()
    clf = session.scalars(select(Institution).where(Institution.kind == "clf")).first()
    bank_row = session.scalars(select(Bank).where(Bank.ifsc_prefix == "SBIN")).first()
    assert district and clf and bank_row
    scopes = {
        Role.ADMIN: {},
        Role.BOOKKEEPER: {"institution_id": clf.id},
        Role.AUDITOR: {"institution_id": district.id},
        Role.BANK_PARTNER: {"bank_id": bank_row.id},
    }
    return _demo_people_and_tokens(session, security, scopes)
