"""The trip report as a PDF (fpdf2), A4, in the reader's language.

fpdf2's core font (Helvetica) covers Latin-1, which holds every German and French letter;
the few typographic characters outside it (dashes, quotes, €, …) are mapped to near
equivalents, and anything else (a name in another script) becomes "?" rather than an error."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from .. import dates
from ..models import Outcome, utcnow
from .services import Figures, TripReport
from .tables import TABLE_COLUMNS, cell_text, key_figures

REPLACEMENTS = str.maketrans({
    "–": "-", "—": "-", "‑": "-", "−": "-", "‘": "'", "’": "'", "‚": ",", "“": '"', "”": '"',
    "„": '"', "…": "...", "€": "EUR", "↔": "<->", "\u202f": " ", "\u2009": " ", "•": "-",
    "✓": "x",
})
BLUE, LIGHT_BLUE, AMBER = (47, 111, 176), (143, 181, 220), (224, 165, 38)


def latin1(text: object) -> str:
    return str(text).translate(REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")


class ReportPDF(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=15)
        self.set_title(title)
        self.set_creator("Matchmaker")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(91, 103, 118)
        self.cell(0, 5, latin1(f"{self.report_title} · {self.page_no()}/{{nb}}"), align="C")

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", size)
        self.set_text_color(27, 39, 51)
        self.cell(0, 8, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", size=10)

    def paragraph(self, text: str, size: int = 10) -> None:
        self.set_font("Helvetica", size=size)
        self.multi_cell(0, 5, latin1(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bars(self, items: list[tuple[str, int]], colour=BLUE) -> None:
        """A horizontal bar chart: one labelled bar per item, scaled to the largest."""
        largest = max((value for _, value in items), default=0) or 1
        width = self.epw - 60
        self.set_font("Helvetica", size=9)
        for label, value in items:
            y = self.get_y()
            self.cell(50, 6, latin1(label))
            self.set_fill_color(*colour)
            self.rect(self.l_margin + 52, y + 1, max(width * value / largest, 0.3), 4, style="F")
            self.set_x(self.l_margin + 54 + width * value / largest)
            self.cell(10, 6, str(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)


def render(report: TripReport) -> bytes:
    event = report.event
    pdf = ReportPDF(_("Trip report: %(event)s", event=event.name))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, latin1(pdf.report_title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    when = ", ".join(dates.format_date(day) for day in event.days)
    pdf.paragraph(" · ".join(p for p in (event.venue, event.city, when) if p))
    pdf.paragraph(_("As of %(date)s", date=dates.when(utcnow(), event)), size=8)

    pdf.heading(_("Key figures"))
    _table(pdf, [(label, value) for label, value in key_figures(report.total)], (110, 70))

    pdf.heading(_("Meetings"))
    total = report.total
    pdf.bars([(_("Requested"), total.requested), (_("Agreed"), total.agreed),
              (_("Held"), total.held)])
    pdf.heading(_("What the meetings led to (survey)"))
    pdf.bars([(outcome.label, total.outcome(outcome)) for outcome in Outcome], AMBER)
    pdf.heading(_("Ratings of the meetings (1–5)"))
    pdf.bars([(str(n), count) for n, count in report.rating_histogram.items()], LIGHT_BLUE)

    for breakdown in report.breakdowns:
        pdf.heading(breakdown.title)
        _breakdown_table(pdf, breakdown.label, breakdown.rows + [total])
    if report.comments:
        pdf.heading(_("Comments from the survey"))
        for comment in report.comments:
            pdf.paragraph(f"– {comment}", size=9)
    pdf.heading(_("How the figures are counted"), size=10)
    pdf.paragraph(_("Requested: every meeting request sent. Agreed: requests accepted and not "
                    "called off. Held: agreed meetings marked held on the day. A meeting "
                    "between two groups counts in both. Survey outcomes: per meeting, the most "
                    "advanced outcome either side reported."), size=8)
    return bytes(pdf.output())


HEADINGS = FontFace(emphasis="BOLD", fill_color=(232, 238, 245))


def _table(pdf: FPDF, rows: list[tuple[str, str]], widths: tuple[int, ...]) -> None:
    pdf.set_font("Helvetica", size=10)
    pdf.set_draw_color(204, 213, 224)
    pdf.set_fill_color(255, 255, 255)  # the bar charts leave their colour set
    with pdf.table(col_widths=widths, text_align=("LEFT", "RIGHT"), first_row_as_headings=False,
                   width=sum(widths), align="LEFT", line_height=6) as table:
        for label, value in rows:
            row = table.row()
            row.cell(latin1(label))
            row.cell(latin1(value))


def _breakdown_table(pdf: FPDF, first_heading: str, rows: list[Figures]) -> None:
    """One column per bucket and the total, one row per figure: it stays legible on A4
    portrait with long group names and however many figures the report grows."""
    pdf.set_font("Helvetica", size=9)
    pdf.set_draw_color(204, 213, 224)
    pdf.set_fill_color(255, 255, 255)
    figures = TABLE_COLUMNS[1:]
    label_width = 50
    widths = (label_width, *([(pdf.epw - label_width) / len(rows)] * len(rows)))
    with pdf.table(col_widths=widths, text_align=("LEFT", *("RIGHT",) * len(rows)),
                   headings_style=HEADINGS, line_height=5) as table:
        header = table.row()
        header.cell(latin1(first_heading))
        for bucket in rows:
            header.cell(latin1(bucket.name))
        for key, label in figures:
            row = table.row()
            row.cell(latin1(label))
            for bucket in rows:
                row.cell(latin1(cell_text(bucket, key)))
