"""What every browser test shares: the demo service on a free port, headless Chromium on a
phone-sized window, signing in, clicking through and the Content-Security-Policy check.
Browser test modules are named `test_browser*.py` (CI counts and requires them) and import
the helpers from here (the fixtures are registered for every module by conftest)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from werkzeug.serving import make_server

from app.cli import alembic_config
from app.demo import DEMO_PEOPLE, load_demo
from tests.conftest import make_test_app

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
PHONE = (390, 844)
INLINE_PROBE = """<!doctype html><html><head><title>probe</title></head><body>
<p style="color:red">styled inline</p>
<script>document.title = "inline script ran";</script></body></html>"""


def _browser_or_skip() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        if os.environ.get("BAHI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BAHI_REQUIRE_BROWSER=1 but {', '.join(missing)} missing")
        pytest.skip(
            f"no Chromium here ({', '.join(missing)}): apt install chromium chromium-driver"
        )


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, tuple[str, str]]]]:
    """The demo service on a free port, and what each demo role's person signs in with
    (mobile number, password), for `_sign_in`."""
    _browser_or_skip()
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'bahi.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = make_test_app(
        DATABASE_URL=url,
        BAHI_ENV="development",
        SECRET_KEY_FILE=str(tmp_path_factory.mktemp("instance") / "secret_key"),
    )
    # A page that breaks the policy, to show that the check below would see a refusal.
    app.add_url_rule("/test/inline", "inline_probe", lambda: INLINE_PROBE)
    with app.app_context():
        session = app.extensions["bahi.sessions"]()
        load_demo(session, app.extensions["bahi.security"])
        session.commit()
        session.close()
    keys = {role.value: (mobile, password) for role, (_, mobile, password) in DEMO_PEOPLE.items()}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", keys
    server.shutdown()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # As root in a container, with no network beyond this machine: no sandbox, and none of
    # Chromium's own background connections.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={PHONE[0]},{PHONE[1]}",
    ):
        options.add_argument(flag)
    # The console's messages, where Chromium reports what the Content-Security-Policy refused.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or CHROMEDRIVER), options=options
    )
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _click_through(browser, element) -> None:
    """Click a link or a form's button and wait for the next page: until then, elements found
    would be the old page's, gone stale the moment the new one arrives."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def _replaced(error: Exception) -> bool:
    """Chromium's word for an element of a document that another has just replaced."""
    from selenium.common.exceptions import StaleElementReferenceException

    return isinstance(error, StaleElementReferenceException) or (
        "does not belong to the document" in str(error)
    )


def _submit(browser, selector: str) -> None:
    """Click the form's button and wait for the next page. Seen in CI: the page was replaced
    between finding the button and clicking it, so the click never happened; the button is
    found again then, a few times at most (a click that happened is never repeated)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    for attempt in range(3):
        try:
            _click_through(browser, browser.find_element(By.CSS_SELECTOR, selector))
            return
        except WebDriverException as error:
            if attempt == 2 or not _replaced(error):
                raise


def _type_into(browser, by: str, name: str, text: str) -> None:
    """Type into a field, found again and typed afresh if the page replaced it meanwhile."""
    from selenium.common.exceptions import WebDriverException

    for attempt in range(3):
        try:
            field = browser.find_element(by, name)
            field.clear()
            field.send_keys(text)
            return
        except WebDriverException as error:
            if attempt == 2 or not _replaced(error):
                raise


def _csp_refusals(browser) -> list[str]:
    """What the Content-Security-Policy refused on the pages since the last call: Chromium logs
    each as an error naming the policy ("Executing inline script violates the following Content
    Security Policy directive ..."; older versions begin "Refused to execute ...")."""
    from selenium.webdriver.support.wait import WebDriverWait

    WebDriverWait(browser, 10).until(
        lambda b: b.execute_script("return document.readyState") == "complete"
    )
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def _no_csp_refusals(browser) -> None:
    refused = _csp_refusals(browser)
    assert not refused, f"{browser.current_url}: {refused}"


def _sign_in(browser, base: str, key: tuple[str, str], language: str | None = None) -> None:
    """Sign in as the demo person `key` names (her mobile number and password), choosing
    the page language when given ("en", "hi", "or")."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    mobile, password = key
    browser.get(f"{base}/sign-in")
    _no_csp_refusals(browser)
    if language is not None:
        Select(browser.find_element(By.NAME, "language")).select_by_value(language)
    _type_into(browser, By.NAME, "mobile", mobile)
    _type_into(browser, By.NAME, "password", password)
    _submit(browser, "main button[type=submit]")


def _savings_of(browser, name: str) -> str:
    from selenium.webdriver.common.by import By

    for row in browser.find_elements(By.CSS_SELECTOR, "#members tbody tr[data-member]"):
        if row.text.startswith(name):
            return row.find_element(By.CSS_SELECTOR, "td.savings").text
    raise AssertionError(f"{name} not on the SHG page")
