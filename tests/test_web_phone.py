"""Nothing she types is lost, and the phone layout (issue 16), where no browser is needed:
the service worker's address and policy, a post refused for the idle timeout sending her back
to the form after signing in, the mark that tells the browser a form went through, and the
register's amount due as a value she confirms."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from app.formats import DPD_BANDS, NOT_RUNNING
from app.services.federation import banks
from models import Role
from models.meetings import Meeting
from models.money import format_inr, parse_rupees
from tests.factories import ADMIN, funded_shg
from tests.web_support import field_value, signed_in

MEETING_DAY = date(2026, 6, 5)


@pytest.fixture
def fed(session):
    return funded_shg(session, members_count=3)


@pytest.fixture
def bookkeeper(session, client, fed):
    return signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)


def _register_form(user, fed, action: str = "post", **figures: str) -> dict[str, str]:
    page = user.page(f"/shgs/{fed.shg.id}/meetings/new")
    data = {
        "meeting_date": MEETING_DAY.strftime("%d-%m-%Y"),
        "via": "cash",
        "form_key": field_value(page, "form_key"),
        "action": action,
    }
    for member in fed.members:
        data[f"m{member.id}-present"] = "yes"
    return data | figures


def test_the_service_worker_is_served_from_the_root_to_anyone(client):
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker.mimetype == "text/javascript"
    assert worker.headers["Cache-Control"] == "no-cache"  # a new version takes over at once
    assert 'addEventListener("fetch"' in worker.get_data(as_text=True)
    page = client.get("/sign-in")
    assert "worker-src 'self'" in page.headers["Content-Security-Policy"]
    assert 'data-worker="/sw.js"' in page.get_data(as_text=True)


def test_a_post_refused_for_the_timeout_goes_back_to_the_form_after_sign_in(
    session, client, fed, bookkeeper
):
    register = f"/shgs/{fed.shg.id}/meetings/new?date=05-06-2026"
    data = _register_form(bookkeeper, fed, "check")
    with client.session_transaction() as cookie:
        cookie["seen"] = int(time.time()) - 16 * 60
    sent = bookkeeper.post(
        f"/shgs/{fed.shg.id}/meetings/new", data, headers={"Referer": f"http://localhost{register}"}
    )
    assert sent.status_code == 302
    where = urlsplit(sent.location)
    assert (where.path, parse_qs(where.query)["next"]) == ("/sign-in", [register])
    sign_in = client.get(sent.location).get_data(as_text=True)
    assert f'name="next" value="{register}"' in sign_in


def test_a_post_with_no_session_at_all_is_sent_to_sign_in_not_refused(client, fed):
    sent = client.post(f"/shgs/{fed.shg.id}/meetings/new", data={"meeting_date": "05-06-2026"})
    assert sent.status_code == 302
    assert sent.location == f"/sign-in?next=/shgs/{fed.shg.id}/meetings/new"


def test_the_page_after_a_post_that_went_through_tells_the_browser_once(
    session, client, fed, bookkeeper
):
    path = f"/shgs/{fed.shg.id}/meetings/new"
    data = _register_form(bookkeeper, fed, **{f"m{fed.members[0].id}-savings": "100"})
    posted = bookkeeper.post(path, data)
    assert (posted.status_code, posted.location) == (303, f"/shgs/{fed.shg.id}")
    assert f'data-saved-form="{path}"' in bookkeeper.page(posted.location)
    assert 'data-saved-form=""' in bookkeeper.page(posted.location)  # told once
    again = bookkeeper.post(path, data)  # the same form sent again (the outbox's retry)
    assert again.location == f"/shgs/{fed.shg.id}"
    assert f'data-saved-form="{path}"' in bookkeeper.page(again.location)
    assert session.scalar(select(func.count()).select_from(Meeting)) == 1


def test_secrets_are_never_kept_by_the_browser(client):
    sign_in = client.get("/sign-in").get_data(as_text=True)
    assert 'class="card narrow" data-no-keep' in sign_in
    keep = (Path(__file__).parents[1] / "app" / "static" / "keep.js").read_text()
    assert "pass|pin|otp|aadhaar|access_key|csrf|form_key" in keep


STYLESHEET = Path(__file__).parents[1] / "app" / "static" / "bahi.css"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")


def _luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb (or #rgb) colour."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_is_worked_out_as_wcag_says():
    """White on the on-time green #2e7d32: channels 46, 125, 50 → 0.180, 0.490, 0.196 →
    linear ((c + 0.055) / 1.055)^2.4 = 0.0273, 0.2051, 0.0319 → luminance
    0.2126·0.0273 + 0.7152·0.2051 + 0.0722·0.0319 = 0.1548; white's is 1, so the ratio is
    (1 + 0.05) / (0.1548 + 0.05) = 5.13."""
    assert round(_luminance("#2e7d32"), 4) == 0.1548
    assert round(contrast("#fff", "#2e7d32"), 2) == 5.13
    assert round(contrast("#000", "#fff"), 2) == 21.0


def _legend_colours() -> dict[str, tuple[str, str]]:
    """Each band's (text, background) colour in the legend, as the stylesheet's rules give them
    (a later rule wins, as in the browser: these rules are equally specific or more)."""
    text: dict[str, str] = {}
    background: dict[str, str] = {}
    bands = [band.css_class for band in (*DPD_BANDS, NOT_RUNNING)]
    rules = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(), flags=re.S)
    for selectors, body in RULE.findall(rules):
        names = {s.strip() for s in selectors.split(",")}
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", body)
        fill = re.search(r"background:\s*(#[0-9a-fA-F]{3,6})", body)
        for band in bands:
            if fill and f".{band}" in names:
                background[band] = fill[1]
            if colour and (".legend span" in names or f".legend .{band}" in names):
                text[band] = colour[1]
    return {band: (text[band], background[band]) for band in bands}


def test_the_strip_legend_reads_at_least_4_5_to_1():
    legend = _legend_colours()
    assert legend["dpd-30"] == ("#1d1d1b", "#f9a825")  # ink on amber: 8.57, white was 1.97
    for band, (ink, fill) in legend.items():
        assert contrast(ink, fill) >= 4.5, (band, ink, fill, round(contrast(ink, fill), 2))


def test_paid_as_due_is_a_figure_she_confirms_not_a_grey_hint(session, fed, bookkeeper):
    first = fed.members[0]
    path = f"/shgs/{fed.shg.id}/meetings/new"
    lent = _register_form(
        bookkeeper,
        fed,
        **{f"m{first.id}-new_loan_principal": "2000", f"m{first.id}-new_loan_instalments": "10"},
    )
    lent |= {
        "new_loan_rate": "1.00",
        "new_loan_rate_basis": "per_month",
        "new_loan_method": "declining",
        "new_loan_frequency": "monthly",
        "new_loan_fund_source": "own",
    }
    assert bookkeeper.post(path, lent).status_code == 303

    page = bookkeeper.page(f"{path}?date=10-07-2026")
    assert "placeholder" not in re.search(rf'name="m{first.id}-repayment"[^>]*>', page)[0]
    tick = rf'name="m{first.id}-paid_as_due" value="yes" data-paid-as-due data-due="([\d.]+)"'
    due = re.search(tick, page)[1]  # the register's own figure (app/services/lending/shg_pages.py)
    assert f"Paid as due: {format_inr(parse_rupees(due))} of ₹2,000.00 owed" in page
    checked = bookkeeper.post(
        path,
        _register_form(bookkeeper, fed, "check", **{f"m{first.id}-paid_as_due": "yes"})
        | {"meeting_date": "10-07-2026"},
    )
    text = checked.get_data(as_text=True)
    assert checked.status_code == 200, text
    # Ticked with the amount left blank (no scripts): the amount due is what she paid.
    assert field_value(text, f"m{first.id}-repayment") == due
    assert f"repayments {format_inr(parse_rupees(due))}" in text


def test_only_the_pages_of_those_who_write_the_books_may_be_kept_offline(
    session, client, fed, bookkeeper
):
    assert bookkeeper.get(f"/shgs/{fed.shg.id}/meetings/new").headers["Bahi-Offline"] == "keep"
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    officer = signed_in(session, client, Role.BANK_PARTNER, bank_id=bank.id)
    # Every page a bank officer reads is logged: one read from the phone's store would not be.
    assert "Bahi-Offline" not in officer.get("/bank/members").headers
    assert "Bahi-Offline" not in client.get("/sign-in").headers
