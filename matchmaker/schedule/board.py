"""Who sits where, checked against the engine's hard rules (``rules.breaches``: one set of
rules for the generator and for every manual change), worded in the reader's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l

from .. import dates
from ..engine.scheduling import Breach, breaches, needs_interpreter, reserved_places
from ..models import (
    Event,
    Interpreter,
    MeetingRequest,
    MeetingTable,
    Slot,
)
from ..pairing import pairing_of
from .engine_adapter import BuiltInstance, build_instance, engine_interpreter, interpreter_key
from .errors import ScheduleError
from .queries import ACCEPTED, agreed_meetings, is_scheduled
from .runs import active_run

log = logging.getLogger(__name__)

AUTO = "auto"  # the interpreter argument: keep the meeting's own if it fits, else any free one
INTERPRETER_RULES = ("interpreter_unavailable", "interpreter_busy", "interpreter_language")


@dataclass(frozen=True)
class Seat:
    """A meeting on the board in the engine's ids (company names, table names, "i<id>")."""

    a: str
    b: str
    slot: str
    table: str
    interpreter: str | None = None


@dataclass(frozen=True)
class Placement:
    """Where a meeting would go: its table and interpreter, or the first rule it breaks."""

    table: MeetingTable | None
    interpreter: Interpreter | None
    problem: str | None


@dataclass
class Board:
    """The event as the engine sees it and who sits where, loaded once per change."""

    event: Event
    built: BuiltInstance
    seats: dict[int, Seat]  # scheduled meeting id → its seat

    @classmethod
    def load(cls, event: Event) -> Board:
        seats = {m.id: _seat(m) for m in agreed_meetings(event) if is_scheduled(m)}
        return cls(event, build_instance(event), seats)

    def place(self, meeting: MeetingRequest, slot: Slot, table: MeetingTable | None = None,
              interpreter: Interpreter | str | None = AUTO,
              ignoring: frozenset[int] = frozenset(),
              extra: tuple[Seat, ...] = ()) -> Placement:
        """Where ``meeting`` would sit in ``slot``: at ``table`` (None: its company's reserved
        place, else the first free common table) with ``interpreter`` (AUTO: chosen here).
        ``ignoring``: meetings that leave their places in the same change (a swap);
        ``extra``: seats taken in the same change."""
        people = {p.id for p in self.built.instance.participants}
        for company in (meeting.sender, meeting.recipient):
            if company.name not in people:
                return Placement(None, None, str(_l("%(name)s is not an approved participant.",
                                                    name=company.name)))
        others = [s for i, s in self.seats.items() if i not in ignoring | {meeting.id}]
        others += list(extra)
        key = str(slot.id)
        table = table or self._table_for(meeting, key, others)
        if table is None:
            return Placement(None, None, str(_l("Every table is taken at %(time)s.",
                                                time=dates.slot_label(slot))))
        if interpreter == AUTO:
            interpreter = self._interpreter_for(meeting, key, table.name, others)
        found = breaches(self.built.instance, others, meeting.sender.name,
                         meeting.recipient.name, key, table.name,
                         interpreter_key(interpreter) if interpreter else None,
                         interpreter_asked=meeting.interpreter_wanted)
        problem = self.words(found[0], meeting, slot) if found else None
        return Placement(table, interpreter, problem)

    def problem(self, meeting: MeetingRequest, slot: Slot, table: MeetingTable | None = None,
                ignoring: frozenset[int] = frozenset()) -> str | None:
        return self.place(meeting, slot, table, AUTO, ignoring).problem

    def free_table(self, slot: Slot, ignoring: frozenset[int] = frozenset(),
                   meeting: MeetingRequest | None = None) -> MeetingTable | None:
        """The table a meeting would take in ``slot``: its company's reserved place when it has
        one, else its own table when free there, else the first common table nobody sits at."""
        others = [s for i, s in self.seats.items() if i not in ignoring]
        if meeting is not None:
            return self._table_for(meeting, str(slot.id), others)
        return self._first_common(str(slot.id), others)

    def _table_for(self, meeting: MeetingRequest, slot: str, others: list[Seat]) \
            -> MeetingTable | None:
        places = reserved_places(self.built.instance)
        own = [places[c.name] for c in (meeting.sender, meeting.recipient) if c.name in places]
        taken = {s.table for s in others if s.slot == slot}
        for name in own:
            if name not in taken:
                return self.built.tables[name]
        if own:  # its place is taken: name it, so the rule's words say so
            return self.built.tables[own[0]]
        current = meeting.table.name if meeting.table is not None else None
        if current in self.built.tables and current not in taken \
                and current not in set(places.values()):
            return self.built.tables[current]  # a bumped meeting keeps its table when it can
        return self._first_common(slot, others)

    def _first_common(self, slot: str, others: list[Seat]) -> MeetingTable | None:
        reserved = set(reserved_places(self.built.instance).values())
        taken = {s.table for s in others if s.slot == slot}
        return next((t for name, t in self.built.tables.items()
                     if name not in reserved and name not in taken), None)

    def stand_in(self, meeting: MeetingRequest, leaving: Interpreter,
                 extra: tuple[Seat, ...] = ()) -> Interpreter | None:
        """Another interpreter for a scheduled meeting that ``leaving`` no longer serves, in
        its own slot and at its own table: one who works then, is free then (``extra``: seats
        taken in the same change) and may interpret it; None when nobody may."""
        people = {p.id for p in self.built.instance.participants}
        if not {meeting.sender.name, meeting.recipient.name} <= people:
            return None
        others = [s for i, s in self.seats.items() if i != meeting.id] + list(extra)
        return self._first_who_may(meeting, str(meeting.slot_id), meeting.table.name, others,
                                   [], search=True, skip={interpreter_key(leaving)})

    def needs_interpreter(self, meeting: MeetingRequest) -> bool:
        """Asked for, or its sides share no language (the engine's rule); a side that is not
        an approved participant counts as needing one."""
        people = {p.id: p for p in self.built.instance.participants}
        a, b = people.get(meeting.sender.name), people.get(meeting.recipient.name)
        return a is None or b is None or needs_interpreter(a.languages, b.languages,
                                                           meeting.interpreter_wanted)

    def unserved(self, interpreter: Interpreter, languages: list[str], slot_ids: list[int],
                 meetings: list[MeetingRequest]) -> dict[int, str]:
        """Which of ``meetings`` (the interpreter's, where they sit) ``interpreter`` could no
        longer interpret once it speaks ``languages`` and works in ``slot_ids``: meeting id →
        the first interpreter rule it would break there. A meeting with a side that is not an
        approved participant is not on the engine's schedule and is not judged."""
        changed = engine_interpreter(interpreter, languages, slot_ids)
        instance = replace(self.built.instance, interpreters=tuple(
            changed if i.id == changed.id else i for i in self.built.instance.interpreters))
        people = {p.id for p in instance.participants}
        found = {}
        for meeting in meetings:
            seat = self.seats.get(meeting.id)
            if seat is None or not {seat.a, seat.b} <= people:
                continue
            others = [s for i, s in self.seats.items() if i != meeting.id]
            broken = [b.code for b in breaches(instance, others, seat.a, seat.b, seat.slot,
                                               seat.table, changed.id,
                                               interpreter_asked=meeting.interpreter_wanted)
                      if b.code in INTERPRETER_RULES]
            if broken:
                found[meeting.id] = broken[0]
        return found

    def _interpreter_for(self, meeting: MeetingRequest, slot: str, table: str,
                         others: list[Seat]) -> Interpreter | None:
        """The meeting's own interpreter if it may serve there, else the first who may; None
        when it needs none (or nobody may: the rules then say it needs one)."""
        own = meeting.interpreter
        first = [own] if own is not None and own.event_id == self.event.id else []
        return self._first_who_may(meeting, slot, table, others, first,
                                   search=self.needs_interpreter(meeting))

    def _first_who_may(self, meeting: MeetingRequest, slot: str, table: str,
                       others: list[Seat], first: list[Interpreter], search: bool,
                       skip: set[str] | frozenset[str] = frozenset()) -> Interpreter | None:
        """The first of ``first`` and then (``search``) of the event's other interpreters,
        but those in ``skip``, whom the engine's interpreter rules let serve the meeting."""
        candidates = list(first)
        if search:
            # cheap filters first (busy then, not working then): large events have many
            busy = {s.interpreter for s in others if s.slot == slot} | set(skip)
            engine = {i.id: i for i in self.built.instance.interpreters}
            candidates += [i for key, i in self.built.interpreters.items() if i not in first
                           and key not in busy and (engine[key].available is None
                                                    or slot in engine[key].available)]
        for candidate in candidates:
            found = breaches(self.built.instance, others, meeting.sender.name,
                             meeting.recipient.name, slot, table, interpreter_key(candidate),
                             interpreter_asked=meeting.interpreter_wanted)
            if not any(f.code in INTERPRETER_RULES for f in found):
                return candidate
        return None

    def words(self, breach: Breach, meeting: MeetingRequest, slot: Slot) -> str:
        """A broken rule in the reader's language."""
        at = dates.slot_label(slot)
        subject = breach.subject
        if breach.code.startswith("interpreter_") and subject in self.built.interpreters:
            subject = self.built.interpreters[subject].name
        texts = {
            "participant_unavailable": lambda: _l("%(name)s is not available at %(time)s.",
                                                  name=subject, time=at),
            "participant_busy": lambda: _l("%(name)s already has a meeting at %(time)s.",
                                           name=subject, time=at),
            "table_taken": lambda: _l("Table %(table)s is taken at %(time)s.", table=subject,
                                      time=at),
            "table_reserved": lambda: _l("Table %(table)s is reserved for %(name)s.",
                                         table=subject, name=breach.other),
            "place_required": lambda: _l("%(name)s meets only at its reserved place, "
                                         "%(table)s.", name=subject, table=breach.other),
            "cap_reached": lambda: _l("%(name)s has reached the maximum of %(n)d meetings.",
                                      name=subject, n=breach.limit or 0),
            "interpreter_needed": lambda: _l(
                "%(a)s and %(b)s need an interpreter, and none who speaks a language of each "
                "side is free at %(time)s.", a=meeting.sender.name, b=meeting.recipient.name,
                time=at),
            "interpreter_unavailable": lambda: _l("The interpreter %(name)s does not work at "
                                                  "%(time)s.", name=subject, time=at),
            "interpreter_busy": lambda: _l("The interpreter %(name)s is already in another "
                                           "meeting at %(time)s.", name=subject, time=at),
            "interpreter_language": lambda: _l("The interpreter %(name)s does not speak a "
                                               "language of each side.", name=subject),
        }
        text = texts.get(breach.code)
        return str(text()) if text else str(_l("That time, table or interpreter is not part "
                                               "of the event."))


def _seat(meeting: MeetingRequest) -> Seat:
    return Seat(meeting.sender.name, meeting.recipient.name, str(meeting.slot_id),
                meeting.table.name,
                interpreter_key(meeting.interpreter) if meeting.interpreter else None)


def seat_of(meeting: MeetingRequest, slot: Slot, table: MeetingTable,
            interpreter: Interpreter | None) -> Seat:
    return Seat(meeting.sender.name, meeting.recipient.name, str(slot.id), table.name,
                interpreter_key(interpreter) if interpreter else None)


def slot_problems(event: Event, meeting: MeetingRequest) -> dict[int, str | None]:
    """For the move form: each slot's first broken rule for this meeting (table and
    interpreter chosen as a move without them would)."""
    board = Board.load(event)
    return {slot.id: board.problem(meeting, slot) for slot in event.slots}


def check_groups_may_meet(event: Event, *meetings: MeetingRequest) -> None:
    """No manual change puts a pair on the grid whose groups may not meet."""
    pairing = pairing_of(event.id)
    for meeting in meetings:
        if not pairing.may_meet(meeting.sender_id, meeting.recipient_id):
            raise ScheduleError(_l("%(a)s and %(b)s are in groups that may not meet: the meeting "
                                   "cannot be placed on the schedule.",
                                   a=meeting.sender.name, b=meeting.recipient.name))


def check_no_run(event: Event) -> None:
    """The generator works on a snapshot of the schedule and its definition and writes its
    result back over them: changes to either wait until it has finished."""
    if active_run(event) is not None:
        raise ScheduleError(_l("The generator is running. Wait until it has finished."))


def check_changeable(event: Event, *meetings: MeetingRequest) -> None:
    check_no_run(event)
    for meeting in meetings:
        if meeting.status != ACCEPTED:
            raise ScheduleError(_l("Only agreed meetings can be scheduled."))
        if meeting.locked:
            raise ScheduleError(_l("The meeting with %(a)s and %(b)s is locked. Unlock it first.",
                                   a=meeting.sender.name, b=meeting.recipient.name))
