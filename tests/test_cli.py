"""The command line: tokens, ledger verification, reports, demo data and migrations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, text

from app.services.access import people
from models import ApiToken, Institution, Person, Role
from tests.conftest import make_test_app
from tests.factories import make_federation, transfer


def test_tokens_create_list_revoke(app, session):
    fed = make_federation(session)
    runner = app.test_cli_runner()
    created = runner.invoke(
        args=[
            "tokens",
            "create",
            "--name",
            "Sunita",
            "--role",
            "bookkeeper",
            "--institution",
            str(fed.clf.id),
        ]
    )
    assert created.exit_code == 0, created.output
    secret = created.output.strip().split()[-1]
    assert secret.startswith("bahi_")
    stored = session.scalars(select(ApiToken).where(ApiToken.name == "Sunita")).one()
    assert (
        stored.token_hash != secret and secret not in runner.invoke(args=["tokens", "list"]).output
    )
    assert runner.invoke(args=["tokens", "revoke", str(stored.id)]).exit_code == 0
    again = runner.invoke(args=["tokens", "revoke", str(stored.id)])
    assert again.exit_code != 0 and "already revoked" in again.output
    bad = runner.invoke(
        args=[
            "tokens",
            "create",
            "--name",
            "x",
            "--role",
            "auditor",
            "--institution",
            str(fed.clf.id),
        ]
    )
    assert bad.exit_code != 0 and "district or state" in bad.output


def test_ledger_verify_and_trial_balance(app, session):
    fed = make_federation(session)
    book = fed.book_id(session, fed.shg)
    cash, rf = (
        fed.account(session, fed.shg, "cash"),
        fed.account(session, fed.shg, "revolving_fund"),
    )
    transfer(session, book, cash.id, rf.id, 123456750, date(2026, 6, 1))
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ledger", "verify"])
    assert ok.exit_code == 0 and "all balances and hash chains verify" in ok.output
    tb = runner.invoke(args=["ledger", "trial-balance", str(book)])
    assert "₹12,34,567.50" in tb.output
    session.execute(text("UPDATE accounts SET balance_paise = 1 WHERE id = :id"), {"id": cash.id})
    bad = runner.invoke(args=["ledger", "verify", "--book", str(book)])
    assert bad.exit_code == 1 and "MISMATCH" in bad.output


def test_demo_load_is_repeatable_and_issues_fresh_tokens(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    count = session.scalar(select(func.count()).select_from(Institution))
    second = runner.invoke(args=["demo", "load"])
    assert session.scalar(select(func.count()).select_from(Institution)) == count
    assert first.output != second.output and "bookkeeper" in second.output
    active = session.scalar(
        select(func.count()).select_from(ApiToken).where(ApiToken.revoked_at.is_(None))
    )
    assert active == 4
    # Each token issued to the demo person of its role, whose password is printed with her.
    issued = session.execute(
        select(ApiToken.role, Person.role)
        .join(Person, Person.id == ApiToken.person_id)
        .where(ApiToken.revoked_at.is_(None))
    ).all()
    assert sorted(issued) == sorted((r.value, r.value) for r in Role)
    assert session.scalar(select(func.count()).select_from(Person)) == 4
    assert "9100000002 demo-bookkeeper-pass" in second.output
    security = app.extensions["bahi.security"]
    assert people.check_password(session, security, "9100000002", "demo-bookkeeper-pass")
    assert runner.invoke(args=["ledger", "verify"]).exit_code == 0


def test_db_upgrade_and_downgrade_commands(databases):
    url = databases.empty()
    app = make_test_app(DATABASE_URL=url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    app.extensions["bahi.sessions"].kw["bind"].dispose()
