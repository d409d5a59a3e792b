"""An event's interpreters and reserved places: the organizer defines them, the generator
schedules them. A change after which an interpreter may no longer interpret some of its
scheduled meetings (slots or languages, by the board's rules) is shown first
(``InterpreterChange``): each meeting keeps its place with another interpreter free then, or
comes off the schedule; refused while a locked meeting would come off. Both companies are
told of either once the schedule is published. Neither changes while the generator runs."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit, dates
from ..auth.services import find_user
from ..extensions import db
from ..models import (
    Company,
    Event,
    Interpreter,
    MeetingRequest,
    MeetingTable,
    Slot,
    User,
)
from ..notifications.services import notify_meeting_change
from .board import Board, check_no_run, seat_of
from .engine_adapter import event_interpreters
from .errors import ScheduleError
from .places import bump_version, clear_places, set_unscheduled_reason
from .queries import ACCEPTED, approved_registrations, is_published, is_scheduled


@dataclass
class InterpreterData:
    name: str
    languages: list[str]
    slot_ids: list[int]
    email: str = ""  # the account that sees the interpreter's agenda ("" for none)


@dataclass
class InterpreterChange:
    """What saving (or deleting) an interpreter does to the scheduled meetings it serves:
    those with a stand-in keep their place with them, the others come off the schedule."""

    affected: list[MeetingRequest] = field(default_factory=list)
    # meeting id → the new one; None: it needs none (its sides share a language) and keeps
    # its place without
    stand_ins: dict[int, Interpreter | None] = field(default_factory=dict)
    reasons: dict[int, str] = field(default_factory=dict)  # meeting id → why, if taken off

    @property
    def reassigned(self) -> list[tuple[MeetingRequest, Interpreter | None]]:
        return [(m, self.stand_ins[m.id]) for m in self.affected if m.id in self.stand_ins]

    @property
    def given_another(self) -> list[tuple[MeetingRequest, Interpreter]]:
        return [(m, other) for m, other in self.reassigned if other is not None]

    @property
    def kept_without(self) -> list[MeetingRequest]:
        """Meetings that need no interpreter any more: they keep their place without one."""
        return [m for m, other in self.reassigned if other is None]

    @property
    def taken_off(self) -> list[MeetingRequest]:
        return [m for m in self.affected if m.id not in self.stand_ins]

    @property
    def locked(self) -> list[MeetingRequest]:
        """Locked meetings that nobody else can interpret: they refuse the change."""
        return [m for m in self.taken_off if m.locked]

    @property
    def stand_in_names(self) -> list[str]:
        return sorted({i.name for i in self.stand_ins.values() if i is not None})

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.affected)


@dataclass(frozen=True)
class Load:
    """An interpreter's figures for the organizer: meetings served of slots worked."""

    interpreter: Interpreter
    meetings: int
    slots: int

    @property
    def percent(self) -> int:
        return round(100 * self.meetings / self.slots) if self.slots else 0


def interpreter_of(event: Event, interpreter_id: int) -> Interpreter | None:
    found = db.session.get(Interpreter, interpreter_id)
    return found if found is not None and found.event_id == event.id else None


def meetings_of(interpreter: Interpreter) -> list[MeetingRequest]:
    """The agreed meetings the interpreter serves, in time order."""
    query = db.select(MeetingRequest).join(Slot, MeetingRequest.slot_id == Slot.id).where(
        MeetingRequest.interpreter_id == interpreter.id, MeetingRequest.status == ACCEPTED,
    ).order_by(Slot.starts_at, MeetingRequest.id)
    return [m for m in db.session.scalars(query) if is_scheduled(m)]


def loads(event: Event) -> list[Load]:
    counts = dict(db.session.execute(
        db.select(MeetingRequest.interpreter_id, db.func.count(MeetingRequest.id)).where(
            MeetingRequest.event_id == event.id, MeetingRequest.status == ACCEPTED,
            MeetingRequest.slot_id.is_not(None), MeetingRequest.table_id.is_not(None),
            MeetingRequest.interpreter_id.is_not(None))
        .group_by(MeetingRequest.interpreter_id)).all())
    return [Load(i, counts.get(i.id, 0), len(i.slots)) for i in event_interpreters(event)]


def own_interpreter(event: Event, user: User) -> Interpreter | None:
    """The interpreter whose account ``user`` is, in this event."""
    return db.session.scalar(db.select(Interpreter).filter_by(event_id=event.id,
                                                              user_id=user.id))


def plan_change(event: Event, interpreter: Interpreter | None,
                data: InterpreterData | None) -> InterpreterChange:
    """The scheduled meetings an interpreter could no longer interpret as ``data`` defines it
    (the board's rules decide; None: the interpreter goes altogether), and who would
    interpret each instead."""
    if interpreter is None or interpreter.id is None:
        return InterpreterChange()
    meetings = meetings_of(interpreter)
    if not meetings:
        return InterpreterChange()
    board = Board.load(event)
    if data is None:
        lost = dict.fromkeys((m.id for m in meetings), "interpreter_off")
    else:
        broken = board.unserved(interpreter, data.languages,
                                [s.id for s in _slots(event, data)], meetings)
        # the reason it comes off: no longer speaks its languages, else no longer works then
        lost = {i: code if code == "interpreter_language" else "interpreter_off"
                for i, code in broken.items()}
    affected = [m for m in meetings if m.id in lost]
    return InterpreterChange(affected, _stand_ins(board, interpreter, affected), lost)


def _slots(event: Event, data: InterpreterData) -> list[Slot]:
    return [s for s in event.slots if s.id in set(data.slot_ids)]


def _stand_ins(board: Board, leaving: Interpreter,
               affected: list[MeetingRequest]) -> dict[int, Interpreter | None]:
    """Another interpreter for each meeting that can have one, by the board's rules (one
    chosen here is busy for the rest of the change); nobody for a meeting that needs none."""
    found, taken = {}, ()
    for meeting in affected:
        if not board.needs_interpreter(meeting):
            found[meeting.id] = None
            continue
        other = board.stand_in(meeting, leaving, taken)
        if other is not None:
            found[meeting.id] = other
            taken += (seat_of(meeting, meeting.slot, meeting.table, other),)
    return found


def save_interpreter(event: Event, data: InterpreterData, interpreter: Interpreter | None,
                     actor: User, confirmed: bool) -> tuple[Interpreter | None, InterpreterChange]:
    """Add or change an interpreter; returns (None, the change) unsaved when scheduled
    meetings would lose it and the organizer has not confirmed."""
    check_no_run(event)
    change = plan_change(event, interpreter, data)
    if change.needs_confirmation and not confirmed:
        return None, change
    _release(event, change, actor, {"name": interpreter.name if interpreter else ""})
    if interpreter is None:
        interpreter = Interpreter(event_id=event.id)
        db.session.add(interpreter)
    interpreter.name, interpreter.languages = data.name.strip(), sorted(set(data.languages))
    interpreter.slots = _slots(event, data)
    interpreter.user_id = _account(data.email)
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise ScheduleError(_l("An interpreter of this event already has that name.")) \
            from error
    return interpreter, change


def delete_interpreter(event: Event, interpreter: Interpreter, actor: User,
                       confirmed: bool) -> InterpreterChange:
    check_no_run(event)
    change = plan_change(event, interpreter, None)
    if change.needs_confirmation and not confirmed:
        return change
    _release(event, change, actor, {"name": interpreter.name})
    db.session.delete(interpreter)
    db.session.flush()
    return change


def _account(email: str) -> int | None:
    if not email.strip():
        return None
    user = find_user(email.strip())
    if user is None:
        raise ScheduleError(_l("No account has the email address %(email)s.", email=email))
    return user.id


def _release(event: Event, change: InterpreterChange, actor: User, params: dict) -> None:
    """Refuse while a locked meeting would come off; give the meetings with a stand-in
    theirs and take the others off the schedule with the reason, audited; both companies
    are told once the schedule is published."""
    if change.locked:
        raise ScheduleError(_l("%(n)d locked meeting(s) would be left without an interpreter: "
                               "nobody else is free then. Unlock or move them first.",
                               n=len(change.locked)))
    for meeting, other in change.reassigned:
        _audit(event, meeting, actor, "interpreter_reassigned", other.name if other else "")
    for meeting in change.taken_off:
        _audit(event, meeting, actor, "meeting_taken_off", "")
    _reassign(event, change.reassigned)
    for code in sorted({change.reasons[m.id] for m in change.taken_off}):
        take_off(event, [m for m in change.taken_off if change.reasons[m.id] == code], code,
                 params)


def _audit(event: Event, meeting: MeetingRequest, actor: User, action: str, to: str) -> None:
    """As the day-of bump is recorded: the meeting, its place, and the interpreter before and
    after (before the change, while the meeting still has them)."""
    audit.record(action, actor, target=meeting, event=event, details={
        "meeting": f"{meeting.sender.name} – {meeting.recipient.name}",
        "place": f"{dates.slot_label(meeting.slot)} {meeting.table.name}",
        "from": meeting.interpreter.name if meeting.interpreter else "", "to": to})


def _reassign(event: Event,
              reassigned: list[tuple[MeetingRequest, Interpreter | None]]) -> None:
    """Meetings keep their slot and table with another interpreter; calendars and offline
    agendas see a new version, and once the schedule is published both companies get the
    notice of a manual move."""
    for meeting, other in reassigned:
        meeting.interpreter, meeting.interpreter_id = other, other.id if other else None
        bump_version(meeting)
    db.session.flush()
    if is_published(event):
        for meeting, _other in reassigned:
            notify_meeting_change(meeting, "meeting_moved")


def take_off(event: Event, meetings: list[MeetingRequest], code: str, params: dict) -> None:
    """Take scheduled meetings off the grid for a definition change, with its reason."""
    if not meetings:
        return
    clear_places(meetings)
    for meeting in meetings:
        set_unscheduled_reason(meeting, code, params)
        bump_version(meeting)
    db.session.flush()
    if is_published(event):
        for meeting in meetings:
            notify_meeting_change(meeting, "meeting_unscheduled")


# --- reserved places ---------------------------------------------------------------------------

def reservable_companies(event: Event) -> list[Company]:
    return sorted((r.company for r in approved_registrations(event)), key=lambda c: c.name)


def reserve(event: Event, table: MeetingTable, company: Company | None, actor: User) -> None:
    """Reserve ``table`` for ``company`` (None: free it again). A company has one place;
    reserving another moves it. Generate again (or move by hand) to bring the meetings there."""
    check_no_run(event)
    if company is not None and company.id not in {c.id for c in reservable_companies(event)}:
        raise ScheduleError(_l("Only an approved company of the event can have a place."))
    if company is not None:
        _check_locked_fit(event, table, company)
        for other in event.tables:
            if other.reserved_for_id == company.id and other.id != table.id:
                other.reserved_for_id = None
        db.session.flush()
    table.reserved_for_id = company.id if company is not None else None
    audit.record("place_reserved", actor, target=company or table, event=event,
                 details={"table": table.name})
    db.session.flush()


def _check_locked_fit(event: Event, table: MeetingTable, company: Company) -> None:
    """Locked meetings stay where they are: refuse a place that a locked meeting of somebody
    else sits at, or that a locked meeting of the company sits away from."""
    query = db.select(MeetingRequest).where(
        MeetingRequest.event_id == event.id, MeetingRequest.status == ACCEPTED,
        MeetingRequest.locked.is_(True), MeetingRequest.table_id.is_not(None),
        db.or_(MeetingRequest.table_id == table.id, MeetingRequest.sender_id == company.id,
               MeetingRequest.recipient_id == company.id))
    for meeting in db.session.scalars(query):
        ours = company.id in (meeting.sender_id, meeting.recipient_id)
        elsewhere = meeting.table_id != table.id and meeting.table.reserved_for_id not in (
            meeting.sender_id, meeting.recipient_id)
        if (not ours) or elsewhere:
            raise ScheduleError(_l("The locked meeting of %(a)s and %(b)s at table %(table)s "
                                   "would break this place. Unlock or move it first.",
                                   a=meeting.sender.name, b=meeting.recipient.name,
                                   table=meeting.table.name))
