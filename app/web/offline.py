"""The service worker that keeps the pages she opened for when the connection drops.

Served from the site's root rather than /static/ because a worker controls only the pages
under the path it is served from. What it keeps, and what the pages queue while offline, is
in `app/static/sw.js` and `app/static/outbox.js`.
"""

from __future__ import annotations

from pathlib import Path

from flask import Response, current_app, g

from app.web.blueprint import bp
from models.access import Role

# The header that lets the service worker keep a page: only the pages of the people who write
# the books offline. A bank officer's pages are not kept: every page she reads must be in the
# access log, which a page read from the phone's store would never reach.
KEEP_HEADER = "Bahi-Offline"
KEPT_FOR = (Role.BOOKKEEPER, Role.ADMIN)


@bp.route("/sw.js")
def service_worker() -> Response:
    assert current_app.static_folder is not None
    script = Path(current_app.static_folder, "sw.js").read_text(encoding="utf-8")
    # Checked again on every visit, so a new version of the worker takes over at once.
    headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
    return Response(script, mimetype="text/javascript", headers=headers)


@bp.after_request
def _may_be_kept_offline(response: Response) -> Response:
    principal = g.get("principal")
    if principal is not None and principal.role in KEPT_FOR and response.mimetype == "text/html":
        response.headers[KEEP_HEADER] = "keep"
    return response
