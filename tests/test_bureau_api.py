"""Bureau files through the HTTP API and the command line: a bank partner makes its own
bank's file, downloads it byte for byte, reads the reconciliation and the reject report;
who may do what; the file made once; the member's passbook saying she was reported."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from models import BureauFile, Role
from tests.bureau_example import AS_OF, build_example
from tests.factories import ApiCaller, token

BODY = {"as_of": AS_OF.isoformat()}


@pytest.fixture
def ex(session):
    return build_example(session)


@pytest.fixture
def partner(session, client, ex):
    return ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=ex.jrgb.id))


@pytest.fixture
def admin(session, client):
    return ApiCaller(client, token(session, Role.ADMIN))


def test_a_bank_partner_makes_its_file_and_downloads_it_byte_for_byte(session, ex, partner):
    made = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id})
    assert made.status_code == 201, made.json
    body = made.json
    assert (body["members_reported"], body["members_rejected"], body["accounts"]) == (5, 1, 5)
    assert body["source"] == "api" and "reconciliation" not in body
    read = partner.get(f"/api/v1/bureau/files/{body['id']}").json
    assert read["bank_name"] == "Jharkhand Rajya Gramin Bank" and read["sha256"] == body["sha256"]
    durga = next(r for r in read["reconciliation"] if r["shg_name"] == "Durga SHG")
    assert (durga["books_outstanding"], durga["reported_outstanding"]) == ("16500.00", "13000.00")
    assert (durga["rejected_outstanding"], durga["unexplained"]) == ("3500.00", "0.00")
    lakshmi = next(r for r in read["reconciliation"] if r["shg_name"] == "Lakshmi SHG")
    assert (lakshmi["rounding"], lakshmi["unattributed_outstanding"]) == ("-0.50", "6000.00")

    got = partner.get(f"/api/v1/bureau/files/{body['id']}/download")
    assert got.status_code == 200
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert got.headers["Content-Disposition"] == (
        'attachment; filename="JRGB_SHG_MFI_15092026.CDF"'
    )
    assert hashlib.sha256(got.data).hexdigest() == body["sha256"] == got.headers["ETag"].strip('"')
    stored = session.scalar(select(BureauFile.content).where(BureauFile.id == body["id"]))
    assert got.data == bytes(stored) and len(got.data) == body["byte_count"]
    assert got.data.startswith(b"HDRHMMFI1.9") and got.data.endswith(b"\r\n")


def test_the_same_request_again_replays_and_a_second_file_is_refused(session, ex, partner):
    first = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id}, key="k-1")
    replay = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id}, key="k-1")
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json == first.json
    second = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id})
    assert second.status_code == 409
    assert second.headers["Content-Type"] == "application/problem+json"
    assert session.scalar(select(func.count()).select_from(BureauFile)) == 1


def test_who_may_do_what(session, client, ex, partner):
    made = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id}).json
    other = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.sbi.id})
    assert other.status_code == 404  # another bank's: not even its existence
    sbi = ApiCaller(client, token(session, Role.BANK_PARTNER, bank_id=ex.sbi.id))
    for path in ("", "/download", "/rejects"):
        assert sbi.get(f"/api/v1/bureau/files/{made['id']}{path}").status_code == 404
    assert sbi.get(f"/api/v1/bureau/files?bank_id={ex.jrgb.id}").status_code == 404
    assert sbi.get("/api/v1/bureau/files").json["items"] == []
    keeper = ApiCaller(client, token(session, Role.BOOKKEEPER, ex.fed.clf))
    auditor = ApiCaller(client, token(session, Role.AUDITOR, ex.fed.district))
    for caller in (keeper, auditor):
        assert (
            caller.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id}).status_code == 403
        )
        assert caller.get(f"/api/v1/bureau/files/{made['id']}").status_code == 403
        assert caller.get("/api/v1/bureau/files").status_code == 403


def test_lists_and_reads_leave_out_who_made_it_for_a_bank(session, ex, partner, admin):
    made = admin.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id})
    assert made.status_code == 201 and made.json["created_by"].endswith("(admin)")
    admin.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.sbi.id})
    mine = partner.get("/api/v1/bureau/files").json["items"]
    assert [f["bank_id"] for f in mine] == [ex.jrgb.id] and "created_by" not in mine[0]
    one = partner.get(f"/api/v1/bureau/files/{made.json['id']}").json
    assert "created_by" not in one and one["sha256"] == made.json["sha256"]
    everything = admin.get("/api/v1/bureau/files").json["items"]
    assert [f["bank_id"] for f in everything] == [ex.sbi.id, ex.jrgb.id]  # newest first
    assert (
        admin.get(f"/api/v1/bureau/files?bank_id={ex.sbi.id}&limit=1").json["items"][0]["bank_id"]
        == ex.sbi.id
    )


def test_the_reject_report_as_json_and_csv(ex, partner):
    made = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id}).json
    report = partner.get(f"/api/v1/bureau/files/{made['id']}/rejects").json
    assert report["file_id"] == made["id"]
    [meena] = report["items"]
    assert (meena["member_name"], meena["shg_name"], meena["outstanding"]) == (
        "Meena Devi",
        "Durga SHG",
        "3500.00",
    )
    assert [p["field"] for p in meena["problems"]] == ["key_person_name", "pin_code"]
    as_csv = partner.get(f"/api/v1/bureau/files/{made['id']}/rejects?format=csv")
    assert as_csv.headers["Content-Type"].startswith("text/csv")
    assert "JRGB_SHG_MFI_15092026-rejects.csv" in as_csv.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(as_csv.data.decode())))
    assert [(r["member_name"], r["fields"]) for r in rows] == [
        ("Meena Devi", "key_person_name; pin_code")
    ]


def test_her_passbook_says_she_was_reported_and_to_whom(session, client, ex, partner):
    made = partner.post("/api/v1/bureau/files", {**BODY, "bank_id": ex.jrgb.id}).json
    keeper = ApiCaller(client, token(session, Role.BOOKKEEPER, ex.fed.clf))
    day = date.fromisoformat(made["created_at"][:10])  # UTC; India is ahead, never behind
    sunita = keeper.get(f"/api/v1/members/{ex.members['Sunita'].id}/passbook").json
    [line] = sunita["bureau_reports"]
    assert line["reported"] is True and line["as_of"] == "2026-09-15"
    assert line["statement"].startswith(
        "Reported to the credit bureaus by Jharkhand Rajya Gramin Bank on "
    )
    assert line["statement"].endswith("(your loans as on 15-09-2026).")
    assert date.fromisoformat(line["made_on"]) >= day
    meena = keeper.get(f"/api/v1/members/{ex.members['Meena'].id}/passbook").json
    assert meena["bureau_reports"][0]["statement"].endswith(
        "your record lacks husband's or father's name, PIN code."
    )
    page = keeper.get(f"/api/v1/members/{ex.members['Sunita'].id}/passbook.html")
    assert "Reported to the credit bureaus by Jharkhand Rajya Gramin Bank on" in page.text
    kusum = keeper.get(f"/api/v1/members/{ex.members['Kusum'].id}/passbook").json
    assert kusum["bureau_reports"] == []


def test_flask_bureau_export_writes_the_file_and_prints_its_counts(session, app, ex, tmp_path):
    out = tmp_path / "jrgb.cdf"
    args = ["bureau", "export", "--bank", str(ex.jrgb.id), "--as-of", "2026-09-15"]
    done = app.test_cli_runner().invoke(args=[*args, "--out", str(out)])
    assert done.exit_code == 0, done.output
    file = session.scalars(select(BureauFile)).one()
    assert file.source == "cli" and file.created_by.startswith("cli:")
    assert out.read_bytes() == bytes(
        session.scalar(select(BureauFile.content).where(BureauFile.id == file.id))
    )
    assert f"file {file.id}: {out}" in done.output
    assert "2 SHGs, 5 members reported, 1 rejected (incomplete KYC), 5 accounts" in done.output
    assert "SHG" in done.output and "1 bank-funded loans naming no bank loan" in done.output
    again = app.test_cli_runner().invoke(args=[*args, "--out", str(out)])
    assert again.exit_code != 0 and "made already" in again.output
