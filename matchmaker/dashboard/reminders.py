"""Organizer-triggered reminders to approved companies that have not got going yet."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from ..access import approved_companies_query
from ..extensions import db
from ..mail import send_email
from ..models import Company, Event, MeetingRequest, RequestStatus, User

KINDS = ("no_requests", "no_meetings")


def _companies_with(event_id: int, statuses: tuple[str, ...] | None) -> set[int]:
    """Companies that sent or received a request in one of ``statuses`` (None: any)."""
    query = db.select(MeetingRequest.sender_id, MeetingRequest.recipient_id).filter_by(
        event_id=event_id)
    if statuses is not None:
        query = query.where(MeetingRequest.status.in_(statuses))
    return {company_id for row in db.session.execute(query) for company_id in row}


def companies_to_remind(event: Event, kind: str) -> list[Company]:
    if kind not in KINDS:
        raise ValueError(kind)
    statuses = None if kind == "no_requests" else (RequestStatus.ACCEPTED.value,)
    active = _companies_with(event.id, statuses)
    companies = db.session.scalars(approved_companies_query(event.id).order_by(Company.name))
    return [company for company in companies if company.id not in active]


def _subject(kind: str, event: Event):
    """Lazy, so that send_email renders it in each recipient's language."""
    if kind == "no_requests":
        return _l("Who would you like to meet at %(event)s?", event=event.name)
    return _l("You have no agreed meeting at %(event)s yet", event=event.name)


def send_reminders(event: Event, kind: str) -> int:
    """Email every member of each company to remind; returns how many emails were sent."""
    sent = 0
    link = url_for("suggestions.index", event_id=event.id, _external=True)
    for company in companies_to_remind(event, kind):
        members = db.session.scalars(db.select(User).filter_by(company_id=company.id))
        for member in members:
            send_email(member.email, _subject(kind, event), "reminder", locale=member.locale,
                       user=member, event=event, kind=kind, link=link)
            sent += 1
    return sent
