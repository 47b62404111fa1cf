"""Pages of meeting sheets and of the bank officer (issue 16)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.services.credit import consents
from app.services.federation import banks
from app.services.shared.clock import today_in_india
from models import Role
from models.credit import CreditEnquiry
from tests.factories import ADMIN, funded_shg
from tests.web_support import field_value, signed_in

DAY = timedelta(days=1)


def _upload(user, sheet: str, mode: str = "dry_run"):
    data = {
        "mode": mode,
        "form_key": field_value(user.page("/imports/meetings"), "form_key"),
        "sheet": (io.BytesIO(sheet.encode()), "june.csv"),
    }
    return user.post("/imports/meetings", data, content_type="multipart/form-data")


def test_the_import_page_labels_its_file_input_and_refuses_an_unquoted_comma(session, client):
    fed = funded_shg(session, members_count=2)
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, fed.clf)
    page = bookkeeper.page("/imports/meetings")
    assert re.search(r'<label for="sheet">[^<]+</label>', page) and 'id="sheet"' in page
    s, (m1, m2) = fed.shg.id, (m.id for m in fed.members)
    sheet = f"shg_id,meeting_date,member_id,savings,fine\n{s},05/06/2026,{m1},100,\n"
    sheet += f"{s},05/06/2026,{m2},1,500,\n"
    for mode in ("dry_run", "apply"):
        report = _upload(bookkeeper, sheet, mode).get_data(as_text=True)
        assert "Row 3 has more values than the header: write amounts without commas" in report
        assert "No problems found" not in report
        assert re.search(r'id="rows-with-problems">1<', report)


@pytest.fixture
def officer(session, client):
    """A bank officer, and Member 1 of Durga SHG who consented to her bank for 90 days."""
    fed = funded_shg(session, members_count=2)
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    today = today_in_india()
    member = fed.members[0]
    member.member_code = "JH-RNC-00001"
    given = consents.record_consent(
        session,
        ADMIN,
        consents.NewConsent(member.id, bank.id, "individual_loan", today, today + 90 * DAY),
    )
    user = signed_in(session, client, Role.BANK_PARTNER, bank_id=bank.id)
    return user, member, given


def test_the_officer_opening_reloading_and_downloading_is_one_enquiry(session, officer):
    user, member, _ = officer
    user.page(f"/bank/members/{member.id}")
    user.page(f"/bank/members/{member.id}")
    pdf = user.get(f"/bank/members/{member.id}/profile.pdf")
    assert pdf.data.startswith(b"%PDF")
    counted = session.scalar(
        select(func.count()).select_from(CreditEnquiry).where(CreditEnquiry.member_id == member.id)
    )
    assert counted == 1


def test_the_officer_sees_each_consents_terms_the_scores_meaning_and_a_csv(session, officer):
    user, member, given = officer
    today = today_in_india()
    listing = user.page("/bank/members")
    assert "Appraisal of an individual loan application" in listing
    start, end = today.strftime("%d-%m-%Y"), (today + 90 * DAY).strftime("%d-%m-%Y")
    assert f"from {start} to {end}" in listing
    sheet = user.get("/bank/members.csv")
    assert sheet.mimetype == "text/csv"
    assert f"{member.id},Member 1.,********0001,Durga SHG,Ranchi,{given.id},individual_loan" in (
        sheet.get_data(as_text=True)
    )
    profile = user.page(f"/bank/members/{member.id}")
    assert "Scores run from 300 to 900" in profile and "doubles those odds" in profile
    made_by = r'id="score-model">Made by: <span translate="no">expert-scorecard-1</span> \('
    assert re.search(made_by + r"expert scorecard\)", profile)  # the model's name is a code
    assert f"Consent {given.id}: Appraisal of an individual loan application" in profile


def test_the_shg_page_and_the_import_page_offer_the_prefilled_sheet(session, client):
    fed = funded_shg(session, members_count=2)
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, fed.clf)
    s = fed.shg.id
    assert f'href="/shgs/{s}/meeting-sheet.csv"' in bookkeeper.page(f"/shgs/{s}")
    page = bookkeeper.page("/imports/meetings")
    assert f'<option value="{s}">Durga SHG</option>' in page
    assert re.search(r'<label for="prefill-date">', page)
    sheet = bookkeeper.get(f"/imports/meeting-sheet.csv?shg_id={s}&date=05-06-2026")
    assert sheet.mimetype == "text/csv"
    lines = sheet.get_data(as_text=True).splitlines()
    assert lines[0].startswith("shg_id,meeting_date,member_id,member_name")
    assert lines[1:] == [f"{s},05/06/2026,{m.id},{m.name},,yes,,,,,," for m in fed.members]
    # Uploaded unfilled, it is still a clean sheet: the dry run finds no problem in it.
    report = _upload(bookkeeper, "\n".join(lines) + "\n").get_data(as_text=True)
    assert "No problems found" in report
    auditor = signed_in(session, client, Role.AUDITOR, fed.district)
    assert auditor.get(f"/shgs/{s}/meeting-sheet.csv").status_code == 403
