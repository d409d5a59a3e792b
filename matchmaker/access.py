"""Who may see what in an event: the one place every events/meetings route asks.

A company that is not approved for an event does not exist in it for anyone but the
organizers: not in the directory, not on a company page, not in requests. Objects a viewer
must not know about answer 404, never 403."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Forbidden

from .extensions import db
from .models import (
    Company,
    Event,
    MeetingRequest,
    Registration,
    RegistrationStatus,
    RequestStatus,
    User,
)
from .pairing import pairing_of
from .web import get_or_404


@dataclass(frozen=True)
class Viewer:
    """The logged-in user as seen from one event."""

    user: User
    event: Event
    registration: Registration | None  # of the user's company, whatever its status

    @property
    def is_organizer(self) -> bool:
        return self.user.is_organizer

    @property
    def company_id(self) -> int | None:
        return self.user.company_id

    @property
    def is_participant(self) -> bool:
        """An approved participant: may use the directory and send or receive requests."""
        return self.registration is not None and self.registration.is_approved

    @property
    def sees_directory(self) -> bool:
        return self.is_organizer or self.is_participant


def registration_of(event_id: int, company_id: int | None) -> Registration | None:
    if company_id is None:
        return None
    return db.session.scalar(db.select(Registration).filter_by(event_id=event_id,
                                                               company_id=company_id))


def approved_registration(event_id: int, company_id: int) -> Registration | None:
    registration = registration_of(event_id, company_id)
    return registration if registration and registration.is_approved else None


def viewer_of(event: Event) -> Viewer:
    return Viewer(current_user._get_current_object(), event,
                  registration_of(event.id, current_user.company_id))


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
    if not viewer.is_organizer and not pairing_of(viewer.event.id).sees(viewer.company_id,
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
    if viewer.is_organizer or viewer.company_id == company.id:
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
