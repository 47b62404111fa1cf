"""Migrations are the only way the schema is made; they go up and down and match the models."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import models
from app.cli import alembic_config
from app.services.audit.audit_runs import RunRequest, run_report
from app.services.lending import loans
from app.services.lending.meetings import MeetingLine, MeetingSheet, RepaymentLine, record_meeting
from models.interest import InterestBasis
from models.ledger import Account, Posting
from models.loans import LoanInstalment, MemberLoan
from models.schedule import Frequency, LoanTerms, Method, RateBasis
from tests.factories import ADMIN, funded_shg, make_federation, transfer
from tests.test_capital import give


def test_upgrade_then_downgrade_then_upgrade(databases):
    url = databases.empty()
    command.upgrade(alembic_config(url), "head")
    engine = databases.engine(url)
    assert {"journal_entries", "postings", "accounts", "institutions"} <= set(
        inspect(engine).get_table_names()
    )
    command.downgrade(alembic_config(url), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(alembic_config(url), "head")


def test_models_and_migrations_agree(shared_engine):
    with shared_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, models.Base.metadata) == []


def test_loans_recorded_before_0016_run_per_period(databases, template_url):
    """Migration 0016 gives every loan already recorded the "per_period" interest basis, its
    declining ones included, and leaves its rows and schedule as they were. Made here by
    recording loans, taking the schema back to 0015 (which has no basis) and up again."""
    url = databases.clone(template_url)
    engine = databases.engine(url)
    declining = LoanTerms(
        1_000_00, 200, RateBasis.PER_MONTH, Method.DECLINING, 4, Frequency.MONTHLY
    )
    with Session(engine) as session:
        fed = funded_shg(session, members_count=1)
        for basis in InterestBasis:
            new = loans.NewLoan(
                fed.members[0].id, declining, date(2026, 4, 1), interest_basis=basis
            )
            loans.disburse_loan(session, ADMIN, new, date(2026, 4, 1))
        session.commit()
    engine.dispose()
    command.downgrade(alembic_config(url), "0015")
    command.upgrade(alembic_config(url), "head")
    with Session(engine) as session:
        bases = session.scalars(select(MemberLoan.interest_basis).order_by(MemberLoan.id)).all()
        instalments = session.scalar(select(func.count()).select_from(LoanInstalment))
    assert bases == ["per_period", "per_period"]
    assert instalments == 8
    with engine.connect() as conn, pytest.raises(IntegrityError):
        conn.execute(text("UPDATE member_loans SET interest_basis = 'daily'"))


def test_idle_flags_recorded_before_0033_take_their_institutions_state(databases, template_url):
    """Migration 0033 gives every idle flag its institution's state, and every event and
    observation its flag's. Made here by flagging the idle CIF of a Jharkhand CLF and of an
    Odisha one, taking the schema back to before 0033 (no state on flags) and up again."""
    url = databases.clone(template_url)
    engine = databases.engine(url)
    with Session(engine) as session:
        for state in ("JH", "OD"):
            fed = make_federation(session, state, members_count=0)
            give(session, None, "cif_corpus", fed.clf, 10_00_000, date(2026, 1, 1))
        run_report(session, ADMIN, RunRequest("on_demand", date(2026, 4, 1), "/"))
        session.commit()
    engine.dispose()
    command.downgrade(alembic_config(url), "0033-1")
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        states = conn.execute(
            text(
                "SELECT i.state_code, f.state_code, e.state_code, o.state_code"
                " FROM idle_flags f JOIN institutions i ON i.id = f.institution_id"
                " JOIN idle_flag_events e ON e.flag_id = f.id"
                " JOIN idle_observations o ON o.flag_id = f.id"
            )
        ).all()
    assert sorted({row[0] for row in states}) == ["JH", "OD"]
    assert all(len(set(row)) == 1 for row in states), states


LOAN_AND_MEETING_ROWS = (
    "loan_instalments",
    "loan_repayments",
    "loan_write_offs",
    "meetings",
    "meeting_attendance",
    "meeting_entries",
)


def test_0031_gives_loan_and_meeting_rows_their_parents_state(databases, template_url):
    """Migration 0031 gives a loan's schedule, repayments and write-off the loan's state, and a
    meeting with its attendance and entries the SHG's; the composite keys then refuse a row
    whose state is not its parent's. Made here by recording them, taking the schema back to
    0029 (no state on these rows) and up again."""
    url = databases.clone(template_url)
    engine = databases.engine(url)
    terms = LoanTerms(1_000_00, 200, RateBasis.PER_MONTH, Method.FLAT, 4, Frequency.MONTHLY)
    lent_on, met_on = date(2026, 4, 1), date(2026, 5, 1)
    with Session(engine) as session:
        fed = funded_shg(session, members_count=2)
        her, other = fed.members
        for member in fed.members:
            loans.disburse_loan(session, ADMIN, loans.NewLoan(member.id, terms, lent_on), lent_on)
        sheet = MeetingSheet(
            fed.shg.id,
            met_on,
            (MeetingLine(her.id, repayment=RepaymentLine(300_00)), MeetingLine(other.id, False)),
        )
        record_meeting(session, ADMIN, sheet, met_on)
        others = session.scalar(select(MemberLoan.id).where(MemberLoan.member_id == other.id))
        assert others is not None
        loans.write_off_loan(session, ADMIN, others, met_on, "she moved away", met_on)
        session.commit()
    engine.dispose()
    command.downgrade(alembic_config(url), "0029")
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        tables = [models.Base.metadata.tables[name] for name in LOAN_AND_MEETING_ROWS]
        found = {
            t.name: conn.execute(
                select(t.c.state_code, func.count()).group_by(t.c.state_code)
            ).all()
            for t in tables
        }
    assert found == {
        "loan_instalments": [("JH", 8)],
        "loan_repayments": [("JH", 1)],
        "loan_write_offs": [("JH", 1)],
        "meetings": [("JH", 1)],
        "meeting_attendance": [("JH", 2)],
        "meeting_entries": [("JH", 1)],
    }
    foreign_key = r"(?i)foreign key"  # SQLite's message and PostgreSQL's
    with engine.connect() as conn, pytest.raises(IntegrityError, match=foreign_key):
        conn.execute(text("UPDATE loan_instalments SET state_code = 'OD'"))
    with engine.connect() as conn, pytest.raises(IntegrityError, match=foreign_key):
        conn.execute(
            text(
                "INSERT INTO meeting_attendance (meeting_id, state_code, member_id, present)"
                " SELECT meeting_id, 'OD', member_id, present FROM meeting_attendance"
            )
        )


def test_0020_carries_idle_rules_forward(databases):
    """An installation at 0015 whose rules were seeded before clf-cif-below-60 existed, one
    of them edited by an admin: 0020 adds the CIF rule, gives the untouched seeded rules their
    5% token share and leaves the edited rule counting every outflow."""
    from sqlalchemy import text

    url = databases.empty()
    command.upgrade(alembic_config(url), "0015")
    engine = databases.engine(url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM idle_rules WHERE code = 'clf-cif-below-60'"))
        conn.execute(
            text("UPDATE idle_rules SET updated_by = 'admin', days = 120 WHERE code = 'vo-rf-90d'")
        )
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as conn:
        rules = {
            code: (token, by)
            for code, token, by in conn.execute(
                text("SELECT code, token_outflow_bp, created_by FROM idle_rules")
            )
        }
    assert rules["clf-cif-below-60"] == (0, "migration 0020")
    assert rules["vo-rf-90d"][0] == 0
    assert rules["clf-cif-90d"][0] == rules["shg-own-90d"][0] == 500
    assert rules["vo-vrf-below-60"][0] == 0


def test_member_kyc_refuses_codes_the_model_does_not_know(shared_engine):
    """The migration made the CHECKs the model declares (compare_metadata does not compare
    CHECK constraints, so each is tried here)."""
    with shared_engine.connect() as conn:
        checks = {c["name"] for c in inspect(conn).get_check_constraints("member_kyc")}
    assert {
        "ck_member_kyc_gender",
        "ck_member_kyc_marital_status",
        "ck_member_kyc_key_person_relation",
        "ck_member_kyc_other_id_type",
        "ck_member_kyc_aadhaar_last4",
        "ck_member_kyc_version",
    } <= checks


def test_constraint_names_follow_the_naming_convention_once(shared_engine):
    """A migration that spells out a CHECK's full name gets the convention's prefix twice
    (`ck_t_ck_t_x`): such a constraint cannot be found by the name the model gives it."""
    doubled = []
    with shared_engine.connect() as conn:
        inspector = inspect(conn)
        for table in inspector.get_table_names():
            named = inspector.get_check_constraints(table) + inspector.get_unique_constraints(table)
            doubled += [c["name"] for c in named if c["name"] and c["name"].count(f"_{table}_") > 1]
    assert doubled == []


def test_postings_recorded_before_0030_take_their_books_state(databases, template_url):
    """Migration 0030 gives every posting already recorded its book's state, in each state,
    and from then on the database refuses a posting whose state is not its book's. Made here
    by posting in Jharkhand and Odisha, taking the schema back to 0029 (postings have no state
    there) and up again."""
    url = databases.clone(template_url)
    engine = databases.engine(url)
    with Session(engine) as session:
        for state in ("JH", "OD"):
            fed = make_federation(session, state_code=state)
            cash = fed.account(session, fed.shg, "cash")
            rf = fed.account(session, fed.shg, "revolving_fund")
            transfer(session, cash.book_id, cash.id, rf.id, 15_000_00, date(2026, 4, 1))
        session.commit()
    engine.dispose()
    command.downgrade(alembic_config(url), "0029")
    with engine.connect() as conn:
        assert "state_code" not in {c["name"] for c in inspect(conn).get_columns("postings")}
    command.upgrade(alembic_config(url), "head")
    by_state = text(
        "SELECT b.state_code, p.state_code, count(*) FROM postings p"
        " JOIN books b ON b.id = p.book_id GROUP BY b.state_code, p.state_code ORDER BY 1"
    )
    with engine.connect() as conn:
        assert conn.execute(by_state).all() == [("JH", "JH", 2), ("OD", "OD", 2)]
    with Session(engine) as session:
        jharkhand = select(Account).where(Account.state_code == "JH").order_by(Account.id)
        account = session.scalars(jharkhand).first()
        assert account is not None
        session.add(_posting(account, "JH"))
        session.flush()  # its book's state: accepted (its entry is checked at commit)
        session.rollback()
        session.add(_posting(account, "OD"))
        with pytest.raises(IntegrityError):
            session.flush()


def _posting(account: Account, state: str) -> Posting:
    return Posting(
        entry_id=uuid.uuid4(),
        book_id=account.book_id,
        state_code=state,
        account_id=account.id,
        line_no=1,
        value_date=date(2026, 4, 2),
        side="D",
        amount_paise=1,
        delta_paise=1,
    )
