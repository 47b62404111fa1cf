"""Static files with their version in the URL, kept by browsers for a year.

On a village connection (800 ms a round trip) a page whose stylesheet and scripts must be
revalidated takes two round trips even when nothing changed. Pages name each static file as
`/static/bahi.css?v=<first 10 hex digits of its SHA-256>`: a browser that has that URL keeps it
without asking again (`immutable`), and a new version of the file has a new URL, so it is never
served stale. A request without `v`, or with another file's digest, is answered as before
(revalidated), so nothing old is pinned under a new name.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, Response, current_app, request, url_for

VERSION_ARG = "v"
YEAR_SECONDS = 365 * 24 * 3600
_digests: dict[tuple[str, int], str] = {}


def version_of(filename: str) -> str:
    """The digest of a static file's bytes, read again only when the file changes."""
    assert current_app.static_folder is not None
    path = Path(current_app.static_folder, filename)
    stamp = path.stat().st_mtime_ns
    known = _digests.get((filename, stamp))
    if known is None:
        known = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        _digests[(filename, stamp)] = known
    return known


def static_url(filename: str) -> str:
    """The versioned URL of a static file, for templates."""
    return url_for("static", filename=filename, **{VERSION_ARG: version_of(filename)})


def _keep_versioned_files(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code != 200:
        return response
    filename = (request.view_args or {}).get("filename", "")
    given = request.args.get(VERSION_ARG)
    if given and given == version_of(filename):
        response.cache_control.public = True
        response.cache_control.max_age = YEAR_SECONDS
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["static_url"] = static_url
    app.after_request(_keep_versioned_files)
