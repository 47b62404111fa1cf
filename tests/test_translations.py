"""No page shows an untranslated word in Hindi or Odia (issue 16).

(a) Every string the pages mark with _() (extracted here with Babel's own extractor, as
    `make translations` does) has a translation in both catalogs, with the same placeholders.
(b) Every page of every role, drawn in Hindi and in Odia, shows no English word outside the
    data it shows (names of people, places, accounts and what the books were told), the codes
    everyone writes in Latin letters (SHG, CSV, IFSC), and text marked lang="en".
"""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.services.credit import consents
from app.services.federation import banks
from app.services.shared.clock import today_in_india
from models import Role
from models.access import ApiToken
from models.idle import IdleFlag
from models.institutions import Bank, Institution, Member
from models.ledger import Account, EntrySet, JournalEntry
from models.people import Person
from tests.factories import ADMIN, funded_shg
from tests.test_capital import give, lend
from tests.web_support import field_value, signed_in

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("hi", "or")
PLACEHOLDER = re.compile(r"%(?:\([a-z_]+\))?[sd%]")
# Words written in Latin letters in every language: the federations' own abbreviations, file
# kinds, the product's name, and codes a person types as they are.
LATIN = {
    "SHG", "VO", "CLF", "CIF", "VRF", "RF", "IFSC", "CSV", "UTF", "PDF", "API", "Bahi",
    "English", "bahi_", "per_period", "actual_365", "dd", "mm", "yyyy", "s",
    "PIN", "KYC", "CKYC", "PAN", "EPIC",
}  # fmt: skip
ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]+")
CHECKED_ATTRIBUTES = ("title", "aria-label", "placeholder", "data-confirm", "data-label", "alt")


def _method_map() -> tuple[list[tuple[str, str]], dict]:
    methods = []
    for line in (ROOT / "babel.cfg").read_text().splitlines():
        match = re.fullmatch(r"\[(\w+): (.+)\]", line.strip())
        if match:
            methods.append((match[2], "jinja2" if match[1] == "jinja2" else "python"))
    return methods, {}


def extracted() -> set[str | tuple[str, str]]:
    """Every msgid the pages use now, as `make translations` extracts them."""
    methods, options = _method_map()
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), methods, options, keywords
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def catalog(language: str):
    path = ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return read_po(po)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_string_is_translated_with_its_placeholders(language):
    used = extracted()
    assert len(used) > 300  # the extractor saw the pages' strings, not nothing
    translated = {m.id: m for m in catalog(language) if m.id}
    missing = sorted(str(i) for i in used if i not in translated)
    assert missing == [], f"untranslated in {language}: run `make translations` and translate"
    for msgid in used:
        message = translated[msgid]
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), f"empty {language} translation of {msgid!r}"
        wanted = sorted(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == wanted, (language, msgid, string)


VOID = frozenset(("br", "input", "meta", "link", "img", "hr", "col", "source", "wbr", "area"))


class _Visible(HTMLParser):
    """The text a person sees or hears: text nodes and the attributes read aloud, leaving out
    scripts, styles, and anything marked lang="en" or translate="no"."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        # Codes marked translate="no" (an audit rule's code) are the same in every language.
        hidden = (
            tag in ("script", "style")
            or values.get("lang") == "en"
            or values.get("translate") == "no"
        )
        if not hidden and not self._hidden():
            self.texts += [values[a] or "" for a in CHECKED_ATTRIBUTES if a in values]
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.texts.append(values.get("value") or "")
        if tag not in VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if not self._hidden() and data.strip():
            self.texts.append(data)


def english_words(page: str, data: list[str]) -> list[str]:
    """The English words a page shows outside its data, its Latin codes and lang="en" text."""
    reader = _Visible()
    reader.feed(page)
    found = []
    for text in reader.texts:
        for known in data:  # longest first, so "Savings – Member 1" goes before "Member 1"
            text = text.replace(known, " ")
        found += [w for w in ASCII_WORD.findall(text) if w not in LATIN]
    return found


def test_the_check_sees_a_hard_coded_english_sentence():
    page = "<p>बचत</p><p>Savings are posted</p><td title='Due today'>₹1.00</td><i lang=en>ok</i>"
    assert english_words(page, []) == ["Savings", "are", "posted", "Due", "today"]
    assert english_words("<p>बचत: Durga SHG</p>", ["Durga SHG"]) == []


def _data_texts(session) -> list[str]:
    """What the books hold in people's own words or names: shown as written, in any language."""
    texts: set[str] = set()
    for column in (
        Institution.name,
        Member.name,
        Bank.name,
        Account.name,
        JournalEntry.narration,
        EntrySet.narration,
        JournalEntry.recorded_by,  # who recorded an entry, as the books keep it
        ApiToken.name,
        IdleFlag.reason,
    ):
        texts.update(t for t in session.scalars(select(column)) if t)
    # The header shows a token's name after its first word ("test bookkeeper" → "bookkeeper").
    # Who wrote what is recorded by her token's label ("token:7 test bookkeeper").
    for token_id, name in session.execute(select(ApiToken.id, ApiToken.name)):
        texts.update((f"token:{token_id} {name}", name.split(" ", 1)[-1]))
    # A person's label, as her sign-in records it on what she writes ("person:3 Asha (auditor)").
    for person_id, name, role in session.execute(select(Person.id, Person.name, Person.role)):
        texts.update((f"person:{person_id} {name} ({role})", f"person:{person_id} {name}", name))
    return sorted(texts, key=len, reverse=True)


def _month_of_work(session, client, fed):
    """A posted meeting with a new loan, an audit run with a flag, and a consenting member."""
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)
    page = bookkeeper.page(f"/shgs/{fed.shg.id}/meetings/new")
    first = fed.members[0]
    data = {
        "meeting_date": "05-06-2026",
        "via": "cash",
        "form_key": field_value(page, "form_key"),
        "action": "post",
        f"m{first.id}-present": "yes",
        f"m{first.id}-savings": "100",
        f"m{first.id}-new_loan_principal": "2000",
        f"m{first.id}-new_loan_instalments": "10",
    }
    assert bookkeeper.post(f"/shgs/{fed.shg.id}/meetings/new", data).status_code == 303
    give(session, None, "cif_corpus", fed.clf, 10_00_000, date(2026, 1, 1))
    lend(session, "cif", fed.clf, fed.vo, 1_00_000, 6, date(2026, 4, 1))
    lend(session, "cif", fed.vo, fed.shg, 50_000, 12, date(2026, 4, 10))  # for its repay form
    bank = banks.create_bank(session, ADMIN, "Jharkhand Rajya Gramin Bank", "JRGB")
    today = today_in_india()
    consents.record_consent(
        session,
        ADMIN,
        consents.NewConsent(
            first.id, bank.id, "individual_loan", today, today + timedelta(days=90)
        ),
    )
    return bank


def _pages_of_each_role(session, client, fed, bank) -> dict[str, str]:
    pages: dict[str, str] = {"sign-in": client.get("/sign-in").get_data(as_text=True)}
    bookkeeper = signed_in(session, client, Role.BOOKKEEPER, institution=fed.clf)
    member = fed.members[0]
    for path in (
        "/federation",
        f"/shgs/{fed.shg.id}",
        f"/shgs/{fed.shg.id}/meetings/new",
        f"/members/{member.id}/passbook?from=01-04-2026&to=30-06-2026",
        "/imports/meetings",
        "/audit/flags",
    ):
        pages[path] = bookkeeper.page(path)
    loan = re.search(r'href="(/loans/\d+)"', pages[f"/shgs/{fed.shg.id}"])[1]
    pages[loan] = bookkeeper.page(loan)
    # The books, reports and entry forms of the SHG, and its members' own forms.
    books = f"/institutions/{fed.shg.id}"
    for path in (
        f"{books}/books",
        f"{books}/trial-balance",
        f"{books}/balance-sheet",
        f"{books}/income-expenditure",
        f"{books}/ageing",
        f"{books}/entries?from=01-04-2026&to=30-06-2026",
        f"{books}/expenses/new",
        f"{books}/income/new",
        f"{books}/bank-deposits/new",
        f"{books}/bank-withdrawals/new",
        f"/members/{member.id}/withdrawals/new",
        f"/shgs/{fed.shg.id}/members/new",
        f"/members/{member.id}/edit",
        "/password",
    ):
        pages[path] = bookkeeper.page(path)
    repay = re.search(r'href="(/facilities/\d+/repay)"', pages[f"{books}/books"])[1]
    pages[repay] = bookkeeper.page(repay)
    entry = re.search(
        r'href="(/entries/[0-9a-f-]+)"', pages[f"{books}/entries?from=01-04-2026&to=30-06-2026"]
    )[1]
    pages[entry] = bookkeeper.page(entry)
    pages[f"{entry}/reverse"] = bookkeeper.page(f"{entry}/reverse")
    register = pages[f"/shgs/{fed.shg.id}/meetings/new"]
    refused = bookkeeper.post(
        f"/shgs/{fed.shg.id}/meetings/new",
        {
            "meeting_date": "31-02-2026",
            "form_key": field_value(register, "form_key"),
            "action": "check",
            f"m{member.id}-present": "yes",
            f"m{member.id}-savings": "1,500.505",
            f"m{member.id}-fine": "-5",
            f"m{member.id}-new_loan_instalments": "ten",
        },
    )
    pages["register refused"] = refused.get_data(as_text=True)
    sheet = "shg_id,meeting_date,member_id,present,savings,colour\n" + (
        f"{fed.shg.id},2026-06-12,{member.id},yes,1.505,red\n"
    )
    upload = FileStorage(io.BytesIO(sheet.encode()), "june.csv", content_type="text/csv")
    dry = bookkeeper.post(
        "/imports/meetings",
        {"form_key": field_value(pages["/imports/meetings"], "form_key"), "mode": "dry_run",
         "sheet": upload},
        content_type="multipart/form-data",
    )  # fmt: skip
    pages["csv dry run"] = dry.get_data(as_text=True)
    pages["not found"] = client.get("/no-such-page").get_data(as_text=True)
    pages["no such loan"] = client.get("/loans/999999").get_data(as_text=True)
    pages["not her role"] = client.get("/audit/runs").get_data(as_text=True)

    auditor = signed_in(session, client, Role.AUDITOR, institution=fed.district)
    runs = auditor.page("/audit/runs")
    started = auditor.post("/audit/runs", {"form_key": field_value(runs, "form_key"),
                                           "as_of": "15-04-2026"})  # fmt: skip
    assert started.status_code == 303
    pages["runs"] = auditor.page("/audit/runs")
    pages["flags of run"] = auditor.page(started.location)
    flag = re.search(r'href="(/audit/flags/\d+)"', pages["flags of run"])[1]
    pages[flag] = auditor.page(flag)
    moved = auditor.post(f"{flag}/move", {"form_key": field_value(pages[flag], "form_key"),
                                          "status": "resolved", "note": ""})  # fmt: skip
    pages["flag refused"] = moved.get_data(as_text=True)
    pages["charts"] = auditor.page("/audit/charts")

    admin = signed_in(session, client, Role.ADMIN)
    pages["people"] = admin.page("/people")
    someone = re.search(r'href="(/people/\d+)"', pages["people"])[1]
    pages[someone] = admin.page(someone)

    officer = signed_in(session, client, Role.BANK_PARTNER, bank_id=bank.id)
    pages["bank search"] = officer.page("/bank/members")
    pages["profile"] = officer.page(f"/bank/members/{member.id}")
    return pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_of_any_role_shows_english_in_hindi_or_odia(session, client, language):
    fed = funded_shg(session, members_count=2)
    bank = _month_of_work(session, client, fed)
    client.get(f"/sign-in?lang={language}")  # the language links at the foot of every page
    pages = _pages_of_each_role(session, client, fed, bank)
    # What her sheet said (its name, a column it should not have) is shown as the file has it.
    data = [*_data_texts(session), "june.csv", "colour"]
    assert len(pages) >= 18
    for name, page in pages.items():
        assert f'<html lang="{language}">' in page, name
        assert english_words(page, data) == [], (name, page)
    # The problems are there, in her language: the checks above looked at them.
    assert pages["register refused"].count('class="problem"') >= 3
    assert 'id="problems"' in pages["csv dry run"]
