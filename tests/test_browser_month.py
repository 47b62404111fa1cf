"""A bookkeeper's month in headless Chromium on a 390 × 844 phone: a savings withdrawal, cash
taken to the bank, an expense and the trial balance, reached by links from the pages she
already uses; none scrolls sideways or trips the Content-Security-Policy."""

from __future__ import annotations

from tests.browser_support import _click_through, _no_csp_refusals, _sign_in, _submit


def _fits(browser) -> None:
    fits = browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert fits, f"{browser.current_url} is wider than the phone's screen"


def _taps_are_big_enough(browser, selector: str) -> None:
    """Tap targets at least 44 px high, as WCAG 2.5.5 asks, for fingers on a phone."""
    heights = browser.execute_script(
        "return [...document.querySelectorAll(arguments[0])]"
        ".map(e => e.getBoundingClientRect().height)",
        selector,
    )
    assert heights and min(heights) >= 44, (browser.current_url, selector, heights)


def _open_books(browser, base: str, keys: dict[str, str], shg: str) -> None:
    from selenium.webdriver.common.by import By

    _sign_in(browser, base, keys["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, shg))
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Books and reports"))
    _no_csp_refusals(browser)
    _fits(browser)
    _taps_are_big_enough(browser, "ul.actions a")


def _fill(browser, **fields: str) -> None:
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        box = browser.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)


def _flash(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, ".flash").text


def test_a_savings_withdrawal_on_a_phone(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in(browser, base, keys["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#members tbody tr[data-member]")
        if r.text.startswith("Sunita Devi")
    )
    _click_through(browser, row.find_element(By.LINK_TEXT, "Withdraw"))
    assert "She has ₹500.00 saved." in browser.find_element(By.TAG_NAME, "main").text
    _no_csp_refusals(browser)
    _fits(browser)

    _fill(browser, amount="1,000")  # more than she has: refused beside the amount
    _submit(browser, "form.entry button[type=submit]")
    said = browser.find_element(By.CSS_SELECTOR, ".problem").text
    assert "has only ₹500.00" in said and "Write a smaller amount." in said
    _fits(browser)
    _no_csp_refusals(browser)

    _fill(browser, amount="₹200/-")
    _submit(browser, "form.entry button[type=submit]")
    assert _flash(browser) == "Sunita Devi's withdrawal of ₹200.00 is recorded."
    assert "₹200.00" in browser.find_element(By.CSS_SELECTOR, "table.entry-lines").text
    _fits(browser)
    _no_csp_refusals(browser)


def test_cash_taken_to_the_bank_on_a_phone(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _open_books(browser, base, keys, "Durga SHG")
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Cash taken to the bank"))
    _no_csp_refusals(browser)
    _fits(browser)
    _fill(browser, amount="१००")  # Devanagari digits, as a Hindi keyboard types them
    _submit(browser, "form.entry button[type=submit]")
    assert _flash(browser) == "₹100.00 taken to the bank is recorded."
    _fits(browser)
    _no_csp_refusals(browser)


def test_an_expense_on_a_phone(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    base, keys = served
    _open_books(browser, base, keys, "Durga SHG")
    _click_through(browser, browser.find_element(By.LINK_TEXT, "An expense"))
    _no_csp_refusals(browser)
    _fits(browser)
    _taps_are_big_enough(browser, "form.entry input:not([type=hidden]), form.entry select")
    _taps_are_big_enough(browser, "form.entry button, fieldset.choice label")
    Select(browser.find_element(By.NAME, "category")).select_by_visible_text("Stationery")
    _fill(browser, amount="45.50")
    _submit(browser, "form.entry button[type=submit]")
    assert _flash(browser) == "An expense of ₹45.50 is recorded."
    lines = browser.find_element(By.CSS_SELECTOR, "table.entry-lines").text
    assert "Expense: stationery" in lines and "₹45.50" in lines
    _fits(browser)
    _no_csp_refusals(browser)


def test_the_trial_balance_on_a_phone(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _open_books(browser, base, keys, "Durga SHG")
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Trial balance"))
    debit = browser.find_element(By.ID, "total-debit").text
    assert debit.startswith("₹") and debit == browser.find_element(By.ID, "total-credit").text
    assert browser.find_elements(By.CSS_SELECTOR, "#trial-balance tbody tr")
    _fits(browser)
    _taps_are_big_enough(browser, "form.report-dates input, form.report-dates button")
    _no_csp_refusals(browser)
    # The print button is there for her, and hidden on paper with the rest of the page's chrome.
    assert browser.find_element(By.CSS_SELECTOR, "[data-print]").is_displayed()


def test_the_registers_totals_read_amounts_as_people_type_them(served, browser):
    from selenium.webdriver.common.by import By

    base, keys = served
    _sign_in(browser, base, keys["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Lakshmi SHG"))
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Record a meeting"))
    savings = browser.find_elements(By.CSS_SELECTOR, "input.money[name$='-savings']")
    assert len(savings) >= 3
    for box, typed in zip(savings, ("₹1,500/-", "१,००,०००", "୫୦.୫"), strict=False):
        box.send_keys(typed)
    total = browser.find_element(By.CSS_SELECTOR, "[data-total=savings]").text
    assert total == "₹1,01,550.50"  # 1,500 + 1,00,000 + 50.50, as the server will read them
    _no_csp_refusals(browser)


def test_every_page_of_the_month_holds_at_360_px(served, browser):
    """The narrowest phones in use: each of the month's pages, reports and forms, fits."""
    from selenium.webdriver.common.by import By

    base, keys = served
    browser.set_window_size(360, 780)
    _sign_in(browser, base, keys["bookkeeper"])
    assert browser.execute_script("return window.innerWidth") == 360
    clf_books = browser.find_elements(By.CSS_SELECTOR, ".tree a.books")[0].get_attribute("href")
    pages = [clf_books, clf_books.replace("/books", "/ageing")]
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    pages.append(browser.find_element(By.LINK_TEXT, "Enrol a member").get_attribute("href"))
    pages.append(browser.find_element(By.LINK_TEXT, "Details").get_attribute("href"))
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Books and reports"))
    reports = ("Entries, to read or undo", "Balance sheet", "Income and expenditure")
    for text in (*reports, "Arrears and ageing of loans"):
        pages.append(browser.find_element(By.LINK_TEXT, text).get_attribute("href"))
    for page in pages:
        browser.get(page)
        assert browser.find_element(By.TAG_NAME, "h1").text, page
        _fits(browser)
        _no_csp_refusals(browser)

    browser.get(pages[-1].replace("/ageing", "/income/new"))
    _fill(browser, amount="10")
    _submit(browser, "form.entry button[type=submit]")
    _fits(browser)
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Undo this entry"))
    _fits(browser)
    _fill(browser, reason="Typed in the wrong group")
    _submit(browser, "form.entry button[type=submit]")
    assert browser.find_element(By.ID, "reverses").is_displayed()
    _fits(browser)
    _no_csp_refusals(browser)
