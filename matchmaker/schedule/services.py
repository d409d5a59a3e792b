"""The meeting schedule: generation (through the engine), manual changes checked against the
hard rules, publication, agendas and ratings. The only place in the schedule feature that
commits.

An accepted MeetingRequest *is* the agreed meeting; scheduling it sets ``slot_id``/``table_id``
and adds one MeetingBooking per side in the same transaction, so the database refuses a company
in two meetings at once and a table taken twice (the checks here come first, with a message)."""

from __future__ import annotations

import logging
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from .. import audit, jobs
from ..engine.scheduling import (
    FixedMeeting,
    Participant,
    Request,
    ScheduleInstance,
    ScheduleResult,
    Unscheduled,
    solve,
)
from ..engine.scheduling import Slot as EngineSlot
from ..events.access import Viewer
from ..events.services import meeting_slots, program_for, registrations_by_status
from ..extensions import db
from ..models import (
    Company,
    Event,
    MeetingBooking,
    MeetingRating,
    MeetingRequest,
    MeetingTable,
    ProgramItem,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
    ScheduleRunStatus,
    Slot,
    User,
    utcnow,
)
from ..notifications.services import notify_meeting_change, notify_schedule_published

log = logging.getLogger(__name__)

ACCEPTED = RequestStatus.ACCEPTED.value
ACTIVE_RUN = (ScheduleRunStatus.QUEUED.value, ScheduleRunStatus.RUNNING.value)
RUN_GRACE = timedelta(minutes=5)  # a run older than its time limit plus this has died
PHASE_PROGRESS = {"heuristic": 40, "milp": 70, "gaps": 90}
# A run's message is a phase key while it works (shown in the reader's language).
PHASES = {
    "queued": _l("Waiting to start…"),
    "reading": _l("Reading the agreed meetings…"),
    "heuristic": _l("Placing the meetings…"),
    "milp": _l("Proving that no better schedule exists…"),
    "gaps": _l("Closing the waits between meetings…"),
}
TIME_LIMITS = (5, 10, 30, 60, 120)


class ScheduleError(Exception):
    """A change was refused; the message names the rule, for the organizer."""


def local_now(event: Event) -> datetime:
    """Naive local time in the event's time zone, as slots store it (tests replace this)."""
    return datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None)


def slot_label(slot: Slot) -> str:
    """"18:20"; with the date when the event spans several days."""
    clock = slot.starts_at.strftime("%H:%M")
    return clock if len(slot.event.days) <= 1 else f"{format_date(slot.starts_at, 'short')} " \
                                                    f"{clock}"


# --- queries -------------------------------------------------------------------------------

def agreed_meetings(event: Event) -> list[MeetingRequest]:
    return list(db.session.scalars(db.select(MeetingRequest).filter_by(
        event_id=event.id, status=ACCEPTED).order_by(MeetingRequest.id)))


def is_scheduled(meeting: MeetingRequest) -> bool:
    return meeting.status == ACCEPTED and meeting.slot_id is not None \
        and meeting.table_id is not None


def meeting_of(event: Event, request_id: int) -> MeetingRequest | None:
    meeting = db.session.get(MeetingRequest, request_id)
    return meeting if meeting is not None and meeting.event_id == event.id else None


def is_published(event: Event) -> bool:
    return event.schedule_published_at is not None


@dataclass
class Grid:
    """The organizer's view: tables × slots, and what is not on it."""

    slots: list[Slot]
    tables: list[MeetingTable]
    cells: dict[tuple[int, int], MeetingRequest]  # (table id, slot id) → meeting
    unscheduled: list[MeetingRequest]

    @property
    def scheduled_count(self) -> int:
        return len(self.cells)

    @property
    def companies(self) -> list[Company]:
        """Companies with a scheduled meeting, by name."""
        found = {c.id: c for m in self.cells.values() for c in (m.sender, m.recipient)}
        return sorted(found.values(), key=lambda c: c.name)

    @property
    def used_tables(self) -> list[MeetingTable]:
        used = {table_id for table_id, _slot in self.cells}
        return [table for table in self.tables if table.id in used]

    def meetings_in(self, slot: Slot) -> int:
        return sum(1 for _table, slot_id in self.cells if slot_id == slot.id)


def grid(event: Event) -> Grid:
    cells, unscheduled = {}, []
    for meeting in agreed_meetings(event):
        if is_scheduled(meeting):
            cells[(meeting.table_id, meeting.slot_id)] = meeting
        else:
            unscheduled.append(meeting)
    return Grid(list(event.slots), list(event.tables), cells, unscheduled)


def latest_run(event: Event) -> ScheduleRun | None:
    return db.session.scalar(db.select(ScheduleRun).filter_by(event_id=event.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))


def active_run(event: Event) -> ScheduleRun | None:
    run = latest_run(event)
    if run is None or run.status not in ACTIVE_RUN:
        return None
    if run.created_at + timedelta(seconds=run.time_limit) + RUN_GRACE < utcnow():
        return None  # its worker died with it
    return run


def run_of(event: Event, run_id: int) -> ScheduleRun | None:
    run = db.session.get(ScheduleRun, run_id)
    return run if run is not None and run.event_id == event.id else None


def shown_progress(run: ScheduleRun) -> int:
    """The engine reports after each phase only; in between, time spent tells how far along
    a run is (it stops at its time limit at the latest)."""
    if run.status != ScheduleRunStatus.RUNNING:
        return run.progress
    elapsed = (utcnow() - run.created_at).total_seconds()
    return int(max(run.progress, min(95, 5 + 90 * elapsed / max(run.time_limit, 1))))


def run_message(run: ScheduleRun) -> str:
    return str(PHASES.get(run.message, run.message))


def quality(run: ScheduleRun | None) -> float | None:
    """Percent of the best possible objective (the engine's proven upper bound)."""
    if run is None or run.objective is None or not run.upper_bound:
        return None
    return min(100.0, 100.0 * run.objective / run.upper_bound)


# --- the engine's instance -----------------------------------------------------------------

@dataclass
class BuiltInstance:
    """The engine's instance and the rows behind its ids (participants are company names,
    unique in the app, so the engine's reasons read well)."""

    instance: ScheduleInstance
    requests: list[MeetingRequest]  # instance.requests[i] is requests[i]
    excluded: dict[int, str]  # request id → why the generator cannot place it
    slots: dict[str, Slot]
    tables: dict[str, MeetingTable]


def approved_registrations(event: Event) -> list[Registration]:
    return registrations_by_status(event, RegistrationStatus.APPROVED.value)


def build_instance(event: Event) -> BuiltInstance:
    slots = {str(slot.id): slot for slot in event.slots}
    tables = {table.name: table for table in event.tables}
    registrations = {r.company_id: r for r in approved_registrations(event)}
    participants = tuple(
        Participant(r.company.name, tuple(str(s.id) for s in meeting_slots(r)),
                    event.max_meetings_per_company)
        for r in sorted(registrations.values(), key=lambda r: r.company.name))
    requests, fixed, excluded = [], [], {}
    for meeting in agreed_meetings(event):
        outsider = next((c for c in (meeting.sender, meeting.recipient)
                         if c.id not in registrations), None)
        if outsider is not None:
            excluded[meeting.id] = str(_l("%(name)s is not an approved participant",
                                          name=outsider.name))
        elif meeting.locked and is_scheduled(meeting):
            fixed.append(FixedMeeting(meeting.sender.name, meeting.recipient.name,
                                      str(meeting.slot_id), meeting.table.name))
        else:
            requests.append(meeting)
    instance = ScheduleInstance(
        slots=tuple(EngineSlot(key, s.starts_at.isoformat(timespec="minutes"),
                               s.ends_at.isoformat(timespec="minutes"),
                               s.starts_at.date().isoformat()) for key, s in slots.items()),
        tables=tuple(tables),
        participants=participants,
        requests=tuple(Request(m.sender.name, m.recipient.name, weight_of(m)) for m in requests),
        fixed=tuple(fixed))
    return BuiltInstance(instance, requests, excluded, slots, tables)


def weight_of(meeting: MeetingRequest) -> float:
    """An agreed meeting weighs 1, and 1 more for each side that marked it important."""
    return 1.0 + meeting.sender_important + meeting.recipient_important


# --- generation ----------------------------------------------------------------------------

def start_generation(event: Event, organizer: User, time_limit: float) -> ScheduleRun:
    """Queue a run of the generator (or return the one under way); it works in the
    background and reports its progress on the run."""
    if not event.slots or not event.tables:
        raise ScheduleError(_l("Define meeting slots and tables for the event first."))
    running = active_run(event)
    if running is not None:
        return running
    run = ScheduleRun(event_id=event.id, requested_by_id=organizer.id, time_limit=time_limit,
                      message="queued")
    db.session.add(run)
    db.session.commit()
    jobs.enqueue(run_generation, run.id)
    return run


def generate_now(event: Event, organizer: User | None, time_limit: float) -> ScheduleRun:
    """Generate in the caller's process and wait (the CLI and the demo data)."""
    run = ScheduleRun(event_id=event.id, requested_by_id=organizer and organizer.id,
                      time_limit=time_limit)
    db.session.add(run)
    db.session.commit()
    run_generation(run.id)
    return run


def run_generation(run_id: int) -> None:
    """The background job: build the instance, solve it, write the schedule back — in the
    language of the organizer who asked, since reasons are stored as words."""
    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.status != ScheduleRunStatus.QUEUED:
        return
    requester = db.session.get(User, run.requested_by_id) if run.requested_by_id else None
    with force_locale(requester and requester.locale
                      or current_app.config["BABEL_DEFAULT_LOCALE"]):
        _generate(run)


def _generate(run: ScheduleRun) -> None:
    run_id = run.id
    _update_run(run, status=ScheduleRunStatus.RUNNING.value, progress=5, message="reading")
    try:
        event = run.event
        built = build_instance(event)
        started = time.monotonic()
        result = solve(built.instance, time_limit=run.time_limit,
                       progress=lambda phase, objective, bound: _update_run(
                           run, progress=PHASE_PROGRESS.get(phase, run.progress),
                           message=phase, objective=objective, upper_bound=bound))
        elapsed = time.monotonic() - started
        changes = _write_back(event, built, result)
        _finish(run, built, result, elapsed)
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("schedule run %s failed", run_id)
        run = db.session.get(ScheduleRun, run_id)
        message = str(_l("Someone changed the schedule while it was generated. Run it again.")) \
            if isinstance(error, IntegrityError) else f"{type(error).__name__}: {error}"
        _update_run(run, status=ScheduleRunStatus.FAILED.value, message=message,
                    finished_at=utcnow())
        return
    if is_published(event):
        for meeting, kind in changes:
            notify_meeting_change(meeting, kind)


def _update_run(run: ScheduleRun, **values) -> None:
    for name, value in values.items():
        setattr(run, name, value)
    db.session.commit()


def _finish(run: ScheduleRun, built: BuiltInstance, result: ScheduleResult,
            elapsed: float) -> None:
    run.status, run.progress = ScheduleRunStatus.DONE.value, 100
    run.finished_at = utcnow()
    run.scheduled = len(result.meetings)
    run.unscheduled = len(result.unscheduled) + len(built.excluded)
    run.objective, run.upper_bound = result.objective, result.upper_bound
    run.idle_gaps = result.idle_gaps
    run.message = f"{elapsed:.1f} s" + (" · optimal" if result.optimal else "")


def _write_back(event: Event, built: BuiltInstance, result: ScheduleResult) \
        -> list[tuple[MeetingRequest, str]]:
    """Replace every unlocked meeting's place with the engine's, in the caller's transaction;
    returns the meetings whose place changed and how (for notices after publication).

    The engine worked on a snapshot: a meeting locked, unlocked or called off meanwhile keeps
    its place (or stays off), and the rows are held until the commit so none changes now."""
    release_stale(event)  # first, as a manual change does: the same order never deadlocks
    engine_moves = {m.id for m in built.requests} | built.excluded.keys()
    movable = [m for m in _agreed_meetings_held(event)
               if m.id in engine_moves and not (m.locked and is_scheduled(m))]
    moving = {m.id for m in movable}
    before = {m.id: (m.slot_id, m.table_id) for m in movable}
    _clear_places(movable)
    for placed in result.meetings:
        if placed.fixed or placed.request is None:
            continue
        meeting = built.requests[placed.request]
        if meeting.id in moving:
            _set_place(meeting, built.slots[placed.slot], built.tables[placed.table])
    for missing in result.unscheduled:
        if built.requests[missing.request].id in moving:
            built.requests[missing.request].unscheduled_reason = why_not(missing)
    for meeting in movable:
        meeting.unscheduled_reason = built.excluded.get(meeting.id, meeting.unscheduled_reason)
    changes = []
    for meeting in movable:
        if before[meeting.id] != (meeting.slot_id, meeting.table_id):
            _bump(meeting)
            changes.append((meeting, _change_kind(before[meeting.id], meeting)))
    db.session.flush()
    return changes


def why_not(missing: Unscheduled) -> str:
    """The engine's reason for leaving a meeting out, in the current language."""
    reasons = {
        "no_common_slot": _l("no common free slot"),
        "no_requested_slot": _l("no common free slot among the requested slots"),
        "fixed_block": _l("no common free slot: locked meetings take the slots both could use"),
        "cap": _l("%(name)s has reached its cap of %(n)d meetings", name=missing.holder,
                  n=missing.cap or 0),
        "taken": _l("no common free slot left: in every slot both could use, one of them or "
                    "every table is already taken"),
    }
    return str(reasons[missing.code]) if missing.code in reasons else missing.reason


def _agreed_meetings_held(event: Event) -> list[MeetingRequest]:
    """The agreed meetings as they are now, held until the commit: a concurrent lock, move or
    cancel waits for the write-back (FOR UPDATE on PostgreSQL; on SQLite the write before this
    took the one write lock)."""
    query = (db.select(MeetingRequest).filter_by(event_id=event.id, status=ACCEPTED)
             .order_by(MeetingRequest.id).with_for_update()
             .execution_options(populate_existing=True))
    return list(db.session.scalars(query))


def _bump(meeting: MeetingRequest) -> None:
    """Calendars take a higher SEQUENCE as "this event changed"."""
    meeting.schedule_version += 1


def _change_kind(before: tuple, meeting: MeetingRequest) -> str:
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
                       .values(table_id=None).execution_options(synchronize_session=False))


def _clear_places(meetings: list[MeetingRequest]) -> None:
    ids = [m.id for m in meetings]
    db.session.execute(db.delete(MeetingBooking).where(MeetingBooking.request_id.in_(ids)))
    for meeting in meetings:
        meeting.slot_id = meeting.table_id = None
        meeting.unscheduled_reason = ""
    db.session.flush()  # free slot+table pairs before anyone takes them


def _set_place(meeting: MeetingRequest, slot: Slot, table: MeetingTable) -> None:
    meeting.slot_id, meeting.table_id = slot.id, table.id
    meeting.unscheduled_reason = ""
    db.session.add_all([MeetingBooking(company_id=company_id, slot_id=slot.id,
                                       request_id=meeting.id)
                        for company_id in (meeting.sender_id, meeting.recipient_id)])


# --- manual changes ------------------------------------------------------------------------

@dataclass
class Board:
    """Who sits where, loaded once to check a change against every hard rule."""

    event: Event
    available: dict[int, set[int]]  # approved company id → slot ids a meeting may take
    busy: dict[tuple[int, int], int] = field(default_factory=dict)  # (company, slot) → request
    taken: dict[tuple[int, int], int] = field(default_factory=dict)  # (slot, table) → request
    meetings_of: Counter = field(default_factory=Counter)  # company → scheduled meetings

    @classmethod
    def load(cls, event: Event) -> Board:
        board = cls(event, {r.company_id: {s.id for s in meeting_slots(r)}
                            for r in approved_registrations(event)})
        for meeting in agreed_meetings(event):
            if is_scheduled(meeting):
                board.taken[(meeting.slot_id, meeting.table_id)] = meeting.id
                for company_id in (meeting.sender_id, meeting.recipient_id):
                    board.busy[(company_id, meeting.slot_id)] = meeting.id
                    board.meetings_of[company_id] += 1
        return board

    def problem(self, meeting: MeetingRequest, slot: Slot, table: MeetingTable | None,
                ignoring: frozenset[int] = frozenset()) -> str | None:
        """The first hard rule that placing ``meeting`` there breaks, in words; None if none.
        ``ignoring``: meetings that leave their places in the same change (a swap)."""
        ignoring = ignoring | {meeting.id}
        at = slot_label(slot)
        for company in (meeting.sender, meeting.recipient):
            if company.id not in self.available:
                return str(_l("%(name)s is not an approved participant.", name=company.name))
            if slot.id not in self.available[company.id]:
                return str(_l("%(name)s is not available at %(time)s.", name=company.name,
                              time=at))
            if self.busy.get((company.id, slot.id), meeting.id) not in ignoring:
                return str(_l("%(name)s already has a meeting at %(time)s.", name=company.name,
                              time=at))
        if table is not None and self.taken.get((slot.id, table.id), meeting.id) not in ignoring:
            return str(_l("Table %(table)s is taken at %(time)s.", table=table.name, time=at))
        cap = self.event.max_meetings_per_company
        for company in (meeting.sender, meeting.recipient):
            others = self.meetings_of[company.id] - (1 if is_scheduled(meeting) else 0)
            if cap is not None and others >= cap:
                return str(_l("%(name)s has reached the maximum of %(n)d meetings.",
                              name=company.name, n=cap))
        return None

    def free_table(self, slot: Slot, ignoring: frozenset[int] = frozenset()) -> MeetingTable | None:
        return next((t for t in self.event.tables
                     if self.taken.get((slot.id, t.id)) in (None, *ignoring)), None)


def slot_problems(event: Event, meeting: MeetingRequest) -> dict[int, str | None]:
    """For the move form: each slot's first broken rule for this meeting (any table)."""
    board = Board.load(event)
    return {slot.id: board.problem(meeting, slot, None)
            or (None if board.free_table(slot, frozenset({meeting.id}))
                else str(_l("Every table is taken at %(time)s.", time=slot_label(slot))))
            for slot in event.slots}


def _check_changeable(event: Event, *meetings: MeetingRequest) -> None:
    if active_run(event) is not None:
        raise ScheduleError(_l("The generator is running. Wait until it has finished."))
    for meeting in meetings:
        if meeting.status != ACCEPTED:
            raise ScheduleError(_l("Only agreed meetings can be scheduled."))
        if meeting.locked:
            raise ScheduleError(_l("The meeting with %(a)s and %(b)s is locked. Unlock it first.",
                                   a=meeting.sender.name, b=meeting.recipient.name))


def move(event: Event, meeting: MeetingRequest, slot: Slot, table: MeetingTable | None) -> \
        MeetingTable:
    """Put a meeting into ``slot`` at ``table`` (None: the first free table)."""
    _check_changeable(event, meeting)
    release_stale(event)
    board = Board.load(event)
    problem = board.problem(meeting, slot, table)
    table = table or board.free_table(slot, frozenset({meeting.id}))
    if problem is None and table is None:
        problem = str(_l("Every table is taken at %(time)s.", time=slot_label(slot)))
    if problem:
        raise ScheduleError(problem)
    if (meeting.slot_id, meeting.table_id) != (slot.id, table.id):
        kind = "meeting_moved" if is_scheduled(meeting) else "meeting_scheduled"
        _clear_places([meeting])
        _set_place(meeting, slot, table)
        _bump(meeting)
        _commit_and_tell(event, [(meeting, kind)])
    return table


def swap(event: Event, first: MeetingRequest, second: MeetingRequest) -> None:
    """Two scheduled meetings trade their slots and tables."""
    _check_changeable(event, first, second)
    if first.id == second.id or not (is_scheduled(first) and is_scheduled(second)):
        raise ScheduleError(_l("Choose two different scheduled meetings to swap."))
    release_stale(event)
    board, both = Board.load(event), frozenset({first.id, second.id})
    places = {first.id: (second.slot, second.table), second.id: (first.slot, first.table)}
    for meeting in (first, second):
        problem = board.problem(meeting, *places[meeting.id], ignoring=both)
        if problem:
            raise ScheduleError(problem)
    _clear_places([first, second])
    for meeting in (first, second):
        _set_place(meeting, *places[meeting.id])
        _bump(meeting)
    _commit_and_tell(event, [(first, "meeting_moved"), (second, "meeting_moved")])


def unschedule(event: Event, meeting: MeetingRequest, reason: str) -> None:
    """Take a meeting off the grid; it stays agreed and waits in the unscheduled list."""
    _check_changeable(event, meeting)
    if not is_scheduled(meeting):
        return
    _clear_places([meeting])
    meeting.unscheduled_reason = reason.strip() or str(_l("Taken off by the organizer"))
    _bump(meeting)
    _commit_and_tell(event, [(meeting, "meeting_unscheduled")])


def cancel(event: Event, meeting: MeetingRequest, organizer: User, reason: str) -> None:
    """Call the meeting off. Its slot stays recorded: calendars show it cancelled."""
    _check_changeable(event, meeting)
    db.session.execute(db.delete(MeetingBooking).filter_by(request_id=meeting.id))
    meeting.status, meeting.open_pair_key = RequestStatus.CANCELLED.value, None
    meeting.table_id, meeting.closed_at = None, utcnow()
    meeting.reason = reason.strip() or str(_l("Cancelled by the organizer."))
    _commit_and_tell(event, [(meeting, "meeting_cancelled")])


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
    db.session.commit()
    db.session.refresh(meeting)
    if result.rowcount == 0:
        raise ScheduleError(_l("Only a scheduled meeting can be locked."))


def _commit_and_tell(event: Event, changes: list[tuple[MeetingRequest, str]]) -> None:
    try:
        db.session.commit()
    except IntegrityError as error:  # someone took the seat or table a moment ago
        db.session.rollback()
        raise ScheduleError(_l("Someone else changed the schedule at the same moment. "
                               "Please look again and retry.")) from error
    if is_published(event):
        for meeting, kind in changes:
            notify_meeting_change(meeting, kind)


# --- publication ---------------------------------------------------------------------------

def publish(event: Event, notify: bool = True, actor: User | None = None) -> int:
    """Show the schedule to the participants and tell each company with a meeting (unless
    ``notify`` is False, as for demo data); returns how many companies have one."""
    if is_published(event):
        return 0
    event.schedule_published_at = utcnow()
    audit.record("schedule_published", actor, target=event, event=event)
    db.session.commit()
    companies = {c.id: c for m in agreed_meetings(event) if is_scheduled(m)
                 for c in (m.sender, m.recipient)}
    if notify:
        notify_schedule_published(event, list(companies.values()))
    return len(companies)


def unpublish(event: Event, actor: User | None = None) -> None:
    event.schedule_published_at = None
    audit.record("schedule_unpublished", actor, target=event, event=event)
    db.session.commit()


# --- agendas -------------------------------------------------------------------------------

@dataclass
class AgendaEntry:
    starts_at: datetime
    ends_at: datetime
    meeting: MeetingRequest | None = None
    item: ProgramItem | None = None


@dataclass
class Agenda:
    company: Company
    entries: list[AgendaEntry]  # meetings and programme items, in time order
    unscheduled: list[MeetingRequest]  # agreed, without a place (yet)
    shows_times: bool  # the schedule is published, or an organizer looks

    @property
    def meetings(self) -> list[MeetingRequest]:
        return [e.meeting for e in self.entries if e.meeting is not None]


def company_meetings(event: Event, company_id: int | None = None) -> list[MeetingRequest]:
    """One company's agreed meetings (or all of the event's), with the slot, table and both
    sides an agenda shows loaded in the same query, not one query per meeting."""
    query = (db.select(MeetingRequest).filter_by(event_id=event.id, status=ACCEPTED)
             .options(joinedload(MeetingRequest.slot), joinedload(MeetingRequest.table),
                      joinedload(MeetingRequest.sender), joinedload(MeetingRequest.recipient))
             .order_by(MeetingRequest.id))
    if company_id is not None:
        query = query.where(db.or_(MeetingRequest.sender_id == company_id,
                                   MeetingRequest.recipient_id == company_id))
    return list(db.session.scalars(query))


def agenda(event: Event, company: Company, shows_times: bool) -> Agenda:
    return _agenda(company, company_meetings(event, company.id),
                   program_for(event, company.id), shows_times)


def _agenda(company: Company, mine: list[MeetingRequest], items: list[ProgramItem],
            shows_times: bool) -> Agenda:
    placed = [m for m in mine if shows_times and is_scheduled(m)]
    entries = [AgendaEntry(m.slot.starts_at, m.slot.ends_at, meeting=m) for m in placed]
    entries += [AgendaEntry(i.starts_at, i.ends_at, item=i) for i in items]
    entries.sort(key=lambda e: (e.starts_at, e.meeting is None))
    return Agenda(company, entries, [m for m in mine if m not in placed], shows_times)


def all_agendas(event: Event) -> list[Agenda]:
    """One agenda per approved company with at least one scheduled meeting (for printing),
    from one query for the meetings and one for the programme."""
    companies = [r.company for r in approved_registrations(event)]  # by name
    meetings_of: dict[int, list[MeetingRequest]] = {c.id: [] for c in companies}
    for meeting in company_meetings(event):
        for side in (meeting.sender_id, meeting.recipient_id):
            meetings_of.get(side, []).append(meeting)
    program = program_for(event)
    agendas = [_agenda(c, meetings_of[c.id], [i for i in program if i.concerns(c.id)], True)
               for c in companies]
    return [a for a in agendas if a.meetings]


def sees_times(viewer: Viewer) -> bool:
    return viewer.is_organizer or is_published(viewer.event)


def set_important(viewer: Viewer, meeting: MeetingRequest, important: bool) -> None:
    """Either side marks an agreed meeting important: it weighs more in the generator."""
    if meeting.status != ACCEPTED or viewer.company_id not in (meeting.sender_id,
                                                               meeting.recipient_id):
        raise ScheduleError(_l("Only the companies of an agreed meeting can mark it."))
    side = "sender_important" if viewer.company_id == meeting.sender_id \
        else "recipient_important"
    setattr(meeting, side, important)
    db.session.commit()


def renew_calendar_token(user: User, enabled: bool = True) -> str | None:
    """A new secret for the subscription URL; the old URL stops working at once."""
    user.calendar_token = secrets.token_urlsafe(24) if enabled else None
    db.session.commit()
    return user.calendar_token


def user_by_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(db.select(User).filter_by(calendar_token=token))


def calendar_events(user: User) -> list[Event]:
    """Events whose published schedule the user's company takes part in."""
    if user.company_id is None:
        return []
    return list(db.session.scalars(
        db.select(Event).join(Registration).where(
            Registration.company_id == user.company_id,
            Registration.status == RegistrationStatus.APPROVED.value,
            Event.schedule_published_at.is_not(None)).order_by(Event.id)))


def calendar_meetings(event: Event, company_id: int) -> list[MeetingRequest]:
    """Scheduled meetings of the company, and called-off ones that had a time (so calendars
    remove them)."""
    query = db.select(MeetingRequest).where(
        MeetingRequest.event_id == event.id, MeetingRequest.slot_id.is_not(None),
        db.or_(MeetingRequest.sender_id == company_id, MeetingRequest.recipient_id == company_id),
        MeetingRequest.status.in_((ACCEPTED, RequestStatus.CANCELLED.value)))
    return [m for m in db.session.scalars(query.order_by(MeetingRequest.id))
            if m.status != ACCEPTED or is_scheduled(m)]


# --- ratings -------------------------------------------------------------------------------

def event_is_over(event: Event) -> bool:
    return bool(event.slots) and local_now(event) >= max(s.ends_at for s in event.slots)


def rating_of(meeting: MeetingRequest, company_id: int) -> MeetingRating | None:
    return db.session.scalar(db.select(MeetingRating).filter_by(request_id=meeting.id,
                                                                company_id=company_id))


def rate(viewer: Viewer, meeting: MeetingRequest, rating: int, follow_up: bool,
         comment: str) -> MeetingRating:
    """Record (or change) how the viewer's company found a meeting, once the event is over."""
    if viewer.company_id not in (meeting.sender_id, meeting.recipient_id) \
            or not is_scheduled(meeting) or not is_published(viewer.event):
        raise ScheduleError(_l("Only the companies of a held meeting can rate it."))
    if not event_is_over(viewer.event):
        raise ScheduleError(_l("Meetings can be rated once the event is over."))
    if not 1 <= rating <= 5:
        raise ScheduleError(_l("Choose a rating from 1 to 5."))
    row = rating_of(meeting, viewer.company_id) or MeetingRating(request_id=meeting.id,
                                                                 company_id=viewer.company_id)
    row.rating, row.follow_up, row.comment = rating, follow_up, comment.strip()
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:  # a colleague rated it at the same moment: theirs stands
        db.session.rollback()
        raise ScheduleError(_l("A colleague has just rated this meeting.")) from None
    return row


@dataclass
class RatingTotals:
    count: int
    average: float | None
    follow_ups: int
    meetings_rated: int
    by_meeting: list[tuple[MeetingRequest, list[MeetingRating]]]
    histogram: dict[int, int]


def rating_totals(event: Event) -> RatingTotals:
    rows = db.session.execute(db.select(MeetingRating, MeetingRequest).join(
        MeetingRequest, MeetingRating.request_id == MeetingRequest.id).where(
        MeetingRequest.event_id == event.id).order_by(MeetingRequest.id)).all()
    by_meeting: dict[int, tuple[MeetingRequest, list[MeetingRating]]] = {}
    for rating, meeting in rows:
        by_meeting.setdefault(meeting.id, (meeting, []))[1].append(rating)
    ratings = [rating for rating, _ in rows]
    return RatingTotals(
        count=len(ratings),
        average=sum(r.rating for r in ratings) / len(ratings) if ratings else None,
        follow_ups=sum(r.follow_up for r in ratings),
        meetings_rated=len(by_meeting),
        by_meeting=list(by_meeting.values()),
        histogram={n: sum(r.rating == n for r in ratings) for n in range(5, 0, -1)})
