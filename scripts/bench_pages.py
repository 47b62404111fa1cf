"""Page weights and load times, as a phone on a slow connection sees them.

The demo service runs on SQLite on a free port; headless Chromium, at 390 x 844, signs in as
each demo person and opens the pages of her month's work. For each page it prints what was
sent over the wire, the service worker bypassed (the page and every file it loaded, as the
browser's Resource Timing counts them: `transferSize`, headers included, 0 for a file served
from the cache) and the time to the load event: on an open connection, then on a slow 2G
profile with the browser's cache off and then on.

The 2G profile is WebPageTest's "2G" (280 kbit/s down, 256 kbit/s up, 800 ms round trip), an
assumption of what a village connection gives; Chromium applies it through the DevTools
protocol (`Network.emulateNetworkConditions`).

    .venv/bin/python scripts/bench_pages.py            # every page, both profiles
    .venv/bin/python scripts/bench_pages.py --smoke    # one page, open connection (CI)
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from werkzeug.serving import make_server

from app import create_app
from app.cli import alembic_config
from app.demo import DEMO_PEOPLE, load_demo
from models.access import Role

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SLOW_2G = {"offline": False, "latency": 800, "downloadThroughput": 280_000 / 8,
           "uploadThroughput": 256_000 / 8}  # fmt: skip
OPEN = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}

# Each role's pages, reached from her start page by following links the demo data has.
PAGES: dict[Role, list[tuple[str, tuple[str, ...]]]] = {
    Role.BOOKKEEPER: [
        ("federation tree", ()),
        ("an SHG", ("Durga SHG",)),
        ("meeting register", ("Durga SHG", "Record a meeting")),
        ("books and reports", ("Durga SHG", "Books and reports")),
        ("trial balance", ("Durga SHG", "Books and reports", "Trial balance")),
        ("bank deposit form", ("Durga SHG", "Books and reports", "Cash taken to the bank")),
    ],
    Role.AUDITOR: [("idle-fund flags", ())],
    Role.BANK_PARTNER: [("member search", ())],
}
SMOKE_PAGES = {Role.BOOKKEEPER: PAGES[Role.BOOKKEEPER][:1]}

WEIGHT = """const nav = performance.getEntriesByType("navigation")[0];
const files = performance.getEntriesByType("resource");
return [nav.transferSize + files.reduce((sum, f) => sum + f.transferSize, 0),
        Math.round(nav.loadEventEnd), files.length];"""


def _serve(folder: Path):
    url = f"sqlite:///{folder / 'bahi.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    app = create_app(
        {
            "DATABASE_URL": url,
            "BAHI_ENV": "development",
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY_FILE": str(folder / "secret_key"),
            "TOTP_KEY_FILE": str(folder / "totp_key"),
        }
    )
    with app.app_context():
        session = app.extensions["bahi.sessions"]()
        load_demo(session, app.extensions["bahi.security"])
        session.commit()
        session.close()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _browser(folder: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--no-first-run",
                 f"--user-data-dir={folder / 'profile'}", "--window-size=390,844"):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver") or CHROMEDRIVER), options=options
    )
    driver.implicitly_wait(5)
    driver.execute_cdp_cmd("Network.enable", {})
    # The pages' service worker would answer from its cache, unthrottled: measure the network.
    driver.execute_cdp_cmd("Network.setBypassServiceWorker", {"bypass": True})
    return driver


def _sign_in(driver, base: str, role: Role) -> None:
    from selenium.webdriver.common.by import By

    _, mobile, password = DEMO_PEOPLE[role]
    driver.get(f"{base}/sign-in")
    driver.find_element(By.NAME, "mobile").send_keys(mobile)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    driver.find_element(By.TAG_NAME, "h1")


def _measure(
    driver, base: str, pages, profile: dict, cached: bool
) -> list[tuple[str, int, int, int]]:
    """Each page opened on `profile`, with the browser's cache off, or on (its stylesheet and
    scripts kept from the page before, as on any visit but the first): (name, bytes, ms to
    load, files)."""
    from selenium.webdriver.common.by import By

    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": not cached})
    rows = []
    start = driver.current_url
    for name, links in pages:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", OPEN)
        target = start
        for link in links:
            driver.get(target)
            target = driver.find_element(By.PARTIAL_LINK_TEXT, link).get_attribute("href")
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", profile)
        driver.get(target)
        weight, load_ms, files = driver.execute_script(WEIGHT)
        rows.append((name, weight, load_ms, files))
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", OPEN)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="one page, open connection")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is missing: apt install chromium chromium-driver")
    profiles = [("open", OPEN, False)]
    if not args.smoke:
        profiles += [("2G", SLOW_2G, False), ("2G+cache", SLOW_2G, True)]
    roles = SMOKE_PAGES if args.smoke else PAGES
    with tempfile.TemporaryDirectory() as folder:
        server, base = _serve(Path(folder))
        driver = _browser(Path(folder))
        try:
            print("Bahi pages on a phone (390 x 844)" + (" (smoke run)" * args.smoke))
            print(f"  {'page':<22} {'profile':<8} {'bytes':>8} {'load ms':>8} {'files':>5}")
            for role, pages in roles.items():
                for label, profile, cached in profiles:
                    driver.delete_all_cookies()
                    _sign_in(driver, base, role)
                    measured = _measure(driver, base, pages, profile, cached)
                    for name, weight, load_ms, files in measured:
                        print(f"  {name:<22} {label:<8} {weight:>8} {load_ms:>8} {files:>5}")
        finally:
            driver.quit()
            server.shutdown()


if __name__ == "__main__":
    main()
