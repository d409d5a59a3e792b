"""What the organizer should do next, worded from the phases and the figures: "12
registrations wait for vetting", "requests close in 2 days: 9 unanswered"."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import dates, phases
from ..events.services import status_counts
from ..extensions import db
from ..models import Event, MeetingRequest, RegistrationStatus, RequestStatus, utcnow


@dataclass(frozen=True)
class Step:
    text: str
    link: str
    urgent: bool = False


def unanswered(event: Event) -> int:
    """Pending requests not past their expiry."""
    return db.session.scalar(db.select(db.func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == event.id,
        MeetingRequest.status == RequestStatus.PENDING.value,
        db.or_(MeetingRequest.expires_at.is_(None), MeetingRequest.expires_at > utcnow())))


def next_steps(event: Event) -> list[Step]:
    now = phases.now_of(event)
    steps = []
    pending = status_counts(event)[RegistrationStatus.PENDING.value]
    if pending:
        steps.append(Step(ngettext("%(num)d registration waits for vetting.",
                                   "%(num)d registrations wait for vetting.", pending),
                          url_for("organizer.registrations", event_id=event.id,
                                  status="pending"), urgent=True))
    closes = event.requests_close_at
    if closes and phases.requests_open(event, now):
        waiting = unanswered(event)
        steps.append(Step(_("Meeting requests close %(when)s: %(n)s unanswered.",
                            when=phases.in_days(phases.days_until(closes, now)),
                            n=waiting),
                          url_for("dashboard.show", event_id=event.id), urgent=bool(waiting)))
    if not event.schedule_published_at and event.schedule_release_at:
        if phases.schedule_released(event, now):
            steps.append(Step(_("The schedule release date has come: generate and publish the "
                                "schedule."), url_for("schedule.index", event_id=event.id),
                              urgent=True))
        else:
            steps.append(Step(_("Publish the schedule on %(when)s.", when=dates.format_datetime(
                event.schedule_release_at)), url_for("schedule.index", event_id=event.id)))
    upcoming = next((s for s in phases.timeline(event, now) if s.state == "next"), None)
    if upcoming and upcoming.phase not in ("requests_close", "schedule_release"):  # said above
        steps.append(Step(_("Next phase: %(phase)s, %(when)s.", phase=upcoming.label,
                            when=dates.format_datetime(upcoming.at)),
                          url_for("events.show", event_id=event.id) + "#timeline"))
    return steps
