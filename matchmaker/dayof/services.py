"""Day-of operations on the evening itself: who has arrived, how each meeting went, and
bumping a late meeting to a later free slot. The only place in the feature that commits; a
bump goes through the schedule's ``move()``, which checks every hard rule and tells both
companies once the schedule is published.

Check-in times are stored in UTC like every other timestamp and shown in the event's time
zone; "now" is the schedule's ``local_now()``, the local time slots are written in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
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
from ..schedule import services as schedule

MARKS = ("", *(status.value for status in DayStatus))  # "" clears the mark
NO_SHOWS = (DayStatus.NO_SHOW_SENDER, DayStatus.NO_SHOW_RECIPIENT, DayStatus.NO_SHOW_BOTH)
SHOW_FILTERS = ("all", "waiting", "in")


class DayOfError(Exception):
    """A day-of action was refused; the message says why, for the organizer."""


def local_time(event: Event, moment: datetime) -> datetime:
    """A naive UTC timestamp as the event's local (naive) time."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None)


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
    for registration in schedule.approved_registrations(event):
        if not registration.attendees:
            without.append(registration)
        for user in registration.attendees:
            found = check_ins.get(user.id)
            attendees.append(Attendee(user, registration, found, found and local_time(
                event, found.checked_in_at)))
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
    audit.record("attendee_checked_in", actor, target=user, event=event,
                 details={"company": registration.company.name})
    try:
        db.session.commit()
    except IntegrityError:  # a colleague at the other door was a moment faster
        db.session.rollback()
        return False
    return True


def undo_check_in(event: Event, user: User, registration: Registration, actor: User) -> bool:
    """Take back a check-in made by mistake; False if there was none."""
    found = db.session.scalar(db.select(CheckIn).filter_by(event_id=event.id, user_id=user.id))
    if found is None:
        return False
    db.session.delete(found)
    audit.record("check_in_undone", actor, target=user, event=event,
                 details={"company": registration.company.name})
    db.session.commit()
    return True


# --- the live state of the evening ---------------------------------------------------------

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
    now = schedule.local_now(event)
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
    live, grid = live_state(event), schedule.grid(event)
    slots = []
    for slot in grid.slots:
        meetings = [grid.cells[(t.id, slot.id)] for t in grid.tables
                    if (t.id, slot.id) in grid.cells]
        if meetings:
            slots.append(DaySlot(slot, meetings, slot.starts_at <= live.now,
                                 slot.id == live.current_slot_id))
    late = [m for m in grid.cells.values() if m.day_status == DayStatus.LATE]
    options = {m.id: bump_options(event, m, live.now) for m in late}
    counts = Counter(m.day_status for m in grid.cells.values())
    return DayBoard(live, slots, options, counts)


def _meeting_label(meeting: MeetingRequest) -> str:
    return f"{meeting.sender.name} – {meeting.recipient.name}"


def mark(event: Event, meeting: MeetingRequest, status: str, actor: User) -> None:
    """Mark a scheduled meeting held, no-show (which side) or running late; "" clears it."""
    if status not in MARKS:
        raise DayOfError(_l("Choose held, no-show or running late."))
    if not schedule.is_scheduled(meeting):
        raise DayOfError(_l("Only a scheduled meeting can be marked."))
    if status and schedule.local_now(event) < meeting.slot.starts_at:
        raise DayOfError(_l("The meeting at %(time)s has not begun yet.",
                            time=schedule.slot_label(meeting.slot)))
    if status == meeting.day_status:
        return
    audit.record("meeting_marked", actor, target=meeting, event=event,
                 details={"meeting": _meeting_label(meeting), "status": status or "cleared"})
    meeting.day_status, meeting.day_status_at = status, (utcnow() if status else None)
    db.session.commit()


def _is_later(slot: Slot, meeting: MeetingRequest, now: datetime) -> bool:
    """After the meeting's own slot, and not begun yet."""
    return slot.starts_at > meeting.slot.starts_at and slot.starts_at >= now


def bump_options(event: Event, meeting: MeetingRequest, now: datetime | None = None) \
        -> list[Slot]:
    """The later slots, not begun yet, where both companies and a table are free (the
    schedule's hard rules)."""
    now = now or schedule.local_now(event)
    problems = schedule.slot_problems(event, meeting)
    return [s for s in event.slots if _is_later(s, meeting, now) and problems[s.id] is None]


def bump(event: Event, meeting: MeetingRequest, slot: Slot | None, actor: User) -> Slot:
    """Move a late meeting to ``slot`` (None: the first later slot that works) at the first
    free table; returns the slot. Both companies are told as for any move."""
    if not schedule.is_scheduled(meeting):
        raise DayOfError(_l("Only a scheduled meeting can be bumped."))
    if meeting.day_status != DayStatus.LATE:
        raise DayOfError(_l("Mark the meeting as running late before bumping it."))
    now = schedule.local_now(event)
    if slot is None:
        options = bump_options(event, meeting, now)
        if not options:
            raise DayOfError(_l("No later slot has both companies and a table free. Leave "
                                "the meeting where it is, or cancel it on the schedule."))
        slot = options[0]
    elif not _is_later(slot, meeting, now):
        raise DayOfError(_l("Choose a slot after %(time)s that has not begun yet.",
                            time=schedule.slot_label(meeting.slot)))
    _move_late_meeting(event, meeting, slot, actor)
    return slot


def _move_late_meeting(event: Event, meeting: MeetingRequest, slot: Slot, actor: User) -> None:
    """The move, its audit entry and the cleared mark in one transaction: all or nothing."""
    table = schedule.Board.load(event).free_table(slot, frozenset({meeting.id}))
    audit.record("meeting_bumped", actor, target=meeting, event=event, details={
        "meeting": _meeting_label(meeting),
        "from": f"{schedule.slot_label(meeting.slot)} {meeting.table.name}",
        "to": f"{schedule.slot_label(slot)} {table.name if table else ''}".strip()})
    meeting.day_status, meeting.day_status_at = "", None  # nothing has happened at the new time
    try:
        schedule.move(event, meeting, slot, table)
    except schedule.ScheduleError as error:
        db.session.rollback()
        raise DayOfError(str(error)) from error
