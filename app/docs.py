"""A self-contained API docs page (no CDN: it must load on a slow village connection)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template_string

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Bahi API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.4}
code{background:#f3f3f3;padding:0 .2rem} .m{display:inline-block;width:4.5rem;font-weight:bold}
li{margin:.2rem 0} h2{border-bottom:1px solid #ccc}
</style></head><body>
<h1>Bahi API {{ version }}</h1>
<p>{{ description }} Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>; send an
<code>Idempotency-Key</code> header with every write.
Errors are <code>application/problem+json</code>.
The machine-readable document is <a href="{{ url }}">openapi.json</a>.</p>
{% for tag, ops in groups %}<h2>{{ tag }}</h2><ul>
{% for method, path, summary in ops %}
<li><span class="m">{{ method }}</span><code>{{ path }}</code> — {{ summary }}</li>
{% endfor %}</ul>{% endfor %}
</body></html>"""


def _groups(spec: dict[str, Any]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if method == "parameters":
                continue
            tag = (op.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append((method.upper(), path, op.get("summary", "")))
    return list(groups.items())


def docs_page() -> str:
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    spec = api.spec.to_dict()
    return render_template_string(
        PAGE,
        version=spec["info"]["version"],
        description=spec["info"].get("description", ""),
        url="/api/v1/openapi.json",
        groups=_groups(spec),
    )


def init_app(app: Flask) -> None:
    app.add_url_rule("/api/v1/docs", "docs", docs_page)
