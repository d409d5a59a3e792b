"""The organizer's manual changes: move, swap, take off, cancel, lock. Each is checked on the
board first; after publication both companies are told."""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Event,
    Interpreter,
    MeetingBooking,
    MeetingRequest,
    MeetingTable,
    RequestStatus,
    Slot,
    User,
    utcnow,
)
from ..notifications.services import notify_meeting_change
from .board import AUTO, Board, check_changeable, check_groups_may_meet, seat_of
from .errors import ScheduleError
from .places import bump_version, clear_places, release_stale, set_place
from .queries import ACCEPTED, is_published, is_scheduled

log = logging.getLogger(__name__)


def move(event: Event, meeting: MeetingRequest, slot: Slot, table: MeetingTable | None,
         interpreter: Interpreter | str | None = AUTO) -> MeetingTable:
    """Put a meeting into ``slot`` at ``table`` (None: its company's reserved place, else the
    first free table) with ``interpreter`` (AUTO: its own if free then, else any who may)."""
    check_changeable(event, meeting)
    check_groups_may_meet(event, meeting)
    release_stale(event)
    placement = Board.load(event).place(meeting, slot, table, interpreter)
    if placement.problem:
        raise ScheduleError(placement.problem)
    table, chosen = placement.table, placement.interpreter
    chosen_id = chosen.id if chosen is not None else None
    if (meeting.slot_id, meeting.table_id, meeting.interpreter_id) != (slot.id, table.id,
                                                                        chosen_id):
        kind = "meeting_moved" if is_scheduled(meeting) else "meeting_scheduled"
        clear_places([meeting])
        set_place(meeting, slot, table, chosen)
        bump_version(meeting)
        _tell(event, [(meeting, kind)])
    return table


def swap(event: Event, first: MeetingRequest, second: MeetingRequest) -> None:
    """Two scheduled meetings trade their slots and tables (each keeps its interpreter if
    free in the new slot, else gets one who is)."""
    check_changeable(event, first, second)
    check_groups_may_meet(event, first, second)
    if first.id == second.id or not (is_scheduled(first) and is_scheduled(second)):
        raise ScheduleError(_l("Choose two different scheduled meetings to swap."))
    release_stale(event)
    board, both = Board.load(event), frozenset({first.id, second.id})
    targets = {first.id: (second.slot, second.table), second.id: (first.slot, first.table)}
    placements, extra = {}, ()
    for meeting in (first, second):
        placement = board.place(meeting, *targets[meeting.id], ignoring=both, extra=extra)
        if placement.problem:
            raise ScheduleError(placement.problem)
        placements[meeting.id] = placement
        extra += (seat_of(meeting, targets[meeting.id][0], placement.table,
                          placement.interpreter),)
    clear_places([first, second])
    for meeting in (first, second):
        set_place(meeting, targets[meeting.id][0], placements[meeting.id].table,
                  placements[meeting.id].interpreter)
        bump_version(meeting)
    _tell(event, [(first, "meeting_moved"), (second, "meeting_moved")])


def unschedule(event: Event, meeting: MeetingRequest, reason: str) -> None:
    """Take a meeting off the grid; it stays agreed and waits in the unscheduled list."""
    check_changeable(event, meeting)
    if not is_scheduled(meeting):
        return
    clear_places([meeting])
    meeting.unscheduled_reason = reason.strip()
    meeting.unscheduled_code = "" if meeting.unscheduled_reason else "taken_off"
    bump_version(meeting)
    _tell(event, [(meeting, "meeting_unscheduled")])


def cancel(event: Event, meeting: MeetingRequest, organizer: User, reason: str) -> None:
    """Call the meeting off. Its slot stays recorded: calendars show it cancelled."""
    check_changeable(event, meeting)
    db.session.execute(db.delete(MeetingBooking).filter_by(request_id=meeting.id))
    meeting.status, meeting.open_pair_key = RequestStatus.CANCELLED.value, None
    meeting.table_id, meeting.interpreter_id, meeting.closed_at = None, None, utcnow()
    meeting.reason = reason.strip()
    meeting.reason_code = "" if meeting.reason else "organizer_cancelled"
    _tell(event, [(meeting, "meeting_cancelled")])


def set_locked(event: Event, meeting: MeetingRequest, locked: bool) -> None:
    """A locked meeting keeps its place when the schedule is generated again."""
    # One conditional UPDATE: a write-back that took the meeting off the grid meanwhile
    # (and committed first) leaves nothing to lock, instead of a locked meeting without a place.
    placed = db.and_(MeetingRequest.status == ACCEPTED, MeetingRequest.slot_id.is_not(None),
                     MeetingRequest.table_id.is_not(None))
    result = db.session.execute(
        db.update(MeetingRequest).where(MeetingRequest.id == meeting.id, placed if locked
                                        else db.true()).values(locked=locked)
        .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(meeting)
    if result.rowcount == 0:
        raise ScheduleError(_l("Only a scheduled meeting can be locked."))


def _tell(event: Event, changes: list[tuple[MeetingRequest, str]]) -> None:
    try:
        db.session.flush()
    except IntegrityError as error:  # someone took the seat or table a moment ago
        db.session.rollback()
        raise ScheduleError(_l("Someone else changed the schedule at the same moment. "
                               "Please look again and retry.")) from error
    if is_published(event):
        for meeting, kind in changes:
            notify_meeting_change(meeting, kind)


def set_interpreter_wanted(event: Event, meeting: MeetingRequest, wanted: bool) -> None:
    """Ask for an interpreter although the sides share a language (or stop asking); the
    place stays until the next generation or move, which then honour it."""
    if meeting.status != ACCEPTED:
        raise ScheduleError(_l("Only agreed meetings can be scheduled."))
    meeting.interpreter_wanted = wanted
    db.session.flush()
