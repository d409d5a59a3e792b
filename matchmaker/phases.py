"""Phases of a trip: the dates on the event when registration closes, profiles become visible,
meeting requests open and close, and the schedule is released.

Every date is optional: an event without dates behaves as if every phase were open (as before
phases existed). Dates are wall times in the event's zone, compared with ``dates.event_now``
(the event clock tests freeze). The rules are asked here and enforced by the features
(``refusal`` returns the words; each feature raises its own error), so that the message is the
same wherever a rule blocks. Organizers are never blocked from looking; they lift a phase with
an audited override (``override``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.exceptions import Forbidden

from . import audit, dates
from .extensions import db
from .models import Event, User

# In time order as a trip usually runs; the keys name the Event columns "<key>_at".
PHASES = ("registration_closes", "profiles_visible", "requests_open", "requests_close",
          "schedule_release")

LABELS = {
    "registration_closes": _l("Registration closes"),
    "profiles_visible": _l("Profiles become visible"),
    "requests_open": _l("Meeting requests open"),
    "requests_close": _l("Meeting requests close"),
    "schedule_release": _l("Schedule released"),
}

# What an organizer's override does: move the date to now ("now") or remove it ("clear"), and
# how the button says it. Offered only while the phase blocks something.
OVERRIDES = {
    "registration_closes": ("clear", _l("Reopen registration")),
    "profiles_visible": ("now", _l("Show profiles now")),
    "requests_open": ("now", _l("Open requests now")),
    "requests_close": ("clear", _l("Reopen requests")),
    "schedule_release": ("now", _l("Release the schedule now")),
}

# (earlier, later, strict, message at the later field): the order that makes sense.
ORDER = (
    ("profiles_visible", "requests_open", False,
     _l("Requests cannot open before the profiles are visible.")),
    ("requests_open", "requests_close", True, _l("Must be after requests open.")),
    ("registration_closes", "requests_close", False,
     _l("Requests cannot close before registration closes.")),
)


def at(event: Event, phase: str) -> datetime | None:
    return getattr(event, f"{phase}_at")


def now_of(event: Event) -> datetime:
    return dates.event_now(event)


def _reached(event: Event, phase: str, now: datetime) -> bool:
    moment = at(event, phase)
    return moment is not None and now >= moment


def _on(event: Event, phase: str) -> str:
    return dates.with_zone(dates.format_datetime(at(event, phase)), event)


# --- the rules -----------------------------------------------------------------------------

def registration_open(event: Event, now: datetime | None = None) -> bool:
    return not _reached(event, "registration_closes", now or now_of(event))


def profiles_visible(event: Event, now: datetime | None = None) -> bool:
    moment = at(event, "profiles_visible")
    return moment is None or (now or now_of(event)) >= moment


def requests_open(event: Event, now: datetime | None = None) -> bool:
    now = now or now_of(event)
    opens = at(event, "requests_open")
    return (opens is None or now >= opens) and not _reached(event, "requests_close", now)


def schedule_released(event: Event, now: datetime | None = None) -> bool:
    moment = at(event, "schedule_release")
    return moment is None or (now or now_of(event)) >= moment


def refusal(event: Event, action: str, now: datetime | None = None) -> str | None:
    """Why ``action`` ("register", "profiles", "send", "answer", "publish") is not possible now,
    in the reader's language; None when it is."""
    now = now or now_of(event)
    if action == "register" and not registration_open(event, now):
        return str(_l("Registration closed on %(when)s. Please contact the organizer if you "
                      "still want to take part.", when=_on(event, "registration_closes")))
    if action == "profiles" and not profiles_visible(event, now):
        return str(_l("The participants’ profiles become visible on %(when)s.",
                      when=_on(event, "profiles_visible")))
    if action in ("send", "answer") and _reached(event, "requests_close", now):
        return str(_l("Meeting requests closed on %(when)s; nothing can be requested or "
                      "answered any more.", when=_on(event, "requests_close")))
    if action == "send" and not requests_open(event, now):
        return str(_l("Meeting requests open on %(when)s. You can look at the profiles until "
                      "then.", when=_on(event, "requests_open")))
    if action == "publish" and not schedule_released(event, now):
        return str(_l("The schedule is to be released on %(when)s. Release it now on the event "
                      "page if you want to publish it earlier.",
                      when=_on(event, "schedule_release")))
    return None


class NotVisibleYet(Forbidden):
    """A participant opens the directory or suggestions before the profiles are visible: say
    when (a 403 with the date, not a bare 404: the event itself is no secret to them)."""

    code = 403

    def __init__(self, message: str):
        super().__init__()
        self.detail = message  # the error page says it (``errors.http_error``)


def require_profiles(viewer) -> None:
    """For the directory, company pages and suggestions; organizers always see them."""
    if viewer.is_organizer:
        return
    message = refusal(viewer.event, "profiles")
    if message:
        raise NotVisibleYet(message)


# --- overrides -----------------------------------------------------------------------------

def overridable(event: Event, now: datetime | None = None) -> list[str]:
    """The phases whose override would change something now."""
    now = now or now_of(event)
    found = []
    for phase, (kind, _label) in OVERRIDES.items():
        moment = at(event, phase)
        if moment is not None and ((kind == "now" and now < moment)
                                   or (kind == "clear" and now >= moment)):
            found.append(phase)
    return found


def override(event: Event, phase: str, actor: User) -> bool:
    """Lift a phase now (open what it keeps closed), audited; False when nothing blocks."""
    now = now_of(event)
    if phase not in overridable(event, now):
        return False
    kind, _label = OVERRIDES[phase]
    before = at(event, phase)
    setattr(event, f"{phase}_at", now.replace(second=0, microsecond=0) if kind == "now"
            else None)
    if phase == "requests_open" and not profiles_visible(event, now):
        event.profiles_visible_at = event.requests_open_at  # requests need profiles to see
    audit.record("phase_overridden", actor, target=event, event=event,
                 details={"phase": phase, "was": before.isoformat(timespec="minutes"),
                          "now": (at(event, phase) or now).isoformat(timespec="minutes")
                          if kind == "now" else ""})
    db.session.flush()
    return True


# --- the timeline --------------------------------------------------------------------------

@dataclass
class Step:
    phase: str
    label: str
    at: datetime
    state: str  # "past", "current" (the last one reached), "next", "later"


def timeline(event: Event, now: datetime | None = None) -> list[Step]:
    """The dated phases in time order, each marked past/current/next/later."""
    now = now or now_of(event)
    dated = sorted((at(event, p), PHASES.index(p), p) for p in PHASES if at(event, p))
    steps = [Step(p, str(LABELS[p]), moment, "past" if now >= moment else "later")
             for moment, _i, p in dated]
    reached = [s for s in steps if s.state == "past"]
    if reached:
        reached[-1].state = "current"
    upcoming = next((s for s in steps if s.state == "later"), None)
    if upcoming:
        upcoming.state = "next"
    return steps


def days_until(moment: datetime, now: datetime) -> int:
    """Whole days left, rounded up: 30 hours are "2 days"."""
    return max(math.ceil((moment - now).total_seconds() / 86400), 0)


def in_days(days: int) -> str:
    if days <= 1:
        return str(_l("within a day"))
    return ngettext("in %(num)d day", "in %(num)d days", days)
