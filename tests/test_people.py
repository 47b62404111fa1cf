"""People's accounts (issue 16): passwords kept only as argon2id hashes, lock-out, one-time
codes with their secret encrypted, tokens issued to a person, the admin API and the CLI."""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select, text

from app.security import build_security
from app.services.access import people, tokens
from app.services.access.passwords import HashCost, weakness
from app.services.access.people import Locked, SignInRefused
from app.services.shared.errors import Conflict, Forbidden, Invalid
from models import AccessLogEntry, ApiToken, IdempotencyRecord, Institution, Role
from models.base import utcnow
from models.people import Person
from tests.conftest import make_test_app
from tests.factories import ADMIN, ApiCaller, make_federation, token
from tests.web_support import PASSWORD, TEST_SECURITY, person


@pytest.fixture
def fed(session):
    return make_federation(session, members_count=0)


def test_mobile_numbers_are_read_as_people_write_them():
    for written in ("+91 98765 43210", "098765-43210", "919876543210", " 9876543210 "):
        assert people.normalise_mobile(written) == "9876543210"
    for wrong in ("12345", "5876543210", "98765432101", "९८७६५४३२१०"):
        with pytest.raises(Invalid) as refused:
            people.normalise_mobile(wrong)
        assert refused.value.problems[0].field == "mobile"


def test_a_pin_needs_six_digits_a_password_ten_characters_and_neither_the_commonest():
    assert weakness("583920") is None and weakness("kaveri-river-42") is None
    assert "6 digits" in weakness("58392")
    assert "10 characters" in weakness("river42")
    for guessable in ("123456", "111111", "987654", "123123", "Password123"):
        assert "guess" in weakness(guessable), guessable
    assert "mobile" in weakness("me9876543210", "9876543210")


def test_the_password_is_stored_only_as_an_argon2id_hash(session, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    row = session.execute(text("SELECT * FROM people WHERE id = :id"), {"id": her.person_id}).one()
    assert PASSWORD not in " ".join(str(v) for v in row)
    assert row.password_hash.startswith("$argon2id$")
    assert people.check_password(session, TEST_SECURITY, her.mobile, PASSWORD).id == her.person_id


def test_five_wrong_passwords_in_a_row_lock_her_out_for_15_minutes(session, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    start = utcnow()
    for _ in range(4):
        with pytest.raises(SignInRefused):
            people.check_password(session, TEST_SECURITY, her.mobile, "wrong-password", start)
    with pytest.raises(Locked) as locked:  # the fifth
        people.check_password(session, TEST_SECURITY, her.mobile, "wrong-password", start)
    assert locked.value.until == start + timedelta(minutes=15)
    # Locked even with the right password, until the 15 minutes are over.
    with pytest.raises(Locked):
        people.check_password(
            session, TEST_SECURITY, her.mobile, PASSWORD, start + timedelta(minutes=14)
        )
    later = start + timedelta(minutes=15, seconds=1)
    assert people.check_password(session, TEST_SECURITY, her.mobile, PASSWORD, later)
    # A right password clears the count: four more wrong ones do not lock her.
    for _ in range(4):
        with pytest.raises(SignInRefused):
            people.check_password(session, TEST_SECURITY, her.mobile, "wrong-password", later)


def test_a_hash_made_at_an_old_cost_is_redone_at_sign_in(session, fed):
    her = person(session, Role.AUDITOR, fed.district)
    dearer = people.Security(cost=HashCost(2, 2048, 1), fernet=TEST_SECURITY.fernet)
    people.check_password(session, dearer, her.mobile, PASSWORD)
    stored = session.get(Person, her.person_id).password_hash
    assert "m=2048,t=2,p=1" in stored
    assert people.check_password(session, dearer, her.mobile, PASSWORD)


def test_a_disabled_person_cannot_sign_in_and_her_tokens_stop(session, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    issued = people.issue_token_to(session, ADMIN, her.person_id, name="her laptop")
    assert tokens.authenticate(session, issued.secret).person_id == her.person_id
    people.set_disabled(session, ADMIN, her.person_id, True)
    with pytest.raises(SignInRefused):
        people.check_password(session, TEST_SECURITY, her.mobile, PASSWORD)
    assert tokens.authenticate(session, issued.secret) is None
    people.set_disabled(session, ADMIN, her.person_id, False)
    assert tokens.authenticate(session, issued.secret) is not None


def test_one_time_codes_are_checked_within_a_step_and_never_twice(session, fed, app):
    security = app.extensions["bahi.security"]
    her = session.get(Person, person(session, Role.ADMIN, totp_required=True).person_id)
    assert people.needs_code(security, her)
    secret, uri = people.start_enrolment(session, security, her)
    assert uri.startswith("otpauth://totp/Bahi:") and secret in uri
    # Not in clear anywhere in the database: the row holds Fernet ciphertext.
    row = session.execute(text("SELECT * FROM people WHERE id = :id"), {"id": her.id}).one()
    assert secret not in " ".join(str(v) for v in row)
    assert security.fernet.decrypt(row.totp_secret_encrypted.encode()).decode() == secret

    now = utcnow()
    totp = pyotp.TOTP(secret)
    with pytest.raises(SignInRefused):
        people.check_code(session, security, her, "000000" if totp.at(now) != "000000" else "1")
    people.check_code(session, security, her, totp.at(now), now)
    assert her.totp_confirmed_at == now
    with pytest.raises(SignInRefused):  # the same code again
        people.check_code(session, security, her, totp.at(now), now)
    step_later = now + timedelta(seconds=30)
    people.check_code(session, security, her, totp.at(step_later), step_later)  # window 1
    two_steps_on = now + timedelta(seconds=90)
    with pytest.raises(SignInRefused):  # a code from two steps before now: out of the window
        people.check_code(
            session, security, her, totp.at(now - timedelta(seconds=60)), two_steps_on
        )


def test_bank_and_admin_accounts_can_be_made_to_need_a_code_by_setting():
    settings = make_test_app(TOTP_MANDATORY_ROLES="admin,bank_partner").config
    security = build_security(settings)
    assert security.totp_roles == {Role.ADMIN, Role.BANK_PARTNER}
    officer = Person(role="bank_partner", totp_required=False)
    bookkeeper = Person(role="bookkeeper", totp_required=False)
    assert people.needs_code(security, officer) and not people.needs_code(security, bookkeeper)


def test_a_reset_gives_a_temporary_password_she_must_change(session, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    made = people.reset_password(session, ADMIN, TEST_SECURITY, her.person_id)
    assert made.person.must_change_password and len(made.temporary_password) == 12
    signed = people.check_password(session, TEST_SECURITY, her.mobile, made.temporary_password)
    with pytest.raises(Invalid) as weak:
        people.change_password(session, TEST_SECURITY, signed, made.temporary_password, "123456")
    assert weak.value.problems[0].field == "new_password"
    people.change_password(session, TEST_SECURITY, signed, made.temporary_password, "583920")
    assert not signed.must_change_password
    assert people.check_password(session, TEST_SECURITY, her.mobile, "583920")


def test_a_persons_scope_is_a_tokens_scope(session, fed):
    other = make_federation(session, "OD", members_count=0)
    her = person(session, Role.BOOKKEEPER, fed.clf)
    session.flush()
    seen = people.principal_of_person(session, her.person_id)
    assert seen is None  # no page token until she signs in
    people.page_token(session, session.get(Person, her.person_id))
    seen = people.principal_of_person(session, her.person_id)
    machine = tokens.authenticate(session, token(session, Role.BOOKKEEPER, fed.clf))
    assert (seen.role, seen.scope_path, seen.bank_id) == (
        machine.role,
        machine.scope_path,
        machine.bank_id,
    )
    assert seen.can_write(fed.shg.path) and not seen.can_write(other.shg.path)
    assert seen.label == f"person:{her.person_id} Test bookkeeper (bookkeeper)"
    with pytest.raises(Invalid):  # the same scope rule as a token's
        people.create_person(
            session,
            ADMIN,
            TEST_SECURITY,
            people.NewPerson("Wrong place", "9812345678", Role.BOOKKEEPER, fed.district.id),
            PASSWORD,
        )


def test_only_an_admin_makes_people_and_a_mobile_number_is_one_persons(session, fed):
    new = people.NewPerson("Sunita Devi", "98123 45678", Role.BOOKKEEPER, fed.clf.id)
    clerk = tokens.authenticate(session, token(session, Role.BOOKKEEPER, fed.clf))
    with pytest.raises(Forbidden):
        people.create_person(session, clerk, TEST_SECURITY, new, None)
    made = people.create_person(session, ADMIN, TEST_SECURITY, new, None)
    assert made.person.mobile == "9812345678" and made.person.must_change_password
    with pytest.raises(Conflict):
        people.create_person(session, ADMIN, TEST_SECURITY, new, PASSWORD)


def test_people_api_is_for_admins_and_never_keeps_a_password(session, client, fed):
    admin = ApiCaller(client, token(session, Role.ADMIN))
    clerk = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    body = {"name": "Sunita Devi", "mobile": "+91 98123 45678", "role": "bookkeeper"}
    body["institution_id"] = fed.clf.id
    assert clerk.post("/api/v1/people", body).status_code == 403
    assert clerk.get("/api/v1/people").status_code == 403
    made = admin.post("/api/v1/people", body, key="make-sunita")
    assert made.status_code == 201, made.get_json()
    first = made.get_json()
    assert first["mobile"] == "9812345678" and first["must_change_password"]
    temporary = first["temporary_password"]
    replay = admin.post("/api/v1/people", body, key="make-sunita")
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.get_json()["temporary_password"] is None
    kept = session.scalars(select(IdempotencyRecord.response_body)).all()
    assert not any(temporary in body_ for body_ in kept)

    pid = first["id"]
    bad = admin.post("/api/v1/people", {**body, "mobile": "12345"})
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert [p["id"] for p in admin.get("/api/v1/people").get_json()["items"]] == [pid]
    assert admin.post(f"/api/v1/people/{pid}/disable").get_json()["disabled_at"]
    assert admin.post(f"/api/v1/people/{pid}/enable").get_json()["disabled_at"] is None
    reset = admin.post(f"/api/v1/people/{pid}/reset-password").get_json()
    assert reset["temporary_password"] and reset["temporary_password"] != temporary
    assert admin.post(f"/api/v1/people/{pid}/require-code", {"required": True}).get_json()[
        "totp_required"
    ]
    assert clerk.post(f"/api/v1/people/{pid}/reset-code").status_code == 403
    issued = admin.post(f"/api/v1/people/{pid}/tokens", {"name": "Sunita's tally sync"})
    assert issued.status_code == 201 and issued.get_json()["person_id"] == pid
    assert issued.get_json()["role"] == "bookkeeper"
    assert issued.get_json()["institution_id"] == fed.clf.id


def test_an_institution_that_does_not_exist_is_refused_by_name_not_by_the_database(
    session, client, fed
):
    """Tokens and people are national tables with no foreign key to institutions (issue 18: a
    reference table may not refer to one distributed by state), so the services check the
    institution: an unknown one is a 422 problem naming the field, never a 500 or a row."""
    admin = ApiCaller(client, token(session, Role.ADMIN))
    nowhere = session.scalar(select(func.max(Institution.id))) + 1
    person_body = {"name": "Nobody", "mobile": "9812345670", "role": "auditor"}
    for path, body in (
        ("/api/v1/tokens", {"name": "nowhere", "role": "bookkeeper"}),
        ("/api/v1/people", person_body),
    ):
        refused = admin.post(path, {**body, "institution_id": nowhere})
        assert refused.status_code == 422, (path, refused.get_json())
        assert refused.mimetype == "application/problem+json"
        assert [e["field"] for e in refused.get_json()["errors"]] == ["institution_id"]
    for table in (ApiToken, Person):
        rows = select(func.count()).where(table.institution_id == nowhere)
        assert session.scalar(rows) == 0


def test_the_access_log_names_the_person_behind_a_token(session, client, fed):
    her = person(session, Role.BOOKKEEPER, fed.clf)
    issued = people.issue_token_to(session, ADMIN, her.person_id, name="her laptop")
    caller = ApiCaller(client, issued.secret)
    made = caller.post(
        "/api/v1/institutions", {"kind": "vo", "name": "Nav VO", "parent_id": fed.clf.id}
    )
    assert made.status_code == 201, made.get_json()
    logged = session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.token_id == issued.token.id)
    ).all()
    assert logged and {row.person_id for row in logged} == {her.person_id}


def test_flask_users_create(app, session, fed):
    runner = app.test_cli_runner()
    args = ["users", "create", "--name", "Rekha Sinha", "--mobile", "+91 91234 56789"]
    made = runner.invoke(
        args=[*args, "--role", "admin", "--password-stdin"], input="lotus-pond-77\n"
    )
    assert made.exit_code == 0, made.output
    rekha = session.scalars(select(Person).where(Person.mobile == "9123456789")).one()
    assert rekha.role == "admin" and not rekha.must_change_password
    assert rekha.password_hash.startswith("$argon2id$") and "lotus" not in rekha.password_hash
    again = runner.invoke(args=[*args, "--role", "admin", "--password-stdin"], input="x" * 12)
    assert again.exit_code != 0 and "already belongs" in again.output
    clerk = [
        "users",
        "create",
        "--name",
        "Puja",
        "--mobile",
        "9876501234",
        "--role",
        "bookkeeper",
        "--institution",
        str(fed.clf.id),
    ]
    weak = runner.invoke(args=clerk, input="123456\n123456\n")  # typed at the prompt, twice
    assert weak.exit_code != 0 and "guess" in weak.output
    typed = runner.invoke(args=clerk, input="583920\n583920\n")
    assert typed.exit_code == 0, typed.output
    assert session.scalars(select(Person).where(Person.mobile == "9876501234")).one()
