"""Writing places: a meeting's slot, table and interpreter, and the two seats (MeetingBooking
rows) that let the database refuse a company in two meetings at once. Used by the generator's
write-back and by manual changes alike."""

from __future__ import annotations

import logging

from ..extensions import db
from ..models import (
    Event,
    Interpreter,
    MeetingBooking,
    MeetingRequest,
    MeetingTable,
    Slot,
)
from .queries import ACCEPTED

log = logging.getLogger(__name__)


def agreed_meetings_held(event: Event) -> list[MeetingRequest]:
    """The agreed meetings as they are now, held until the commit: a concurrent lock, move or
    cancel waits for the write-back (FOR UPDATE on PostgreSQL; on SQLite the write before this
    took the one write lock)."""
    query = (db.select(MeetingRequest).filter_by(event_id=event.id, status=ACCEPTED)
             .order_by(MeetingRequest.id).with_for_update()
             .execution_options(populate_existing=True))
    return list(db.session.scalars(query))


def bump_version(meeting: MeetingRequest) -> None:
    """Calendars take a higher SEQUENCE as "this event changed"."""
    meeting.schedule_version += 1


def change_kind(before: tuple, meeting: MeetingRequest) -> str:
    if meeting.slot_id is None:
        return "meeting_unscheduled"
    return "meeting_moved" if before[0] is not None else "meeting_scheduled"


def release_stale(event: Event) -> None:
    """Meetings called off elsewhere (by a side, or with a rejected company) give back their
    table and seats; their slot stays so that calendars can mark them cancelled."""
    stale = db.select(MeetingRequest.id).where(MeetingRequest.event_id == event.id,
                                               MeetingRequest.status != ACCEPTED)
    db.session.execute(db.delete(MeetingBooking).where(MeetingBooking.request_id.in_(stale)))
    db.session.execute(db.update(MeetingRequest).where(MeetingRequest.id.in_(stale))
                       .values(table_id=None, interpreter_id=None)
                       .execution_options(synchronize_session=False))


def clear_places(meetings: list[MeetingRequest]) -> None:
    ids = [m.id for m in meetings]
    db.session.execute(db.delete(MeetingBooking).where(MeetingBooking.request_id.in_(ids)))
    for meeting in meetings:
        # the relationships too: a page or email read after the change must not see the old
        meeting.slot = meeting.table = meeting.interpreter = None
        set_unscheduled_reason(meeting, "")
    db.session.flush()  # free slot+table pairs before anyone takes them


def set_place(meeting: MeetingRequest, slot: Slot, table: MeetingTable,
              interpreter: Interpreter | None = None) -> None:
    meeting.slot, meeting.table, meeting.interpreter = slot, table, interpreter
    meeting.slot_id, meeting.table_id = slot.id, table.id
    meeting.interpreter_id = interpreter.id if interpreter is not None else None
    set_unscheduled_reason(meeting, "")
    db.session.add_all([MeetingBooking(company_id=company_id, slot_id=slot.id,
                                       request_id=meeting.id)
                        for company_id in (meeting.sender_id, meeting.recipient_id)])


def set_unscheduled_reason(meeting: MeetingRequest, code: str, params: dict | None = None) -> None:
    """Why the meeting has no place, as a code worded when read (``reasons``); clears any
    reason the organizer typed."""
    meeting.unscheduled_code, meeting.unscheduled_params = code, params or {}
    meeting.unscheduled_reason = ""
