"""The engine adapter: an event's rows as the engine's schedule instance, and the engine's
result back into rows."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..engine.scheduling import (
    FixedMeeting,
    Participant,
    Request,
    ReservedPlace,
    ScheduleInstance,
    ScheduleResult,
    Unscheduled,
)
from ..engine.scheduling import Interpreter as EngineInterpreter
from ..engine.scheduling import Slot as EngineSlot
from ..events.services import meeting_slots
from ..extensions import db
from ..models import (
    Event,
    Interpreter,
    MeetingRequest,
    MeetingTable,
    Slot,
)
from ..pairing import pairing_of
from .places import (
    agreed_meetings_held,
    bump_version,
    change_kind,
    clear_places,
    release_stale,
    set_place,
    set_unscheduled_reason,
)
from .queries import agreed_meetings, approved_registrations, is_scheduled

log = logging.getLogger(__name__)


@dataclass
class BuiltInstance:
    """The engine's instance and the rows behind its ids (participants are company names,
    unique in the app, so the engine's reasons read well)."""

    instance: ScheduleInstance
    requests: list[MeetingRequest]  # instance.requests[i] is requests[i]
    excluded: dict[int, tuple[str, dict]]  # request id → why it cannot be placed (code, params)
    slots: dict[str, Slot]
    tables: dict[str, MeetingTable]
    interpreters: dict[str, Interpreter]


def interpreter_key(interpreter: Interpreter) -> str:
    """The engine's id of an interpreter (names need not be unique across their life)."""
    return f"i{interpreter.id}"


def engine_interpreter(interpreter: Interpreter, languages: list[str],
                       slot_ids: list[int]) -> EngineInterpreter:
    """The engine's interpreter: this one speaking ``languages`` and working in ``slot_ids``
    (its own, or those it would have after a change)."""
    return EngineInterpreter(interpreter_key(interpreter), tuple(languages),
                             tuple(str(s) for s in slot_ids))


def event_interpreters(event: Event) -> list[Interpreter]:
    return list(db.session.scalars(db.select(Interpreter).filter_by(event_id=event.id)
                                   .order_by(Interpreter.name, Interpreter.id)))


def build_instance(event: Event) -> BuiltInstance:
    slots = {str(slot.id): slot for slot in event.slots}
    registrations = {r.company_id: r for r in approved_registrations(event)}
    # A place reserved for a company that is not (or no longer) approved takes nobody else's
    # meetings either: it stays out of the instance.
    tables = {table.name: table for table in event.tables
              if table.reserved_for_id is None or table.reserved_for_id in registrations}
    interpreters = {interpreter_key(i): i for i in event_interpreters(event)}
    pairing = pairing_of(event.id)
    participants = tuple(
        Participant(r.company.name, tuple(str(s.id) for s in meeting_slots(r)),
                    pairing.max_meetings(event, r.company_id),
                    tuple(r.company.languages) if r.company.languages else None)
        for r in sorted(registrations.values(), key=lambda r: r.company.name))
    requests, fixed, excluded = [], [], {}
    for meeting in agreed_meetings(event):
        outsider = next((c for c in (meeting.sender, meeting.recipient)
                         if c.id not in registrations), None)
        if outsider is not None:
            excluded[meeting.id] = ("not_approved", {"name": outsider.name})
        elif not pairing.may_meet(meeting.sender_id, meeting.recipient_id):
            # Never handed to the engine, locked or not: the matrix forbids the pair now.
            excluded[meeting.id] = ("groups_may_not_meet", {})
        elif meeting.locked and is_scheduled(meeting):
            fixed.append(FixedMeeting(
                meeting.sender.name, meeting.recipient.name, str(meeting.slot_id),
                meeting.table.name,
                meeting.interpreter and interpreter_key(meeting.interpreter)))
        else:
            requests.append(meeting)
    instance = ScheduleInstance(
        slots=tuple(EngineSlot(key, s.starts_at.isoformat(timespec="minutes"),
                               s.ends_at.isoformat(timespec="minutes"),
                               s.starts_at.date().isoformat()) for key, s in slots.items()),
        tables=tuple(tables),
        participants=participants,
        requests=tuple(Request(m.sender.name, m.recipient.name, weight_of(m),
                               interpreter=m.interpreter_wanted) for m in requests),
        fixed=tuple(fixed),
        interpreters=tuple(engine_interpreter(i, i.languages, [s.id for s in i.slots])
                           for i in interpreters.values()),
        reserved=tuple(ReservedPlace(t.name, registrations[t.reserved_for_id].company.name)
                       for t in tables.values() if t.reserved_for_id is not None))
    return BuiltInstance(instance, requests, excluded, slots, tables, interpreters)


def weight_of(meeting: MeetingRequest) -> float:
    """An agreed meeting weighs 1, and 1 more for each side that marked it important."""
    return 1.0 + meeting.sender_important + meeting.recipient_important


def write_back(event: Event, built: BuiltInstance, result: ScheduleResult) \
        -> list[tuple[MeetingRequest, str]]:
    """Replace every unlocked meeting's place with the engine's, in the caller's transaction;
    returns the meetings whose place changed and how (for notices after publication).

    The engine worked on a snapshot: a meeting locked, unlocked or called off meanwhile keeps
    its place (or stays off), and the rows are held until the commit so none changes now."""
    release_stale(event)  # first, as a manual change does: the same order never deadlocks
    engine_moves = {m.id for m in built.requests} | built.excluded.keys()
    movable = [m for m in agreed_meetings_held(event)
               if m.id in engine_moves and not (m.locked and is_scheduled(m))]
    moving = {m.id for m in movable}
    before = {m.id: (m.slot_id, m.table_id, m.interpreter_id) for m in movable}
    clear_places(movable)
    for placed in result.meetings:
        if placed.fixed or placed.request is None:
            continue
        meeting = built.requests[placed.request]
        if meeting.id in moving:
            set_place(meeting, built.slots[placed.slot], built.tables[placed.table],
                      built.interpreters.get(placed.interpreter or ""))
    for missing in result.unscheduled:
        meeting = built.requests[missing.request]
        if meeting.id in moving:
            set_unscheduled_reason(meeting, *unscheduled_reason(missing))
    for meeting in movable:
        if meeting.id in built.excluded:
            set_unscheduled_reason(meeting, *built.excluded[meeting.id])
    changes = []
    for meeting in movable:
        if before[meeting.id] != (meeting.slot_id, meeting.table_id, meeting.interpreter_id):
            bump_version(meeting)
            changes.append((meeting, change_kind(before[meeting.id], meeting)))
    db.session.flush()
    return changes


def unscheduled_reason(missing: Unscheduled) -> tuple[str, dict]:
    """The engine's reason for leaving a meeting out, as a code and parameters."""
    if missing.code == "cap":
        return "cap", {"name": missing.holder, "n": missing.cap or 0}
    return missing.code or "taken", {}
