from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump

from app.schemas.fields import Enum, SafeDate, Text
from app.services.lending.import_jobs import report_of


class ImportArgsSchema(Schema):
    mode = Enum(["dry-run", "apply"], load_default="dry-run")
    source = Text(100, metadata={"description": "A name for the file, kept on each meeting"})


class MeetingSheetArgsSchema(Schema):
    meeting_date = SafeDate(
        metadata={"description": "The meeting's date; today (India) if left out"}
    )


class RowProblemSchema(Schema):
    row = fields.Integer()
    column = fields.String()
    reason = fields.String()


class ImportReportSchema(Schema):
    applied = fields.Boolean()
    rows = fields.Integer()
    meetings = fields.Integer()
    posted = fields.Integer()
    already_recorded = fields.Integer()
    refused = fields.Integer()
    rows_with_problems = fields.Integer(
        metadata={"description": "How many rows of the file the problems name"}
    )
    problems = fields.List(fields.Nested(RowProblemSchema))


class ImportJobSchema(Schema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "queued, running, done or failed"})
    mode = fields.String()
    source = fields.String()
    rows = fields.Integer()
    file_bytes = fields.Integer()
    file_sha256 = fields.String()
    created_at = fields.DateTime()
    created_by = fields.String()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)
    attempts = fields.Integer()
    report = fields.Nested(
        ImportReportSchema, allow_none=True, metadata={"description": "when done"}
    )
    error = fields.String(allow_none=True, metadata={"description": "when failed"})

    @pre_dump
    def _parsed_report(self, job: Any, **_kwargs: Any) -> dict[str, Any]:
        # The job keeps its report as JSON text; the API shows it as the inline report.
        return {
            **{name: getattr(job, name) for name in self.fields if name != "report"},
            "report": report_of(job),
        }
