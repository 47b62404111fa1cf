"""People sign in as themselves, in headless Chromium on a 390 px phone (issue 16): a
bookkeeper signs in with her mobile number and password in Hindi and the pages stay in Hindi;
wrong passwords end in the lock-out message; signing out keeps the chosen language. No page
visited may have anything refused by the Content-Security-Policy, or scroll sideways."""

from __future__ import annotations

from tests.browser_support import PHONE, _no_csp_refusals, _sign_in, _submit


def _phone(browser) -> None:
    """A 390 px wide viewport: headless Chromium keeps its window at least 500 px wide,
    whatever --window-size says, so the phone's width is set by device emulation."""
    width, height = PHONE
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True},
    )


def _fits(browser) -> bool:
    return browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )


def test_she_signs_in_as_herself_in_hindi_and_signs_out(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _phone(browser)
    browser.get(f"{base}/sign-in")
    assert browser.execute_script("return window.innerWidth") == PHONE[0]
    _sign_in(browser, base, keys["bookkeeper"], language="hi")
    assert browser.current_url == f"{base}/federation"
    html = browser.find_element(By.TAG_NAME, "html")
    assert html.get_attribute("lang") == "hi"  # her choice, kept in her session
    who = browser.find_element(By.CSS_SELECTOR, "header .who").text
    assert who.startswith("Puja Mahto") and "token" not in who
    assert _fits(browser), "the federation page is wider than a phone"
    _no_csp_refusals(browser)

    _submit(browser, "form.signout button")
    assert browser.current_url.startswith(f"{base}/sign-in")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "hi"
    chosen = browser.find_element(By.CSS_SELECTOR, "select[name=language] option:checked")
    assert chosen.get_attribute("value") == "hi" and chosen.text == "हिन्दी"
    browser.get(f"{base}/federation")
    assert browser.current_url.startswith(f"{base}/sign-in")  # signed out for real
    _no_csp_refusals(browser)


def test_wrong_passwords_end_in_the_lock_out_message(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _phone(browser)
    mobile, _password = keys["auditor"]
    for attempt in range(5):
        _sign_in(browser, base, (mobile, f"not-her-password-{attempt}"))
        assert browser.current_url.startswith(f"{base}/sign-in")
    message = browser.find_element(By.CSS_SELECTOR, ".flash.error").text
    assert "locked" in message and "15 minutes" in message
    assert _fits(browser), "the sign-in page is wider than a phone"
    _no_csp_refusals(browser)
    _sign_in(browser, base, keys["auditor"])  # the right password, still locked
    assert "locked" in browser.find_element(By.CSS_SELECTOR, ".flash.error").text
