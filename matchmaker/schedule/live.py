"""The live state of the evening on the schedule grid and the day-of board: the current slot,
who has arrived, who did not come."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from .. import dates
from ..extensions import db
from ..models import (
    CheckIn,
    DayStatus,
    Event,
    MeetingRequest,
    Registration,
    Slot,
    registration_attendees,
)

log = logging.getLogger(__name__)


@dataclass
class LiveState:
    """What the grid shows of the evening: the current slot, who has arrived, and whether
    anything of the evening is recorded yet (before that, arrival marks would be noise)."""

    now: datetime  # local time in the event's time zone
    current_slot_id: int | None
    arrived: set[int]  # companies with at least one attendee checked in
    started: bool

    def side_state(self, meeting: MeetingRequest, company_id: int) -> str:
        """"absent" (marked no-show), "in" (checked in), "waiting", or "" before the evening."""
        if company_id in absent_companies(meeting):
            return "absent"
        if not self.started:
            return ""
        return "in" if company_id in self.arrived else "waiting"


def current_slot(event: Event, now: datetime) -> Slot | None:
    return next((s for s in event.slots if s.starts_at <= now < s.ends_at), None)


def arrived_companies(event: Event) -> set[int]:
    query = (db.select(Registration.company_id).distinct()
             .join(registration_attendees,
                   registration_attendees.c.registration_id == Registration.id)
             .join(CheckIn, CheckIn.user_id == registration_attendees.c.user_id)
             .where(Registration.event_id == event.id, CheckIn.event_id == event.id))
    return set(db.session.scalars(query))


def live_state(event: Event) -> LiveState:
    now = dates.event_now(event)
    slot = current_slot(event, now)
    arrived = arrived_companies(event)
    marked = db.session.scalar(db.select(MeetingRequest.id).where(
        MeetingRequest.event_id == event.id, MeetingRequest.day_status != "").limit(1))
    return LiveState(now, slot and slot.id, arrived, bool(arrived) or marked is not None)


def absent_companies(meeting: MeetingRequest) -> set[int]:
    """The sides marked as not having come."""
    status = meeting.day_status
    absent = set()
    if status in (DayStatus.NO_SHOW_SENDER, DayStatus.NO_SHOW_BOTH):
        absent.add(meeting.sender_id)
    if status in (DayStatus.NO_SHOW_RECIPIENT, DayStatus.NO_SHOW_BOTH):
        absent.add(meeting.recipient_id)
    return absent
