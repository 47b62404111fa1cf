"""Meeting-sheet files too large for one web request run as jobs in the scheduler process.

A web worker must answer within its timeout (gunicorn's 30 s): a file of more than
`IMPORT_INLINE_ROWS` rows is queued instead (`queue_import`), answered `202 Accepted` with
the job's address, and imported by the scheduler process (`run_queued`), which its owner
polls. The import itself is the same `import_meetings` as inline, in one transaction that
also marks the job done, so a job is either wholly imported and done or not imported at all.

A runner claims a job with a lease (`LEASE`); if its process dies, the import rolls back
and another runner takes the job over once the lease has run out, up to `MAX_ATTEMPTS`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from app.services.access.tokens import principal_of
from app.services.lending.meeting_import import import_meetings
from app.services.shared.errors import Forbidden, NotFound
from app.services.shared.principal import Principal
from models.access import Role
from models.base import utcnow
from models.imports import ImportJob

LEASE = timedelta(minutes=30)  # far longer than a state's month takes (about 8 minutes)
MAX_ATTEMPTS = 3
IMPORTERS = (Role.ADMIN, Role.BOOKKEEPER)
log = logging.getLogger(__name__)


def require_importer(who: Principal) -> None:
    """Only those who keep books import meeting sheets: checked before a file is read."""
    if who.role not in IMPORTERS:
        raise Forbidden(f"a {who.role.value} may not import meeting sheets")


def count_rows(text: str) -> int:
    """Data rows of a CSV file: its non-blank lines after the header. (A quoted cell with a
    line break counts twice: this is for limits, the parser counts exactly.)"""
    lines = [line for line in text.splitlines() if line.strip()]
    return max(len(lines) - 1, 0)


def queue_import(
    session: Session, who: Principal, text: str, source: str, *, apply: bool
) -> ImportJob:
    require_importer(who)
    assert who.token_id is not None, "jobs run as the token that queued them"
    raw = text.encode("utf-8")
    job = ImportJob(
        mode="apply" if apply else "dry-run",
        source=source,
        token_id=who.token_id,
        created_by=who.label,
        scope_path=who.scope_path,
        rows=count_rows(text),
        file_bytes=len(raw),
        file_sha256=hashlib.sha256(raw).hexdigest(),
        content=text,
    )
    session.add(job)
    session.flush()
    return job


def readable_job(session: Session, who: Principal, job_id: int) -> ImportJob:
    """A job its reader may see: an admin any, others those queued by their own token or
    within their scope. Not found otherwise (existence must not leak)."""
    require_importer(who)
    job = session.get(ImportJob, job_id)
    visible = job is not None and (
        who.is_admin
        or job.token_id == who.token_id
        or (job.scope_path is not None and job.scope_path == who.scope_path)
    )
    if job is None or not visible:
        raise NotFound(f"import job {job_id} not found")
    return job


def report_of(job: ImportJob) -> dict[str, object] | None:
    return json.loads(job.report) if job.report else None


def claim_next(session: Session, now: datetime) -> tuple[int, int] | None:
    """Take the oldest job waiting (or whose runner's lease ran out): its id and attempt.

    The caller commits at once, so that pollers see the job running."""
    job = session.scalar(
        select(ImportJob)
        .where(
            or_(
                ImportJob.status == "queued",
                (ImportJob.status == "running") & (ImportJob.lease_until < now),
            )
        )
        .order_by(ImportJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job is None:
        return None
    job.attempts += 1
    if job.attempts > MAX_ATTEMPTS:
        _finish(job, now, error=f"stopped after {MAX_ATTEMPTS} attempts that did not finish")
        session.flush()
        return claim_next(session, now)
    job.status, job.started_at, job.lease_until = "running", now, now + LEASE
    session.flush()
    return job.id, job.attempts


def _finish(job: ImportJob, now: datetime, *, report: str | None = None, error: str = "") -> None:
    job.status = "failed" if error else "done"
    job.report, job.error = report, error or None
    job.finished_at, job.lease_until = now, None
    job.content = None  # the file's figures are in the books (or refused); its hash stays


def run_claimed(session: Session, job_id: int, attempt: int) -> ImportJob | None:
    """Import a claimed job and mark it done, in the caller's one transaction; None when the
    job is no longer this runner's (its lease ran out and another took it)."""
    job = session.scalar(select(ImportJob).where(ImportJob.id == job_id).with_for_update())
    if job is None or job.status != "running" or job.attempts != attempt:
        return None
    who = principal_of(session, job.token_id)
    if who is None:
        _finish(job, utcnow(), error="the token that queued this file was revoked or expired")
        return job
    assert job.content is not None
    report = import_meetings(session, who, job.content, job.source, apply=job.mode == "apply")
    _finish(job, utcnow(), report=json.dumps(asdict(report)))
    session.flush()
    return job


def fail(sessions: sessionmaker[Session], job_id: int, attempt: int) -> None:
    """Record that a job's import raised (the import itself was rolled back)."""
    with sessions() as session:
        job = session.get(ImportJob, job_id, with_for_update=True)
        if job is not None and job.status == "running" and job.attempts == attempt:
            _finish(job, utcnow(), error="the import stopped on an unexpected error; it is logged")
            session.commit()


def run_queued(sessions: sessionmaker[Session], now: datetime | None = None) -> int:
    """Run every job waiting, oldest first; how many ran. What the scheduler fires."""
    ran = 0
    while True:
        with sessions() as session:
            claimed = claim_next(session, now or utcnow())
            session.commit()
        if claimed is None:
            return ran
        job_id, attempt = claimed
        try:
            with sessions() as session:
                job = run_claimed(session, job_id, attempt)
                outcome = job.status if job else "taken over by another runner"
                session.commit()
        except Exception:
            log.exception("import job %s failed", job_id)
            fail(sessions, job_id, attempt)
        else:
            log.info("import job %s: %s", job_id, outcome)
        ran += 1
