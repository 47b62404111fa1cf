"""Pages of meeting sheets and of the bank officer (issue 16)."""

from __future__ import annotations

import io
import re

from models import Role
from tests.factories import funded_shg
from tests.web_support import field_value, signed_in


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
