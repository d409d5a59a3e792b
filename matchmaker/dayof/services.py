"""Day-of operations on the evening itself: who has arrived, how each meeting went, and
bumping a late meeting to a later free slot. A
bump goes through the schedule's ``edits.move()``, which checks every hard rule and tells both
companies once the schedule is published.

Check-in times are stored in UTC like every other timestamp and shown in the event's time
zone; "now" is ``dates.event_now()``, the local time slots are written in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit, dates
from ..extensions import db
from ..models import (
    CheckIn,
    DayStatus,
    Event,
    MeetingRequest,
    Registration,
    RegistrationStatus,
    Slot,
    User,
    registration_attendees,
    utcnow,
)
from ..schedule import board as schedule_board
from ..schedule.edits import move
from ..schedule.errors import ScheduleError
from ..schedule.live import LiveState, live_state
from ..schedule.queries import approved_registrations, grid, is_scheduled
from ..unit_of_work import ServiceError

MARKS = ("", *(status.value for status in DayStatus))  # "" clears the mark
NO_SHOWS = (DayStatus.NO_SHOW_SENDER, DayStatus.NO_SHOW_RECIPIENT, DayStatus.NO_SHOW_BOTH)
SHOW_FILTERS = ("all", "waiting", "in")


class DayOfError(ServiceError):
    """A day-of action was refused; the message says why, for the organizer."""


# --- check-in ------------------------------------------------------------------------------

@dataclass
class Attendee:
    user: User
    registration: Registration
    check_in: CheckIn | None
    checked_in_local: datetime | None  # the check-in time in the event's time zone


@dataclass
class CheckInList:
    attendees: list[Attendee]  # every attending member of the approved companies
    shown: list[Attendee]  # those the search and the filter leave
    without_attendees: list[Registration]  # approved companies that named nobody

    @property
    def checked_in(self) -> int:
        return sum(a.check_in is not None for a in self.attendees)

    @property
    def companies_expected(self) -> int:
        return len({a.registration.company_id for a in self.attendees})

    @property
    def companies_in(self) -> int:
        return len({a.registration.company_id for a in self.attendees if a.check_in})


def _check_ins(event: Event) -> dict[int, CheckIn]:
    return {c.user_id: c for c in db.session.scalars(db.select(CheckIn).filter_by(
        event_id=event.id))}


def check_in_list(event: Event, search: str = "", show: str = "all") -> CheckInList:
    """The attendees of the approved companies, by company, with who has arrived; ``search``
    looks in names, emails and company names, ``show`` is one of SHOW_FILTERS."""
    check_ins, attendees, without = _check_ins(event), [], []
    for registration in approved_registrations(event):
        if not registration.attendees:
            without.append(registration)
        for user in registration.attendees:
            found = check_ins.get(user.id)
            attendees.append(Attendee(user, registration, found, found and dates.wall_time(
                found.checked_in_at, event)))
    needle = search.strip().lower()
    shown = [a for a in attendees if _matches(a, needle) and _passes(a, show)]
    return CheckInList(attendees, shown, without)


def _matches(attendee: Attendee, needle: str) -> bool:
    text = f"{attendee.user.name} {attendee.user.email} {attendee.registration.company.name}"
    return not needle or needle in text.lower()


def _passes(attendee: Attendee, show: str) -> bool:
    if show == "in":
        return attendee.check_in is not None
    return attendee.check_in is None if show == "waiting" else True


def attendee_of(event: Event, user_id: int) -> tuple[User, Registration] | None:
    """The user and the approved registration through which they attend ``event``, if any."""
    registration = db.session.scalar(
        db.select(Registration)
        .join(registration_attendees, registration_attendees.c.registration_id == Registration.id)
        .where(Registration.event_id == event.id, registration_attendees.c.user_id == user_id,
               Registration.status == RegistrationStatus.APPROVED.value))
    return (db.session.get(User, user_id), registration) if registration else None


def check_in(event: Event, user: User, registration: Registration, actor: User) -> bool:
    """Record that ``user`` has arrived; False if they already had."""
    if db.session.scalar(db.select(CheckIn.id).filter_by(event_id=event.id,
                                                         user_id=user.id)) is not None:
        return False
    db.session.add(CheckIn(event_id=event.id, user_id=user.id, checked_in_by_id=actor.id))
    try:  # written before the audit entry, whose queries would flush it outside this try
        db.session.flush()
    except IntegrityError:  # a colleague at the other door was a moment faster
        db.session.rollback()
        return False
    audit.record("attendee_checked_in", actor, target=user, event=event,
                 details={"company": registration.company.name})
    db.session.flush()
    return True


def undo_check_in(event: Event, user: User, registration: Registration, actor: User) -> bool:
    """Take back a check-in made by mistake; False if there was none."""
    found = db.session.scalar(db.select(CheckIn).filter_by(event_id=event.id, user_id=user.id))
    if found is None:
        return False
    db.session.delete(found)
    audit.record("check_in_undone", actor, target=user, event=event,
                 details={"company": registration.company.name})
    db.session.flush()
    return True


def status_text(meeting: MeetingRequest) -> str:
    """The meeting's day-of mark in words, naming the side that did not come."""
    texts = {
        DayStatus.HELD: _l("Held"),
        DayStatus.LATE: _l("Running late"),
        DayStatus.NO_SHOW_SENDER: _l("No-show: %(name)s", name=meeting.sender.name),
        DayStatus.NO_SHOW_RECIPIENT: _l("No-show: %(name)s", name=meeting.recipient.name),
        DayStatus.NO_SHOW_BOTH: _l("No-show: both companies"),
    }
    return str(texts.get(meeting.day_status, _l("Not marked")))


# --- meetings on the evening ---------------------------------------------------------------

@dataclass
class DaySlot:
    slot: Slot
    meetings: list[MeetingRequest]  # in table order
    begun: bool
    is_now: bool


@dataclass
class DayBoard:
    live: LiveState
    slots: list[DaySlot]  # the slots that have meetings, in time order
    bump_options: dict[int, list[Slot]]  # late meeting id → later slots that work
    counts: Counter  # day status ("" when not marked) → meetings

    @property
    def meeting_count(self) -> int:
        return sum(len(s.meetings) for s in self.slots)


def day_board(event: Event) -> DayBoard:
    live, on_grid = live_state(event), grid(event)
    slots = []
    for slot in on_grid.slots:
        meetings = [on_grid.cells[(t.id, slot.id)] for t in on_grid.tables
                    if (t.id, slot.id) in on_grid.cells]
        if meetings:
            slots.append(DaySlot(slot, meetings, slot.starts_at <= live.now,
                                 slot.id == live.current_slot_id))
    late = [m for m in on_grid.cells.values() if m.day_status == DayStatus.LATE]
    options = {m.id: bump_options(event, m, live.now) for m in late}
    counts = Counter(m.day_status for m in on_grid.cells.values())
    return DayBoard(live, slots, options, counts)


def _meeting_label(meeting: MeetingRequest) -> str:
    return f"{meeting.sender.name} – {meeting.recipient.name}"


def mark(event: Event, meeting: MeetingRequest, status: str, actor: User) -> None:
    """Mark a scheduled meeting held, no-show (which side) or running late; "" clears it."""
    if status not in MARKS:
        raise DayOfError(_l("Choose held, no-show or running late."))
    if not is_scheduled(meeting):
        raise DayOfError(_l("Only a scheduled meeting can be marked."))
    if status and dates.event_now(event) < meeting.slot.starts_at:
        raise DayOfError(_l("The meeting at %(time)s has not begun yet.",
                            time=dates.slot_label(meeting.slot)))
    if status == meeting.day_status:
        return
    audit.record("meeting_marked", actor, target=meeting, event=event,
                 details={"meeting": _meeting_label(meeting), "status": status or "cleared"})
    meeting.day_status, meeting.day_status_at = status, (utcnow() if status else None)
    db.session.flush()


def _is_later(slot: Slot, meeting: MeetingRequest, now: datetime) -> bool:
    """After the meeting's own slot, and not begun yet."""
    return slot.starts_at > meeting.slot.starts_at and slot.starts_at >= now


def bump_options(event: Event, meeting: MeetingRequest, now: datetime | None = None) \
        -> list[Slot]:
    """The later slots, not begun yet, where both companies and a table are free (the
    schedule's hard rules)."""
    now = now or dates.event_now(event)
    problems = schedule_board.slot_problems(event, meeting)
    return [s for s in event.slots if _is_later(s, meeting, now) and problems[s.id] is None]


def bump(event: Event, meeting: MeetingRequest, slot: Slot | None, actor: User) -> Slot:
    """Move a late meeting to ``slot`` (None: the first later slot that works) at the first
    free table; returns the slot. Both companies are told as for any move."""
    if not is_scheduled(meeting):
        raise DayOfError(_l("Only a scheduled meeting can be bumped."))
    if meeting.day_status != DayStatus.LATE:
        raise DayOfError(_l("Mark the meeting as running late before bumping it."))
    now = dates.event_now(event)
    if slot is None:
        options = bump_options(event, meeting, now)
        if not options:
            raise DayOfError(_l("No later slot has both companies and a table free. Leave "
                                "the meeting where it is, or cancel it on the schedule."))
        slot = options[0]
    elif not _is_later(slot, meeting, now):
        raise DayOfError(_l("Choose a slot after %(time)s that has not begun yet.",
                            time=dates.slot_label(meeting.slot)))
    _move_late_meeting(event, meeting, slot, actor)
    return slot


def _move_late_meeting(event: Event, meeting: MeetingRequest, slot: Slot, actor: User) -> None:
    """The move, its audit entry and the cleared mark in one transaction: all or nothing."""
    table = schedule_board.Board.load(event).free_table(slot, frozenset({meeting.id}), meeting)
    audit.record("meeting_bumped", actor, target=meeting, event=event, details={
        "meeting": _meeting_label(meeting),
        "from": f"{dates.slot_label(meeting.slot)} {meeting.table.name}",
        "to": f"{dates.slot_label(slot)} {table.name if table else ''}".strip()})
    meeting.day_status, meeting.day_status_at = "", None  # nothing has happened at the new time
    try:
        move(event, meeting, slot, table)
    except ScheduleError as error:
        db.session.rollback()
        raise DayOfError(str(error)) from error
