"""End to end in headless Chromium (Debian's chromium and chromedriver, driven by Selenium):
a bookkeeper signs in on a phone-sized screen, records a meeting and sees the balances change;
a bank officer pulls a consented member's profile; an auditor reads the charts. The service
runs on the demo data, as `make run` serves it. On every page visited, the browser's console
must show no refusal by the Content-Security-Policy: a page that needed an inline script or
style would have lost it.

Skipped where Chromium is missing, unless BAHI_REQUIRE_BROWSER=1 (set by .ci/run, which
installs it): then its absence fails the run.
"""

from __future__ import annotations

import re

from tests.browser_support import (
    _click_through,
    _csp_refusals,
    _no_csp_refusals,
    _savings_of,
    _sign_in,
    _submit,
)


def test_bookkeeper_records_a_meeting_on_a_phone(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in(browser, base, keys["bookkeeper"])
    assert browser.find_element(By.TAG_NAME, "h1").text == "Federation"
    _no_csp_refusals(browser)
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    assert _savings_of(browser, "Sunita Devi") == "₹500.00"
    cash_before = browser.find_element(By.CSS_SELECTOR, "td[data-role=cash]").text
    _no_csp_refusals(browser)

    _click_through(browser, browser.find_element(By.LINK_TEXT, "Record a meeting"))
    savings = browser.find_element(By.CSS_SELECTOR, "input[aria-label='Sunita Devi savings']")
    savings.send_keys("1250.50")
    total = browser.find_element(By.CSS_SELECTOR, "[data-total=savings]").text
    assert total == "₹1,250.50"  # the register's running total, drawn by register.js
    fits = browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert fits, "the meeting register is wider than a phone's screen"
    _no_csp_refusals(browser)

    _submit(browser, "button[value=check]")
    assert "The figures check out" in browser.find_element(By.ID, "checked").text
    _no_csp_refusals(browser)
    _submit(browser, "#post")

    assert "is recorded" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert _savings_of(browser, "Sunita Devi") == "₹1,750.50"
    cash_after = browser.find_element(By.CSS_SELECTOR, "td[data-role=cash]").text
    assert _paise(cash_after) - _paise(cash_before) == 1_250_50
    _no_csp_refusals(browser)


def _paise(shown: str) -> int:
    return int(re.sub(r"[₹,.]", "", shown))


def test_bank_officer_pulls_a_consented_profile(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    browser.set_window_size(1000, 900)
    _sign_in(browser, base, keys["bank_partner"])
    _no_csp_refusals(browser)
    # The demo's synthetic federation gives its first SHG's first member this code.
    browser.find_element(By.NAME, "q").send_keys("SY00000000")
    _submit(browser, "main button[type=submit]")
    links = browser.find_elements(By.CSS_SELECTOR, "#members a")
    assert [a.text for a in links] == ["Member 0."], "found by her member code, and only her"
    _no_csp_refusals(browser)
    _click_through(browser, links[0])

    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Credit profile:")
    score = int(browser.find_element(By.ID, "score").text)
    assert 300 <= score <= 900
    assert browser.find_elements(By.CSS_SELECTOR, "#reasons li")
    cells = browser.find_elements(By.CSS_SELECTOR, ".strip span")
    assert len(cells) % 36 == 0 and cells
    colours = {c.value_of_css_property("background-color") for c in cells}
    assert "rgba(46, 125, 50, 1)" in colours  # months paid on time, in green
    _no_csp_refusals(browser)
    pdf = browser.find_element(By.LINK_TEXT, "Download PDF").get_attribute("href")
    assert pdf.endswith("/profile.pdf")

    _submit(browser, ".signout button")
    assert "signed out" in browser.find_element(By.CSS_SELECTOR, ".flash").text


def test_the_console_check_sees_what_the_policy_refuses(served, browser):
    """Without this, a check that never saw a refusal would pass every page."""
    base, _ = served
    browser.get(f"{base}/test/inline")
    refused = _csp_refusals(browser)
    assert any("inline script" in line for line in refused), refused
    assert any("inline style" in line for line in refused), refused
    assert browser.title == "probe"  # the inline script did not run


def test_print_and_confirm_work_from_the_static_script(served, browser):
    """The print buttons and the question before a meeting is reversed were inline handlers;
    they now come from bahi.js, and must still act."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    base, keys = served
    _sign_in(browser, base, keys["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Lakshmi SHG"))
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Record a meeting"))
    browser.find_element(By.CSS_SELECTOR, "input[aria-label='Anita Mahto savings']").send_keys("50")
    _submit(browser, "button[value=check]")
    _submit(browser, "#post")
    assert "is recorded" in browser.find_element(By.CSS_SELECTOR, ".flash").text

    reverse = browser.find_element(By.CSS_SELECTOR, "form[data-confirm] button")
    reverse.click()
    question = WebDriverWait(browser, 5).until(expected_conditions.alert_is_present())
    assert question.text == "Reverse everything this meeting posted?"
    question.dismiss()
    assert not browser.find_elements(By.XPATH, "//td[contains(., 'reversed by')]")
    browser.find_element(By.CSS_SELECTOR, "form[data-confirm] button").click()
    WebDriverWait(browser, 5).until(expected_conditions.alert_is_present()).accept()
    WebDriverWait(browser, 10).until(
        lambda b: b.find_elements(By.XPATH, "//td[contains(., 'reversed by')]")
    )
    _no_csp_refusals(browser)

    _click_through(browser, browser.find_elements(By.LINK_TEXT, "Passbook")[0])
    # Chromium's print dialog would stop the test: count the calls instead.
    browser.execute_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    browser.find_element(By.CSS_SELECTOR, "button[data-print]").click()
    assert browser.execute_script("return window.printed") == 1
    _no_csp_refusals(browser)


def test_an_auditor_reads_the_charts_and_anyone_the_api_docs(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    browser.set_window_size(1000, 900)
    _sign_in(browser, base, keys["auditor"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Charts"))
    bars = browser.find_elements(By.CSS_SELECTOR, "#by-place .bar svg rect")
    assert bars, "the demo's idle-fund run gives the charts at least one bar"
    widths = [bar.rect["width"] for bar in bars]
    assert max(widths) > 100, widths  # the longest bar fills its track, drawn to scale
    assert bars[0].value_of_css_property("fill") == "rgb(138, 75, 20)"  # the accent colour
    _no_csp_refusals(browser)

    browser.get(f"{base}/api/v1/docs")
    method = browser.find_element(By.CSS_SELECTOR, "span.m")
    assert method.value_of_css_property("font-weight") == "700"  # its hashed <style> applies
    _no_csp_refusals(browser)
