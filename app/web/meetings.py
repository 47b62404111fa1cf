"""Recording a meeting from the register form, and uploading meeting sheets (CSV)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _

from app.downloads import attachment
from app.formats import indian_date
from app.requestdb import db
from app.services.federation import institutions
from app.services.federation.institutions import writable_institution
from app.services.lending import import_jobs, shg_pages
from app.services.lending.meeting_csv import parse_day
from app.services.lending.meeting_import import ImportReport
from app.services.lending.meeting_import import import_meetings as run_import
from app.services.lending.meetings import try_meeting
from app.services.lending.sheet_prefill import prefilled_sheet
from app.services.shared.clock import today_in_india
from app.services.shared.errors import DomainError
from app.web.blueprint import bp
from app.web.forms import new_form_key, once
from app.web.meeting_form import blank_form, read_form, sheet_of
from app.web.params import query_date, query_number
from app.web.session import roles, web_principal
from models.access import Role
from models.institutions import InstitutionKind, Status

WRITERS = (Role.BOOKKEEPER, Role.ADMIN)
# SHGs offered for a pre-filled sheet on the import page (a CLF has a few hundred); an SHG
# beyond them has the link on its own page.
SHGS_LISTED = 500


def _page(form: Any, shg: Any, status: int = 200, checked: bool = False) -> Any:
    page = render_template(
        "web/meeting.html", form=form, shg=shg, checked=checked, form_key=new_form_key()
    )
    return page, status


@bp.route("/shgs/<id:shg_id>/meetings/new", methods=["GET", "POST"])
@roles(*WRITERS)
def new_meeting(shg_id: int) -> Any:
    session, who = db(), web_principal()
    shg = shg_pages.readable_shg(session, who, shg_id)
    writable_institution(session, who, shg.id)
    if request.method == "GET":
        day = query_date("date") or today_in_india()
        return _page(blank_form(shg.id, day, shg_pages.register(session, who, shg.id, day)), shg)
    day = parse_day(request.form.get("meeting_date", "")) or today_in_india()
    form = read_form(shg.id, request.form, shg_pages.register(session, who, shg.id, day))
    sheet = sheet_of(form)
    if sheet is None:
        return _page(form, shg, 422)
    posting = request.form.get("action") == "post"
    try:
        if not posting:
            try_meeting(session, who, sheet, apply=False)
            return _page(form, shg, checked=True)

        def write() -> str:
            try_meeting(session, who, sheet, apply=True)
            flash(
                _("The meeting of %(date)s is recorded.", date=indian_date(sheet.meeting_date)),
                "info",
            )
            return url_for("web.shg", shg_id=shg.id)

        return once(write)
    except DomainError as error:
        session.rollback()
        form.refuse(error)
        return _page(form, shg, error.status)


def _import_page(
    report: ImportReport | None = None, filename: str | None = None, status: int = 200
) -> Any:
    shgs = institutions.list_institutions(
        db(),
        web_principal(),
        institutions.InstitutionFilter(kind=InstitutionKind.SHG, status=Status.ACTIVE),
        None,
        SHGS_LISTED,
    )
    page = render_template(
        "web/import.html",
        report=report,
        filename=filename,
        form_key=new_form_key(),
        prefill_shgs=shgs.items,
        today=today_in_india(),
    )
    return page, status


@bp.route("/shgs/<id:shg_id>/meeting-sheet.csv")
@roles(*WRITERS)
def meeting_sheet(shg_id: int) -> Any:
    """The SHG's meeting sheet, filled in with its members and what is due at the meeting."""
    session, who = db(), web_principal()
    writable_institution(session, who, shg_id)
    day = query_date("date") or today_in_india()
    body = prefilled_sheet(session, who, shg_id, day)
    return attachment(body, "text/csv", f"meeting-{shg_id}-{day.isoformat()}.csv")


@bp.route("/imports/meeting-sheet.csv")
@roles(*WRITERS)
def meeting_sheet_of() -> Any:
    """The import page's form: the SHG chosen from the list."""
    shg_id = query_number("shg_id")
    if shg_id is None:
        abort(404)
    return meeting_sheet(shg_id)


@bp.route("/imports/meetings", methods=["GET", "POST"])
@roles(*WRITERS)
def import_meetings() -> Any:
    if request.method == "GET":
        return _import_page()
    upload = request.files.get("sheet")
    apply = request.form.get("mode") == "apply"
    if upload is None or not upload.filename:
        flash(_("Choose the CSV file to check."), "error")
        return _import_page(status=422)
    try:
        text = upload.stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        flash(_("The file must be UTF-8 text: save the sheet as “CSV UTF-8”."), "error")
        return _import_page(status=422)
    source = f"csv:{upload.filename}"[:120]
    session, who = db(), web_principal()
    rows = import_jobs.count_rows(text)
    if rows > current_app.config["IMPORT_MAX_ROWS"]:
        flash(
            _(
                "%(file)s has %(rows)s rows; at most %(limit)s can be uploaded at once."
                " Split it (by CLF or by week) and upload each part.",
                file=upload.filename,
                rows=f"{rows:,}",
                limit=f"{current_app.config['IMPORT_MAX_ROWS']:,}",
            ),
            "error",
        )
        return _import_page(status=413)
    if rows > current_app.config["IMPORT_INLINE_ROWS"]:
        # Too large to import while the page waits: queued for the scheduler process, once
        # however often the form is sent, and its page shows how it went.
        return once(
            lambda: url_for(
                "web.import_job",
                job_id=import_jobs.queue_import(session, who, text, source, apply=apply).id,
            )
        )
    if not apply:
        report = run_import(session, who, text, source, apply=False)
        session.rollback()
        return _import_page(report, upload.filename)

    applied: list[ImportReport] = []

    def write() -> str:
        applied.append(run_import(session, who, text, source, apply=True))
        return url_for("web.import_meetings")

    response = once(write)
    if not applied:  # the same upload sent again: nothing posted twice
        flash(
            _("%(file)s was already uploaded: nothing was posted again.", file=upload.filename),
            "info",
        )
        return response
    # The report is shown at once; sending the page again only replays the redirect.
    return _import_page(applied[0], upload.filename)


@bp.route("/imports/jobs/<id:job_id>")
@roles(*WRITERS)
def import_job(job_id: int) -> Any:
    job = import_jobs.readable_job(db(), web_principal(), job_id)
    report = import_jobs.report_of(job)
    return render_template("web/import_job.html", job=job, report=report)
