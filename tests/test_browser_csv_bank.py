"""In Chromium on a 390 px phone (issue 16): a meeting sheet with an unquoted `1,500` is refused
with a plain message naming its row; a bank officer opening, reloading and downloading a
member's profile is one enquiry in her history."""

from __future__ import annotations

from tests.browser_support import _click_through, _no_csp_refusals, _sign_in, _submit


def test_a_sheet_with_an_unquoted_thousands_comma_is_refused(served, browser, tmp_path):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in(browser, base, keys["bookkeeper"])
    browser.get(f"{base}/imports/meetings")
    _no_csp_refusals(browser)
    sheet = tmp_path / "june.csv"
    sheet.write_text("shg_id,meeting_date,member_id,savings,fine\n1,05/06/2026,1,1,500,\n")
    label = browser.find_element(By.CSS_SELECTOR, "label[for=sheet]")
    assert label.is_displayed() and label.text
    browser.find_element(By.ID, "sheet").send_keys(str(sheet))
    _submit(browser, "#upload button[type=submit]")
    problems = browser.find_element(By.ID, "problems").text
    assert "Row 2 has more values than the header: write amounts without commas" in problems
    assert "No problems found" not in browser.page_source
    _no_csp_refusals(browser)


def test_open_reload_and_pdf_of_a_profile_are_one_enquiry(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in(browser, base, keys["bank_partner"])
    browser.find_element(By.NAME, "q").send_keys("SY00000000")
    _submit(browser, "main button[type=submit]")
    _click_through(browser, browser.find_element(By.CSS_SELECTOR, "#members a"))
    browser.refresh()
    pdf = browser.find_element(By.LINK_TEXT, "Download PDF").get_attribute("href")
    # The PDF fetched as the officer's browser would, with her session cookie.
    fetched = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => done(b.byteLength));",
        pdf,
    )
    assert fetched > 1000
    browser.refresh()
    enquiries = browser.find_elements(By.CSS_SELECTOR, "#enquiries li")
    assert [e.text.split(": ")[1] for e in enquiries] == ["State Bank of India (individual loan)"]
    _no_csp_refusals(browser)
