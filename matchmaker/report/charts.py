"""The trip report's charts: pygal SVGs in the dashboard's style, served as images."""

from __future__ import annotations

import pygal
from flask_babel import gettext as _

from ..dashboard.charts import COMMON, _without_scripts
from ..models import Outcome
from .services import TripReport


def meetings(report: TripReport) -> pygal.Graph:
    """Requested, agreed and held, per bucket of the first breakdown (or for the event)."""
    rows = report.breakdowns[0].rows if report.breakdowns else [report.total]
    chart = pygal.Bar(**COMMON, title=_("Meetings requested, agreed and held"))
    chart.x_labels = [row.name for row in rows]
    chart.add(_("Requested"), [row.requested for row in rows])
    chart.add(_("Agreed"), [row.agreed for row in rows])
    chart.add(_("Held"), [row.held for row in rows])
    return chart


def outcomes(report: TripReport) -> pygal.Graph:
    chart = pygal.Bar(**COMMON, show_legend=False,
                      title=_("What the meetings led to (survey)"))
    chart.x_labels = [outcome.label for outcome in Outcome]
    chart.add(_("Meetings"), [report.total.outcome(outcome) for outcome in Outcome])
    return chart


def ratings(report: TripReport) -> pygal.Graph:
    chart = pygal.Bar(**COMMON, show_legend=False, title=_("Ratings of the meetings (1–5)"))
    chart.x_labels = [str(n) for n in report.rating_histogram]
    chart.add(_("Ratings"), list(report.rating_histogram.values()))
    return chart


CHARTS = {"meetings": meetings, "outcomes": outcomes, "ratings": ratings}


def render_svg(name: str, report: TripReport) -> bytes:
    chart = CHARTS[name](report)
    chart.config.no_data_text = _("No data yet")
    return _without_scripts(chart.render())
