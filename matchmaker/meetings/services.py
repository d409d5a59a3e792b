"""Meeting requests and their rules. The only place in the meetings feature that commits.

Rules are enforced here, whatever the page offers; the database backs the two that races could
break: one open request per pair and one agreed meeting per pair (``open_pair_key``). Every state
change is a conditional UPDATE (``… WHERE status = 'pending'``), so a double click or two people
clicking at once change a request once and the second click changes nothing. The caps (open
requests, meetings per company) are counted while holding the companies' registrations
(``_take_turns``), so two requests racing for a company's last place get it once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import phases
from ..access import Viewer
from ..extensions import db
from ..models import (
    DISCUSSION_LEVELS,
    Company,
    Event,
    MeetingRequest,
    Registration,
    RequestMessage,
    RequestStatus,
    utcnow,
)
from ..notifications.services import notify
from ..pairing import Pairing, pairing_of
from ..unit_of_work import ServiceError

PENDING, ACCEPTED = RequestStatus.PENDING, RequestStatus.ACCEPTED


class RequestError(ServiceError):
    """A rule blocked the action; the message says which, for the person who tried."""


@dataclass
class SendResult:
    request: MeetingRequest
    outcome: str  # "sent", "already" (nothing changed) or "mutual" (their request accepted)


# --- queries -------------------------------------------------------------------------------

def open_request_between(viewer: Viewer, company: Company) -> MeetingRequest | None:
    if viewer.company_id is None or viewer.company_id == company.id:
        return None
    return _open_request(viewer.event.id, viewer.company_id, company.id)


def _open_request(event_id: int, a_id: int, b_id: int) -> MeetingRequest | None:
    return db.session.scalar(db.select(MeetingRequest).filter_by(
        event_id=event_id, open_pair_key=MeetingRequest.pair_key(a_id, b_id)))


def _count(event_id: int, status: str, **sides) -> int:
    """Requests in ``status`` (pending ones past their time do not count: they read as
    expired until ``expire_due`` records it)."""
    query = db.select(db.func.count(MeetingRequest.id)).filter_by(event_id=event_id,
                                                                  status=status, **sides)
    if status == PENDING:
        query = query.where(db.or_(MeetingRequest.expires_at.is_(None),
                                   MeetingRequest.expires_at > utcnow()))
    return db.session.scalar(query)


def meeting_count(event_id: int, company_id: int) -> int:
    return (_count(event_id, ACCEPTED, sender_id=company_id)
            + _count(event_id, ACCEPTED, recipient_id=company_id))


def request_counts(viewer: Viewer) -> dict[str, int]:
    event_id, company_id = viewer.event.id, viewer.company_id
    return {"incoming": _count(event_id, PENDING, recipient_id=company_id),
            "outgoing": _count(event_id, PENDING, sender_id=company_id),
            "agreed": meeting_count(event_id, company_id)}


def my_requests(viewer: Viewer) -> dict[str, list[MeetingRequest]]:
    """The viewer's requests in the event by tab; organizers see every request of the event."""
    query = db.select(MeetingRequest).filter_by(event_id=viewer.event.id)
    if not viewer.is_organizer or viewer.company_id is not None:
        query = query.where(db.or_(MeetingRequest.sender_id == viewer.company_id,
                                   MeetingRequest.recipient_id == viewer.company_id))
    requests = db.session.scalars(query.order_by(MeetingRequest.created_at.desc())).all()
    mine = viewer.company_id
    return {
        "incoming": [r for r in requests if r.state == PENDING and r.recipient_id == mine],
        "outgoing": [r for r in requests if r.state == PENDING and r.sender_id == mine],
        "agreed": [r for r in requests if r.state == ACCEPTED],
        "closed": [r for r in requests if r.state not in (PENDING, ACCEPTED)],
        "all_pending": [r for r in requests if r.state == PENDING],
    }


# --- sending -------------------------------------------------------------------------------

def send_request(viewer: Viewer, recipient: Company, note: str,
                 interpreter: bool = False) -> SendResult:
    """Send a request, or accept theirs when they have asked us already (mutual interest);
    ``interpreter``: the sender asks for an interpreter at the meeting."""
    event, sender_id = viewer.event, viewer.company_id
    if recipient.id == sender_id:
        raise RequestError(_l("You cannot request a meeting with your own company."))
    _check_phase(event, "send")
    pairing = pairing_of(event.id)
    _check_groups_may_meet(pairing, sender_id, recipient)
    expire_due(event.id)
    existing = _open_request(event.id, sender_id, recipient.id)
    if existing is not None:
        existing.interpreter_wanted = existing.interpreter_wanted or interpreter
        return _answer_existing(viewer, existing)
    _check_can_send(event, pairing, sender_id)
    meeting_request = MeetingRequest(
        event_id=event.id, sender_id=sender_id, recipient_id=recipient.id,
        sent_by_id=viewer.user.id, note=note.strip(), interpreter_wanted=interpreter,
        open_pair_key=MeetingRequest.pair_key(sender_id, recipient.id),
        expires_at=(utcnow() + timedelta(hours=event.request_expiry_hours)
                    if event.request_expiry_hours else None))
    db.session.add(meeting_request)
    try:
        db.session.flush()
    except IntegrityError:  # the pair got an open request a moment ago (a race)
        db.session.rollback()
        existing = _open_request(event.id, sender_id, recipient.id)
        if existing is None:
            raise
        return _answer_existing(viewer, existing)
    notify(meeting_request, "new_request", meeting_request.recipient)
    return SendResult(meeting_request, "sent")


def _answer_existing(viewer: Viewer, existing: MeetingRequest) -> SendResult:
    if existing.status == ACCEPTED:
        return SendResult(existing, "already")
    if existing.sender_id == viewer.company_id:
        return SendResult(existing, "already")
    accept(existing, viewer)  # they asked us first: both want it, so it is agreed
    return SendResult(existing, "mutual")


def _check_groups_may_meet(pairing: Pairing, sender_id: int, recipient: Company) -> None:
    if not pairing.may_meet(sender_id, recipient.id):
        group = pairing.group(recipient.id)
        raise RequestError(_l("The organizer has not planned meetings between your group and "
                              "%(group)s, so %(name)s cannot be asked for a meeting.",
                              group=group.name if group else "", name=recipient.name))


def _check_can_send(event: Event, pairing: Pairing, sender_id: int) -> None:
    _take_turns(event.id, sender_id)
    cap = pairing.max_open_requests(event, sender_id)
    if cap is not None and _count(event.id, PENDING, sender_id=sender_id) >= cap:
        db.session.rollback()  # end our turn: the others may count now
        raise RequestError(_l("Your company has %(n)d open requests, the most this event allows. "
                              "Wait for answers or withdraw one first.", n=cap))
    _check_meeting_cap(event, pairing, sender_id, _l("Your company"))


def _check_meeting_cap(event: Event, pairing: Pairing, company_id: int, who) -> None:
    cap = pairing.max_meetings(event, company_id)
    if cap is not None and meeting_count(event.id, company_id) >= cap:
        db.session.rollback()  # end our turn: the others may count now
        raise RequestError(_l("%(who)s has reached the maximum of %(n)d meetings at this event.",
                              who=who, n=cap))


def _take_turns(event_id: int, *company_ids: int) -> None:
    """Until our commit, hold the companies' registrations, so that whoever counts their requests
    against a cap next sees ours. A write, not SELECT … FOR UPDATE: on PostgreSQL it locks the
    rows all the same, and SQLite (which ignores FOR UPDATE and reads without any lock) gives it
    its one write lock. One company at a time in id order: two turns never wait on each other."""
    for company_id in sorted(set(company_ids)):
        db.session.execute(
            db.update(Registration)
            .where(Registration.event_id == event_id, Registration.company_id == company_id)
            .values(status=Registration.status)
            .execution_options(synchronize_session=False))


# --- answering -----------------------------------------------------------------------------

def _check_phase(event: Event, action: str) -> None:
    """Requests are sent while the event's request phase is open, answered until it closes."""
    closed = phases.refusal(event, action)
    if closed:
        raise RequestError(closed)


def accept(meeting_request: MeetingRequest, viewer: Viewer) -> bool:
    _require_side(meeting_request, viewer, "recipient")
    if meeting_request.status == PENDING:
        _check_phase(meeting_request.event, "answer")
    if meeting_request.status == PENDING and meeting_request.is_overdue:
        raise RequestError(_l("This request has expired."))
    _take_turns(meeting_request.event_id, meeting_request.sender_id, meeting_request.recipient_id)
    db.session.refresh(meeting_request)  # as it is now: someone may have answered it meanwhile
    if meeting_request.status == PENDING:
        event, pairing = meeting_request.event, pairing_of(meeting_request.event_id)
        _check_groups_may_meet(pairing, meeting_request.recipient_id, meeting_request.sender)
        _check_meeting_cap(event, pairing, meeting_request.recipient_id, _l("Your company"))
        _check_meeting_cap(event, pairing, meeting_request.sender_id,
                           meeting_request.sender.name)
    changed = _transition(meeting_request, PENDING, ACCEPTED, keep_open=True,
                          responded_at=utcnow())
    if changed:
        notify(meeting_request, "accepted", meeting_request.sender)
    return changed


def decline(meeting_request: MeetingRequest, viewer: Viewer, reason: str) -> bool:
    _require_side(meeting_request, viewer, "recipient")
    if meeting_request.status == PENDING:
        _check_phase(meeting_request.event, "answer")
    changed = _transition(meeting_request, PENDING, RequestStatus.DECLINED,
                          reason=reason.strip(), responded_at=utcnow(),
                          closed_by_company_id=viewer.company_id)
    if changed:
        notify(meeting_request, "declined", meeting_request.sender)
    return changed


def withdraw(meeting_request: MeetingRequest, viewer: Viewer) -> bool:
    _require_side(meeting_request, viewer, "sender")
    changed = _transition(meeting_request, PENDING, RequestStatus.WITHDRAWN, closed_at=utcnow(),
                          closed_by_company_id=viewer.company_id)
    if changed:
        notify(meeting_request, "withdrawn", meeting_request.recipient)
    return changed


def cancel(meeting_request: MeetingRequest, viewer: Viewer, reason: str) -> bool:
    """Either side calls off an agreed meeting."""
    _require_side(meeting_request, viewer, "either")
    changed = _transition(meeting_request, ACCEPTED, RequestStatus.CANCELLED,
                          reason=reason.strip(), closed_at=utcnow(),
                          closed_by_company_id=viewer.company_id)
    if changed:
        notify(meeting_request, "cancelled", meeting_request.other_side(viewer.company_id))
    return changed


def _require_side(meeting_request: MeetingRequest, viewer: Viewer, side: str) -> None:
    allowed = {"sender": (meeting_request.sender_id,),
               "recipient": (meeting_request.recipient_id,),
               "either": (meeting_request.sender_id, meeting_request.recipient_id)}[side]
    if viewer.company_id not in allowed or not viewer.is_participant:
        raise RequestError(_l("Only the companies concerned can do this."))


def _transition(meeting_request: MeetingRequest, from_status: str, to_status: str,
                keep_open: bool = False, **values) -> bool:
    """Move the request from one status to another once; False when it was there already."""
    result = db.session.execute(
        db.update(MeetingRequest)
        .where(MeetingRequest.id == meeting_request.id, MeetingRequest.status == from_status)
        .values(status=to_status, **({} if keep_open else {"open_pair_key": None}), **values)
        .execution_options(synchronize_session=False))
    db.session.flush()
    db.session.refresh(meeting_request)
    if result.rowcount == 1:
        return True
    if meeting_request.status == to_status:
        return False  # a repeated click: nothing to do
    raise RequestError(_l("This request is %(status)s now; nothing was changed.",
                          status=RequestStatus(meeting_request.status).label))


# --- expiry --------------------------------------------------------------------------------

def _expire_if_due(meeting_request: MeetingRequest) -> bool:
    due = meeting_request.status == PENDING and meeting_request.is_overdue
    if due and _transition(meeting_request, PENDING, RequestStatus.EXPIRED, closed_at=utcnow()):
        notify(meeting_request, "expired", meeting_request.sender)
        notify(meeting_request, "expired", meeting_request.recipient)
    return due


def expire_due(event_id: int | None = None) -> int:
    """Record pending requests past their time as expired and tell both sides (before a new
    request, and by the ``expire-requests`` command; pages show them as expired already)."""
    query = db.select(MeetingRequest).where(MeetingRequest.status == PENDING,
                                            MeetingRequest.expires_at <= utcnow())
    if event_id is not None:
        query = query.where(MeetingRequest.event_id == event_id)
    return sum(_expire_if_due(r) for r in db.session.scalars(query).all())


# --- thread --------------------------------------------------------------------------------

def post_message(meeting_request: MeetingRequest, viewer: Viewer, body: str) -> RequestMessage:
    """Only the two sides write, and only while the request is pending or agreed."""
    _require_side(meeting_request, viewer, "either")
    if not meeting_request.is_open:
        raise RequestError(_l("The conversation is closed with the request."))
    message = RequestMessage(request_id=meeting_request.id, company_id=viewer.company_id,
                             author_id=viewer.user.id, body=body.strip())
    db.session.add(message)
    db.session.flush()
    notify(meeting_request, "message", meeting_request.other_side(viewer.company_id))
    return message


# --- export control ------------------------------------------------------------------------

def discussion_level_label(level: str):
    return {"public": _l("Public information only"), "nda": _l("Under NDA"),
            "licence": _l("Export licence required")}.get(level, level)


def set_discussion_level(meeting_request: MeetingRequest, viewer: Viewer, level: str) -> bool:
    """Either side states what may be discussed; both see it. False when it was so already."""
    _require_side(meeting_request, viewer, "either")
    if level not in DISCUSSION_LEVELS:
        raise RequestError(_l("Choose a discussion level from the list."))
    if not meeting_request.is_open:
        raise RequestError(_l("The conversation is closed with the request."))
    if meeting_request.discussion_level == level:
        return False
    meeting_request.discussion_level = level
    db.session.flush()
    notify(meeting_request, "discussion_level", meeting_request.other_side(viewer.company_id))
    return True
