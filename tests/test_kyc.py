"""Members' KYC: versions (a correction keeps the old values), every field's check naming the
field, the Aadhaar rule (never a full number, anywhere, logs included), who may read and
write, and what is missing for credit reporting."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.services.federation import banks, kyc, members
from app.services.federation.kyc_rules import FORMATS
from app.services.shared.aadhaar import could_be_aadhaar, mask_aadhaar, verhoeff_valid
from app.services.shared.clock import today_in_india
from app.services.shared.errors import Invalid
from models import Role
from models.kyc import MemberKyc
from tests.factories import ADMIN, ApiCaller, make_federation, token

# A valid Aadhaar number by shape (first digit 2-9, Verhoeff check digit right): python-stdnum's
# documented example. 234123412347 is the same with a wrong check digit.
AADHAAR = "234123412346"
AADHAAR_SHAPES = (AADHAAR, "2341 2341 2346", "2341-2341-2346", "23412341")

COMPLETE = {
    "full_name": "Sunita Devi",
    "date_of_birth": "1988-07-15",
    "gender": "female",
    "marital_status": "married",
    "key_person_name": "Ramesh Mahto",
    "key_person_relation": "husband",
    "address_line": "Ward 4, near the primary school",
    "village_or_town": "Kanke",
    "district_name": "Ranchi",
    "state_code": "JH",
    "pin_code": "834006",
    "phone": "9876543210",
    "voter_id": "WKH1186253",
    "ckyc_number": "12345678901234",
    "bank_account_number": "32145678901",
    "bank_ifsc": "SBIN0001234",
    "aadhaar_last4": "2346",
}
ALL_MISSING = [field for field, _ in kyc.REQUIRED_FOR_REPORTING]


@pytest.fixture
def world(session, client):
    jh = make_federation(session, "JH")
    br = make_federation(session, "BR")
    bank = banks.create_bank(session, ADMIN, "Test Bank", "TBNK")
    callers = {
        "admin": ApiCaller(client, token(session, Role.ADMIN)),
        "bookkeeper": ApiCaller(client, token(session, Role.BOOKKEEPER, jh.clf)),
        "other_bookkeeper": ApiCaller(client, token(session, Role.BOOKKEEPER, br.clf)),
        "auditor": ApiCaller(client, token(session, Role.AUDITOR, jh.district)),
        "bank": ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=bank.id)),
    }
    return jh, br, callers


def put(caller, member_id, body, key=None):
    return caller.write("PUT", f"/api/v1/members/{member_id}/kyc", body, key)


def problems(response):
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    return {e["field"]: e["reason"] for e in response.json["errors"]}


def years_ago(years, days=0):
    """The ISO date `years` years before today (28 February for a 29th), `days` later."""
    today = today_in_india()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return (day + timedelta(days=days)).isoformat()


# Recording and correcting


def test_before_anything_is_recorded_everything_is_missing_and_bookkeeping_goes_on(world):
    jh, _, c = world
    member = jh.members[0].id
    read = c["bookkeeper"].get(f"/api/v1/members/{member}/kyc")
    assert read.status_code == 200
    assert (read.json["version"], read.json["recorded_by"], read.json["pin_code"]) == (
        None,
        None,
        None,
    )
    assert [m["field"] for m in read.json["missing_for_reporting"]] == ALL_MISSING
    assert read.json["missing_for_reporting"][8] == {
        "field": "pin_code",
        "description": "PIN code",
    }
    shown = c["bookkeeper"].get(f"/api/v1/members/{member}").json
    assert shown["missing_for_reporting"] == read.json["missing_for_reporting"]
    assert shown["name"] == "Member 1" and shown["accounts"][0]["name"] == "Savings – Member 1"
    deposit = c["bookkeeper"].post(
        f"/api/v1/members/{member}/savings/deposits",
        {"amount": "100.00", "value_date": today_in_india().isoformat()},
    )
    assert deposit.status_code == 201  # incomplete KYC never blocks bookkeeping


def test_a_complete_record_is_version_1_with_who_and_when_and_nothing_missing(world):
    jh, _, c = world
    member = jh.members[0].id
    recorded = put(c["bookkeeper"], member, COMPLETE)
    assert recorded.status_code == 201, recorded.json
    body = recorded.json
    assert body["version"] == 1 and body["member_id"] == member
    assert body["recorded_by"].startswith("token:") and body["recorded_at"]
    assert {field: body[field] for field in COMPLETE} == COMPLETE
    assert body["missing_for_reporting"] == []
    assert c["bookkeeper"].get(f"/api/v1/members/{member}/kyc").json == body
    assert c["bookkeeper"].get(f"/api/v1/members/{member}").json["missing_for_reporting"] == []


def test_correcting_one_field_is_a_new_version_and_the_old_one_is_kept(world):
    jh, _, c = world
    member = jh.members[0].id
    put(c["bookkeeper"], member, COMPLETE)
    corrected = put(c["bookkeeper"], member, {"phone": "8765432109"})
    assert corrected.status_code == 201, corrected.json
    assert corrected.json["version"] == 2
    assert corrected.json["phone"] == "8765432109"
    assert {f: corrected.json[f] for f in COMPLETE if f != "phone"} == {
        f: v for f, v in COMPLETE.items() if f != "phone"
    }
    history = c["bookkeeper"].get(f"/api/v1/members/{member}/kyc/history").json
    assert [(v["version"], v["phone"]) for v in history["items"]] == [
        (2, "8765432109"),
        (1, "9876543210"),
    ]
    assert history["next_after"] is None
    first_page = c["bookkeeper"].get(f"/api/v1/members/{member}/kyc/history?limit=1").json
    assert [v["version"] for v in first_page["items"]] == [2] and first_page["next_after"] == 2
    rest = c["bookkeeper"].get(f"/api/v1/members/{member}/kyc/history?after=2&limit=1").json
    assert [v["version"] for v in rest["items"]] == [1] and rest["next_after"] is None


def test_missing_for_reporting_before_and_after_and_null_clears_a_field(world):
    jh, _, c = world
    member = jh.members[0].id
    partial = put(
        c["bookkeeper"],
        member,
        {
            "full_name": "Sunita Devi",
            "age_years": 35,
            "age_as_on": "2024-01-10",
            "voter_id": "WKH1186253",
        },
    )
    assert partial.status_code == 201, partial.json
    assert [m["field"] for m in partial.json["missing_for_reporting"]] == [
        "gender",
        "marital_status",
        "key_person_name",
        "key_person_relation",
        "address_line",
        "state_code",
        "pin_code",
    ]
    done = put(c["bookkeeper"], member, {k: v for k, v in COMPLETE.items() if k != "full_name"})
    assert done.json["missing_for_reporting"] == []
    cleared = put(c["bookkeeper"], member, {"pin_code": None})
    assert cleared.json["version"] == 3 and cleared.json["pin_code"] is None
    assert cleared.json["missing_for_reporting"] == [
        {"field": "pin_code", "description": "PIN code"}
    ]


def test_a_write_that_changes_nothing_is_refused_and_a_retry_replays(world, session):
    jh, _, c = world
    member = jh.members[0].id
    first = put(c["bookkeeper"], member, COMPLETE, key="kyc-1")
    replay = put(c["bookkeeper"], member, COMPLETE, key="kyc-1")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json == first.json
    again = put(c["bookkeeper"], member, {"phone": COMPLETE["phone"]})
    assert "changes nothing" in problems(again)["body"]
    versions = session.scalars(select(MemberKyc.version).where(MemberKyc.member_id == member))
    assert list(versions) == [1]
    assert "body" in problems(put(c["bookkeeper"], member, {}))


def test_a_member_who_has_left_can_still_be_corrected(world, session):
    jh, _, c = world
    member = members.close_member(session, ADMIN, jh.members[1].id)
    assert put(c["bookkeeper"], member.id, {"full_name": "Geeta Kumari"}).status_code == 201


# Each check names its field


def _bad(field, value, expected, at=None):
    """`{field: value}` is refused, the problem on `at` (default `field`) saying `expected`."""
    return pytest.param({field: value}, at or field, expected, id=f"{field}={value!r}")


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        _bad("pin_code", "034006", "not starting with 0"),
        _bad("pin_code", "83400", "6-digit"),
        _bad("phone", "5876543210", "starting 6, 7, 8 or 9"),
        _bad("phone", "+919876543210", "without +91"),
        _bad("phone", "09876543210", "10-digit"),
        _bad("voter_id", "1231186253", "EPIC"),
        _bad("voter_id", "wkh1186253", "capital letters"),
        _bad("voter_id", "WKH 1186253", "EPIC"),
        _bad("ckyc_number", "1234567890123", "14-digit"),
        _bad("bank_ifsc", "SBIN1001234", "IFSC"),
        _bad("bank_ifsc", "sbin0001234", "IFSC"),
        _bad("bank_account_number", "12345678", "9 to 18 digits"),
        _bad("bank_account_number", "1234567890123456789", "9 to 18 digits"),
        _bad("aadhaar_last4", "234", "last 4 digits"),
        _bad("full_name", "Sunita 2", "digits"),
        _bad("full_name", "Sunita\u0007", "control characters"),
        _bad("key_person_name", "Ramesh \u096a", "digits"),  # a Devanagari digit
        _bad("full_name", "   ", "blank"),
        _bad("address_line", "Ward 4\nKanke", "control characters"),
        _bad("gender", "woman", "female"),
        _bad("marital_status", "single", "unmarried"),
        _bad("key_person_relation", "uncle", "husband"),
        _bad("state_code", "BR", "must be JH, the state of her SHG"),
        _bad("state_code", "JH\n", "capital letters"),
        _bad("age_years", 35, "is needed with age_years", at="age_as_on"),
        pytest.param(
            {"age_as_on": "2024-01-10"}, "age_years", "is needed with age_as_on", id="age_as_on"
        ),
        pytest.param(
            {"age_years": 17, "age_as_on": "2024-01-10"}, "age_years", "18 to 100", id="age 17"
        ),
        pytest.param(
            {"age_years": 101, "age_as_on": "2024-01-10"}, "age_years", "100", id="age 101"
        ),
        pytest.param(
            {"age_years": 30, "age_as_on": (today_in_india() + timedelta(days=1)).isoformat()},
            "age_as_on",
            "in the future",
            id="age_as_on tomorrow",
        ),
        pytest.param(
            {"date_of_birth": years_ago(18, days=1)},
            "date_of_birth",
            "makes her 17 today",
            id="a day short of 18",
        ),
        pytest.param(
            {"date_of_birth": years_ago(101)},
            "date_of_birth",
            "makes her 101 today",
            id="101",
        ),
        pytest.param(
            {"date_of_birth": "1990-05-01", "age_years": 30, "age_as_on": "2024-01-10"},
            "age_years",
            "makes her 33 on 2024-01-10",
            id="age disagrees with date of birth",
        ),
        pytest.param(
            {"other_id_type": "pan"}, "other_id_number", "needed", id="other id type alone"
        ),
        pytest.param({"nickname": "Sunu"}, "nickname", "not a field", id="unknown field"),
    ],
)
def test_each_check_names_its_field_and_records_nothing(world, session, body, field, expected):
    jh, _, c = world
    member = jh.members[0].id
    refused = problems(put(c["bookkeeper"], member, body))
    assert expected in refused[field], refused
    assert session.scalar(select(MemberKyc.id).where(MemberKyc.member_id == member)) is None


@pytest.mark.parametrize(
    "body",
    [
        {"date_of_birth": years_ago(18)},  # her 18th birthday
        {"date_of_birth": years_ago(100)},
        {"age_years": 18, "age_as_on": today_in_india().isoformat()},
        {"voter_id": "JH/05/123/456789"},  # an older card's number (lenient: see kyc_rules)
        {"bank_account_number": "234123412347"},  # 12 digits, but no Aadhaar's check digit
        {"ration_card": "UP-2163-0045-7781"},
        {"key_person_name": "रमेश महतो", "full_name": "O'Brien-Devi"},
    ],
    ids=repr,
)
def test_values_at_the_edges_are_accepted(world, body):
    jh, _, c = world
    response = put(c["bookkeeper"], jh.members[0].id, body)
    assert response.status_code == 201, response.json


def test_the_service_checks_the_record_itself_not_only_the_api(world, session):
    jh, _, _ = world
    with pytest.raises(Invalid) as refused:
        kyc.record_kyc(
            session,
            ADMIN,
            jh.members[0].id,
            {
                "pin_code": "034006",
                "state_code": "BR",
                "date_of_birth": date(2020, 1, 1),
                "gender": "woman",
                "full_name": "Sunita 2",
            },
            today=date(2026, 6, 1),
        )
    assert [p.field for p in refused.value.problems] == [
        "pin_code",
        "full_name",
        "gender",
        "state_code",
        "date_of_birth",
    ]


def test_the_document_publishes_the_patterns_the_service_checks(client):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]["KycChange"]
    for field, rule in FORMATS.items():
        assert schema["properties"][field]["pattern"] == f"^{rule.pattern}$", field
    assert schema["properties"]["age_years"]["minimum"] == 18
    assert schema["properties"]["age_years"]["maximum"] == 100


# Aadhaar: never the full number


def test_verhoeff_and_the_shape_of_an_aadhaar_number():
    assert verhoeff_valid("2363")  # Verhoeff's own worked example: 236, check digit 3
    assert not verhoeff_valid("2364")
    assert could_be_aadhaar(AADHAAR)
    assert not could_be_aadhaar("234123412347")  # wrong check digit
    assert not could_be_aadhaar("123412341234")  # no Aadhaar number starts with 0 or 1
    assert mask_aadhaar("/kyc?a=2341+2341+2346&id=1234567890123") == (
        "/kyc?a=XXXXXXXX2346&id=1234567890123"
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"aadhaar": AADHAAR}, "aadhaar"),
        ({"aadhaar_number": "2341 2341 2346"}, "aadhaar_number"),
        ({"Aadhaar": "2346"}, "Aadhaar"),
        ({"aadhaar_last4": AADHAAR}, "aadhaar_last4"),
        ({"other_id_type": "other", "other_id_number": "234123412347"}, "other_id_number"),
        ({"address_line": "House 5, 2341-2341-2346"}, "address_line"),
        ({"voter_id": "AB" + AADHAAR}, "voter_id"),
        ({"bank_account_number": AADHAAR}, "bank_account_number"),
        ({"ration_card": "2341 2341 2346"}, "ration_card"),
        ({"phone": int(AADHAAR)}, "phone"),
        ({"notes": [{"id": AADHAAR}]}, "notes"),
    ],
    ids=repr,
)
def test_a_full_aadhaar_number_is_refused_and_kept_nowhere(world, session, caplog, body, field):
    jh, _, c = world
    member = jh.members[0].id
    with caplog.at_level(logging.DEBUG):
        refused = put(c["bookkeeper"], member, {"full_name": "Sunita Devi", **body})
    reason = problems(refused)[field]
    assert "last four digits" in reason
    answer = refused.get_data(as_text=True)
    assert not [shape for shape in AADHAAR_SHAPES if shape in answer]
    logged = [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert not [line for line in logged if any(s in line for s in AADHAAR_SHAPES)]
    assert_kept_nowhere(session)
    rows = session.execute(
        text("SELECT method, path, status_code FROM access_log WHERE method = 'PUT'")
    ).all()
    assert [tuple(r) for r in rows] == [("PUT", f"/api/v1/members/{member}/kyc", 422)]


def test_aadhaar_in_the_query_string_is_masked_in_the_access_log(world, session):
    jh, _, c = world
    member = jh.members[0].id
    path = f"/api/v1/members/{member}/kyc?aadhaar=2341%202341%202346"
    assert c["bookkeeper"].write("PUT", path, {"full_name": "Sunita Devi"}).status_code == 201
    logged = session.scalar(text("SELECT path FROM access_log WHERE method = 'PUT'"))
    assert logged == f"/api/v1/members/{member}/kyc?aadhaar=XXXXXXXX2346"
    assert_kept_nowhere(session)


def assert_kept_nowhere(session):
    """No row of the tables a request writes holds the number, whole or grouped."""
    for table in ("member_kyc", "access_log", "idempotency_records"):
        for row in session.execute(text(f"SELECT * FROM {table}")):  # noqa: S608
            kept = " ".join(str(value) for value in row)
            assert not any(shape in kept for shape in AADHAAR_SHAPES[:3]), (table, kept)


def test_the_last_four_digits_are_kept(world):
    jh, _, c = world
    response = put(c["bookkeeper"], jh.members[0].id, {"aadhaar_last4": "2346"})
    assert response.status_code == 201 and response.json["aadhaar_last4"] == "2346"


# Who may read and write


def test_another_clfs_bookkeeper_sees_nothing(world):
    jh, br, c = world
    member = jh.members[0].id
    put(c["bookkeeper"], member, COMPLETE)
    other = c["other_bookkeeper"]
    assert other.get(f"/api/v1/members/{member}/kyc").status_code == 404
    assert other.get(f"/api/v1/members/{member}/kyc/history").status_code == 404
    assert put(other, member, {"phone": "8765432109"}).status_code == 404
    assert put(c["bookkeeper"], br.members[0].id, {"full_name": "Asha"}).status_code == 404
    assert put(c["bookkeeper"], 10**12, {"full_name": "Asha"}).status_code == 404


def test_a_bank_partner_never_reads_kyc_here(world):
    jh, _, c = world
    member = jh.members[0].id
    put(c["bookkeeper"], member, COMPLETE)
    bank = c["bank"]
    for target in (member, 10**12):  # the same answer whether or not she exists
        assert bank.get(f"/api/v1/members/{target}/kyc").status_code == 403
        assert bank.get(f"/api/v1/members/{target}/kyc/history").status_code == 403
        assert put(bank, target, {"phone": "8765432109"}).status_code == 403


def test_an_auditor_reads_in_her_scope_and_never_writes(world):
    jh, br, c = world
    member = jh.members[0].id
    put(c["bookkeeper"], member, COMPLETE)
    auditor = c["auditor"]
    assert auditor.get(f"/api/v1/members/{member}/kyc").json["version"] == 1
    assert len(auditor.get(f"/api/v1/members/{member}/kyc/history").json["items"]) == 1
    assert put(auditor, member, {"phone": "8765432109"}).status_code == 403
    assert auditor.get(f"/api/v1/members/{br.members[0].id}/kyc").status_code == 404


def test_an_admin_records_anywhere(world):
    _, br, c = world
    response = put(c["admin"], br.members[0].id, {**COMPLETE, "state_code": "BR"})
    assert response.status_code == 201 and response.json["state_code"] == "BR"


def test_her_address_state_is_kept_apart_from_the_state_her_row_lives_in(world, session):
    """The API's `state_code` is her address's state, which she may not have given yet; the
    row's own `state_code` is her SHG's state, which it always carries (issue 18)."""
    jh, _, c = world
    member = jh.members[0].id
    put(c["bookkeeper"], member, {"phone": "9876543210"})
    put(c["bookkeeper"], member, {"state_code": "JH"})
    history = c["bookkeeper"].get(f"/api/v1/members/{member}/kyc/history").json["items"]
    assert [v["state_code"] for v in history] == ["JH", None]
    rows = session.execute(
        select(MemberKyc.state_code, MemberKyc.address_state_code)
        .where(MemberKyc.member_id == member)
        .order_by(MemberKyc.version)
    ).all()
    assert [tuple(r) for r in rows] == [("JH", None), ("JH", "JH")]


# The database keeps every version


@pytest.mark.parametrize(
    "statement",
    ["UPDATE member_kyc SET phone = '9000000000'", "DELETE FROM member_kyc"],
)
def test_the_database_refuses_to_change_or_delete_a_version(world, session, statement):
    jh, _, _ = world
    kyc.record_kyc(session, ADMIN, jh.members[0].id, {"phone": "9876543210"})
    with pytest.raises(DBAPIError, match="member_kyc is append-only"), session.begin_nested():
        session.execute(text(statement))
    assert session.scalar(select(MemberKyc.phone)) == "9876543210"
