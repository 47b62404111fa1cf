"""Issue 16's "Done when" browser tests in Hindi, in headless Chromium at a true 390 px: signing
in as herself; a register interrupted by the idle timeout and given back; a register filled
offline and posted once when back online; a withdrawal, cash taken to the bank, an expense and
the trial balance; a meeting sheet with `1,500` refused with a plain message; a bank officer's
three views of a profile counted as one enquiry. Each page she reads is `<html lang="hi">`,
fits the phone and has nothing refused by the Content-Security-Policy.

The English versions are in the other `test_browser*` modules, whose helpers are used here.
What she reads is checked against the Hindi catalogue itself (`_hi`), so a wording changed in
the catalogue does not break these tests, but a page left in English does."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from pathlib import Path

from app.services.shared.clock import today_in_india
from tests import test_browser_offline
from tests.browser_support import _click_through, _no_csp_refusals, _sign_in, _submit
from tests.test_browser_accounts import _fits, _phone
from tests.test_browser_month import _fill, _flash
from tests.test_browser_offline import _meetings_of_durga, _network, _sign_in_with, _wait

CATALOGUE = Path(__file__).parents[1] / "app/translations/hi/LC_MESSAGES/messages.po"
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
# The offline module's service (the demo, with a network switch), for this module on its own.
service = test_browser_offline.service
SAVINGS = "input[aria-label='Sunita Devi की बचत']"  # msgid "%(member)s savings"


@cache
def _catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with CATALOGUE.open("rb") as po:
        return {m.id: m.string for m in read_po(po) if isinstance(m.id, str) and m.string}


def _hi(msgid: str, **values: str) -> str:
    """The Hindi she reads for an English message id, with its placeholders filled."""
    return _catalogue()[msgid] % values if values else _catalogue()[msgid]


def _hi_pattern(msgid: str) -> re.Pattern[str]:
    """The Hindi for a message id whose placeholders she sees filled with any text."""
    parts = re.split(r"%\(\w+\)s", _hi(msgid))
    return re.compile(".+?".join(re.escape(part) for part in parts))


def _in_hindi(browser) -> None:
    """The page she is on is in Hindi, fits a 390 px phone and broke no policy."""
    from selenium.webdriver.common.by import By

    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "hi"
    assert browser.execute_script("return window.innerWidth") == 390
    assert _fits(browser), f"{browser.current_url} is wider than the phone's screen"
    _no_csp_refusals(browser)


def _sign_in_in_hindi(browser, base: str, key: tuple[str, str]) -> None:
    _phone(browser)
    _sign_in(browser, base, key, language="hi")
    _in_hindi(browser)


def _open_books(browser, base: str, keys) -> None:
    from selenium.webdriver.common.by import By

    _sign_in_in_hindi(browser, base, keys["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    _click_through(browser, browser.find_element(By.LINK_TEXT, _hi("Books and reports")))
    _in_hindi(browser)


def _open_register_in_hindi(browser, service) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    _phone(browser)
    browser.get(f"{service['base']}/sign-in")
    Select(browser.find_element(By.NAME, "language")).select_by_value("hi")
    _sign_in_with(browser, service["keys"]["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    _click_through(browser, browser.find_element(By.LINK_TEXT, _hi("Record a meeting")))
    _in_hindi(browser)
    return browser.current_url


def test_she_signs_in_as_herself_in_hindi(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in_in_hindi(browser, base, keys["bookkeeper"])
    assert browser.current_url == f"{base}/federation"
    assert browser.find_element(By.TAG_NAME, "h1").text == "संघ"
    assert browser.find_element(By.CSS_SELECTOR, "header .who").text.startswith("Puja Mahto")


def test_a_register_interrupted_by_the_timeout_is_given_back_in_hindi(service, browser):
    from selenium.webdriver.common.by import By

    register = _open_register_in_hindi(browser, service)
    browser.find_element(By.CSS_SELECTOR, SAVINGS).send_keys("1250.50")
    config = service["app"].config
    config["WEB_IDLE_TIMEOUT_SECONDS"] = -1  # every request from now on is "too long idle"
    try:
        _submit(browser, "button[value=check]")
    finally:
        config["WEB_IDLE_TIMEOUT_SECONDS"] = 15 * 60
    assert "/sign-in" in browser.current_url
    timed_out = _hi_pattern("You were signed out after %(minutes)s minutes without activity.")
    assert timed_out.search(_flash(browser)), _flash(browser)
    _in_hindi(browser)

    _sign_in_with(browser, service["keys"]["bookkeeper"])
    assert browser.current_url == register, "back on the register, not the federation page"
    assert browser.find_element(By.CSS_SELECTOR, SAVINGS).get_attribute("value") == "1250.50"
    kept = browser.find_element(By.CSS_SELECTOR, ".kept").text
    assert _hi_pattern("Restored what you typed on %(time)s.").search(kept), kept
    _in_hindi(browser)

    before = _meetings_of_durga(service["app"])
    _submit(browser, "#post")
    recorded = _hi_pattern("The meeting of %(date)s is recorded.")
    assert recorded.search(_flash(browser)), _flash(browser)
    assert _meetings_of_durga(service["app"]) == before + 1
    _in_hindi(browser)


def test_a_register_filled_offline_is_posted_once_in_hindi(service, browser):
    from selenium.webdriver.common.by import By

    register = _open_register_in_hindi(browser, service)
    _wait(browser, lambda b: b.execute_script("return !!navigator.serviceWorker.controller"))
    browser.get(register)
    before = _meetings_of_durga(service["app"])

    _network(browser, service, offline=True)
    browser.refresh()  # with no connection, the register comes from what the worker kept
    browser.find_element(By.CSS_SELECTOR, SAVINGS).send_keys("300")
    day = (today_in_india() - timedelta(days=1)).strftime("%d-%m-%Y")
    browser.find_element(By.NAME, "meeting_date").clear()
    browser.find_element(By.NAME, "meeting_date").send_keys(day)
    browser.find_element(By.ID, "post").click()
    meeting = _hi("%(shg)s, meeting of %(date)s", shg="Durga SHG", date=day)
    assert browser.find_element(By.CSS_SELECTOR, "#outbox li").text.startswith(meeting)
    assert _hi("Waiting to be sent") in browser.find_element(By.ID, "outbox").text
    queued = browser.execute_script("return localStorage.getItem('bahi.outbox')")
    assert _meetings_of_durga(service["app"]) == before

    _network(browser, service, offline=False)  # the "online" event sends it
    _wait(browser, lambda b: not b.find_element(By.ID, "outbox").is_displayed())
    assert _meetings_of_durga(service["app"]) == before + 1
    sent = _hi("Sent: %(what)s.", what=meeting)
    assert sent in browser.find_element(By.CSS_SELECTOR, "main").text
    # Sent again (as if the first answer had been lost on the way): recorded once all the same.
    browser.execute_script("localStorage.setItem('bahi.outbox', arguments[0])", queued)
    browser.refresh()
    _wait(browser, lambda b: not b.find_element(By.ID, "outbox").is_displayed())
    browser.refresh()
    assert _meetings_of_durga(service["app"]) == before + 1
    _in_hindi(browser)


def test_a_savings_withdrawal_in_hindi(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in_in_hindi(browser, base, keys["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#members tbody tr[data-member]")
        if r.text.startswith("Sunita Devi")
    )
    _click_through(browser, row.find_element(By.LINK_TEXT, _hi("Withdraw")))
    saved = _hi("She has %(balance)s saved. She can take out up to that.", balance="₹500.00")
    assert saved in browser.find_element(By.TAG_NAME, "main").text
    _in_hindi(browser)

    _fill(browser, amount="1,000")  # more than she has: refused beside the amount, in Hindi
    _submit(browser, "form.entry button[type=submit]")
    said = browser.find_element(By.CSS_SELECTOR, ".problem").text
    assert "₹500.00" in said and said.endswith("कम राशि लिखें।"), said
    _in_hindi(browser)

    _fill(browser, amount="₹200/-")
    _submit(browser, "form.entry button[type=submit]")
    withdrawn = _hi(
        "%(name)s's withdrawal of %(amount)s is recorded.", name="Sunita Devi", amount="₹200.00"
    )
    assert _flash(browser) == withdrawn
    _in_hindi(browser)


def test_cash_taken_to_the_bank_in_hindi(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _open_books(browser, base, keys)
    _click_through(browser, browser.find_element(By.LINK_TEXT, _hi("Cash taken to the bank")))
    _in_hindi(browser)
    _fill(browser, amount="१००")  # Devanagari digits, as a Hindi keyboard types them
    _submit(browser, "form.entry button[type=submit]")
    assert _flash(browser) == _hi("%(amount)s taken to the bank is recorded.", amount="₹100.00")
    _in_hindi(browser)


def test_an_expense_in_hindi(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    base, keys = served
    _open_books(browser, base, keys)
    _click_through(browser, browser.find_element(By.LINK_TEXT, _hi("An expense")))
    _in_hindi(browser)
    Select(browser.find_element(By.NAME, "category")).select_by_visible_text(_hi("Stationery"))
    _fill(browser, amount="45.50")
    _submit(browser, "form.entry button[type=submit]")
    assert _flash(browser) == _hi("An expense of %(amount)s is recorded.", amount="₹45.50")
    assert "₹45.50" in browser.find_element(By.CSS_SELECTOR, "table.entry-lines").text
    _in_hindi(browser)


def test_the_trial_balance_in_hindi(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _open_books(browser, base, keys)
    _click_through(browser, browser.find_element(By.LINK_TEXT, _hi("Trial balance")))
    assert _hi("Trial balance") in browser.find_element(By.TAG_NAME, "h1").text
    debit = browser.find_element(By.ID, "total-debit").text
    assert debit.startswith("₹") and debit == browser.find_element(By.ID, "total-credit").text
    assert browser.find_elements(By.CSS_SELECTOR, "#trial-balance tbody tr")
    _in_hindi(browser)


def _refusal_of_a_sheet_with_1_500(browser, served, tmp_path) -> str:
    """Row 2's problem, as she reads it, for a meeting sheet with an unquoted `1,500`."""
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in_in_hindi(browser, base, keys["bookkeeper"])
    browser.get(f"{base}/imports/meetings")
    _in_hindi(browser)
    sheet = tmp_path / "june.csv"
    sheet.write_text("shg_id,meeting_date,member_id,savings,fine\n1,05/06/2026,1,1,500,\n")
    browser.find_element(By.ID, "sheet").send_keys(str(sheet))
    _submit(browser, "#upload button[type=submit]")
    assert _hi("No problems found.") not in browser.page_source
    _in_hindi(browser)
    row, problem = browser.find_element(By.CSS_SELECTOR, "#problems tbody tr").text.split(" ", 1)
    assert row == "2"  # the row she has to put right
    return problem


def test_a_sheet_with_an_unquoted_thousands_comma_is_refused_in_hindi(served, browser, tmp_path):
    problem = _refusal_of_a_sheet_with_1_500(browser, served, tmp_path)
    told = _hi(
        "Row %(row)s has more values than the header: write amounts without commas (1500),"
        " or put them in quotes."
    )
    assert problem == told % {"row": 2}, problem


def test_three_views_of_a_profile_are_one_enquiry_in_hindi(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in_in_hindi(browser, base, keys["bank_partner"])
    browser.find_element(By.NAME, "q").send_keys("SY00000000")
    _submit(browser, "main button[type=submit]")
    _click_through(browser, browser.find_element(By.CSS_SELECTOR, "#members a"))
    browser.refresh()
    pdf = browser.find_element(By.LINK_TEXT, _hi("Download PDF")).get_attribute("href")
    fetched = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(b.byteLength));",
        pdf,
    )
    assert fetched > 1000
    browser.refresh()
    enquiries = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#enquiries li")]
    assert len(enquiries) == 1 and "State Bank of India" in enquiries[0], enquiries
    _in_hindi(browser)
