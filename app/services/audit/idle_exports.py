"""Exports of an audit run within the reader's scope: CSV for spreadsheets, and a PDF a person
reads (the flags as a table with totals, and a bar chart of idle funds by district or CLF)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.formats import percent
from app.services.audit.audit_runs import readable_run
from app.services.audit.idle_detection import FUND_NAMES
from app.services.audit.idle_flags import FlagFilter, filtered
from app.services.shared.pdf import Printer
from app.services.shared.principal import Principal
from models.idle import AuditRun, IdleFlag, IdleObservation, IdleRule
from models.institutions import Institution
from models.money import format_rupees


@dataclass(frozen=True)
class ExportRow:
    flag_id: int
    institution: str
    level: str
    district: str
    clf: str
    fund: str
    rule: str
    balance_paise: int
    days_idle: int
    utilisation_bp: int | None
    last_outflow_on: date | None
    status: str
    reason: str
    fund_key: tuple[int, str] = (0, "")  # (institution id, fund): one idle balance


@dataclass(frozen=True)
class RunExport:
    run: AuditRun
    scope: str  # in words: "Ranchi", or "all states"
    rows: list[ExportRow]

    def _once_per_fund(self) -> list[ExportRow]:
        """One row per fund: two rules flagging one fund (no outflow, low utilisation) flag
        the same money, which the totals count once."""
        seen: dict[tuple[int, str], ExportRow] = {}
        for row in self.rows:
            seen.setdefault(row.fund_key, row)
        return list(seen.values())

    @property
    def total_paise(self) -> int:
        return sum(r.balance_paise for r in self._once_per_fund())

    def by_group(self) -> tuple[str, list[tuple[str, int]]]:
        """Idle funds by district, or by CLF when they all lie in one district."""
        key = "clf" if len({r.district for r in self.rows}) <= 1 else "district"
        sums: dict[str, int] = defaultdict(int)
        for row in self._once_per_fund():
            sums[getattr(row, key) or "(none)"] += row.balance_paise
        return key.upper() if key == "clf" else "District", sorted(
            sums.items(), key=lambda kv: -kv[1]
        )


def _ancestors(session: Session, paths: list[str]) -> dict[int, Institution]:
    ids = {int(p) for path in paths for p in path.strip("/").split("/") if p}
    found: dict[int, Institution] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        found |= {
            i.id: i for i in session.scalars(select(Institution).where(Institution.id.in_(chunk)))
        }
    return found


def _of_kind(path: str, kind: str, known: dict[int, Institution]) -> str:
    for part in path.strip("/").split("/"):
        institution = known.get(int(part))
        if institution is not None and institution.kind == kind:
            return institution.name
    return ""


def run_export(session: Session, who: Principal, run_id: int, under: int | None) -> RunExport:
    """What the run saw, within the reader's scope (and under one institution if asked)."""
    run = readable_run(session, who, run_id)
    flags_query = filtered(session, who, FlagFilter(under=under, run_id=run.id)).subquery()
    rows = session.execute(
        select(IdleFlag, IdleObservation, IdleRule.code)
        .join(flags_query, flags_query.c.id == IdleFlag.id)
        .join(
            IdleObservation,
            (IdleObservation.flag_id == IdleFlag.id) & (IdleObservation.run_id == run.id),
        )
        .join(IdleRule, IdleRule.id == IdleFlag.rule_id)
        .order_by(IdleFlag.path, IdleFlag.fund, IdleFlag.id)
    ).all()
    known = _ancestors(session, [flag.path for flag, _, _ in rows])
    out = [
        ExportRow(
            flag.id,
            known[flag.institution_id].name,
            known[flag.institution_id].kind.upper(),
            _of_kind(flag.path, "district", known),
            _of_kind(flag.path, "clf", known),
            FUND_NAMES[flag.fund],
            code,
            seen.balance_paise,
            seen.days_idle,
            seen.utilisation_bp,
            seen.last_outflow_on,
            flag.status,
            flag.reason,
            (flag.institution_id, flag.fund),
        )
        for flag, seen, code in rows
    ]
    return RunExport(run, _scope_name(session, run, under), out)


def _scope_name(session: Session, run: AuditRun, under: int | None) -> str:
    place = (
        session.get(Institution, under)
        if under
        else session.scalar(select(Institution).where(Institution.path == run.scope_path))
    )
    return place.name if place is not None else "all states"


EXPORT_TYPES = {"csv": "text/csv", "pdf": "application/pdf"}


def export_file(export: RunExport, kind: str) -> tuple[bytes, str, str]:
    """The run's export as a file: its bytes, type and name (`kind` is "csv" or "pdf")."""
    body = export_pdf(export) if kind == "pdf" else export_csv(export).encode()
    return body, EXPORT_TYPES[kind], f"idle-funds-run-{export.run.id}.{kind}"


def export_csv(export: RunExport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "flag_id",
            "institution",
            "level",
            "district",
            "clf",
            "fund",
            "rule",
            "idle_balance",
            "days_idle",
            "utilisation_percent",
            "last_outflow_on",
            "status",
            "reason",
        ]
    )
    for r in export.rows:
        writer.writerow(
            [
                r.flag_id,
                r.institution,
                r.level,
                r.district,
                r.clf,
                r.fund,
                r.rule,
                format_rupees(r.balance_paise),
                r.days_idle,
                percent(r.utilisation_bp),
                r.last_outflow_on.isoformat() if r.last_outflow_on else "",
                r.status,
                r.reason,
            ]
        )
    writer.writerow(["total", "", "", "", "", "", "", format_rupees(export.total_paise)])
    return out.getvalue()


def export_pdf(export: RunExport) -> bytes:
    """An A4 landscape report: heading, the run, a chart by district or CLF, the table."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer

    printer = Printer()
    styles, run = printer.styles, export.run
    story: list[object] = [
        Paragraph(f"Idle funds: audit run {run.id}", styles["Title"]),
        Paragraph(
            f"As of {printer.day(run.as_of)} · {export.scope} · {run.trigger.replace('_', ' ')}"
            f" run by {run.started_by} · status {run.status} · {len(export.rows)} flags ·"
            f" idle funds {printer.money(export.total_paise)}",
            styles["Normal"],
        ),
        Spacer(1, 0.4 * cm),
    ]
    label, groups = export.by_group()
    if groups:
        shown = groups[:12]
        drawing = Drawing(26 * cm, 1.0 * cm * len(shown) + 1.5 * cm)
        chart = HorizontalBarChart()
        chart.x, chart.y = 6 * cm, 0.8 * cm
        chart.width, chart.height = 18 * cm, 1.0 * cm * len(shown)
        # Whole rupees: the chart's geometry only, the figures printed are exact.
        chart.data = [[paise // 100 for _, paise in reversed(shown)]]
        chart.categoryAxis.categoryNames = [name[:30] for name, _ in reversed(shown)]
        chart.categoryAxis.labels.fontName = printer.font
        chart.valueAxis.labels.fontName = printer.font
        chart.valueAxis.valueMin = 0
        chart.valueAxis.labelTextFormat = lambda v: printer.money(int(v) * 100).split(".")[0]
        chart.bars[0].fillColor = colors.HexColor("#b5651d")
        drawing.add(chart)
        story += [Paragraph(f"Idle funds by {label}", styles["Heading2"]), drawing]
    header = ["Institution", "Level", "District", "CLF", "Fund", "Rule", "Idle balance"]
    header += ["Days idle", "Utilisation %", "Last outflow", "Status"]
    body = [
        [
            r.institution[:28],
            r.level,
            r.district[:20],
            r.clf[:20],
            r.fund,
            r.rule,
            printer.money(r.balance_paise),
            str(r.days_idle),
            percent(r.utilisation_bp),
            printer.day(r.last_outflow_on),
            r.status,
        ]
        for r in export.rows
    ]
    total = ["Total", "", "", "", "", "", printer.money(export.total_paise), "", "", "", ""]
    table = printer.table(
        [header, *body, total],
        commands=[
            ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
            ("ALIGN", (6, 0), (8, -1), "RIGHT"),
        ],
    )
    story += [Spacer(1, 0.4 * cm), Paragraph("Flags", styles["Heading2"]), table]
    return printer.build(story, f"Idle funds, run {run.id}", landscape=True)


@dataclass(frozen=True)
class TrendPoint:
    run: AuditRun
    flags: int
    idle_paise: int


def trend(session: Session, who: Principal, under: int | None, runs: int = 24) -> list[TrendPoint]:
    """Idle funds as each of the latest runs saw them, within the reader's scope (and under one
    institution if asked), oldest run first: whether idle money is falling over time."""
    flags_query = filtered(session, who, FlagFilter(under=under)).subquery()
    # Each fund's balance once per run, however many rules flagged it.
    per_fund = (
        select(
            IdleObservation.run_id.label("run_id"),
            func.count().label("flags"),
            func.max(IdleObservation.balance_paise).label("balance"),
        )
        .join(flags_query, flags_query.c.id == IdleObservation.flag_id)
        .group_by(IdleObservation.run_id, flags_query.c.institution_id, flags_query.c.fund)
        .subquery()
    )
    rows = session.execute(
        select(
            per_fund.c.run_id,
            func.sum(per_fund.c.flags),
            func.coalesce(func.sum(per_fund.c.balance), 0),
        )
        .group_by(per_fund.c.run_id)
        .order_by(per_fund.c.run_id.desc())
        .limit(runs)
    ).all()
    found = {
        r.id: r
        for r in session.scalars(select(AuditRun).where(AuditRun.id.in_([row[0] for row in rows])))
    }
    points = [TrendPoint(found[run_id], int(count), int(total)) for run_id, count, total in rows]
    return sorted(points, key=lambda p: (p.run.as_of, p.run.id))
