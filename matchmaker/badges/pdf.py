"""Printable badges: A6 pages, or sheets of eight (2 × 4) on A4 to cut along the lines.

Each badge carries the event, the person's name, company, country and group, and a QR code of
the badge URL. Text is set in DejaVu Sans when the system has it (every script a name may be
written in, as far as the font goes); otherwise in the PDF's built-in Helvetica, which only
knows Latin-1, with other characters replaced."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from flask import current_app
from fpdf import FPDF

LAYOUTS = ("a6", "a4")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
A4_COLUMNS, A4_ROWS = 2, 4


@dataclass
class BadgeFace:
    """What one badge shows."""

    event: str
    name: str
    company: str
    country: str
    group: str
    url: str
    code: str  # the token, printed under the QR code to be typed when no camera works


class BadgePdf(FPDF):
    def __init__(self, layout: str):
        super().__init__(unit="mm", format=(105, 148) if layout == "a6" else "A4")
        self.layout = layout
        self.set_auto_page_break(False)
        self.set_margin(0)
        self.unicode = self._add_fonts()

    def _add_fonts(self) -> bool:
        folder = Path(current_app.config.get("BADGE_FONT_DIR") or
                      "/usr/share/fonts/truetype/dejavu")
        if not all((folder / name).is_file() for name in FONT_FILES.values()):
            return False
        for style, name in FONT_FILES.items():
            self.add_font("badge", style, str(folder / name))
        return True

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font("badge" if self.unicode else "helvetica", "B" if bold else "", size)

    def text_of(self, text: str) -> str:
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")


def _qr_png(url: str) -> io.BytesIO:
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return buffer


def _line(pdf: BadgePdf, x: float, width: float, text: str, size: float, bold=False,
          grey=False) -> None:
    """One line, shrunk until it fits the width (long company names), never wrapped."""
    text = pdf.text_of(text)
    while size > 6:
        pdf.font(size, bold)
        if pdf.get_string_width(text) <= width:
            break
        size -= 0.5
    pdf.set_text_color(90 if grey else 0)
    pdf.set_x(x)
    pdf.cell(width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")


def _draw(pdf: BadgePdf, face: BadgeFace, x: float, y: float, w: float, h: float) -> None:
    """A tall badge (A6) has the QR code under the text; a wide one (the A4 sheet's eighths)
    has it at the bottom right, the name and company above it across the whole width."""
    pad = 6
    pdf.set_draw_color(200)
    pdf.rect(x, y, w, h)  # the line to cut along
    tall = h > w
    qr = min(w, h) * (0.5 if tall else 0.42)
    wide, beside = w - 2 * pad, (w - 2 * pad if tall else w - 3 * pad - qr)
    pdf.set_y(y + pad)
    _line(pdf, x + pad, wide, face.event, 8, grey=True)
    pdf.ln(2)
    _line(pdf, x + pad, wide, face.name, 20 if tall else 16, bold=True)
    pdf.ln(1)
    _line(pdf, x + pad, wide, face.company, 13 if tall else 11)
    _line(pdf, x + pad, beside, face.country, 10, grey=True)
    if face.group:
        _line(pdf, x + pad, beside, face.group, 10, grey=True)
    qr_x = x + (w - qr) / 2 if tall else x + w - pad - qr
    qr_y = y + h - pad - qr - 3
    pdf.image(_qr_png(face.url), qr_x, qr_y, qr, qr)
    pdf.font(7)
    pdf.set_text_color(60)
    pdf.set_xy(qr_x - 10, qr_y + qr)
    pdf.cell(qr + 20, 3.5, face.code, align="C")


def badges_pdf(faces: list[BadgeFace], layout: str = "a6") -> bytes:
    pdf = BadgePdf(layout)
    pdf.set_title("Badges")
    pdf.set_creator("Matchmaker")
    if layout == "a6":
        for face in faces:
            pdf.add_page()
            _draw(pdf, face, 0, 0, pdf.w, pdf.h)
    else:
        cell_w, cell_h = pdf.w / A4_COLUMNS, pdf.h / A4_ROWS
        for index, face in enumerate(faces):
            place = index % (A4_COLUMNS * A4_ROWS)
            if place == 0:
                pdf.add_page()
            _draw(pdf, face, (place % A4_COLUMNS) * cell_w, (place // A4_COLUMNS) * cell_h,
                  cell_w, cell_h)
    if not faces:
        pdf.add_page()
    return bytes(pdf.output())
