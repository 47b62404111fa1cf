"""Static files are named by version, so a phone keeps them for a year and never serves a
stale one (app/static_versions.py)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).parents[1] / "app" / "static"


def _digest(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:10]


def test_pages_name_each_static_file_by_its_digest(client):
    page = client.get("/sign-in").get_data(as_text=True)
    named = dict(re.findall(r'/static/([a-z]+\.(?:css|js))\?v=([0-9a-f]+)"', page))
    assert named["bahi.css"] == _digest("bahi.css")
    assert named["outbox.js"] == _digest("outbox.js")
    assert '/static/bahi.css"' not in page  # no unversioned reference left


def test_a_versioned_file_is_kept_for_a_year(client):
    with client.get(f"/static/bahi.css?v={_digest('bahi.css')}") as response:
        assert response.status_code == 200
        control = response.cache_control
    assert control.public and control.immutable and control.max_age == 365 * 24 * 3600


def test_an_unversioned_or_stale_request_is_revalidated_as_before(client):
    for url in ("/static/bahi.css", "/static/bahi.css?v=0000000000"):
        with client.get(url) as response:
            assert response.status_code == 200
            assert not response.cache_control.immutable, url
            assert response.cache_control.max_age is None, url
