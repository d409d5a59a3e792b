"""A participant's own record of a meeting, kept from the phone (often offline, sent later
through the outbox): whether it took place and a private note. Organizers mark meetings on the
day-of board (``dayof``); this is the company's side and is seen by no one else."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .. import dates
from ..access import Viewer
from ..extensions import db
from ..models import MeetingNote, MeetingRequest, RequestStatus, User, utcnow
from .errors import ScheduleError
from .queries import is_published, is_scheduled

NOTE_MAX = 2000


def notes_of(company_id: int, meetings: list[MeetingRequest]) -> dict[int, MeetingNote]:
    """The company's notes on these meetings, by meeting id."""
    ids = [m.id for m in meetings]
    if not ids:
        return {}
    rows = db.session.scalars(db.select(MeetingNote).where(
        MeetingNote.company_id == company_id, MeetingNote.request_id.in_(ids)))
    return {row.request_id: row for row in rows}


def _own_row(viewer: Viewer, meeting: MeetingRequest) -> MeetingNote:
    if viewer.company_id not in (meeting.sender_id, meeting.recipient_id):
        raise ScheduleError(_l("Only the companies of a meeting can keep notes on it."))
    row = db.session.scalar(db.select(MeetingNote).filter_by(request_id=meeting.id,
                                                             company_id=viewer.company_id))
    return row or MeetingNote(request_id=meeting.id, company_id=viewer.company_id, note="")


def _save(row: MeetingNote, user: User) -> MeetingNote:
    row.updated_by_id, row.updated_at = user.id, utcnow()
    db.session.add(row)
    db.session.flush()
    return row


def mark_held(viewer: Viewer, meeting: MeetingRequest, held: bool | None) -> MeetingNote:
    """Say whether the meeting took place (None: take the answer back). Setting the same
    answer again changes nothing, so a resent action is harmless even without its key."""
    if not is_scheduled(meeting) or not is_published(viewer.event):
        raise ScheduleError(_l("Only a scheduled meeting can be marked."))
    if held is not None and dates.event_now(viewer.event) < meeting.slot.starts_at:
        raise ScheduleError(_l("The meeting at %(time)s has not begun yet.",
                               time=dates.slot_label(meeting.slot)))
    row = _own_row(viewer, meeting)
    if row.id is not None and row.held is held:
        return row
    row.held = held
    return _save(row, viewer.user)


def save_note(viewer: Viewer, meeting: MeetingRequest, text: str) -> MeetingNote:
    """Replace the company's private note on an agreed meeting (the whole text, so that
    sending it twice leaves the same note)."""
    if meeting.status != RequestStatus.ACCEPTED:
        raise ScheduleError(_l("Notes can be kept on agreed meetings only."))
    text = text.strip()
    if len(text) > NOTE_MAX:
        raise ScheduleError(_l("A note has at most %(n)d characters.", n=NOTE_MAX))
    row = _own_row(viewer, meeting)
    row.note = text
    return _save(row, viewer.user)
