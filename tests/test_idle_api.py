"""Idle funds through the HTTP API: an auditor's run, flags, workflow, CSV and PDF exports,
an admin's rules and schedule, and what other roles may not do."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from models import Role
from tests.factories import ApiCaller, make_federation, token
from tests.test_capital import give


@pytest.fixture
def world(session, client):
    fed = make_federation(session)
    give(session, None, "cif_corpus", fed.clf, 10_00_000, date(2026, 1, 1))
    callers = {
        role: ApiCaller(client, token(session, role, place))
        for role, place in (
            (Role.AUDITOR, fed.district),
            (Role.BOOKKEEPER, fed.clf),
            (Role.ADMIN, None),
        )
    }
    return fed, callers


def test_auditor_runs_reads_moves_and_exports(world):
    fed, api = world
    auditor, bookkeeper = api[Role.AUDITOR], api[Role.BOOKKEEPER]
    started = auditor.post("/api/v1/idle/runs", {"as_of": "2026-04-15"})
    assert started.status_code == 201, started.json
    run = started.json
    # The CIF has not moved (clf-cif-90d) and none of it is lent (clf-cif-below-60).
    assert (run["status"], run["flags_opened"], run["trigger"]) == ("succeeded", 2, "on_demand")
    assert run["scope_path"] == fed.district.path

    listed = auditor.get("/api/v1/idle/flags?fund=cif&ongoing=true").json["items"]
    assert len(listed) == 2
    listed = auditor.get("/api/v1/idle/flags?fund=cif&rule=clf-cif-90d&ongoing=true").json
    assert [(f["balance"], f["days_idle"], f["status"]) for f in listed["items"]] == [
        ("1000000.00", 104, "open")
    ]
    flag_id = listed["items"][0]["id"]
    assert bookkeeper.get(f"/api/v1/idle/flags/{flag_id}").status_code == 200

    answer = bookkeeper.post(
        f"/api/v1/idle/flags/{flag_id}/status", {"status": "explained", "note": "CIF round in May"}
    )
    assert answer.status_code == 200, answer.json
    refused = bookkeeper.post(f"/api/v1/idle/flags/{flag_id}/status", {"status": "resolved"})
    assert refused.status_code == 403
    no_note = auditor.post(f"/api/v1/idle/flags/{flag_id}/status", {"status": "escalated"})
    assert no_note.status_code == 422
    assert no_note.json["errors"][0]["field"] == "note"
    detail = auditor.get(f"/api/v1/idle/flags/{flag_id}").json
    assert [e["event"] for e in detail["events"]] == ["opened", "explained"]
    assert detail["institution_name"] == fed.clf.name

    exported = auditor.get(f"/api/v1/idle/runs/{run['id']}/export?format=csv")
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    # Two flags on one fund: the total counts its ₹10,00,000 once.
    assert [(r["institution"], r["fund"], r["idle_balance"], r["district"]) for r in rows] == [
        (fed.clf.name, "CIF", "1000000.00", fed.district.name),
        (fed.clf.name, "CIF", "1000000.00", fed.district.name),
        ("", "", "1000000.00", ""),
    ]
    assert rows[-1]["flag_id"] == "total"
    pdf = auditor.get(f"/api/v1/idle/runs/{run['id']}/export?format=pdf")
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF") and len(pdf.data) > 2000


def test_other_scopes_and_roles_are_kept_out(world, session, client):
    fed, api = world
    auditor = api[Role.AUDITOR]
    run_id = auditor.post("/api/v1/idle/runs", {"as_of": "2026-04-15"}).json["id"]
    elsewhere = make_federation(session, state_code="OD")
    outsider = ApiCaller(client, token(session, Role.AUDITOR, elsewhere.district))
    assert outsider.get("/api/v1/idle/flags").json["items"] == []
    assert outsider.get(f"/api/v1/idle/runs/{run_id}").status_code == 404
    assert outsider.post("/api/v1/idle/runs", {"institution_id": fed.clf.id}).status_code == 404
    assert api[Role.BOOKKEEPER].post("/api/v1/idle/runs", {}).status_code == 403
    patch = api[Role.BOOKKEEPER].patch("/api/v1/idle/rules/1", {"days": 10})
    assert patch.status_code == 403


def test_admin_edits_rules_and_schedule_with_clear_errors(world):
    _, api = world
    admin = api[Role.ADMIN]
    rules = admin.get("/api/v1/idle/rules").json["items"]
    low = next(r for r in rules if r["code"] == "vo-vrf-below-60")
    assert (low["max_utilisation_percent"], low["days"], low["min_balance"]) == (
        "60.00",
        90,
        "0.00",
    )
    changed = admin.patch(
        f"/api/v1/idle/rules/{low['id']}", {"max_utilisation_percent": "50", "days": 60}
    )
    assert (changed.json["max_utilisation_percent"], changed.json["days"]) == ("50.00", 60)
    bad = admin.post(
        "/api/v1/idle/rules",
        {
            "code": "x",
            "level": "vo",
            "fund": "own",
            "kind": "low_utilisation",
            "min_balance": "0",
            "days": 30,
            "max_utilisation_percent": "40",
        },
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "fund"
    assert bad.headers["Content-Type"] == "application/problem+json"
    schedule = admin.write("PUT", "/api/v1/idle/schedule", {"day": 31, "hour": 2, "minute": 0})
    assert schedule.status_code == 422 and schedule.json["errors"][0]["field"] == "day"
    ok = admin.write("PUT", "/api/v1/idle/schedule", {"day": 2, "hour": 3, "minute": 15})
    assert (ok.json["day"], ok.json["hour"], ok.json["timezone"]) == (2, 3, "Asia/Kolkata")


def test_a_run_for_a_future_day_is_refused_naming_as_of(world):
    _, api = world
    refused = api[Role.AUDITOR].post("/api/v1/idle/runs", {"as_of": "2099-01-01"})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "as_of"
