"""The service worker that keeps the pages she opened for when the connection drops.

Served from the site's root rather than /static/ because a worker controls only the pages
under the path it is served from. What it keeps, and what the pages queue while offline, is
in `app/static/sw.js` and `app/static/outbox.js`.
"""

from __future__ import annotations

from flask import Response, current_app, send_from_directory

from app.web.blueprint import bp


@bp.route("/sw.js")
def service_worker() -> Response:
    assert current_app.static_folder is not None
    response = send_from_directory(
        current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0
    )
    # Checked again on every visit, so a new version of the worker takes over at once.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
