"""What every PDF Bahi prints shares: a font with the rupee sign, amounts in Indian format,
dates as people in India write them, and a document built from a story of flowables."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.formats import indian_date
from models.money import format_inr

FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # has the ₹ sign


class Printer:
    """Fonts and formats for one document: DejaVu Sans and "₹" when the machine has the
    font, else Helvetica and "Rs."."""

    def __init__(self) -> None:
        from reportlab.lib.styles import getSampleStyleSheet
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        if FONT_FILE.exists():
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(FONT_FILE)))
            self.font, self.rupee = "DejaVuSans", "₹"
        else:
            self.font, self.rupee = "Helvetica", "Rs. "
        self.styles = getSampleStyleSheet()
        for style in self.styles.byName.values():
            style.fontName = self.font

    def money(self, paise: int) -> str:
        return format_inr(paise).replace("₹", self.rupee)

    @staticmethod
    def day(d: date | None) -> str:
        return indian_date(d)

    def table(self, rows: Sequence[Sequence[Any]], size: int = 8, **style: Any) -> Any:
        """A table with a shaded heading row; `style` adds TableStyle commands by name."""
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        table = Table([list(r) for r in rows], repeatRows=1, colWidths=style.get("widths"))
        commands = [
            ("FONT", (0, 0), (-1, -1), self.font, size),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
            *style.get("commands", []),
        ]
        table.setStyle(TableStyle(commands))
        return table

    @staticmethod
    def build(story: list[Any], title: str, landscape: bool = False) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.pagesizes import landscape as turned
        from reportlab.platypus import SimpleDocTemplate

        out = io.BytesIO()
        size = turned(A4) if landscape else A4
        SimpleDocTemplate(out, pagesize=size, title=title).build(story)
        return out.getvalue()
