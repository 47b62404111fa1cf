"""Which language a page is drawn in, the formats every language shares, and problems as plain
sentences (issue 16)."""

from __future__ import annotations

import gettext
from datetime import date

import pytest
from flask import session as cookie

from app.formats import indian_date, month_year
from app.i18n import compile_catalogs
from app.web.plain_problems import field_label, plain_problem, sentence
from models import Role
from models.money import format_inr
from tests.factories import make_federation
from tests.web_support import signed_in


def _lang(page: str) -> str:
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("accept", "shown"),
    [("hi-IN,hi;q=0.9,en;q=0.5", "hi"), ("or", "or"), ("fr-FR,fr", "en"), (None, "en")],
)
def test_the_browser_language_is_used_until_she_chooses(client, accept, shown):
    headers = {"Accept-Language": accept} if accept else {}
    assert _lang(client.get("/sign-in", headers=headers).get_data(as_text=True)) == shown


def test_her_choice_wins_over_the_browser_and_outlives_signing_in(session, client):
    fed = make_federation(session)
    chosen = client.get("/sign-in?lang=or", headers={"Accept-Language": "hi"})
    assert _lang(chosen.get_data(as_text=True)) == "or"
    assert "ବହିରେ ସାଇନ ଇନ କରନ୍ତୁ" in chosen.get_data(as_text=True)
    ignored = client.get("/sign-in?lang=fr", headers={"Accept-Language": "hi"})
    assert _lang(ignored.get_data(as_text=True)) == "or"  # not a language the pages have
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)
    page = bookkeeper.page("/federation")
    assert _lang(page) == "or" and "<h1>ମହାସଂଘ</h1>" in page
    assert bookkeeper.post("/sign-out", {}).status_code == 303
    with client.session_transaction() as kept:
        assert kept == {"lang": "or", "_flashes": kept["_flashes"]}  # nothing else carried


def test_amounts_and_dates_are_the_same_in_every_language(app):
    """₹1,50,000.00 is 15,000,000 paise: Indian grouping (last three digits, then twos), Latin
    digits, two decimals, in every language; 5 Nov 2026 is 05-11-2026."""
    for language in ("en", "hi", "or"):
        with app.test_request_context(f"/sign-in?lang={language}"):
            cookie["lang"] = language
            rendered = app.jinja_env.from_string("{{ 15000000|inr }} {{ day|indian_date }}")
            assert rendered.render(day=date(2026, 11, 5)) == "₹1,50,000.00 05-11-2026"
    assert format_inr(-12345678950) == "-₹12,34,56,789.50"
    assert indian_date(date(2026, 1, 9)) == "09-01-2026"


def test_month_names_are_in_her_language_with_latin_digits():
    november = date(2026, 11, 5)
    assert month_year(november) == "Nov 2026"
    assert month_year(november, "hi") == "नव॰ 2026"
    assert month_year(november, "or") == "ନଭେମ୍ବର 2026"


def test_a_problem_is_a_sentence_with_the_fields_page_name(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert field_label("lines[0].repayment.amount") == "Repayment"
        assert field_label("lines[2].savings") == "Savings"
        assert field_label("value_date") == "Date"
        assert field_label("postings[0].account_id") == "This entry"  # never the raw name
        assert (
            plain_problem("value_date", "book 7 is closed through 2026-06-30")
            == "Date: the books are closed up to 30-06-2026. Choose a later date, or ask the"
            " admin to reopen the month."
        )
        assert plain_problem("amount", "has a reason no pattern knows") == (
            "Amount: has a reason no pattern knows"  # English pages keep the service's words
        )
    with app.test_request_context(headers={"Accept-Language": "hi"}):
        assert plain_problem(
            "savings", 'must be a decimal string of rupees, such as "1500.50"'
        ) == ("बचत: राशि रुपयों में लिखें, जैसे 1500 या 1500.50।")
        assert sentence("note", "reason.required", {"status": "resolved"}) == (
            'टिप्पणी: लिखें कि इसे "सुलझा" क्यों कर रहे हैं।'
        )
        assert plain_problem("amount", "has a reason no pattern knows") == "राशि: इसे जाँच लें।"
        assert plain_problem("", "something unforeseen") == (
            "यह नहीं हो सका। प्रविष्टियाँ जाँचें और फिर कोशिश करें।"
        )


def test_catalogs_are_compiled_from_the_po_files(tmp_path):
    source = tmp_path / "hi" / "LC_MESSAGES"
    source.mkdir(parents=True)
    (source / "messages.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Savings"\nmsgstr "बचत"\n',
        encoding="utf-8",
    )
    compile_catalogs(tmp_path)
    with (source / "messages.mo").open("rb") as compiled:
        assert gettext.GNUTranslations(compiled).gettext("Savings") == "बचत"
