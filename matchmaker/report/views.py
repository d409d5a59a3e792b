"""The trip report: a printable page, its charts and a PDF download (a POST: audited)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user
from flask_wtf import FlaskForm

from .. import access, audit
from ..access import Capability, event_staff
from ..dashboard.views import CHART_CSP
from ..models import Event, utcnow
from ..security import talisman
from ..web import get_or_404
from . import charts, pdf
from .services import trip_report
from .tables import TABLE_COLUMNS, cell_text, key_figures

bp = Blueprint("report", __name__, url_prefix="/organizer/events/<int:event_id>")


class DownloadForm(FlaskForm):
    """A bare POST with its CSRF token."""


@bp.route("/report")
@event_staff(Capability.MANAGE)
def show(event_id: int):
    event = get_or_404(Event, event_id)
    return render_template("report/show.html", event=event, viewer=access.viewer_of(event),
                           report=trip_report(event), key_figures=key_figures,
                           columns=TABLE_COLUMNS, cell_text=cell_text, form=DownloadForm(),
                           now=utcnow())


@bp.route("/report/charts/<name>.svg")
@event_staff(Capability.MANAGE)
@talisman(content_security_policy=CHART_CSP)
def chart(event_id: int, name: str):
    if name not in charts.CHARTS:
        abort(404)
    event = get_or_404(Event, event_id)
    return Response(charts.render_svg(name, trip_report(event)), mimetype="image/svg+xml")


@bp.route("/report.pdf", methods=["POST"])  # recorded in the audit log: a write
@event_staff(Capability.MANAGE)
def download(event_id: int):
    event = get_or_404(Event, event_id)
    if not DownloadForm().validate_on_submit():
        abort(400)
    report = trip_report(event)
    audit.record("export", current_user, target=event, event=event,
                 details={"what": "trip_report", "format": "pdf",
                          "rows": report.total.agreed})
    slug = re.sub(r"[^a-z0-9]+", "-", event.name.lower()).strip("-")[:40] or "event"
    response = Response(pdf.render(report), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-trip-report.pdf"'
    return response
