"""Event operations: definition (slots, tables), registration, vetting, directory.
The only place in the events feature that commits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from .. import access, audit, dates, phases
from ..engine.matching import Document
from ..extensions import db
from ..models import (
    Company,
    CompanyTag,
    Event,
    EventMember,
    Interpreter,
    MeetingBooking,
    MeetingRequest,
    MeetingTable,
    MeetingWindow,
    ParticipantGroup,
    ProgramItem,
    ProgramSignup,
    ProgramWaiting,
    Registration,
    RegistrationStatus,
    RequestStatus,
    Slot,
    TeamRole,
    User,
    registration_slots,
    utcnow,
)
from ..notifications.services import (
    notify,
    notify_meeting_change,
    notify_program_place,
    notify_registration,
)
from ..suggestions.embeddings import company_vector
from ..suggestions.search import find
from ..unit_of_work import ServiceError
from .definition import DefinitionError, Window, all_slots, format_breaks, format_tables


class EventError(ServiceError):
    """A change was refused; ``field`` names the form field it belongs to (or None)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class EventData:
    name: str
    venue: str
    city: str
    timezone: str
    description: str
    windows: list[Window]
    tables: list[tuple[str, str]]
    max_meetings_per_company: int | None = None
    max_open_requests: int | None = None
    request_expiry_hours: int | None = None
    registration_closes_at: datetime | None = None
    profiles_visible_at: datetime | None = None
    requests_open_at: datetime | None = None
    requests_close_at: datetime | None = None
    schedule_release_at: datetime | None = None


RULE_FIELDS = ("name", "venue", "city", "timezone", "description", "max_meetings_per_company",
               "max_open_requests", "request_expiry_hours", "registration_closes_at",
               "profiles_visible_at", "requests_open_at", "requests_close_at",
               "schedule_release_at")


@dataclass
class SlotChanges:
    """What saving a new definition does to the existing slots."""

    kept: list[Slot] = field(default_factory=list)
    dropped: list[Slot] = field(default_factory=list)
    added: list[tuple[datetime, datetime]] = field(default_factory=list)
    agreed_meetings: int = 0
    registrations_losing_slots: int = 0
    removed_tables: list[MeetingTable] = field(default_factory=list)
    # Scheduled meetings in a dropped slot or at a removed table: they lose their place.
    affected: list[MeetingRequest] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        """Dropping or moving slots once people rely on them, or removing a table that holds
        meetings, is asked, never done silently."""
        return bool(self.affected) or bool(self.dropped) and (
            self.agreed_meetings > 0 or self.registrations_losing_slots > 0)

    @property
    def locked(self) -> list[MeetingRequest]:
        return [m for m in self.affected if m.locked]


# --- definition ----------------------------------------------------------------------------

def create_event(creator: User, data: EventData) -> Event:
    event = Event(created_by_id=creator.id)
    changes = plan_slot_changes(event, data)  # refuses a bad definition before anything is added
    db.session.add(event)
    _apply(event, data, changes)
    db.session.flush()
    # Its creator owns it: rights inside an event come from its team (``matchmaker.access``).
    db.session.add(EventMember(event_id=event.id, user_id=creator.id, role=TeamRole.OWNER.value,
                               countries=[], group_ids=[]))
    db.session.flush()
    return event


def plan_slot_changes(event: Event, data: EventData) -> SlotChanges:
    try:
        wanted = all_slots(data.windows)
    except DefinitionError as error:
        raise EventError(str(_l("Meeting windows overlap. Give each window its own time."))) \
            from error
    by_time = {(slot.starts_at, slot.ends_at): slot for slot in event.slots}
    changes = SlotChanges(kept=[by_time[t] for t in wanted if t in by_time],
                          dropped=[s for t, s in by_time.items() if t not in set(wanted)],
                          added=[t for t in wanted if t not in by_time])
    if event.id is not None and changes.dropped:
        changes.agreed_meetings = _count_agreed_meetings(event.id)
        changes.registrations_losing_slots = _count_registrations_using(changes.dropped)
    if event.id is not None:
        wanted_tables = {name for name, _ in data.tables}
        changes.removed_tables = [t for t in event.tables if t.name not in wanted_tables]
        changes.affected = _meetings_losing_places(event, changes)
    return changes


def update_event(event: Event, data: EventData, confirmed: bool) -> SlotChanges:
    """Save the definition; returns the plan unsaved when it needs the organizer's consent.
    Refused while a locked meeting would lose its place: the organizer unlocks or moves it."""
    changes = plan_slot_changes(event, data)
    if changes.needs_confirmation and not confirmed:
        return changes
    if changes.locked:
        raise EventError(str(_l("%(n)d locked meeting(s) are in the slots or at the tables you "
                                "remove. Unlock or move them first.", n=len(changes.locked))))
    _take_off(event, changes)
    _apply(event, data, changes)
    db.session.flush()
    return changes


def _meetings_losing_places(event: Event, changes: SlotChanges) -> list[MeetingRequest]:
    slots = {s.id for s in changes.dropped}
    tables = {t.id for t in changes.removed_tables}
    if not slots and not tables:
        return []
    query = db.select(MeetingRequest).where(
        MeetingRequest.event_id == event.id,
        MeetingRequest.status == RequestStatus.ACCEPTED.value,
        MeetingRequest.table_id.is_not(None),
        db.or_(MeetingRequest.slot_id.in_(slots), MeetingRequest.table_id.in_(tables)),
    ).order_by(MeetingRequest.id)
    return [m for m in db.session.scalars(query) if m.slot_id is not None]


def _take_off(event: Event, changes: SlotChanges) -> None:
    """The meetings losing their slot or table leave the schedule with the reason, and both
    companies are told once the schedule is published."""
    dropped = {s.id for s in changes.dropped}
    for meeting in changes.affected:
        if meeting.slot_id in dropped:
            code, params = "slot_removed", {}
        else:
            code, params = "table_removed", {"table": meeting.table.name}
        db.session.execute(db.delete(MeetingBooking).filter_by(request_id=meeting.id))
        meeting.slot = meeting.table = meeting.interpreter = None
        meeting.unscheduled_code, meeting.unscheduled_params = code, params
        meeting.unscheduled_reason = ""
        meeting.schedule_version += 1
    db.session.flush()
    if event.schedule_published_at is not None:
        for meeting in changes.affected:
            notify_meeting_change(meeting, "meeting_unscheduled")


def _apply(event: Event, data: EventData, changes: SlotChanges) -> None:
    for name in RULE_FIELDS:
        setattr(event, name, getattr(data, name))
    event.windows = [MeetingWindow(day=w.day, start=w.start, end=w.end,
                                   slot_minutes=w.slot_minutes,
                                   breaks=[[str(a)[:5], str(b)[:5]] for a, b in w.breaks])
                     for w in data.windows]
    _apply_slots(event, changes)
    _apply_tables(event, data.tables)


def _apply_slots(event: Event, changes: SlotChanges) -> None:
    had_every_slot = [r for r in event.registrations
                      if event.slots and len(r.available_slots) == len(event.slots)]
    working_every_slot = [] if event.id is None else [
        i for i in db.session.scalars(db.select(Interpreter).filter_by(event_id=event.id))
        if event.slots and len(i.slots) == len(event.slots)]
    for slot in changes.dropped:
        event.slots.remove(slot)
    db.session.flush()  # free the start times before new slots take them
    new_slots = [Slot(starts_at=a, ends_at=b) for a, b in changes.added]
    event.slots.extend(new_slots)
    for registration in had_every_slot:  # "available all evening" stays true
        registration.available_slots.extend(new_slots)
    for interpreter in working_every_slot:  # and so does "works all evening"
        interpreter.slots.extend(new_slots)


def _apply_tables(event: Event, tables: list[tuple[str, str]]) -> None:
    """Tables are matched by name, so a renamed list keeps the rows that stay."""
    wanted = {name for name, _ in tables}
    for table in [t for t in event.tables if t.name not in wanted]:
        event.tables.remove(table)
    existing = {table.name: table for table in event.tables}
    for position, (name, note) in enumerate(tables):
        table = existing.get(name)
        if table is None:
            table = MeetingTable(name=name)
            event.tables.append(table)
        table.note, table.position = note, position


def _count_agreed_meetings(event_id: int) -> int:
    return db.session.scalar(db.select(db.func.count(MeetingRequest.id)).filter_by(
        event_id=event_id, status=RequestStatus.ACCEPTED.value))


def _count_registrations_using(slots: list[Slot]) -> int:
    ids = [slot.id for slot in slots]
    query = db.select(db.func.count(db.distinct(registration_slots.c.registration_id))).where(
        registration_slots.c.slot_id.in_(ids))
    return db.session.scalar(query)


def form_data(event: Event) -> dict:
    """The event as the edit form shows it: windows as rows, tables as text."""
    windows = [{"day": w.day, "start": w.start, "end": w.end, "slot_minutes": w.slot_minutes,
                "breaks": format_breaks(w.breaks)} for w in event.windows]
    tables = format_tables([(table.name, table.note) for table in event.tables])
    return {name: getattr(event, name) for name in RULE_FIELDS} | {"windows": windows,
                                                                   "tables": tables}


# --- registration and vetting ------------------------------------------------------------

def registration_groups(event: Event) -> list[ParticipantGroup]:
    """The groups a company may choose when it registers."""
    return [g for g in event.groups if g.open_for_registration]


def register(event: Event, company: Company, attendees: list[User], slots: list[Slot],
             group_id: int | None = None, by_organizer: bool = False) -> Registration:
    """Register or update a registration; a rejected company that changes it asks again. In an
    event with groups the company chooses an open one once (an organizer or an import any one);
    later only the organizer moves it."""
    registration = access.registration_of(event.id, company.id)
    if registration is None and not by_organizer:  # after the close only organizers add one
        closed = phases.refusal(event, "register")
        if closed:
            raise EventError(closed)
    if registration is None:
        registration = Registration(event=event, company=company)
        db.session.add(registration)
    if event.groups and (registration.group_id is None):
        registration.group_id = _chosen_group(event, group_id, by_organizer)
    elif registration.status == RegistrationStatus.REJECTED:
        registration.status, registration.reason = RegistrationStatus.PENDING.value, ""
    registration.attendees = attendees
    registration.available_slots = slots
    try:
        db.session.flush()
    except IntegrityError as error:  # a colleague registered the company at the same moment
        db.session.rollback()
        raise EventError(str(_l("Your company is registered already. Please reload the page."))) \
            from error
    return registration


def _chosen_group(event: Event, group_id: int | None, by_organizer: bool) -> int:
    open_groups = {g.id for g in (event.groups if by_organizer else registration_groups(event))}
    if not open_groups:
        raise EventError(str(_l("The organizer registers the companies of this event. Please "
                                "contact the organizer.")))
    if group_id not in open_groups:
        raise EventError(str(_l("Choose the group your company belongs to.")), "group")
    return group_id


# From which states an organizer may approve or reject (the same state again is a repeated
# click, a no-op); a revoked registration may be approved again, not rejected.
DECIDABLE_FROM = {
    RegistrationStatus.APPROVED: {RegistrationStatus.PENDING, RegistrationStatus.NEEDS_INFO,
                                  RegistrationStatus.REJECTED, RegistrationStatus.REVOKED,
                                  RegistrationStatus.APPROVED},
    RegistrationStatus.REJECTED: {RegistrationStatus.PENDING, RegistrationStatus.NEEDS_INFO,
                                  RegistrationStatus.APPROVED, RegistrationStatus.REJECTED},
}


def decide(event: Event, registration_ids: list[int], approve: bool, reason: str,
           organizer: User, notify: bool = True) -> int:
    """Approve or reject registrations of one event and tell the companies (unless ``notify``
    is False, as for demo data); returns how many changed."""
    if not approve and not reason.strip():
        raise EventError(str(_l("Tell the company why it is rejected.")), "reason")
    registrations = db.session.scalars(db.select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(registration_ids))).all()
    status = RegistrationStatus.APPROVED if approve else RegistrationStatus.REJECTED
    stuck = [r.company.name for r in registrations if r.state not in DECIDABLE_FROM[status]]
    if stuck:  # a revoked company is out: rejecting it again would notify it for nothing
        raise EventError(str(_l("“%(state)s” is not possible for: %(names)s.",
                                state=status.label, names=", ".join(sorted(stuck)))))
    reason = "" if approve else reason.strip()
    changed = [r for r in registrations if (r.status, r.reason) != (status, reason)]
    for registration in changed:  # the others are a repeated click: nothing to do
        registration.status, registration.reason = status.value, reason
        registration.decided_at, registration.decided_by_id = utcnow(), organizer.id
        audit.record(f"registration_{status.value}", organizer, target=registration.company,
                     event=event, details={"reason": reason} if reason else {})
        if not approve:  # a rejected company vanishes from the event, and so do its requests
            close_requests_of(registration.company_id, "participant_withdrawn",
                              event_id=event.id)
            give_back_places(event, registration.company_id)
    db.session.flush()
    for registration in changed if notify else []:
        notify_registration(registration)
    return len(changed)


def withdraw(event: Event, registration: Registration, user: User) -> int:
    """The company leaves the event: its registration goes, its pending requests and agreed
    meetings are cancelled and the other sides told; returns how many were called off."""
    company = registration.company
    closed = close_requests_of(company.id, "company_withdrew", {"company": company.name},
                               event_id=event.id)
    audit.record("registration_withdrawn", user, target=company, event=event,
                 details={"cancelled": len(closed)})
    give_back_places(event, company.id)
    db.session.delete(registration)
    db.session.flush()
    for meeting_request in closed:
        notify(meeting_request, "cancelled", meeting_request.other_side(company.id))
    return len(closed)


def close_requests_of(company_id: int, reason_code: str, reason_params: dict | None = None,
                      event_id: int | None = None) -> list[MeetingRequest]:
    """Cancel a company's pending requests and agreed meetings (in one event, or everywhere)
    when it leaves, with the reason as a code (``reasons``); the caller tells the other sides."""
    query = db.select(MeetingRequest).where(
        MeetingRequest.open_pair_key.is_not(None),
        db.or_(MeetingRequest.sender_id == company_id, MeetingRequest.recipient_id == company_id))
    if event_id is not None:
        query = query.where(MeetingRequest.event_id == event_id)
    closed = db.session.scalars(query).all()
    for meeting_request in closed:
        meeting_request.status = RequestStatus.CANCELLED.value
        meeting_request.open_pair_key = None
        meeting_request.closed_at = utcnow()
        meeting_request.reason_code, meeting_request.reason_params = reason_code, \
            reason_params or {}
    return closed


def registrations_by_status(event: Event, status: str | None) -> list[Registration]:
    """The event's registrations (all, or of one status) by company name, with the company
    and the attendees loaded in the same round trips rather than one query per row."""
    query = (db.select(Registration).join(Company)
             .where(Registration.event_id == event.id).order_by(Company.name)
             .options(contains_eager(Registration.company),
                      selectinload(Registration.attendees),
                      selectinload(Registration.messages)))
    if status:
        query = query.where(Registration.status == status)
    return list(db.session.scalars(query))


def status_counts(event: Event) -> dict[str, int]:
    rows = db.session.execute(db.select(Registration.status, db.func.count()).where(
        Registration.event_id == event.id).group_by(Registration.status))
    return {status.value: 0 for status in RegistrationStatus} | dict(rows.all())


# --- programme -----------------------------------------------------------------------------

@dataclass
class ProgramItemData:
    title: str
    place: str
    description: str
    starts_at: datetime
    ends_at: datetime
    for_everyone: bool
    company_ids: list[int]
    capacity: int | None = None


# A programme may start before the first meeting day and end after the last (arrival dinner,
# a tour on the departure day): items lie within this many days around the meeting days.
PROGRAM_MARGIN_DAYS = 2


def program_days(event: Event) -> tuple | None:
    """The first and last day a programme item may be on (None: the event has no days yet)."""
    if not event.days:
        return None
    margin = timedelta(days=PROGRAM_MARGIN_DAYS)
    return event.days[0] - margin, event.days[-1] + margin


def _check_program_item(event: Event, data: ProgramItemData, item: ProgramItem | None) -> None:
    allowed = program_days(event)
    if allowed and not allowed[0] <= data.starts_at.date() <= allowed[1]:
        raise EventError(str(_l("The trip runs from %(first)s to %(last)s: choose a day in "
                                "between.", first=dates.format_date(allowed[0]),
                                last=dates.format_date(allowed[1]))), "day")
    taken = len(item.signups) if item is not None else 0
    if data.capacity is not None and data.capacity < taken:
        raise EventError(str(_l("Companies with a place already: %(n)d. The item needs at "
                                "least as many places.", n=taken)), "capacity")


def save_program_item(event: Event, data: ProgramItemData,
                      item: ProgramItem | None = None) -> ProgramItem:
    """Add a workshop, tour or dinner, or change ``item``; "for chosen companies" takes
    registered ones only. An item with places is one companies sign up for themselves."""
    _check_program_item(event, data, item)
    if data.capacity is not None:
        data.for_everyone = False  # who attends is who signed up (and whom the organizer chose)
    companies = [] if data.for_everyone else list(db.session.scalars(
        db.select(Company).join(Registration).where(Registration.event_id == event.id,
                                                    Company.id.in_(data.company_ids))))
    if item is None:
        item = ProgramItem(event_id=event.id)
        db.session.add(item)
    item.companies = companies
    item.title, item.place = data.title.strip(), data.place.strip()
    item.description = data.description.strip()
    item.starts_at, item.ends_at, item.for_everyone = data.starts_at, data.ends_at, \
        data.for_everyone
    item.capacity = data.capacity
    if item.capacity is None:
        item.waiting = []  # no places any more, so nothing to wait for
    db.session.flush()
    if item.takes_signups:  # more places than before: the waiting companies may get them
        _hold(item)
        db.session.refresh(item)
        _promote(event, item)
    return item


class SignupError(EventError):
    """A sign-up for a programme item was refused; the message says why."""


def participant_program(event: Event, company_id: int) -> list[ProgramItem]:
    """What a participant's programme page lists: the items it attends and those open for
    sign-up (items for other chosen companies stay theirs)."""
    return [item for item in program_for(event)
            if item.concerns(company_id) or item.takes_signups]


@dataclass(frozen=True)
class Signup:
    """What a sign-up did: ``changed`` False for a repeated click; ``position`` the company's
    place on the waiting list (1 = next), None when it has a place."""

    changed: bool
    position: int | None = None


def sign_up(event: Event, item: ProgramItem, company_id: int, user: User,
            wait: bool = False) -> Signup:
    """Take a place on ``item`` for the company; when it is full, refuse, or with ``wait`` put
    the company at the end of its waiting list. The item's row is held until our commit, so
    two companies racing for the last place get it once."""
    if not item.takes_signups:
        raise SignupError(str(_l("This item needs no sign-up.")))
    if phases.now_of(event) >= item.starts_at:
        raise SignupError(str(_l("This item has started; sign-up is closed.")))
    _hold(item)
    db.session.refresh(item)  # the sign-ups as they are now, after whoever went before us
    if item.signed_up(company_id):
        return Signup(changed=False)
    waiting = next((w for w in item.waiting if w.company_id == company_id), None)
    if item.places_left == 0:
        if waiting is not None:
            return Signup(changed=False, position=item.waiting_position(company_id))
        if not wait:
            db.session.rollback()  # end our turn: the others may count now
            raise SignupError(str(_l("“%(title)s” is full.", title=item.title)))
        item.waiting.append(ProgramWaiting(company_id=company_id, signed_up_by_id=user.id))
        db.session.flush()
        return Signup(changed=True, position=len(item.waiting))
    clash = _meeting_during(item, company_id)
    if clash is not None:
        raise SignupError(str(_l("Your company has a meeting at %(time)s, during this item. "
                                 "Cancel or move it first.",
                                 time=dates.format_datetime(clash.slot.starts_at, "short"))))
    if waiting is not None:  # a place was free (those before it clash): it takes it
        item.waiting.remove(waiting)
    item.signups.append(ProgramSignup(company_id=company_id, signed_up_by_id=user.id))
    db.session.flush()
    return Signup(changed=True)


def cancel_signup(event: Event, item: ProgramItem, company_id: int) -> bool:
    """Give back the company's place; the first company waiting that can come gets it."""
    _hold(item)
    db.session.refresh(item)
    if not _take_out(item.signups, company_id):
        return False
    _promote(event, item)
    return True


def leave_waiting_list(item: ProgramItem, company_id: int) -> bool:
    """Take the company off the waiting list; False when it is not on it (it may have moved
    up meanwhile: its place stays)."""
    _hold(item)  # not while a promotion hands it a place
    db.session.refresh(item)
    return _take_out(item.waiting, company_id)


def give_back_places(event: Event, company_id: int) -> None:
    """A company that leaves the event (withdrawn, rejected, revoked) gives back its places on
    the programme, to the first companies waiting that can come, and leaves the waiting
    lists: otherwise a tour would stay full of a company that is gone."""
    mine = db.union(
        db.select(ProgramSignup.program_item_id).filter_by(company_id=company_id),
        db.select(ProgramWaiting.program_item_id).filter_by(company_id=company_id))
    items = db.session.scalars(db.select(ProgramItem).where(
        ProgramItem.event_id == event.id, ProgramItem.id.in_(mine))).all()
    for item in items:
        _hold(item)
        db.session.refresh(item)
        _take_out(item.waiting, company_id)
        if _take_out(item.signups, company_id):
            _promote(event, item)


def _take_out(rows: list, company_id: int) -> bool:
    """Remove the company's row (a place or a waiting-list entry); False when it has none."""
    row = next((r for r in rows if r.company_id == company_id), None)
    if row is None:
        return False
    rows.remove(row)
    db.session.flush()
    return True


def _promote(event: Event, item: ProgramItem) -> None:
    """Hand the free places to the waiting companies in order, skipping those with a meeting
    during the item (they keep waiting) and those no longer approved; each is told. The caller
    holds the item's row and has read its sign-ups since."""
    if not item.places_left or not item.waiting or phases.now_of(event) >= item.starts_at:
        return
    busy = {c for m in _scheduled_during(item) for c in (m.sender_id, m.recipient_id)}
    approved = set(db.session.scalars(db.select(Registration.company_id).filter_by(
        event_id=event.id, status=RegistrationStatus.APPROVED.value)))
    promoted = []
    for waiting in list(item.waiting):
        if not item.places_left:
            break
        if waiting.company_id in busy or waiting.company_id not in approved:
            continue
        item.waiting.remove(waiting)
        item.signups.append(ProgramSignup(company_id=waiting.company_id,
                                          signed_up_by_id=waiting.signed_up_by_id))
        promoted.append(waiting.company_id)
    db.session.flush()
    for company_id in promoted:
        notify_program_place(item, company_id)


def _hold(item: ProgramItem) -> None:
    """A write on the item's row: PostgreSQL locks it, SQLite gives us its one write lock
    (as ``meetings.services._take_turns`` does for registrations)."""
    db.session.execute(db.update(ProgramItem).where(ProgramItem.id == item.id)
                       .values(capacity=ProgramItem.capacity)
                       .execution_options(synchronize_session=False))


def _meeting_during(item: ProgramItem, company_id: int) -> MeetingRequest | None:
    return next((m for m in _scheduled_during(item)
                 if company_id in (m.sender_id, m.recipient_id)), None)


def program_item_of(event: Event, item_id: int) -> ProgramItem | None:
    return db.session.scalar(db.select(ProgramItem).filter_by(id=item_id, event_id=event.id))


def meetings_during(item: ProgramItem) -> list[MeetingRequest]:
    """Scheduled meetings that clash with the item for a company attending it: placed before
    the item was added or moved, they stay until the organizer moves them or regenerates."""
    return [m for m in _scheduled_during(item)
            if item.concerns(m.sender_id) or item.concerns(m.recipient_id)]


def _scheduled_during(item: ProgramItem) -> list[MeetingRequest]:
    return db.session.scalars(
        db.select(MeetingRequest).join(Slot, MeetingRequest.slot_id == Slot.id).where(
            MeetingRequest.event_id == item.event_id,
            MeetingRequest.status == RequestStatus.ACCEPTED.value,
            MeetingRequest.table_id.is_not(None),
            Slot.starts_at < item.ends_at, item.starts_at < Slot.ends_at)).all()


def delete_program_item(event: Event, item_id: int) -> bool:
    item = program_item_of(event, item_id)
    if item is None:
        return False
    db.session.delete(item)
    db.session.flush()
    return True


def program_for(event: Event, company_id: int | None = None) -> list[ProgramItem]:
    """The programme in time order: all of it, or what one company attends."""
    items = db.session.scalars(db.select(ProgramItem).filter_by(event_id=event.id)
                               .order_by(ProgramItem.starts_at)).all()
    return [item for item in items if company_id is None or item.concerns(company_id)]


def blocked_slots(event: Event, company_id: int | None) -> dict[int, ProgramItem]:
    """Slot id → the programme item the company attends at that time (no meeting then)."""
    items = program_for(event, company_id) if company_id is not None else []
    return {slot.id: item for slot in event.slots for item in items
            if slot.starts_at < item.ends_at and item.starts_at < slot.ends_at}


def meeting_slots(registration: Registration) -> list[Slot]:
    """The slots a meeting of this company may take: available and free of its programme.
    The scheduler reads availability through this."""
    blocked = blocked_slots(registration.event, registration.company_id)
    return [slot for slot in registration.available_slots if slot.id not in blocked]


# --- directory -----------------------------------------------------------------------------

#: A search's hits are ranked best first (RELEVANCE) unless one of SORTS is asked for.
RELEVANCE = "relevance"
SORTS = {
    "name": (Company.name,),
    "country": (Company.country, Company.name),
    "newest": (Registration.decided_at.desc(), Company.name),
}
PAGE_SIZE = 12


@dataclass
class DirectoryQuery:
    q: str = ""
    tag: str = ""
    country: str = ""
    language: str = ""
    sort: str = "name"  # one of SORTS, or RELEVANCE for a search's best hits first
    page: int = 1


def directory(event: Event, query: DirectoryQuery, viewer_company_id: int | None,
              groups: set[int] | None = None):
    """A page of approved participants matching the query, the viewer's own company left out;
    only companies of ``groups`` when given (the groups the viewer may meet or is shown).

    Words are searched across languages by the matching engine ("thermal" finds "caméras
    thermiques"), best first (RELEVANCE; a company whose name contains the words comes first)
    or in the order of one of SORTS."""
    select = access.approved_companies_query(event.id)
    if viewer_company_id is not None:
        select = select.where(Company.id != viewer_company_id)
    if groups is not None:
        select = select.where(Registration.group_id.in_(groups))
    if query.tag:
        select = select.where(Company.id.in_(
            db.select(CompanyTag.company_id).filter_by(tag_id=query.tag)))
    if query.country:
        select = select.where(Company.country == query.country)
    if query.language:
        # JSON lists are stored as text on both SQLite and PostgreSQL: '["de", "en"]'.
        select = select.where(db.cast(Company.languages, db.String).like(f'%"{query.language}"%'))
    select = select.order_by(*SORTS.get(query.sort, SORTS["name"]))
    if query.q:
        found = _searched(select, query.q, by_relevance=query.sort == RELEVANCE)
        return ListPage(found, query.page, PAGE_SIZE)
    return db.paginate(select, page=query.page, per_page=PAGE_SIZE, error_out=False)


def _searched(select, q: str, by_relevance: bool) -> list[Company]:
    """The companies of ``select`` that meet ``q``: best first, or in ``select``'s order."""
    companies = list(db.session.scalars(select.options(
        selectinload(Company.embedding), selectinload(Company.tag_links))))
    by_id = {str(c.id): c for c in companies}
    documents = [Document(str(c.id), f"{c.name}. {c.city}. {c.description}\n{c.offers}\n"
                          f"{c.seeks}\n{', '.join(c.certifications or ())}", tuple(c.tags))
                 for c in companies]
    hits = [by_id[h.id] for h in find(q, documents, [company_vector(c) for c in companies],
                                      limit=len(documents))]
    folded = q.casefold()
    named = [c for c in companies if folded in c.name.casefold()]
    found = list(dict.fromkeys([*named, *hits]))
    if by_relevance:
        return found
    kept = set(found)
    return [c for c in companies if c in kept]


class ListPage:
    """A page of an already ranked list, with what the directory's pager reads of
    Flask-SQLAlchemy's pagination."""

    def __init__(self, items: list, page: int, per_page: int):
        self.total = len(items)
        self.pages = max(1, -(-self.total // per_page))
        self.page = min(max(1, page), self.pages)
        self.items = items[(self.page - 1) * per_page:self.page * per_page]
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num = self.page - 1 if self.has_prev else None
        self.next_num = self.page + 1 if self.has_next else None

    def iter_pages(self):
        return iter(range(1, self.pages + 1))


def directory_facets(event: Event, groups: set[int] | None = None) -> tuple[list[str],
                                                                            list[str]]:
    """The countries and languages of the approved participants the viewer is shown (those
    of ``groups`` when given), for the filters."""
    select = access.approved_companies_query(event.id)
    if groups is not None:
        select = select.where(Registration.group_id.in_(groups))
    companies = db.session.scalars(select).all()
    countries = sorted({c.country for c in companies})
    languages = sorted({lang for c in companies for lang in c.languages})
    return countries, languages


def upcoming_events(user: User | None = None) -> list[Event]:
    """Every event, the coming ones first (soonest first; undated ones, still being set up, with
    them), then the past ones (latest first). For an organizer (who is no admin) only the
    events on whose team they are: the organizer role means "may create events", not "may see
    everyone's"."""
    query = (db.select(Event).options(selectinload(Event.windows))
             .order_by(Event.created_at.desc()))
    if user is not None and user.role == "organizer":
        query = query.where(Event.id.in_(access.staff_event_ids(user)))
    return sorted(db.session.scalars(query), key=_coming_first)


def _coming_first(event: Event) -> tuple[int, int]:
    """Sort key: coming events by their first day (undated ones after them), then past ones by
    their last day, latest first; the sort keeps the newest first among equals."""
    days = event.days
    if not days:
        return 0, date.max.toordinal()
    if days[-1] < dates.event_now(event).date():
        return 1, -days[-1].toordinal()
    return 0, days[0].toordinal()
