"""Command line: `flask db ...`, `flask tokens ...`, `flask users create`, `flask ledger ...`,
`flask demo load`, `flask bureau export ...`."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from app.services.access import tokens as token_service
from app.services.ledger.journal import readable_book
from app.services.ledger.reports import trial_balance
from app.services.ledger.verify import books_in_scope, verify_books
from app.services.shared.clock import today_in_india
from app.services.shared.errors import DomainError
from app.services.shared.principal import cli_principal
from models.access import Role
from models.base import utcnow
from models.money import format_inr

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic (with Mako and Pygments behind it) is imported by the commands that migrate: every
# other command, and every web worker, would pay for it at start-up.
ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    return cfg


@contextmanager
def cli_session() -> Iterator[Session]:
    """A session for one command: committed if the command succeeds, else rolled back."""
    session: Session = current_app.extensions["bahi.sessions"]()
    try:
        yield session
        session.commit()
    except DomainError as error:
        session.rollback()
        raise click.ClickException(error.detail) from None
    finally:
        session.close()


db_cli = AppGroup("db", help="Schema migrations (Alembic).")
tokens_cli = AppGroup("tokens", help="Create, list and revoke API tokens.")
ledger_cli = AppGroup("ledger", help="Check and report on the books.")
demo_cli = AppGroup("demo", help="Demo data.")
meetings_cli = AppGroup("meetings", help="SHG meetings.")
scheduler_cli = AppGroup("scheduler", help="The scheduled idle-fund report (its own process).")
bureau_cli = AppGroup("bureau", help="SHG members' credit information for the credit bureaus.")
users_cli = AppGroup("users", help="People who sign in to the pages (the first admin).")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Run the report on the admin's schedule until stopped; catches up a missed run once.
    Start exactly one such process per deployment, never inside web workers."""
    import logging

    from app.scheduler import serve
    from models.bureau_settings import load_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Its jobs log what they did; APScheduler's two lines per run of each would drown that.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    serve(
        current_app.extensions["bahi.sessions"],
        idempotency_retention=timedelta(days=current_app.config["IDEMPOTENCY_RETENTION_DAYS"]),
        import_poll_seconds=current_app.config["IMPORT_POLL_SECONDS"],
        bureau_settings=load_settings(current_app.config["BUREAU_SETTINGS_FILE"]),
    )


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: head)."""
    from alembic import command

    command.upgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Roll migrations back to REVISION ("base" for an empty database)."""
    from alembic import command

    command.downgrade(alembic_config(current_app.config["DATABASE_URL"]), revision)


@tokens_cli.command("create")
@click.option("--name", required=True, help="Who holds the token, e.g. 'Sunita, CLF bookkeeper'.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--institution",
    "institution_id",
    type=int,
    help="CLF (bookkeeper) or district/state (auditor).",
)
@click.option("--bank", "bank_id", type=int, help="Bank id (bank_partner).")
@click.option("--expires-days", type=int, help="Days until the token stops working.")
def tokens_create(
    name: str, role: str, institution_id: int | None, bank_id: int | None, expires_days: int | None
) -> None:
    """Issue a token and print its secret once."""
    expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
    with cli_session() as session:
        issued = token_service.issue_token(
            session,
            cli_principal(getpass.getuser()),
            name=name,
            role=Role(role),
            institution_id=institution_id,
            bank_id=bank_id,
            expires_at=expires_at,
        )
        click.echo(f"token {issued.token.id} ({role}): {issued.secret}")


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token at once."""
    with cli_session() as session:
        token_service.revoke_token(session, cli_principal(getpass.getuser()), token_id)
        click.echo(f"token {token_id} revoked")


@tokens_cli.command("list")
def tokens_list() -> None:
    """List tokens (never their secrets)."""
    with cli_session() as session:
        for t in token_service.list_tokens(session):
            state = "revoked" if t.revoked_at else "active"
            scope = t.institution_id or t.bank_id or "-"
            click.echo(f"{t.id:>5}  {t.prefix}…  {t.role:<12} scope={scope:<6} {state:<8} {t.name}")


@ledger_cli.command("verify")
@click.option("--book", "book_id", type=int, help="Only this book (default: every book).")
def ledger_verify(book_id: int | None) -> None:
    """Recompute every balance and hash chain; exit 1 on any mismatch."""
    with cli_session() as session:
        report = verify_books(
            session, books_in_scope(session, cli_principal(getpass.getuser()), book_id)
        )
    click.echo(
        f"checked {report.books} books, {report.accounts} accounts, {report.entries} entries,"
        f" {report.postings} postings"
    )
    for mismatch in report.mismatches:
        click.echo(
            f"MISMATCH book {mismatch.book_id} [{mismatch.kind}] {mismatch.detail}", err=True
        )
    if not report.ok:
        raise SystemExit(1)
    click.echo("all balances and hash chains verify")


@ledger_cli.command("trial-balance")
@click.argument("book_id", type=int)
def ledger_trial_balance(book_id: int) -> None:
    """Print a book's trial balance as of today, in Indian format."""
    with cli_session() as session:
        book = readable_book(session, cli_principal(getpass.getuser()), book_id)
        tb = trial_balance(session, book, today_in_india())
        for row in tb.rows:
            debit = format_inr(row.debit_paise) if row.debit_paise else ""
            credit = format_inr(row.credit_paise) if row.credit_paise else ""
            click.echo(
                f"{row.account.code:<14} {row.account.name[:40]:<40} {debit:>16} {credit:>16}"
            )
        click.echo(
            f"{'Total':<55} {format_inr(tb.total_debit_paise):>16}"
            f" {format_inr(tb.total_credit_paise):>16}"
        )


@meetings_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--apply", is_flag=True, help="Post the meetings (default: a dry run).")
def meetings_import(path: str, apply: bool) -> None:
    """Import a meeting-sheet CSV; exit 1 when any row has a problem."""
    from app.services.lending.meeting_import import import_meetings

    text = Path(path).read_text("utf-8-sig")
    with cli_session() as session:
        report = import_meetings(
            session, cli_principal(getpass.getuser()), text, f"csv:{Path(path).name}", apply=apply
        )
    verb = "posted" if apply else "would post"
    click.echo(
        f"{report.rows} rows, {report.meetings} meetings: {report.posted} {verb},"
        f" {report.already_recorded} already recorded, {report.refused} refused"
    )
    for p in report.problems:
        click.echo(f"row {p.row} {p.column}: {p.reason}", err=True)
    if report.problems:
        raise SystemExit(1)


@bureau_cli.command("export")
@click.option("--bank", "bank_id", type=int, required=True, help="The bank's id.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]),
    required=True,
    help="The reference date, e.g. 2026-12-15 (a day that has ended).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the file (default: its own name, here).",
)
def bureau_export(bank_id: int, as_of: datetime, out: str | None) -> None:
    """Make and keep a bank's bureau file as of a date, write it, and print its counts."""
    from app.services.credit import bureau_reports
    from models.bureau_settings import load_settings

    settings = load_settings(current_app.config["BUREAU_SETTINGS_FILE"])
    who = cli_principal(getpass.getuser())
    with cli_session() as session:
        file = bureau_reports.generate_file(
            session, who, bank_id, as_of.date(), settings, source="cli"
        )
        detail = bureau_reports.file_detail(session, who, file.id)
        _, data = bureau_reports.file_content(session, who, file.id)
    path = Path(out or file.file_name)
    path.write_bytes(data)
    click.echo(f"file {file.id}: {path} ({file.byte_count:,} bytes, sha256 {file.sha256})")
    click.echo(
        f"{file.shgs} SHGs, {file.members_reported} members reported,"
        f" {file.members_rejected} rejected (incomplete KYC), {file.accounts} accounts"
        f" ({file.accounts_closed} closed or written off since {file.period_start})"
    )
    for r in detail.reconciliation:
        if r.unexplained_paise or r.figures.unattributed_loans:
            click.echo(
                f"SHG {r.shg.id}: unexplained {format_inr(r.unexplained_paise)},"
                f" {r.figures.unattributed_loans} bank-funded loans naming no bank loan"
                f" ({format_inr(r.figures.unattributed_outstanding_paise)})",
                err=True,
            )


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo federation (once) and print fresh demo tokens, one per role."""
    from app.demo import load_demo
    from app.security import security

    with cli_session() as session:
        lines = load_demo(session, security())
    for line in lines:
        click.echo(line)


@users_cli.command("create")
@click.option("--name", required=True, help="Her name, as the pages' header shows it.")
@click.option("--mobile", required=True, help="Her 10-digit mobile number; she signs in with it.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--institution",
    "institution_id",
    type=int,
    help="CLF (bookkeeper) or district/state (auditor).",
)
@click.option("--bank", "bank_id", type=int, help="Bank id (bank_partner).")
@click.option("--language", type=click.Choice(["en", "hi", "or"]), default="en")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
def users_create(
    name: str,
    mobile: str,
    role: str,
    institution_id: int | None,
    bank_id: int | None,
    language: str,
    password_stdin: bool,
) -> None:
    """Add a person (the first admin, on a new deployment) with a password typed here."""
    from app.security import security
    from app.services.access import people

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password or PIN", hide_input=True, confirmation_prompt=True)
    new = people.NewPerson(name, mobile, Role(role), institution_id, bank_id, language)
    with cli_session() as session:
        made = people.create_person(
            session, cli_principal(getpass.getuser()), security(), new, password
        )
        click.echo(f"person {made.person.id} ({role}): signs in with {made.person.mobile}")


def init_app(app: Flask) -> None:
    groups = (
        db_cli,
        tokens_cli,
        ledger_cli,
        demo_cli,
        meetings_cli,
        scheduler_cli,
        bureau_cli,
        users_cli,
    )
    for group in groups:
        app.cli.add_command(group)
