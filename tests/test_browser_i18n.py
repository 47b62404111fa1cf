"""Her language, in headless Chromium on a 390 px phone (issue 16): she chooses Hindi with the
link at the foot of the sign-in page, signs in and stays in Hindi; amounts are in Indian
grouping with Latin digits, dates dd-mm-yyyy; a figure the register refuses is a plain Hindi
sentence that says what to write, never a field's name."""

from __future__ import annotations

import re

from tests.browser_support import _click_through, _no_csp_refusals, _sign_in, _submit

# ₹1,50,000.00: the last three digits, then twos (Indian grouping), always two decimals.
INDIAN_AMOUNT = re.compile(r"-?₹(?:[1-9][0-9]{0,1}(?:,[0-9]{2})*,[0-9]{3}|[0-9]{1,3})\.[0-9]{2}")


def test_a_bookkeeper_works_in_hindi_on_a_phone(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    browser.get(f"{base}/sign-in")
    _click_through(browser, browser.find_element(By.LINK_TEXT, "हिन्दी"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "hi"
    assert browser.find_element(By.TAG_NAME, "h1").text == "बही में साइन इन करें"
    _no_csp_refusals(browser)

    _sign_in(browser, base, keys["bookkeeper"])  # the language chosen outlives signing in
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "hi"
    assert browser.find_element(By.TAG_NAME, "h1").text == "संघ"
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    # On a phone the table's head is hidden: each cell shows its column's name (data-label).
    first_cell = browser.find_element(By.CSS_SELECTOR, "#members td")
    assert first_cell.get_attribute("data-label") == "सदस्य"
    meta = browser.find_element(By.CSS_SELECTOR, "main > p.meta + h1 + p.meta").text
    assert re.search(r"[0-9]{2}-[0-9]{2}-[0-9]{4} को शेष राशि", meta), meta  # dd-mm-yyyy
    amounts = [
        cell.text
        for cell in browser.find_elements(By.CSS_SELECTOR, "#members td.n, #accounts td.n")
    ]
    assert amounts and all(INDIAN_AMOUNT.fullmatch(a) for a in amounts), amounts
    _no_csp_refusals(browser)

    _click_through(browser, browser.find_element(By.LINK_TEXT, "बैठक लिखें"))
    savings = browser.find_elements(By.CSS_SELECTOR, "input[name$='-savings']")
    savings[0].send_keys("150000")
    total = browser.find_element(By.CSS_SELECTOR, "[data-total=savings]").text
    assert total == "₹1,50,000.00"  # register.js groups as the server does
    _submit(browser, "button[value=check]")
    checked = browser.find_element(By.ID, "checked").text
    assert checked.startswith("आँकड़े सही हैं: बचत ₹1,50,000.00, जुर्माने ₹0.00"), checked

    savings = browser.find_elements(By.CSS_SELECTOR, "input[name$='-savings']")
    savings[1].send_keys("1500.505")
    _submit(browser, "button[value=check]")
    assert "कुछ भी दर्ज नहीं हुआ" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    problems = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "tr.bad .problem")]
    assert problems == ["बचत: राशि रुपयों में लिखें, जैसे 1500 या 1500.50।"]
    fits = browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert fits, "the Hindi register is wider than a phone's screen"
    _no_csp_refusals(browser)

    _click_through(browser, browser.find_element(By.LINK_TEXT, "English"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
