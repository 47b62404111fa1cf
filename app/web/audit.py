"""The auditor's pages: audit runs, idle-fund flags with filters, a flag's history and the form
to move it on, charts by place and over time, and the run's CSV and PDF."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.downloads import attachment
from app.formats import indian_date
from app.requestdb import db
from app.services.audit import audit_runs, idle_exports, idle_flags
from app.services.audit.idle_detection import FUND_NAMES
from app.services.shared.errors import DomainError, FieldProblem
from app.services.shared.principal import within_scope
from app.web.blueprint import bp
from app.web.forms import new_form_key, once
from app.web.params import form_date, query_number
from app.web.session import roles, web_principal
from app.words import word
from models.access import Role
from models.idle import FLAG_STATUSES, IdleRule
from models.institutions import Institution

AUDITING = (Role.AUDITOR, Role.ADMIN)
FLAG_READERS = (Role.AUDITOR, Role.ADMIN, Role.BOOKKEEPER)
PAGE = 50


def _places() -> list[Institution]:
    """Districts and CLFs the reader may filter by."""
    query = within_scope(select(Institution), web_principal()).where(
        Institution.kind.in_(("district", "clf"))
    )
    return list(db().scalars(query.order_by(Institution.kind.desc(), Institution.name)))


def _flag_filter() -> idle_flags.FlagFilter:
    ongoing = request.args.get("ongoing", "")
    return idle_flags.FlagFilter(
        under=query_number("institution_id"),
        fund=request.args.get("fund") or None,
        rule=request.args.get("rule") or None,
        status=request.args.get("status") or None,
        ongoing={"yes": True, "no": False}.get(ongoing),
        min_days_idle=query_number("min_days_idle"),
        run_id=query_number("run_id"),
    )


@bp.route("/audit/flags")
@roles(*FLAG_READERS)
def flags() -> Any:
    session, who = db(), web_principal()
    page = idle_flags.flags(session, who, _flag_filter(), query_number("after"), PAGE)
    ids = {f.institution_id for f in page.items}
    names = {
        i.id: i.name for i in session.scalars(select(Institution).where(Institution.id.in_(ids)))
    }
    rules = list(session.scalars(select(IdleRule).order_by(IdleRule.code)))
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "web/flags.html",
        page=page,
        names=names,
        rules=rules,
        places=_places(),
        funds=FUND_NAMES,
        statuses=FLAG_STATUSES,
        args=args,
        # Each fund once: two rules flagging one fund flag the same money.
        total=sum({(f.institution_id, f.fund): f.balance_paise for f in page.items}.values()),
    )


def _flag_page(flag_id: int, problems: list[Any] | None = None, status: int = 200) -> Any:
    session, who = db(), web_principal()
    found = idle_flags.detail(session, who, flag_id)
    observations = idle_flags.observations(session, found.flag)
    page = render_template(
        "web/flag.html",
        d=found,
        observations=observations,
        fund=word(found.flag.fund),
        moves=idle_flags.next_moves(who, found.flag),
        problems=problems or [],
        form_key=new_form_key(),
    )
    return page, status


@bp.route("/audit/flags/<id:flag_id>")
@roles(*FLAG_READERS)
def flag(flag_id: int) -> Any:
    return _flag_page(flag_id)


@bp.route("/audit/flags/<id:flag_id>/move", methods=["POST"])
@roles(*FLAG_READERS)
def move_flag(flag_id: int) -> Any:
    def write() -> str:
        idle_flags.move(
            db(), web_principal(), flag_id, request.form.get("status", ""), request.form.get("note")
        )
        return url_for("web.flag", flag_id=flag_id)

    try:
        return once(write)
    except DomainError as error:
        return _flag_page(flag_id, error.problems or [FieldProblem("", error.detail)], error.status)


@bp.route("/audit/runs", methods=["GET", "POST"])
@roles(*AUDITING)
def runs() -> Any:
    session, who = db(), web_principal()
    if request.method == "POST":

        def write() -> str:
            day = form_date("as_of")
            run = audit_runs.run_on_demand(session, who, day, None)
            return url_for("web.flags", run_id=run.id)

        return once(write)
    page = audit_runs.runs(session, who, query_number("after"), PAGE)
    return render_template("web/runs.html", page=page, form_key=new_form_key())


@bp.route("/audit/runs/<id:run_id>/export.<any(csv, pdf):kind>")
@roles(*FLAG_READERS)
def export_run(run_id: int, kind: str) -> Response:
    export = idle_exports.run_export(db(), web_principal(), run_id, query_number("institution_id"))
    return attachment(*idle_exports.export_file(export, kind))


@bp.route("/audit/charts")
@roles(*AUDITING)
def charts() -> Any:
    session, who = db(), web_principal()
    under = query_number("institution_id")
    latest = audit_runs.runs(session, who, None, 1).items
    by_place = (
        idle_exports.run_export(session, who, latest[0].id, under).by_group()
        if latest
        else ("District", [])
    )
    return render_template(
        "web/charts.html",
        latest=latest[0] if latest else None,
        label=by_place[0],
        groups=by_place[1],
        trend=[
            (
                _(
                    "%(date)s · run %(run)s · %(flags)s flags",
                    date=indian_date(p.run.as_of),
                    run=p.run.id,
                    flags=p.flags,
                ),
                p.idle_paise,
            )
            for p in idle_exports.trend(session, who, under)
        ],
        places=_places(),
        under=under,
    )
