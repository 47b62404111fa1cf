"""The Content-Security-Policy every HTML response carries: the web pages, their error pages,
the API docs page and the API's printable passbook. JSON, CSV and PDF responses carry none.

Scripts and stylesheets come only from Bahi's own static files; no inline script runs, not
even an `onclick`; no page may be framed; forms post only back to Bahi. A page that an
injected `<script>` or `style` attribute reached would have it refused by the browser.

Two pages keep a `<style>` block because they must stand alone: the API docs page and the
API's printable passbook, which is saved and printed away from the service. Each block is
allowed by its SHA-256, computed here at start-up from the template's own text, so editing a
block keeps it allowed and nothing else inline is. A block with Jinja in it could not be hashed
before it is drawn, so start-up refuses one: its rules belong in `app/static/bahi.css`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator

from flask import Flask, Response

from app import docs

HEADER = "Content-Security-Policy"
STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
JINJA = ("{{", "{%", "{#")


def sha256_source(text: str) -> str:
    """The CSP source that allows an inline block whose text is exactly `text`."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _style_blocks(app: Flask) -> Iterator[tuple[str, str]]:
    """(where it is, its text) for each `<style>` block of Bahi's templates (not the ones
    libraries bring: Bahi serves none of them) and of the docs page."""
    loader = app.jinja_loader
    assert loader is not None, "app/templates is Flask's template folder"
    for name in loader.list_templates():
        source, _, _ = loader.get_source(app.jinja_env, name)
        for block in STYLE_BLOCK.findall(source):
            yield name, block
    for block in STYLE_BLOCK.findall(docs.PAGE):
        yield "app/docs.py", block


def style_hashes(app: Flask) -> list[str]:
    """The hash of each inline `<style>` block; RuntimeError for a block Jinja would change."""
    hashes = []
    for where, block in _style_blocks(app):
        if any(mark in block for mark in JINJA):
            raise RuntimeError(
                f"{where}: a <style> block with Jinja in it cannot be hashed at start-up;"
                " move its rules into app/static/bahi.css"
            )
        hashes.append(sha256_source(block))
    return sorted(set(hashes))


def policy(style_sources: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", *style_sources],
        "img-src": ["'self'"],
        # The service worker (/sw.js) that keeps pages for when the connection drops.
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def init_app(app: Flask) -> None:
    header = policy(style_hashes(app))

    @app.after_request
    def _protect_pages(response: Response) -> Response:
        if response.mimetype == "text/html":
            response.headers.setdefault(HEADER, header)
        return response
