"""Vetting transitions beyond approve/reject (``events.services.decide``): ask an applicant for
more information, the company's answer, revoking an approved company. Flush only; every refusal
is a ``VettingError`` naming what is wrong, so the unit of work rolls back.

    applied (pending) ──ask──▶ needs_info ──answer──▶ applied
    applied / needs_info ──▶ approved / rejected;  approved ──revoke──▶ revoked
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .. import audit
from ..events.services import close_requests_of, give_back_places
from ..extensions import db
from ..models import (
    Event,
    MeetingBooking,
    MeetingRequest,
    Registration,
    RegistrationMessage,
    RegistrationStatus,
    RequestStatus,
    Role,
    User,
    utcnow,
)
from ..notifications.services import (
    notify_called_off,
    notify_registration,
    notify_vetting_answer,
)
from ..unit_of_work import ServiceError

S = RegistrationStatus
MAX_MESSAGE = 2000
ASKABLE = {S.PENDING, S.NEEDS_INFO}


class VettingError(ServiceError):
    """A transition the registration's state does not allow, or a missing text; ``status`` is
    the HTTP status the page answers with."""

    def __init__(self, message, status: int = 409):
        super().__init__(str(message))
        self.status = status


def registration_of(event: Event, registration_id: int) -> Registration | None:
    return db.session.scalar(db.select(Registration).filter_by(id=registration_id,
                                                               event_id=event.id))


def _text(text: str, what) -> str:
    text = (text or "").strip()
    if not text:
        raise VettingError(what, 400)
    if len(text) > MAX_MESSAGE:
        raise VettingError(_l("Write at most %(n)d characters.", n=MAX_MESSAGE), 400)
    return text


def _add_message(registration: Registration, author: User, body: str,
                 from_organizer: bool) -> RegistrationMessage:
    message = RegistrationMessage(author_id=author.id, author_name=author.name or author.email,
                                  from_organizer=from_organizer, body=body)
    registration.messages.append(message)
    return message


def ask(event: Event, registration: Registration, organizer: User, question: str,
        notify: bool = True) -> RegistrationMessage:
    """The organizer needs more information: the question joins the thread, the registration
    waits for the company's answer, and the company is told by email."""
    if registration.state not in ASKABLE:
        raise VettingError(_l("Only a registration awaiting a decision can be asked a question "
                              "(this one is “%(state)s”).", state=registration.state.label))
    body = _text(question, _l("Write the question for the company."))
    message = _add_message(registration, organizer, body, from_organizer=True)
    registration.status = S.NEEDS_INFO.value
    audit.record("registration_needs_info", organizer, target=registration.company, event=event,
                 details={"question": body[:200]})
    db.session.flush()
    if notify:
        notify_registration(registration)
    return message


def ask_many(event: Event, registration_ids: list[int], organizer: User,
             question: str) -> int:
    """The same question to several applicants from the queue: all of them, or none when one
    of them cannot be asked (it says which). Returns how many were asked."""
    registrations = db.session.scalars(db.select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(registration_ids))).all()
    stuck = sorted(r.company.name for r in registrations if r.state not in ASKABLE)
    if stuck:
        raise VettingError(_l("Only registrations awaiting a decision can be asked a question, "
                              "not: %(names)s.", names=", ".join(stuck)))
    for registration in registrations:
        ask(event, registration, organizer, question)
    return len(registrations)


def answer(event: Event, registration: Registration, user: User, text: str,
           notify: bool = True) -> RegistrationMessage:
    """The company answers: back to the organizers' queue, and the organizers are told."""
    if registration.state != S.NEEDS_INFO:
        raise VettingError(_l("The organizer has no open question for your registration."))
    body = _text(text, _l("Write your answer."))
    message = _add_message(registration, user, body, from_organizer=False)
    registration.status = S.PENDING.value
    audit.record("registration_answered", user, target=registration.company, event=event)
    db.session.flush()
    if notify:
        notify_vetting_answer(registration, event_organizers(event))
    return message


def event_organizers(event: Event) -> list[User]:
    """Who hears about an answer: the event's creator, else every organizer."""
    if event.created_by_id is not None:
        creator = db.session.get(User, event.created_by_id)
        if creator is not None:
            return [creator]
    return list(db.session.scalars(db.select(User).filter_by(role=Role.ORGANIZER.value)))


def revoke(event: Event, registration: Registration, organizer: User, reason: str,
           notify: bool = True) -> list[MeetingRequest]:
    """Withdraw an approval: the company vanishes from the event again, its open requests and
    agreed meetings are called off (reason ``registration_revoked``), the other sides and the
    company are told. Returns what was called off."""
    if registration.state != S.APPROVED:
        raise VettingError(_l("Only an approved registration can be revoked (this one is "
                              "“%(state)s”).", state=registration.state.label))
    reason = _text(reason, _l("Tell the company why its approval is revoked."))
    company = registration.company
    closed = close_requests_of(company.id, "registration_revoked", {"company": company.name},
                               event_id=event.id)
    ids = [r.id for r in closed]
    if ids:  # free the seats and tables the scheduled ones held
        db.session.execute(db.delete(MeetingBooking).where(MeetingBooking.request_id.in_(ids)))
    agreed = [r for r in closed if r.table_id is not None or r.slot_id is not None]
    for meeting_request in closed:
        meeting_request.table_id = None
    registration.status, registration.reason = S.REVOKED.value, reason
    registration.decided_at, registration.decided_by_id = utcnow(), organizer.id
    give_back_places(event, company.id)
    audit.record("registration_revoked", organizer, target=company, event=event,
                 details={"reason": reason[:200], "cancelled": len(closed),
                          "scheduled": len(agreed)})
    db.session.flush()
    if notify:
        for meeting_request in closed:
            notify_called_off(meeting_request, meeting_request.other_side(company.id))
        notify_registration(registration)
    return closed


def open_requests_count(registration: Registration) -> int:
    """What a revocation would call off, for the confirmation."""
    company_id = registration.company_id
    return db.session.scalar(db.select(db.func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == registration.event_id,
        MeetingRequest.open_pair_key.is_not(None),
        MeetingRequest.status.in_([RequestStatus.PENDING.value, RequestStatus.ACCEPTED.value]),
        db.or_(MeetingRequest.sender_id == company_id,
               MeetingRequest.recipient_id == company_id)))
