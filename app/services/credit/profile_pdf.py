"""The one-page credit profile a loan officer files: who (masked), the consent it was read
under, score and reasons, eligibility, her loans with the 36-month grid as a coloured strip,
savings and attendance."""

from __future__ import annotations

from typing import Any

from app.formats import dpd_colour
from app.services.credit.consents import CreditProfile
from app.services.credit.readiness import Readiness
from app.services.shared.pdf import Printer


def _strip(printer: Printer, grid: list[int | None]) -> Any:
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib import colors
    from reportlab.lib.units import cm

    cell = 0.42 * cm
    drawing = Drawing(cell * len(grid), 0.45 * cm)
    for i, days in enumerate(grid):
        drawing.add(
            Rect(
                i * cell,
                0,
                cell - 1,
                0.4 * cm,
                fillColor=colors.HexColor(dpd_colour(days)),
                strokeColor=None,
            )
        )
    return drawing


def points_line(ready: Readiness) -> str:
    """An expert score's points in one line: where it starts and what each characteristic
    added."""
    parts = [f"{p.words} {p.points:+d}" for p in ready.points or []]
    return f"Points: {ready.base_score} to start; " + "; ".join(parts) + "."


def profile_pdf(profile: CreditProfile) -> bytes:
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer

    printer = Printer()
    styles = printer.styles
    who, consent, history, ready = (
        profile.identity,
        profile.consent,
        profile.history,
        profile.readiness,
    )
    score = (
        f"{ready.title}: {ready.score} ({ready.note})"
        if ready.score is not None
        else f"{ready.title}: insufficient history"
    )
    story: list[Any] = [
        Paragraph(f"Credit profile: {who.name}", styles["Title"]),
        Paragraph(
            f"Member {who.member_id}{f' · code {who.member_code}' if who.member_code else ''}"
            f" · {who.shg} · {who.district} · as of {printer.day(history.as_of)} · read under"
            f" consent {consent.id} ({consent.purpose_text}, until"
            f" {printer.day(consent.expires_on)})",
            styles["Normal"],
        ),
        Spacer(1, 0.3 * cm),
        Paragraph(score, styles["Heading2"]),
    ]
    for line in officer_lines(ready) or ready.missing:
        story.append(Paragraph(f"• {line}", styles["Normal"]))
    if ready.points and ready.score is not None:
        story.append(Paragraph(points_line(ready), styles["Normal"]))
    story += [
        Paragraph(
            f"Suggested individual loan: {printer.money(ready.eligibility.suggested_loan_paise)}"
            f" ({ready.eligibility.loan_reason})",
            styles["Normal"],
        ),
        *(
            Paragraph(f"Interest subvention: {line}", styles["Normal"])
            for line in ready.eligibility.subvention
        ),
        Spacer(1, 0.3 * cm),
        Paragraph("Loans (36 months, oldest first)", styles["Heading2"]),
    ]
    rows: list[list[Any]] = [["Loan", "Sanctioned", "Disbursed", "Outstanding", "DPD", "Worst"]]
    for loan in history.loans:
        rows.append(
            [
                f"{loan.loan_id} ({loan.fund_source})",
                printer.money(loan.sanctioned_paise),
                printer.day(loan.disbursed_on),
                printer.money(loan.outstanding_paise),
                str(loan.overdue_days),
                str(loan.worst_days_past_due),
            ]
        )
        rows.append([_strip(printer, loan.grid), "", "", "", "", ""])
    if len(rows) > 1:
        spans = [("SPAN", (0, i), (-1, i)) for i in range(2, len(rows), 2)]
        widths = [w * cm for w in (4.2, 2.8, 2.4, 2.8, 1.6, 1.6)]
        story.append(printer.table(rows, commands=spans, widths=widths))
    else:
        story.append(Paragraph("No loans on her SHG's books.", styles["Normal"]))
    s, a = history.savings, history.attendance
    story += [
        Paragraph("Savings and meetings", styles["Heading2"]),
        Paragraph(
            f"Savings {printer.money(s.balance_paise)}; saved in {s.months_saved} of"
            f" {s.months_in_window} months on record; longest run {s.longest_streak} months."
            f" Attended {a.present} of {a.meetings} meetings in the last 12 months.",
            styles["Normal"],
        ),
        Paragraph(
            "Strip: green on time, yellow 1-30, orange 31-60, red 61-90, purple over 90 days"
            " past due, grey not running.",
            styles["Italic"],
        ),
    ]
    return printer.build(story, f"Credit profile {who.member_id}")


def officer_lines(ready: Readiness) -> list[str]:
    """Why her score is not higher, for the officer, with the points each reason cost."""
    return [
        r.words if r.points_lost is None else f"{r.words} (-{r.points_lost} points)"
        for r in ready.for_officer
    ]
