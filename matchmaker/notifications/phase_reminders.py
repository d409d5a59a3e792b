"""Reminders at phase changes ("meeting requests are open now", "2 days left to answer 3
requests", "registration closes tomorrow"), sent by ``matchmaker send-reminders`` from cron or
the RQ scheduler.

Idempotent: each email sent is a ``PhaseReminder`` row with a unique (event, user, kind), added
in the same transaction that queues the email (delivered after the commit). A second run finds
the rows and sends nothing; two runs at once cannot both commit the same row, so the loser
rolls back and its emails are never delivered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from .. import phases
from ..extensions import db
from ..mail import send_email
from ..models import (
    Company,
    Event,
    MeetingRequest,
    PhaseReminder,
    Registration,
    RegistrationStatus,
    RequestStatus,
    User,
    utcnow,
)
from .services import _link

# How long before a closing, or after an opening, a reminder is due; a run outside these
# windows sends nothing (no "requests are open" mail weeks later when a date is set late).
REGISTRATION_NOTICE = timedelta(days=1)
ANSWER_NOTICE = timedelta(days=2)
OPENING_GRACE = timedelta(days=3)


@dataclass(frozen=True)
class Due:
    user: User
    kind: str  # "registration_closes", "requests_open", "answer_deadline"
    count: int = 0  # requests to answer, for "answer_deadline"


def _members(company_ids) -> list[User]:
    if not company_ids:
        return []
    return list(db.session.scalars(db.select(User).where(User.company_id.in_(company_ids))
                                   .order_by(User.id)))


def _registered(event: Event, approved_only: bool = False) -> set[int]:
    query = db.select(Registration.company_id).filter_by(event_id=event.id)
    if approved_only:
        query = query.filter_by(status=RegistrationStatus.APPROVED.value)
    return set(db.session.scalars(query))


def due(event: Event) -> list[Due]:
    """Who is due which reminder for this event now (sent or not)."""
    now = phases.now_of(event)
    found: list[Due] = []
    closes = event.registration_closes_at
    if closes and closes - REGISTRATION_NOTICE <= now < closes:
        registered = _registered(event)
        unregistered = [c for c in db.session.scalars(db.select(Company.id))
                        if c not in registered]
        found += [Due(u, "registration_closes") for u in _members(unregistered)]
    opens = event.requests_open_at
    if opens and opens <= now < opens + OPENING_GRACE and phases.requests_open(event, now):
        found += [Due(u, "requests_open") for u in _members(_registered(event, True))]
    ends = event.requests_close_at
    if ends and ends - ANSWER_NOTICE <= now < ends:
        waiting = _unanswered_by_company(event)
        found += [Due(u, "answer_deadline", waiting[u.company_id])
                  for u in _members(set(waiting))]
    return found


def _unanswered_by_company(event: Event) -> dict[int, int]:
    rows = db.session.execute(
        db.select(MeetingRequest.recipient_id, db.func.count(MeetingRequest.id)).where(
            MeetingRequest.event_id == event.id,
            MeetingRequest.status == RequestStatus.PENDING.value,
            db.or_(MeetingRequest.expires_at.is_(None), MeetingRequest.expires_at > utcnow()))
        .group_by(MeetingRequest.recipient_id))
    approved = _registered(event, True)
    return {company_id: n for company_id, n in rows if company_id in approved}


def _subject(kind: str, event: Event, count: int):
    """Lazy: rendered in each recipient's language by ``send_email``."""
    if kind == "registration_closes":
        return _l("Registration for %(event)s closes within a day", event=event.name)
    if kind == "requests_open":
        return _l("Meeting requests for %(event)s are open now", event=event.name)
    return _l("%(event)s: meeting requests wait for your answer", event=event.name)


LINKS = {"registration_closes": "events.show", "requests_open": "suggestions.index",
         "answer_deadline": "meetings.index"}


def send_due(events: list[Event] | None = None) -> int:
    """Queue every due reminder not sent before; returns how many. The caller commits."""
    sent = 0
    for event in events if events is not None else db.session.scalars(db.select(Event)):
        already = set(db.session.execute(
            db.select(PhaseReminder.user_id, PhaseReminder.kind).filter_by(event_id=event.id)))
        for item in due(event):
            if (item.user.id, item.kind) in already:
                continue
            db.session.add(PhaseReminder(event_id=event.id, user_id=item.user.id,
                                         kind=item.kind))
            _email(event, item)
            sent += 1
    db.session.flush()
    return sent


def _email(event: Event, item: Due) -> None:
    moment = {"registration_closes": event.registration_closes_at,
              "requests_open": event.requests_close_at,
              "answer_deadline": event.requests_close_at}[item.kind]
    send_email(item.user.email, _subject(item.kind, event, item.count), "phase_reminder",
               locale=item.user.locale, user=item.user, event=event, kind=item.kind,
               count=item.count, moment=moment,
               days=phases.days_until(moment, phases.now_of(event)) if moment else 0,
               link=_link(LINKS[item.kind], event_id=event.id))
