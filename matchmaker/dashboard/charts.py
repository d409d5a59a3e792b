"""Server-side SVG charts (pygal) for the dashboard; each page also shows its numbers as a table.

Charts are served as separate SVG images, so nothing of them runs in the page. The XML parser
only ever reads pygal's own output, never user input (hence the S405/S314 suppressions)."""

from __future__ import annotations

from itertools import accumulate
from xml.etree import ElementTree  # noqa: S405  # nosec B405

import pygal
from flask_babel import gettext as _
from pygal.style import Style

from .. import dates
from ..engine.taxonomy import load_taxonomy
from ..i18n import current_language
from ..models import RegistrationStatus
from .services import Dashboard

STYLE = Style(
    background="#ffffff", plot_background="#ffffff", foreground="#1b2733",
    foreground_strong="#1b2733", foreground_subtle="#5b6776",
    colors=("#2f6fb0", "#8fb5dc", "#e0a526", "#7a5fb0", "#3c9a6b", "#c0504d"),
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=13, major_label_font_size=13, legend_font_size=13, title_font_size=16,
    value_font_size=12,
)
SVG_NS = "http://www.w3.org/2000/svg"
ElementTree.register_namespace("", SVG_NS)
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")

COMMON = dict(style=STYLE, js=[], width=720, height=360, print_values=False, order_min=0,
              legend_at_bottom=True, truncate_label=-1, margin=16)


def registrations(data: Dashboard) -> pygal.Graph:
    chart = pygal.Bar(**COMMON, show_legend=False, title=_("Registrations by status"))
    chart.x_labels = [status.label for status in RegistrationStatus]  # vetting's every stage
    chart.add(_("Companies"), [data.registrations.get(status.value, 0)
                               for status in RegistrationStatus])
    return chart


def requests(data: Dashboard) -> pygal.Graph:
    chart = pygal.Bar(**COMMON, show_legend=False, title=_("Meeting requests by status"))
    chart.x_labels = [status.label for status in data.requests]
    chart.add(_("Requests"), list(data.requests.values()))
    return chart


def acceptance(data: Dashboard) -> pygal.Graph:
    chart = pygal.Line(**COMMON, title=_("Requests sent and accepted, cumulative"),
                       x_label_rotation=30)
    chart.x_labels = [dates.format_date(day.day) for day in data.requests_by_day]
    chart.add(_("Sent"), list(accumulate(day.sent for day in data.requests_by_day)))
    chart.add(_("Accepted"), list(accumulate(day.accepted for day in data.requests_by_day)))
    return chart


def slot_load(data: Dashboard) -> pygal.Graph:
    chart = pygal.StackedBar(**COMMON, title=_("Meetings per slot against table capacity"),
                             x_label_rotation=30)
    chart.x_labels = [dates.slot_label(load.slot) for load in data.slot_load]
    chart.add(_("Scheduled meetings"), [load.meetings for load in data.slot_load])
    chart.add(_("Free tables"), [max(load.capacity - load.meetings, 0) for load in data.slot_load])
    return chart


def company_meetings(data: Dashboard) -> pygal.Graph:
    rows = data.companies
    chart = pygal.HorizontalBar(**{**COMMON, "height": max(360, 22 * len(rows) + 120)},
                                title=_("Agreed meetings per company"))
    chart.x_labels = [row.company.name for row in rows]
    chart.add(_("Agreed"), [row.agreed for row in rows])
    chart.add(_("Scheduled"), [row.scheduled for row in rows])
    return chart


def tag_coverage(data: Dashboard) -> pygal.Graph:
    taxonomy = load_taxonomy()
    lang = current_language()
    chart = pygal.Bar(**COMMON, title=_("Companies per capability family and country"))
    families = [family for family in taxonomy.families]
    chart.x_labels = [family.label(lang) for family in families]
    countries = sorted({c for counts in data.tag_coverage.values() for c in counts})
    for country in countries:
        chart.add(country, [data.tag_coverage[f.id].get(country, 0) for f in families])
    return chart


CHARTS = {
    "registrations": registrations,
    "requests": requests,
    "acceptance": acceptance,
    "slots": slot_load,
    "companies": company_meetings,
    "tags": tag_coverage,
}


def render_svg(name: str, data: Dashboard) -> bytes:
    chart = CHARTS[name](data)
    chart.config.no_data_text = _("No data yet")
    return _without_scripts(chart.render())


def _without_scripts(svg: bytes) -> bytes:
    """pygal always embeds its tooltip config as a <script>; a static image needs none."""
    root = ElementTree.fromstring(svg)  # noqa: S314  # nosec B314
    for parent in root.iter():
        for child in [c for c in parent if c.tag == f"{{{SVG_NS}}}script"]:
            parent.remove(child)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
