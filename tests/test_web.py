"""The web pages, through Flask's test client on both databases: signing in and out, CSRF,
the idle timeout, each role's pages and scope, and the forms that write."""

from __future__ import annotations

import io
import re
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.services.access import people
from app.services.credit import consents
from app.services.federation import banks
from app.services.shared.clock import today_in_india
from models import Role
from models.access import AccessLogEntry
from models.credit import CreditEnquiry
from models.meetings import Meeting
from tests.factories import ADMIN, funded_shg, make_federation
from tests.test_capital import give
from tests.web_support import Credentials, WebUser, field_value, person

MEETING_DAY = date(2026, 6, 5)


_field = field_value


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def fed(session):
    return funded_shg(session, members_count=3)


@pytest.fixture
def bookkeeper(session, client, fed):
    return WebUser(client, person(session, Role.BOOKKEEPER, fed.clf))


def test_sign_in_sign_out_and_the_home_page_of_each_role(session, client, fed):
    user = WebUser(client)
    refused = user.sign_in(Credentials("9876543210", "not-her-password", 0))
    assert refused.status_code == 401
    assert "do not match" in _text(refused)
    assert client.get("/federation").location.startswith("/sign-in")

    homes = {
        Role.BOOKKEEPER: ("/federation", fed.clf, None),
        Role.AUDITOR: ("/audit/flags", fed.district, None),
        Role.ADMIN: ("/federation", None, None),
    }
    for role, (home, place, bank) in homes.items():
        signed_in = WebUser(client).sign_in(person(session, role, place, bank))
        assert (signed_in.status_code, signed_in.location) == (303, home)
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    officer = WebUser(client).sign_in(person(session, Role.BANK_PARTNER, bank_id=bank.id))
    assert officer.location == "/bank/members"

    signed_out = user.post("/sign-out", {})
    assert signed_out.status_code == 303
    assert client.get("/bank/members").location.startswith("/sign-in")
    logged = session.scalars(
        select(AccessLogEntry.status_code).where(AccessLogEntry.path.like("/sign-in%"))
    ).all()
    assert sorted(logged) == [303, 303, 303, 303, 401]


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(session, client, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    asked = client.get(f"/shgs/{fed.shg.id}")
    assert asked.location == f"/sign-in?next=/shgs/{fed.shg.id}"
    user = WebUser(client)
    client.get(asked.location)
    back = user.sign_in(her, next=f"/shgs/{fed.shg.id}")
    assert back.location == f"/shgs/{fed.shg.id}"
    away = user.sign_in(her, next="//evil.example/")
    assert away.location == "/federation"


def test_a_post_without_the_csrf_token_is_refused(session, client, fed, bookkeeper):
    forged = client.post(f"/shgs/{fed.shg.id}/meetings/new", data={"meeting_date": "05-06-2026"})
    assert forged.status_code == 400
    assert "expired" in _text(forged)
    wrong = client.post("/sign-out", data={"csrf_token": "guess"})
    assert wrong.status_code == 400
    assert bookkeeper.get("/federation").status_code == 200  # still signed in


def test_idle_timeout_and_disabling_sign_her_out(session, client, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    user = WebUser(client, her)
    assert user.get("/federation").status_code == 200
    with client.session_transaction() as cookie:
        cookie["seen"] = int(time.time()) - 16 * 60
    timed_out = user.get("/federation")
    assert timed_out.location.startswith("/sign-in")
    assert "15 minutes" in _text(client.get(timed_out.location))

    WebUser(client, her)
    assert user.get("/federation").status_code == 200
    people.set_disabled(session, ADMIN, her.person_id, True)
    assert user.get("/federation").location.startswith("/sign-in")


def test_bookkeeper_pages_show_only_her_tree(session, client, fed, bookkeeper):
    tree = bookkeeper.page("/federation")
    assert all(name in tree for name in ("Ujala CLF", "Pragati VO", "Durga SHG"))
    shg = bookkeeper.page(f"/shgs/{fed.shg.id}")
    assert "Member 3" in shg and "₹15,000.00" in shg  # the RF, in Indian format

    other = make_federation(session, state_code="OD")
    assert bookkeeper.get(f"/shgs/{other.shg.id}").status_code == 404
    assert bookkeeper.get(f"/federation?root={other.clf.id}").status_code == 404
    assert bookkeeper.get(f"/members/{other.members[0].id}/passbook").status_code == 404
    assert bookkeeper.get("/bank/members").status_code == 403
    assert bookkeeper.get("/audit/runs").status_code == 403
    assert bookkeeper.get(f"/shgs/{fed.clf.id}").status_code == 404  # a CLF is not an SHG


def _register(user: WebUser, fed, figures: dict[int, dict[str, str]], action: str, key=None):
    page = user.page(f"/shgs/{fed.shg.id}/meetings/new")
    data = {
        "meeting_date": MEETING_DAY.strftime("%d-%m-%Y"),
        "via": "cash",
        "form_key": key or _field(page, "form_key"),
        "action": action,
        "new_loan_rate": "1.00",
        "new_loan_rate_basis": "per_month",
        "new_loan_method": "declining",
        "new_loan_frequency": "monthly",
        "new_loan_fund_source": "own",
    }
    for member in fed.members:
        data[f"m{member.id}-present"] = "yes"
        for column, value in figures.get(member.id, {}).items():
            data[f"m{member.id}-{column}"] = value
    return user.post(f"/shgs/{fed.shg.id}/meetings/new", data), data


def _meetings(session) -> int:
    return session.scalar(select(func.count()).select_from(Meeting))


def test_meeting_form_checks_then_posts_once(session, fed, bookkeeper):
    first, second, third = fed.members
    figures = {
        first.id: {"savings": "100", "new_loan_principal": "2000", "new_loan_instalments": "10"},
        second.id: {"savings": "100.50", "fine": "10"},
        third.id: {"savings": "100"},
    }
    checked, _ = _register(bookkeeper, fed, figures, "check")
    assert checked.status_code == 200
    assert "The figures check out" in _text(checked)
    assert "₹300.50" in _text(checked) and "₹2,000.00" in _text(checked)
    assert _meetings(session) == 0

    posted, data = _register(bookkeeper, fed, figures, "post")
    assert (posted.status_code, posted.location) == (303, f"/shgs/{fed.shg.id}")
    again = bookkeeper.post(f"/shgs/{fed.shg.id}/meetings/new", data)
    assert (again.status_code, again.location) == (303, f"/shgs/{fed.shg.id}")
    assert _meetings(session) == 1

    shg = bookkeeper.page(f"/shgs/{fed.shg.id}")
    assert "is recorded" in shg
    row = re.search(rf'<tr data-member="{second.id}">.*?</tr>', shg, re.S)[0]
    assert "₹100.50" in row
    assert "05-06-2026" in shg
    loan_link = re.search(r'href="(/loans/\d+)"', shg)[1]
    schedule = bookkeeper.page(loan_link)
    assert schedule.count("<tr") >= 12 and "₹2,000.00" in schedule
    assert (
        "reducing balance (interest per period)" in schedule
    )  # the form lends on the default basis
    passbook = bookkeeper.page(f"/members/{first.id}/passbook?from=01-04-2026&to=30-06-2026")
    assert "₹100.00" in passbook and "01-04-2026 to 30-06-2026" in passbook

    another, _ = _register(bookkeeper, fed, figures, "post")  # a new form, the same day
    assert another.status_code == 409
    assert "is already recorded" in _text(another)
    assert _meetings(session) == 1


def test_meeting_form_shows_each_problem_on_its_row(session, fed, bookkeeper):
    first, second, _ = fed.members
    figures = {
        first.id: {"savings": "12.345"},
        second.id: {"repayment": "50"},  # she has no loan running
    }
    refused, _ = _register(bookkeeper, fed, figures, "check")
    assert refused.status_code == 422
    page = _text(refused)
    first_row = re.search(rf'<tr id="row-{first.id}" class="bad">.*?</tr>', page, re.S)
    assert first_row and "write the amount in rupees" in first_row[0].lower()
    assert 'value="12.345"' in first_row[0]  # what she typed stays on the form

    fixed = {second.id: {"repayment": "50"}}
    refused, _ = _register(bookkeeper, fed, fixed, "post")
    assert refused.status_code == 422
    second_row = re.search(rf'<tr id="row-{second.id}" class="bad">.*?</tr>', _text(refused), re.S)
    assert second_row and "loan" in second_row[0]
    assert _meetings(session) == 0


def test_csv_upload_reports_a_dry_run_then_posts_once(session, client, fed, bookkeeper):
    rows = ["shg_id,meeting_date,member_id,savings"]
    rows += [f"{fed.shg.id},05-06-2026,{m.id},100" for m in fed.members]
    rows += [f"{fed.shg.id},05-07-2026,{fed.members[0].id},1.234"]
    sheet = ("\n".join(rows) + "\n").encode()

    def upload(mode: str):
        key = _field(bookkeeper.page("/imports/meetings"), "form_key")
        data = {
            "mode": mode,
            "form_key": key,
            "sheet": (io.BytesIO(sheet), "june.csv"),
        }
        return bookkeeper.post("/imports/meetings", data, content_type="multipart/form-data")

    dry = upload("dry_run")
    assert dry.status_code == 200
    report = _text(dry)
    assert "Dry run: june.csv" in report
    assert re.search(
        r'<td class="n">5</td><td translate="no"><code>savings</code></td>'
        r"<td>Savings: write the amount in rupees",
        report,
    )
    assert _meetings(session) == 0

    applied = upload("apply")
    assert "Posted: june.csv" in _text(applied) and _meetings(session) == 1
    again = upload("apply")
    assert "Already recorded<b>1</b>" in _text(again).replace("\n", "")
    assert _meetings(session) == 1


def test_a_sheet_over_a_mebibyte_is_read_not_refused(session, fed, bookkeeper):
    member = fed.members[0].id
    rows = [f"{fed.shg.id},05-06-2026,{member},100.00" for _ in range(60_000)]
    sheet = ("shg_id,meeting_date,member_id,savings\n" + "\n".join(rows) + "\n").encode()
    assert len(sheet) > 1024 * 1024  # over MAX_CONTENT_LENGTH, under the import's own limit
    key = _field(bookkeeper.page("/imports/meetings"), "form_key")
    with bookkeeper.client.session_transaction() as cookie:
        csrf = cookie["csrf"]
    # Encoded here, in memory: the test client's own encoder leaves a temporary file open.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf,
            "mode": "dry_run",
            "form_key": key,
            "sheet": FileStorage(io.BytesIO(sheet), "month.csv"),
        }
    )
    dry = bookkeeper.client.post(
        "/imports/meetings", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    # Read whole, and too large to check while the page waits: queued, and its page says so.
    assert dry.status_code == 303
    assert "60000 rows" in bookkeeper.page(dry.headers["Location"])


@pytest.fixture
def audited(session, client, fed):
    give(session, None, "cif_corpus", fed.clf, 10_00_000, date(2026, 1, 1))
    auditor = WebUser(client, person(session, Role.AUDITOR, fed.district))
    key = _field(auditor.page("/audit/runs"), "form_key")
    started = auditor.post("/audit/runs", {"form_key": key, "as_of": "15-04-2026"})
    assert started.status_code == 303
    return auditor, started.location


def test_auditor_runs_filters_moves_and_exports(session, client, fed, audited):
    auditor, flags_of_run = audited
    listed = auditor.page(flags_of_run)
    assert "Ujala CLF" in listed and "₹10,00,000.00" in listed
    assert "No flags match" in auditor.page("/audit/flags?fund=vrf")
    assert "Ujala CLF" in auditor.page(
        f"/audit/flags?fund=cif&status=open&institution_id={fed.clf.id}"
    )
    assert auditor.get("/audit/flags?min_days_idle=many").status_code == 422

    flag_path = re.search(r'href="(/audit/flags/\d+)"', listed)[1]
    detail = auditor.page(flag_path)
    key = _field(detail, "form_key")
    no_note = auditor.post(flag_path + "/move", {"form_key": key, "status": "resolved"})
    assert no_note.status_code == 422
    assert "Note: write why you mark it resolved" in _text(no_note)
    moved = auditor.post(
        flag_path + "/move", {"form_key": key, "status": "escalated", "note": "ask DMMU"}
    )
    assert moved.status_code == 303
    history = auditor.page(flag_path)
    assert 'id="flag-status">escalated' in history and "ask DMMU" in history

    charts = auditor.page("/audit/charts")
    assert "Ujala CLF" in charts and "₹10,00,000.00" in charts
    run_id = re.search(r"run_id=(\d+)", flags_of_run)[1]
    csv = auditor.get(f"/audit/runs/{run_id}/export.csv")
    assert csv.mimetype == "text/csv" and b"Ujala CLF" in csv.data
    pdf = auditor.get(f"/audit/runs/{run_id}/export.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_bookkeeper_answers_a_flag_on_her_clf_only_by_explaining(
    session, client, fed, audited, bookkeeper
):
    assert audited
    flag_path = re.search(r'href="(/audit/flags/\d+)"', bookkeeper.page("/audit/flags"))[1]
    page = bookkeeper.page(flag_path)
    assert re.findall(r'<option value="(\w+)">', page) == ["explained"]
    key = _field(page, "form_key")
    refused = bookkeeper.post(
        flag_path + "/move", {"form_key": key, "status": "resolved", "note": "x"}
    )
    assert refused.status_code == 403


def test_bank_officer_sees_only_consenting_members(session, client, fed):
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    consenting, silent, _ = fed.members
    consenting.member_code, silent.member_code = "JH-RNC-00001", "JH-RNC-00002"
    today = today_in_india()
    consents.record_consent(
        session,
        ADMIN,
        consents.NewConsent(
            consenting.id, bank.id, "individual_loan", today, today + timedelta(days=90)
        ),
    )
    officer = WebUser(client, person(session, Role.BANK_PARTNER, bank_id=bank.id))
    found = officer.page("/bank/members")
    assert f"/bank/members/{consenting.id}" in found and f'/bank/members/{silent.id}"' not in found
    assert "Member 1." in officer.page("/bank/members?q=JH-RNC-00001")
    assert "Her member code, in full" in found  # what the search box asks for
    assert "No member" in officer.page("/bank/members?q=member")  # never by name
    assert "No member" in officer.page("/bank/members?q=0001")  # nor by the tail it shows
    assert "No member" in officer.page("/bank/members?q=JH-RNC-00002")  # she did not consent
    assert "No member" in officer.page("/bank/members?q=%25")  # "%" is a letter, not a wildcard

    profile = officer.page(f"/bank/members/{consenting.id}")
    assert "insufficient history" in profile and "6 needed" in profile
    assert "token:" not in profile and "test:admin" not in profile  # nobody's token label
    assert officer.get(f"/bank/members/{silent.id}").status_code == 404
    pdf = officer.get(f"/bank/members/{consenting.id}/profile.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    pulls = session.scalar(
        select(func.count())
        .select_from(CreditEnquiry)
        .where(CreditEnquiry.member_id == consenting.id)
    )
    assert pulls == 1  # the page and its PDF, the same day: one enquiry
    assert officer.get(f"/shgs/{fed.shg.id}").status_code == 403
    logged = session.scalars(
        select(AccessLogEntry.path).where(AccessLogEntry.role == "bank_partner")
    ).all()
    assert f"/bank/members/{silent.id}" in logged


def test_sign_in_attempts_are_limited_and_unknown_pages_are_pages(session, connection):
    from tests.conftest import make_test_app

    app = make_test_app(
        DATABASE_CONNECTION=connection, RATELIMIT_ENABLED=True, WEB_SIGN_IN_LIMIT="2 per minute"
    )
    user = WebUser(app.test_client())
    guess = Credentials("9876543210", "a-guessed-password", 0)
    assert [user.sign_in(guess).status_code for _ in range(3)] == [401, 401, 429]
    # Another worker process counts against the same limit: the counter is in the database.
    other_worker = WebUser(
        make_test_app(
            DATABASE_CONNECTION=connection, RATELIMIT_ENABLED=True, WEB_SIGN_IN_LIMIT="2 per minute"
        ).test_client()
    )
    refused = other_worker.sign_in(guess)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    missing = user.get("/no-such-page")
    assert (missing.status_code, missing.mimetype) == (404, "text/html")
    api_missing = user.get("/api/v1/no-such-thing")
    assert api_missing.mimetype == "application/problem+json"


def test_a_large_csv_upload_runs_in_the_background_and_its_page_follows_it(
    session, connection, fed
):
    from sqlalchemy.orm import sessionmaker

    from app.services.lending import import_jobs
    from tests.conftest import make_test_app

    app = make_test_app(DATABASE_CONNECTION=connection, IMPORT_INLINE_ROWS=2)
    user = WebUser(app.test_client(), person(session, Role.BOOKKEEPER, fed.clf))
    rows = ["shg_id,meeting_date,member_id,savings"]
    rows += [f"{fed.shg.id},05-06-2026,{m.id},100" for m in fed.members]
    key = _field(user.page("/imports/meetings"), "form_key")
    data = {
        "mode": "apply",
        "form_key": key,
        "sheet": (io.BytesIO("\n".join(rows).encode()), "j.csv"),
    }
    sent = user.post("/imports/meetings", data, content_type="multipart/form-data")
    assert sent.status_code == 303
    job_page = sent.headers["Location"]
    assert re.fullmatch(r"/imports/jobs/\d+", job_page)
    waiting = user.page(job_page)
    assert "Waiting its turn" in waiting and 'http-equiv="refresh"' in waiting
    assert _meetings(session) == 0

    runner = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    assert import_jobs.run_queued(runner) == 1
    done = user.page(job_page)
    assert "Posted" in done and 'http-equiv="refresh"' not in done
    assert "Rows<b>3</b>" in done.replace("\n", "")
    assert _meetings(session) == 1
