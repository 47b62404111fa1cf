"""The Content-Security-Policy, through the test client: every kind of HTML page carries it,
JSON does not need it, each inline `<style>` block it allows is the one the page sends, and
no template holds what it would refuse. (tests/test_browser.py shows Chromium refusing nothing
on the pages, and refusing an inline script where there is one.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from app import csp
from app.formats import DPD_BANDS, NOT_RUNNING
from models import Role
from tests.factories import ApiCaller, make_federation, token
from tests.web_support import WebUser, person

TEMPLATES = Path(csp.__file__).parent / "templates"
STYLESHEET = Path(csp.__file__).parent / "static" / "bahi.css"
STRICT = (
    "default-src 'self'",
    "script-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def _policy(response) -> list[str]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request.path}: no Content-Security-Policy"
    return [directive.strip() for directive in header.split(";")]


def _assert_strict(response) -> None:
    directives = _policy(response)
    for directive in STRICT:
        assert directive in directives, (response.request.path, directive)
    style = next(d for d in directives if d.startswith("style-src "))
    assert "'unsafe-inline'" not in style and "'unsafe-hashes'" not in style


def test_each_kind_of_page_carries_the_policy(session, client):
    fed = make_federation(session)
    bookkeeper = WebUser(client, person(session, Role.BOOKKEEPER, fed.clf))
    pages = {
        "sign-in": client.get("/sign-in"),
        "federation": bookkeeper.get("/federation"),
        "SHG": bookkeeper.get(f"/shgs/{fed.shg.id}"),
        "meeting register": bookkeeper.get(f"/shgs/{fed.shg.id}/meetings/new"),
        "passbook": bookkeeper.get(f"/members/{fed.members[0].id}/passbook"),
        "page of an error": bookkeeper.get("/bank/members"),  # 403 to a bookkeeper
        "page not found": bookkeeper.get("/no-such-page"),
        "API docs": client.get("/api/v1/docs"),
    }
    api = ApiCaller(client, token(session, Role.BOOKKEEPER, fed.clf))
    pages["API printable passbook"] = api.get(f"/api/v1/members/{fed.members[0].id}/passbook.html")
    for kind, response in pages.items():
        assert response.mimetype == "text/html", kind
        _assert_strict(response)
    assert pages["page of an error"].status_code == 403

    json = api.get("/api/v1/institutions")
    assert json.is_json and "Content-Security-Policy" not in json.headers


@pytest.mark.parametrize("page", ["docs", "passbook.html"])
def test_the_inline_style_blocks_allowed_are_the_ones_sent(session, client, page):
    """The hash is computed at start-up from the template; the page must send that very text."""
    fed = make_federation(session)
    if page == "docs":
        response = client.get("/api/v1/docs")
    else:
        api = ApiCaller(client, token(session, Role.ADMIN))
        response = api.get(f"/api/v1/members/{fed.members[0].id}/passbook.html")
    blocks = csp.STYLE_BLOCK.findall(response.get_data(as_text=True))
    assert blocks, "the page keeps its <style> block"
    style = next(d for d in _policy(response) if d.startswith("style-src "))
    for block in blocks:
        assert csp.sha256_source(block) in style.split()


def test_a_changed_style_block_is_no_longer_allowed():
    a = csp.sha256_source("body{margin:0}")
    assert a != csp.sha256_source("body{margin:1px}")
    # The form the browser checks: base64 of the SHA-256 of the block's UTF-8 text.
    assert csp.sha256_source("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_start_up_refuses_a_style_block_that_jinja_would_change(tmp_path):
    (tmp_path / "page.html").write_text("<style>p{color:{{ colour }}}</style>")
    app = Flask("probe", template_folder=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"page.html: a <style> block with Jinja"):
        csp.style_hashes(app)


@pytest.mark.parametrize(
    "template", sorted(str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html"))
)
def test_no_template_holds_what_the_policy_refuses(template):
    source = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\ssrc=)", source), "an inline <script>"
    assert not re.search(r"\sstyle\s*=", source), "a style attribute"
    assert not re.search(r"\son[a-z]+\s*=", source), "an inline event handler"
    assert not re.search(r"javascript:", source, re.I), "a javascript: address"


def test_the_payment_strip_is_coloured_as_the_pdf_is():
    """Its colours moved from style attributes into the stylesheet: they must stay the PDF's."""
    stylesheet = STYLESHEET.read_text()
    for band in (*DPD_BANDS, NOT_RUNNING):
        rule = re.search(rf"\.{band.css_class} {{ background:(#[0-9a-f]{{6}}); }}", stylesheet)
        assert rule, f"no rule for .{band.css_class}"
        assert rule[1] == band.colour, band
