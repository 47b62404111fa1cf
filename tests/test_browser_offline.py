"""Nothing she types is lost (issue 16), in headless Chromium on a phone-sized window: a meeting
register typed, interrupted by the idle timeout and given back after signing in; a register
filled with no connection, shown as waiting and posted once when the connection is back.

The service here is the demo service, as `served` gives it, but on a fixture of this module's
own that also hands the tests the app (to shorten its idle timeout for a moment, to count the
meetings recorded) and a switch for the network. Chromium's network emulation (DevTools
Protocol) takes the page offline (navigator.onLine, the "offline" and "online" events) but not
its service worker, whose requests would still arrive; so while "offline" the service also
drops every connection that reaches it without an answer, as a dead network would.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from alembic import command
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app.cli import alembic_config
from app.demo import DEMO_PEOPLE, load_demo
from app.services.shared.clock import today_in_india
from models.institutions import Institution
from models.meetings import Meeting
from tests.browser_support import (
    _browser_or_skip,
    _click_through,
    _no_csp_refusals,
    _submit,
    _type_into,
)
from tests.conftest import make_test_app
from tests.web_support import Credentials, WebUser, field_value

SAVINGS = "input[aria-label='Sunita Devi savings']"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    _browser_or_skip()
    url = f"sqlite:///{tmp_path_factory.mktemp('offline') / 'bahi.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = make_test_app(
        DATABASE_URL=url,
        BAHI_ENV="development",
        SECRET_KEY_FILE=str(tmp_path_factory.mktemp("instance") / "secret_key"),
    )
    with app.app_context():
        session = app.extensions["bahi.sessions"]()
        load_demo(session, app.extensions["bahi.security"])
        session.commit()
        session.close()
    down = threading.Event()

    def unless_down(environ, start_response):
        if down.is_set():
            environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
            raise ConnectionResetError("the network is switched off")
        return app(environ, start_response)

    server = make_server("127.0.0.1", 0, unless_down, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    keys = {role.value: (mobile, password) for role, (_, mobile, password) in DEMO_PEOPLE.items()}
    base = f"http://127.0.0.1:{server.server_port}"
    yield {"base": base, "keys": keys, "app": app, "down": down}
    server.shutdown()


def _meetings_of_durga(app) -> int:
    with app.app_context():
        session = app.extensions["bahi.sessions"]()
        try:
            durga = select(Institution.id).where(Institution.name == "Durga SHG")
            count = select(func.count()).select_from(Meeting).where(Meeting.shg_id.in_(durga))
            return session.scalar(count) or 0
        finally:
            session.close()


def _sign_in_with(browser, key: tuple[str, str]) -> None:
    """Sign in on the sign-in page the browser is on (it may carry a `next`)."""
    from selenium.webdriver.common.by import By

    mobile, password = key
    _type_into(browser, By.NAME, "mobile", mobile)
    _type_into(browser, By.NAME, "password", password)
    _submit(browser, "main button[type=submit]")


def _open_register(browser, service) -> str:
    from selenium.webdriver.common.by import By

    browser.get(f"{service['base']}/sign-in")
    _sign_in_with(browser, service["keys"]["bookkeeper"])
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Durga SHG"))
    _click_through(browser, browser.find_element(By.LINK_TEXT, "Record a meeting"))
    return browser.current_url


def _lend_to_sunita(service, day) -> None:
    """A loan of ₹500 to Sunita Devi of Durga SHG at a meeting on `day`, through the register
    form (the SHG has ₹700 cash then)."""
    user = WebUser(service["app"].test_client(), Credentials(*service["keys"]["bookkeeper"], 0))
    shg = re.search(r'href="/shgs/(\d+)">Durga SHG', user.page("/federation"))[1]
    path = f"/shgs/{shg}/meetings/new"
    page = user.page(path)
    sunita = re.search(r'name="m(\d+)-savings"[^>]*aria-label="Sunita Devi savings"', page)[1]
    data = {
        "meeting_date": day.strftime("%d-%m-%Y"),
        "via": "cash",
        "form_key": field_value(page, "form_key"),
        "action": "post",
        **{f"m{m}-present": "yes" for m in re.findall(r'name="m(\d+)-present"', page)},
        f"m{sunita}-new_loan_principal": "500",
        f"m{sunita}-new_loan_instalments": "10",
    }
    sent = user.post(path, data)
    assert sent.status_code == 303, re.findall(
        r"class=\"problem\">([^<]*)", sent.get_data(as_text=True)
    )


def _network(browser, service, offline: bool) -> None:
    if offline:
        service["down"].set()
    else:
        service["down"].clear()
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def _wait(browser, condition, seconds: float = 10):
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(browser, seconds).until(condition)


def test_a_register_interrupted_by_the_timeout_is_given_back_after_signing_in(service, browser):
    from selenium.webdriver.common.by import By

    register = _open_register(browser, service)
    browser.find_element(By.CSS_SELECTOR, SAVINGS).send_keys("1250.50")
    browser.find_element(By.CSS_SELECTOR, "input[aria-label='Sunita Devi fine']").send_keys("10")
    config = service["app"].config
    config["WEB_IDLE_TIMEOUT_SECONDS"] = -1  # every request from now on is "too long idle"
    try:
        _submit(browser, "button[value=check]")
    finally:
        config["WEB_IDLE_TIMEOUT_SECONDS"] = 15 * 60
    assert "/sign-in" in browser.current_url
    assert "signed out" in browser.find_element(By.CSS_SELECTOR, ".flash").text

    _sign_in_with(browser, service["keys"]["bookkeeper"])
    assert browser.current_url == register, "back on the register, not the federation page"
    assert browser.find_element(By.CSS_SELECTOR, SAVINGS).get_attribute("value") == "1250.50"
    fine = browser.find_element(By.CSS_SELECTOR, "input[aria-label='Sunita Devi fine']")
    assert fine.get_attribute("value") == "10"
    assert "Restored what you typed" in browser.find_element(By.CSS_SELECTOR, ".kept").text
    assert browser.find_element(By.CSS_SELECTOR, "[data-total=savings]").text == "₹1,250.50"
    _no_csp_refusals(browser)

    before = _meetings_of_durga(service["app"])
    _submit(browser, "#post")
    assert "is recorded" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert _meetings_of_durga(service["app"]) == before + 1
    browser.get(register)  # the post went through: the kept copy is gone
    assert browser.find_element(By.CSS_SELECTOR, SAVINGS).get_attribute("value") == ""
    assert not browser.find_elements(By.CSS_SELECTOR, ".kept")


def test_a_register_filled_offline_is_posted_once_when_back_online(service, browser):
    from selenium.webdriver.common.by import By

    register = _open_register(browser, service)
    # The service worker takes over, and keeps the register as it is opened again.
    _wait(browser, lambda b: b.execute_script("return !!navigator.serviceWorker.controller"))
    browser.get(register)
    before = _meetings_of_durga(service["app"])

    _network(browser, service, offline=True)
    fails = browser.execute_async_script(
        "var done = arguments[0];"
        " fetch('/never-opened').then(() => done('reached'), () => done('failed'))"
    )
    assert fails == "failed", "the page's requests reach the service while offline"
    browser.refresh()  # with no connection, the register comes from what the worker kept
    browser.find_element(By.CSS_SELECTOR, SAVINGS).send_keys("300")
    day = (today_in_india() - timedelta(days=1)).strftime("%d-%m-%Y")  # not the test above's
    browser.find_element(By.NAME, "meeting_date").clear()
    browser.find_element(By.NAME, "meeting_date").send_keys(day)
    browser.find_element(By.ID, "post").click()
    waiting = browser.find_element(By.CSS_SELECTOR, "#outbox li")
    assert waiting.text.startswith(f"Durga SHG, meeting of {day}")
    assert "Waiting to be sent" in browser.find_element(By.ID, "outbox").text
    queued = browser.execute_script("return localStorage.getItem('bahi.outbox')")
    browser.refresh()  # still waiting after a reload, still offline
    assert browser.find_element(By.CSS_SELECTOR, "#outbox li").text.startswith("Durga SHG")
    assert _meetings_of_durga(service["app"]) == before

    _network(browser, service, offline=False)  # the "online" event sends it
    _wait(browser, lambda b: not b.find_element(By.ID, "outbox").is_displayed())
    assert _meetings_of_durga(service["app"]) == before + 1
    assert "Sent: Durga SHG" in browser.find_element(By.CSS_SELECTOR, "main").text

    # Sent again (as if the first answer had been lost on the way): recorded once all the same.
    browser.execute_script("localStorage.setItem('bahi.outbox', arguments[0])", queued)
    browser.refresh()
    _wait(browser, lambda b: not b.find_element(By.ID, "outbox").is_displayed())
    browser.refresh()
    assert _meetings_of_durga(service["app"]) == before + 1
    _no_csp_refusals(browser)


NARROW = (360, 800)
NOT_PAGES = re.compile(r"^/(api|docs|static|sign-out)|\.(csv|pdf|json)$|/(export|download)")
# What sticks out past the screen's right edge (the innermost elements), to name in a failure.
STICKING_OUT = """const out = e => e.getBoundingClientRect().right > window.innerWidth + 0.5;
  return Array.from(document.querySelectorAll("main *"))
  .filter(e => out(e) && !Array.from(e.children).some(out))
  .slice(0, 3).map(e => e.outerHTML.slice(0, 90));"""
TOO_SMALL = """return Array.from(document.querySelectorAll(
  "button, .button, input:not([type=hidden]), select, .top nav a"))
  .filter(e => e.offsetParent !== null)
  .filter(e => {
    // A tick or choice inside its label is tapped anywhere on the label (WCAG 2.5.5's target).
    const target = e.matches("input[type=radio], input[type=checkbox]") && e.closest("label") || e;
    const r = target.getBoundingClientRect();
    return r.height < 43.5 || r.width < 43.5; })
  .map(e => e.outerHTML.slice(0, 90));"""


def _pages_of_a_role(browser, base: str, limit: int = 20) -> Iterator[str]:
    """Each page a person of this role can reach by links from her start page, one of each
    kind (/shgs/6 and /shgs/7 are one kind), downloads and the API left out."""
    from selenium.webdriver.common.by import By

    seen_kinds: set[str] = set()
    to_visit = [browser.current_url]
    while to_visit and len(seen_kinds) < limit:
        url = to_visit.pop(0)
        path = urlsplit(url).path
        kind = re.sub(r"\d+", "N", path)
        if kind in seen_kinds or NOT_PAGES.search(path):
            continue
        seen_kinds.add(kind)
        browser.get(url)
        yield path
        for link in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
            href = link.get_attribute("href") or ""
            if href.startswith(base) and "#" not in href:
                to_visit.append(href)


@pytest.mark.parametrize("role", ["bookkeeper", "admin", "auditor", "bank_partner"])
def test_no_page_of_any_role_scrolls_sideways_at_360_px_and_taps_are_44_px(service, browser, role):
    browser.set_window_size(*NARROW)
    browser.get(f"{service['base']}/sign-in")
    pages = ["/sign-in"] if role == "bookkeeper" else []
    _sign_in_with(browser, service["keys"][role])
    wide, small = {}, {}
    for path in _pages_of_a_role(browser, service["base"]):
        pages.append(path)
        _no_csp_refusals(browser)
        width = browser.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if width[0] > width[1]:
            wide[path] = browser.execute_script(STICKING_OUT)
        if tiny := browser.execute_script(TOO_SMALL):
            small[path] = tiny
    assert len(pages) >= 3, pages
    assert not wide, f"wider than a 360 px screen: {wide}"
    assert not small, f"tap targets under 44 px: {small}"


def test_the_payment_strip_says_each_month_in_words_and_a_tick_fills_the_due(service, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{service['base']}/sign-in")
    _sign_in_with(browser, service["keys"]["bank_partner"])
    browser.find_element(By.NAME, "q").send_keys("SY00000000")
    _submit(browser, "main button[type=submit]")
    _click_through(browser, browser.find_element(By.CSS_SELECTOR, "#members a"))
    cells = browser.find_elements(By.CSS_SELECTOR, ".strip span")
    months = [m.text for m in browser.find_elements(By.CSS_SELECTOR, ".months li")]
    assert len(months) == len(cells) and len(cells) % 36 == 0 and cells
    assert all(re.fullmatch(r"\d\d-\d{4} (on time|no loan|\d+ days late)", m) for m in months)
    assert not browser.find_elements(By.CSS_SELECTOR, ".strip [title]")  # not tooltip-only
    _no_csp_refusals(browser)

    browser.delete_all_cookies()
    _lend_to_sunita(service, today_in_india() - timedelta(days=33))
    register = _open_register(browser, service)
    ticks = browser.find_elements(By.CSS_SELECTOR, "[data-paid-as-due][data-due]")
    assert len(ticks) == 1, "Sunita Devi has one loan running"
    cell = ticks[0].find_element(By.XPATH, "./ancestor::td")
    amount = cell.find_element(By.CSS_SELECTOR, "input.money")
    assert not amount.get_attribute("placeholder") and amount.get_attribute("value") == ""
    ticks[0].click()
    assert amount.get_attribute("value") == ticks[0].get_attribute("data-due")
    ticks[0].click()
    assert amount.get_attribute("value") == ""
    assert browser.current_url == register
    browser.set_window_size(*NARROW)  # the due text wraps inside her card, not past the screen
    assert browser.execute_script(STICKING_OUT) == []
    assert browser.execute_script("return document.documentElement.scrollWidth") <= NARROW[0]


def _queue_offline(browser, service, day: str, savings: str) -> None:
    from selenium.webdriver.common.by import By

    _network(browser, service, offline=True)
    browser.find_element(By.CSS_SELECTOR, SAVINGS).send_keys(savings)
    browser.find_element(By.NAME, "meeting_date").clear()
    browser.find_element(By.NAME, "meeting_date").send_keys(day)
    browser.find_element(By.ID, "post").click()
    assert browser.find_element(By.CSS_SELECTOR, "#outbox li").text.startswith("Durga SHG")


def test_a_queued_register_waits_for_sign_in_and_a_refused_one_is_not_retried(service, browser):
    from selenium.webdriver.common.by import By

    register = _open_register(browser, service)
    before = _meetings_of_durga(service["app"])
    day = (today_in_india() - timedelta(days=2)).strftime("%d-%m-%Y")
    _queue_offline(browser, service, day, "40")
    browser.delete_all_cookies()  # her session is gone by the time the connection is back
    _network(browser, service, offline=False)
    _wait(browser, lambda b: "Sign in to send it" in b.find_element(By.ID, "outbox").text)
    assert _meetings_of_durga(service["app"]) == before

    browser.get(f"{service['base']}/sign-in")
    assert "Sign in to send it" in browser.find_element(By.ID, "outbox").text
    _sign_in_with(browser, service["keys"]["bookkeeper"])  # then it is sent
    _wait(browser, lambda b: not b.find_element(By.ID, "outbox").is_displayed())
    assert _meetings_of_durga(service["app"]) == before + 1

    browser.get(register)
    _queue_offline(browser, service, day, "75")  # the same day: refused when sent
    _network(browser, service, offline=False)
    _wait(browser, lambda b: "Not recorded" in b.find_element(By.ID, "outbox").text)
    assert "is already recorded" in browser.find_element(By.ID, "outbox").text
    browser.refresh()  # not sent again
    assert "Not recorded" in browser.find_element(By.ID, "outbox").text
    assert _meetings_of_durga(service["app"]) == before + 1
    browser.find_element(By.CSS_SELECTOR, "#outbox li a").click()  # to put it right
    assert browser.find_element(By.CSS_SELECTOR, SAVINGS).get_attribute("value") == "75"
    assert "Restored what you typed" in browser.find_element(By.CSS_SELECTOR, ".kept").text
    browser.find_element(By.CSS_SELECTOR, "#outbox li button").click()  # Remove
    assert not browser.find_element(By.ID, "outbox").is_displayed()
    _no_csp_refusals(browser)
