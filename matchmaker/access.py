"""Who may see what in an event: the one place every events/meetings route asks.

A company that is not approved for an event does not exist in it for anyone but the
organizers: not in the directory, not on a company page, not in requests. Objects a viewer
must not know about answer 404, never 403."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import wraps

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from .extensions import db, login_manager
from .models import (
    Company,
    Event,
    EventMember,
    MeetingRequest,
    Registration,
    RegistrationStatus,
    RequestStatus,
    TeamRole,
    User,
)
from .pairing import pairing_of
from .web import get_or_404


class Capability(enum.Enum):
    """What a member of an event's team may do. Each event-scoped staff route needs one."""

    VET = "vet"        # read registrations and profiles, decide vetting
    MANAGE = "manage"  # run the event: edit it, groups, programme, schedule, day-of, exports
    TEAM = "team"      # manage the team and its invitations (and, later, delete the event)


ROLE_CAPABILITIES: dict[TeamRole, frozenset[Capability]] = {
    TeamRole.OWNER: frozenset(Capability),
    TeamRole.CO_ORGANIZER: frozenset({Capability.VET, Capability.MANAGE}),
    TeamRole.VETTER: frozenset({Capability.VET}),
}
NO_CAPABILITIES: frozenset[Capability] = frozenset()


def team_role(user: User, event_id: int) -> TeamRole | None:
    """The user's role on the event's team, or None (asked once per request and pair)."""
    if not user.is_authenticated:
        return None
    cache = g.setdefault("team_roles", {})
    key = (user.id, event_id)
    if key not in cache:
        role = db.session.scalar(db.select(EventMember.role).filter_by(event_id=event_id,
                                                                        user_id=user.id))
        cache[key] = TeamRole(role) if role else None
    return cache[key]


def capabilities_of(user: User, event_id: int) -> frozenset[Capability]:
    """Admins may do everything in every event; others what their team role gives them."""
    if user.is_authenticated and user.is_admin:
        return frozenset(Capability)
    role = team_role(user, event_id)
    return ROLE_CAPABILITIES[role] if role else NO_CAPABILITIES


def forget_team_roles() -> None:
    """After a team change inside the request, ask the database again."""
    g.pop("team_roles", None)


def event_staff(capability: Capability):
    """Guard for an event-scoped staff route whose URL has ``event_id``:

    - anonymous → the login page;
    - a user not on the event's team (and not an admin) → 404, the event is none of theirs:
      an organizer of event A learns nothing about event B;
    - on the team but the role lacks ``capability`` → 403 (e.g. a vetter opening the schedule).

    Use ``Capability.VET`` for reading registrations/profiles and vetting, ``MANAGE`` for
    everything else that runs the event, ``TEAM`` for the team page. Views still load the
    objects they touch through this module (``event_viewer``, ``meeting_or_404``, ...)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            event = get_or_404(Event, kwargs["event_id"])
            capabilities = capabilities_of(current_user, event.id)
            if not capabilities:
                abort(404)
            if capability not in capabilities:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_capability = capability  # read by the route × role test
        return wrapped

    return decorator


def staff_event_ids(user: User) -> list[int] | None:
    """The events the user is on the team of; None for admins (all of them)."""
    if user.is_admin:
        return None
    return list(db.session.scalars(db.select(EventMember.event_id).filter_by(user_id=user.id)))


def is_on_any_team(user: User) -> bool:
    return user.is_authenticated and (user.is_admin or db.session.scalar(
        db.select(EventMember.id).filter_by(user_id=user.id).limit(1)) is not None)


def company_capabilities(user: User, company: Company) -> frozenset[Capability]:
    """What the user may do with a company's own profile page: admins everything; team members
    what their role gives them in an event the company registered for (a vetter reads, an
    organizer of that event edits); nothing for the organizers of other events."""
    if user.is_admin:
        return frozenset(Capability)
    event_ids = db.session.scalars(db.select(Registration.event_id)
                                   .filter_by(company_id=company.id)).all()
    found: set[Capability] = set()
    for event_id in event_ids:
        found |= capabilities_of(user, event_id)
    return frozenset(found)


def may_see_company(user: User, company: Company) -> bool:
    return user.company_id == company.id or bool(company_capabilities(user, company))


def may_edit_company(user: User, company: Company) -> bool:
    return user.company_id == company.id or \
        Capability.MANAGE in company_capabilities(user, company)


@dataclass(frozen=True)
class Viewer:
    """The logged-in user as seen from one event."""

    user: User
    event: Event
    registration: Registration | None  # of the user's company, whatever its status
    capabilities: frozenset[Capability] = field(default=NO_CAPABILITIES)

    @property
    def is_organizer(self) -> bool:
        """Runs this event: its owner, a co-organizer, or an admin (a vetter does not)."""
        return Capability.MANAGE in self.capabilities

    @property
    def is_staff(self) -> bool:
        """On this event's team in any role (a vetter included), or an admin: may read the
        registrations and company profiles, whatever their groups."""
        return bool(self.capabilities)

    def can(self, capability: Capability) -> bool:
        return capability in self.capabilities

    @property
    def can_vet(self) -> bool:
        return Capability.VET in self.capabilities

    @property
    def manages_team(self) -> bool:
        return Capability.TEAM in self.capabilities

    @property
    def team_role(self) -> TeamRole | None:
        return team_role(self.user, self.event.id)

    @property
    def company_id(self) -> int | None:
        return self.user.company_id

    @property
    def is_participant(self) -> bool:
        """An approved participant: may use the directory and send or receive requests."""
        return self.registration is not None and self.registration.is_approved

    @property
    def sees_directory(self) -> bool:
        return self.is_staff or self.is_participant


def registration_of(event_id: int, company_id: int | None) -> Registration | None:
    if company_id is None:
        return None
    return db.session.scalar(db.select(Registration).filter_by(event_id=event_id,
                                                               company_id=company_id))


def approved_registration(event_id: int, company_id: int) -> Registration | None:
    registration = registration_of(event_id, company_id)
    return registration if registration and registration.is_approved else None


def viewer_of(event: Event) -> Viewer:
    user = current_user._get_current_object()
    return Viewer(user, event, registration_of(event.id, user.company_id),
                  capabilities_of(user, event.id))


def event_viewer(event_id: int) -> Viewer:
    """Any logged-in user may see that an event exists (to register for it)."""
    return viewer_of(get_or_404(Event, event_id))


class AwaitingApproval(Forbidden):
    """The viewer's own company awaits vetting: say so rather than a bare 404 (it is their own
    registration, so nothing is revealed)."""

    code = 403
    detail = _l("This page is available once the organizer approves your registration.")


class AwaitingInformation(AwaitingApproval):
    """The organizer asked the viewer's company a question before deciding: point to it."""

    detail = _l("This page is available once the organizer approves your registration. The "
                "organizer needs more information first: please answer the question on your "
                "registration page.")

    def __init__(self, event_id: int):
        super().__init__()
        self.event_id = event_id


def participant_viewer(event_id: int) -> Viewer:
    """Approved participants and organizers; a company awaiting approval (or asked for more
    information) is told it must wait (403); everybody else, a rejected or revoked company
    included, gets 404."""
    viewer = event_viewer(event_id)
    if not viewer.sees_directory:
        status = viewer.registration.status if viewer.registration is not None else None
        if status == RegistrationStatus.PENDING:
            raise AwaitingApproval()
        if status == RegistrationStatus.NEEDS_INFO:
            raise AwaitingInformation(event_id)
        abort(404)
    return viewer


def visible_company(viewer: Viewer, company_id: int) -> tuple[Company, Registration]:
    """An approved company of the event, as seen by someone allowed to see the directory."""
    registration = approved_registration(viewer.event.id, company_id)
    if registration is None or not viewer.sees_directory:
        abort(404)
    if not viewer.is_staff and not pairing_of(viewer.event.id).sees(viewer.company_id,
                                                                         company_id):
        abort(404)  # a group the viewer may not meet, and not shown to all
    return registration.company, registration


def may_meet(viewer: Viewer, company_id: int) -> bool:
    """Whether the viewer's company may request a meeting with this one (the group matrix)."""
    return viewer.company_id is not None and pairing_of(viewer.event.id).may_meet(
        viewer.company_id, company_id)


def has_agreed_meeting(event_id: int, a_id: int, b_id: int) -> bool:
    query = db.select(MeetingRequest.id).filter_by(
        event_id=event_id, open_pair_key=MeetingRequest.pair_key(a_id, b_id),
        status=RequestStatus.ACCEPTED.value)
    return db.session.scalar(query) is not None


def sees_contacts(viewer: Viewer, company: Company) -> bool:
    """Email and phone: organizers, the company itself, and partners with an agreed meeting."""
    if viewer.is_staff or viewer.company_id == company.id:
        return True
    return viewer.company_id is not None and has_agreed_meeting(viewer.event.id,
                                                                viewer.company_id, company.id)


def request_viewer(request_id: int) -> tuple[MeetingRequest, Viewer]:
    """A request is visible to both its sides and to the organizers."""
    meeting_request = get_or_404(MeetingRequest, request_id)
    viewer = viewer_of(meeting_request.event)
    sides = (meeting_request.sender_id, meeting_request.recipient_id)
    if not (viewer.is_organizer or (viewer.company_id in sides and viewer.is_participant)):
        abort(404)
    return meeting_request, viewer


def meeting_or_404(event: Event, request_id: int) -> MeetingRequest:
    """A meeting request of this event; another event's answers 404 like a missing one."""
    meeting = db.session.get(MeetingRequest, request_id)
    if meeting is None or meeting.event_id != event.id:
        abort(404)
    return meeting


def approved_companies_query(event_id: int):
    """SELECT of the approved companies of an event, for the directory and exports."""
    return (db.select(Company)
            .join(Registration, Registration.company_id == Company.id)
            .where(Registration.event_id == event_id,
                   Registration.status == RegistrationStatus.APPROVED.value))
