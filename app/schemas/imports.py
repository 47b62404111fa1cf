from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.fields import Enum, Text


class ImportArgsSchema(Schema):
    mode = Enum(["dry-run", "apply"], load_default="dry-run")
    source = Text(100, metadata={"description": "A name for the file, kept on each meeting"})


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
    problems = fields.List(fields.Nested(RowProblemSchema))
