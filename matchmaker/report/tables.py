"""What the report's tables show, in one place for the page and the PDF."""

from __future__ import annotations

from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l

from ..models import Outcome
from .services import Figures


def _rate(value: float | None) -> str:
    return "—" if value is None else format_percent(value)


def _average(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, "0.0")


def key_figures(total: Figures) -> list[tuple[str, str]]:
    return [
        (str(_l("Approved companies")), str(total.companies)),
        (str(_l("Meetings requested")), str(total.requested)),
        (str(_l("Meetings agreed")), str(total.agreed)),
        (str(_l("Acceptance rate (agreed of requested)")), _rate(total.acceptance_rate)),
        (str(_l("Meetings held")), str(total.held)),
        (str(_l("Companies without a meeting")), str(total.without_meetings)),
        (str(_l("Ratings")), str(len(total.ratings))),
        (str(_l("Average rating (1–5)")), _average(total.average_rating)),
        (str(_l("Will follow up")), str(total.follow_ups)),
        (str(_l("Survey: people asked")), str(total.invited)),
        (str(_l("Survey: answered")), f"{total.answered} ({_rate(total.response_rate)})"),
        (str(_l("Meetings that led to an offer, a contract or a project")),
         str(total.with_outcome)),
    ]


# (key, heading) of the columns of a breakdown table; the first one's heading is the
# breakdown's own ("Group", "Co-organizer").
TABLE_COLUMNS = [
    ("name", ""), ("companies", _l("Companies")),
    ("requested", _l("Requested")), ("agreed", _l("Agreed")), ("held", _l("Held")),
    ("average_rating", _l("Rating")), ("follow_ups", _l("Follow-ups")),
    ("answered", _l("Answered")),
    # the outcomes' lazy labels: translated when the table is drawn
    *((outcome.value, Outcome._labels()[outcome]) for outcome in (Outcome.OFFER,
                                                                  Outcome.CONTRACT,
                                                                  Outcome.PROJECT)),
]


def cell_text(figures: Figures, key: str) -> str:
    if key == "name":
        return figures.name
    if key == "average_rating":
        return _average(figures.average_rating)
    if key == "answered":
        return f"{figures.answered}/{figures.invited}"
    if key in Outcome.__members__.values():
        return str(figures.outcome(Outcome(key)))
    return str(getattr(figures, key))
