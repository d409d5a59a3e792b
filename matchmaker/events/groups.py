"""Participant groups and the who-meets-whom matrix, as the organizer changes them.

Adding a group never forbids anything (it may meet every group, itself included); the first
group takes every registration of the event, so each is always in exactly one group. Changing
the matrix or a company's group cancels the open requests and meetings it forbids, with notice,
and asks first (``plan_*`` counts, the caller confirms)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .. import audit
from ..extensions import db
from ..models import (
    Event,
    GroupPairing,
    MeetingBooking,
    MeetingRequest,
    ParticipantGroup,
    Registration,
    RequestStatus,
    User,
    utcnow,
)
from ..notifications.services import notify_meeting_change
from ..pairing import Pairing, pair_of, pairing_of
from .services import EventError

CANCEL_REASON = "group_matrix_changed"


@dataclass
class GroupData:
    name: str
    open_for_registration: bool = True
    shown_to_all: bool = False
    max_meetings: int | None = None
    max_open_requests: int | None = None


# --- groups --------------------------------------------------------------------------------

def group_of(event: Event, group_id: int) -> ParticipantGroup | None:
    return db.session.scalar(db.select(ParticipantGroup).filter_by(id=group_id,
                                                                   event_id=event.id))


def _check_name(event: Event, name: str, group: ParticipantGroup | None = None) -> str:
    name = name.strip()
    if not name:
        raise EventError(str(_l("Give the group a name.")), "name")
    if any(g.name.lower() == name.lower() and g is not group for g in event.groups):
        raise EventError(str(_l("The event has a group of that name already.")), "name")
    return name


def add_group(event: Event, data: GroupData, organizer: User) -> ParticipantGroup:
    """A new group that may meet every group, itself included: adding one forbids nothing."""
    name = _check_name(event, data.name)
    first = not event.groups
    group = ParticipantGroup(name=name, position=len(event.groups))
    _fill(group, data)
    event.groups.append(group)
    db.session.flush()
    for other in event.groups:
        low, high = pair_of(group.id, other.id)
        db.session.add(GroupPairing(event_id=event.id, first_group_id=low, second_group_id=high))
    if first:  # every registration is in exactly one group from now on
        db.session.execute(db.update(Registration).where(Registration.event_id == event.id)
                           .values(group_id=group.id).execution_options(
                               synchronize_session=False))
    audit.record("group_added", organizer, target=name, event=event)
    db.session.flush()
    return group


def update_group(event: Event, group: ParticipantGroup, data: GroupData,
                 organizer: User) -> None:
    group.name = _check_name(event, data.name, group)
    _fill(group, data)
    audit.record("group_changed", organizer, target=group.name, event=event)
    db.session.flush()


def _fill(group: ParticipantGroup, data: GroupData) -> None:
    group.open_for_registration, group.shown_to_all = data.open_for_registration, \
        data.shown_to_all
    group.max_meetings, group.max_open_requests = data.max_meetings, data.max_open_requests


def members_count(group: ParticipantGroup) -> int:
    return db.session.scalar(db.select(db.func.count(Registration.id)).filter_by(
        group_id=group.id))


def member_counts(event: Event) -> dict[int, int]:
    """Group id → its registrations (of any status)."""
    return dict(db.session.execute(
        db.select(Registration.group_id, db.func.count(Registration.id))
        .where(Registration.event_id == event.id, Registration.group_id.is_not(None))
        .group_by(Registration.group_id)).all())


def delete_group(event: Event, group: ParticipantGroup, organizer: User) -> None:
    """Only an empty group goes, or the last one (the event then has no groups again)."""
    if len(event.groups) > 1 and members_count(group):
        raise EventError(str(_l("Move the companies of “%(name)s” to another group first.",
                                name=group.name)))
    event.groups.remove(group)
    audit.record("group_deleted", organizer, target=group.name, event=event)
    db.session.flush()


# --- the matrix ----------------------------------------------------------------------------

@dataclass
class PairingChange:
    """What a change of the matrix or of companies' groups cancels: the open requests and the
    agreed meetings whose groups may no longer meet."""

    requests: list[MeetingRequest] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return sum(r.status == RequestStatus.PENDING for r in self.requests)

    @property
    def agreed(self) -> int:
        return sum(r.status == RequestStatus.ACCEPTED for r in self.requests)

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.requests)


def _open_requests(event: Event) -> list[MeetingRequest]:
    return list(db.session.scalars(db.select(MeetingRequest).where(
        MeetingRequest.event_id == event.id, MeetingRequest.open_pair_key.is_not(None))
        .order_by(MeetingRequest.id)))


def _forbidden_by(event: Event, pairing: Pairing) -> PairingChange:
    return PairingChange([r for r in _open_requests(event)
                          if not pairing.may_meet(r.sender_id, r.recipient_id)])


def plan_matrix(event: Event, allowed: set[tuple[int, int]]) -> PairingChange:
    current = pairing_of(event.id)
    wanted = {pair_of(a, b) for a, b in allowed if a in current.groups and b in current.groups}
    return _forbidden_by(event, Pairing(current.groups, frozenset(wanted), current.group_of))


def set_matrix(event: Event, allowed: set[tuple[int, int]], organizer: User,
               confirmed: bool) -> PairingChange:
    """Save which groups may meet; returns the plan unsaved when it would cancel requests or
    meetings and the organizer has not confirmed."""
    change = plan_matrix(event, allowed)
    if change.needs_confirmation and not confirmed:
        return change
    groups = {g.id for g in event.groups}
    wanted = {pair_of(a, b) for a, b in allowed if a in groups and b in groups}
    db.session.execute(db.delete(GroupPairing).filter_by(event_id=event.id))
    db.session.add_all(GroupPairing(event_id=event.id, first_group_id=a, second_group_id=b)
                       for a, b in sorted(wanted))
    names = {g.id: g.name for g in event.groups}
    audit.record("group_matrix_changed", organizer, event=event, details={
        "pairs": [[names[a], names[b]] for a, b in sorted(wanted)],
        "cancelled": len(change.requests)})
    _cancel(change)
    return change


# --- companies' groups ---------------------------------------------------------------------

def plan_move(event: Event, registration_ids: list[int], group: ParticipantGroup) \
        -> PairingChange:
    current = pairing_of(event.id)
    moving = set(db.session.scalars(db.select(Registration.company_id).where(
        Registration.event_id == event.id, Registration.id.in_(registration_ids))))
    group_of = current.group_of | {company: group.id for company in moving}
    return _forbidden_by(event, Pairing(current.groups, current.allowed, group_of))


def move_to_group(event: Event, registration_ids: list[int], group: ParticipantGroup,
                  organizer: User, confirmed: bool) -> tuple[int, PairingChange]:
    """Put registrations into ``group``; returns how many moved (0 and the plan when the move
    would cancel requests or meetings and is not confirmed)."""
    change = plan_move(event, registration_ids, group)
    if change.needs_confirmation and not confirmed:
        return 0, change
    registrations = db.session.scalars(db.select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(registration_ids))).all()
    moved = [r for r in registrations if r.group_id != group.id]
    for registration in moved:
        registration.group_id = group.id
        audit.record("group_assigned", organizer, target=registration.company, event=event,
                     details={"group": group.name})
    db.session.flush()
    _cancel(change)
    return len(moved), change


def _cancel(change: PairingChange) -> None:
    """Call off what the new rule forbids; both sides are told why (a reason code)."""
    ids = [r.id for r in change.requests]
    db.session.execute(db.delete(MeetingBooking).where(MeetingBooking.request_id.in_(ids)))
    for meeting_request in change.requests:
        meeting_request.status = RequestStatus.CANCELLED.value
        meeting_request.open_pair_key, meeting_request.table_id = None, None
        meeting_request.closed_at = utcnow()
        meeting_request.reason_code, meeting_request.reason_params = CANCEL_REASON, {}
    db.session.flush()
    for meeting_request in change.requests:
        notify_meeting_change(meeting_request, "meeting_cancelled")


# --- templates -----------------------------------------------------------------------------

def apply_delegation_trip(event: Event, organizer: User) -> None:
    """The "delegation trip" template: a delegation and its hosts, who meet each other only."""
    delegation = add_group(event, GroupData(str(_l("Delegation"))), organizer)
    hosts = add_group(event, GroupData(str(_l("Hosts"))), organizer)
    set_matrix(event, {(delegation.id, hosts.id)}, organizer, confirmed=True)
