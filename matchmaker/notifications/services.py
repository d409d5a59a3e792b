"""Notices about meeting requests: a row per member for the in-app list, and an email in the
member's language. The only place in the notifications feature that commits."""

from __future__ import annotations

from flask import current_app, has_request_context, url_for
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..mail import send_email
from ..models import (
    Company,
    MeetingRequest,
    Notification,
    ProgramItem,
    Registration,
    User,
    utcnow,
)


def describe(kind: str, company: str):
    """One line for the email subject and the in-app list; lazy, so it renders in the reader's
    language (``company`` is the other side; for registration notices, the event's name)."""
    lines = {
        "registration_approved": _l("Your company is approved for %(company)s", company=company),
        "registration_rejected": _l("Your registration for %(company)s was not approved",
                                    company=company),
        "registration_needs_info": _l("The organizer of %(company)s asks about your "
                                      "registration", company=company),
        "registration_revoked": _l("Your approval for %(company)s was revoked",
                                   company=company),
        # To the organizers (``company`` is the company that answered).
        "registration_answered": _l("%(company)s answered your question", company=company),
        "new_request": _l("%(company)s would like to meet you", company=company),
        "accepted": _l("%(company)s accepted your meeting request", company=company),
        "declined": _l("%(company)s declined your meeting request", company=company),
        "cancelled": _l("%(company)s cancelled your meeting", company=company),
        "withdrawn": _l("%(company)s withdrew its meeting request", company=company),
        "expired": _l("A meeting request with %(company)s expired", company=company),
        "message": _l("New message from %(company)s", company=company),
        "discussion_level": _l("%(company)s changed the discussion level of your meeting",
                               company=company),
        "partner_left": _l("%(company)s left Matchmaker: your requests and meetings with it are "
                           "cancelled", company=company),
        # The schedule (``company`` is the event's name for "schedule_published").
        "schedule_published": _l("Your meeting times for %(company)s are published",
                                 company=company),
        "meeting_scheduled": _l("Your meeting with %(company)s has a time and a table",
                                company=company),
        "meeting_moved": _l("Your meeting with %(company)s was moved", company=company),
        "meeting_unscheduled": _l("Your meeting with %(company)s was taken off the schedule",
                                  company=company),
        "meeting_cancelled": _l("The organizer cancelled your meeting with %(company)s",
                                company=company),
        # The programme (``company`` is the item's title).
        "program_place": _l("You moved up from the waiting list: a place on “%(company)s” is "
                            "yours", company=company),
    }
    return lines[kind]


EMAILED = {"new_request", "accepted", "declined", "cancelled", "expired"}


def notify(meeting_request: MeetingRequest, kind: str, company: Company) -> None:
    """Tell every member of ``company`` what happened to ``meeting_request``."""
    members = db.session.scalars(db.select(User).filter_by(company_id=company.id)).all()
    for member in members:
        db.session.add(Notification(user_id=member.id, kind=kind, request=meeting_request))
    db.session.flush()
    if kind not in EMAILED:
        return
    other = meeting_request.other_side(company.id)
    for member in members:
        send_email(member.email, describe(kind, other.name),
                   "request_update", locale=member.locale, kind=kind, user=member,
                   meeting=meeting_request, other=other,
                   link=_link("meetings.show", request_id=meeting_request.id))


def notify_registration(registration: Registration) -> None:
    """Tell the company's members that the organizer approved or rejected it (with why)."""
    kind = f"registration_{registration.status}"
    event = registration.event
    members = db.session.scalars(db.select(User).filter_by(
        company_id=registration.company_id)).all()
    for member in members:
        db.session.add(Notification(user_id=member.id, kind=kind, event_id=event.id))
    db.session.flush()
    # A question is answered on the registration page; everything else shows on the event's.
    link = (_link("events.register", event_id=event.id, _anchor="thread")
            if registration.status == "needs_info" else _link("events.show", event_id=event.id))
    for member in members:
        send_email(member.email, describe(kind, event.name), "registration_update",
                   locale=member.locale, user=member, registration=registration, event=event,
                   link=link)


def notify_vetting_answer(registration: Registration, organizers: list[User]) -> None:
    """Tell the organizers that a company answered their question (in-app and by email)."""
    event, company = registration.event, registration.company
    for organizer in organizers:
        db.session.add(Notification(user_id=organizer.id, kind="registration_answered",
                                    event_id=event.id, counterpart=company.name[:160]))
    db.session.flush()
    link = _link("vetting.detail", event_id=event.id, registration_id=registration.id)
    for organizer in organizers:
        send_email(organizer.email, describe("registration_answered", company.name),
                   "vetting_answer", locale=organizer.locale, user=organizer,
                   registration=registration, event=event, company=company, link=link)


def notify_called_off(meeting_request: MeetingRequest, company: Company) -> None:
    """Tell ``company`` that the organizer called off its request or meeting (the reason is on
    the request), in-app and by email."""
    members = _members(company.id)
    db.session.add_all(Notification(user_id=m.id, kind="meeting_cancelled",
                                    request=meeting_request) for m in members)
    db.session.flush()
    other = meeting_request.other_side(company.id)
    link = _link("meetings.show", request_id=meeting_request.id)
    for member in members:
        send_email(member.email, describe("meeting_cancelled", other.name), "schedule_update",
                   locale=member.locale, kind="meeting_cancelled", user=member,
                   meeting=meeting_request, other=other, event=meeting_request.event, link=link)


def notify_program_place(item: ProgramItem, company_id: int) -> None:
    """Tell the company's members that it moved up from the waiting list of ``item`` and has a
    place now (in-app, and by email once the change commits)."""
    members = _members(company_id)
    db.session.add_all(Notification(user_id=m.id, kind="program_place", event_id=item.event_id,
                                    counterpart=item.title[:160]) for m in members)
    db.session.flush()
    link = _link("events.programme", event_id=item.event_id, _anchor=f"item-{item.id}")
    for member in members:
        send_email(member.email, describe("program_place", item.title), "program_place",
                   locale=member.locale, user=member, item=item, event=item.event, link=link)


def _link(endpoint: str, **values) -> str:
    """Absolute link when one can be built (a request, or SERVER_NAME for the CLI)."""
    if not (has_request_context() or current_app.config.get("SERVER_NAME")):
        return ""
    return url_for(endpoint, _external=True, **values)


def unread_count(user: User) -> int:
    return db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(
        user_id=user.id, read_at=None))


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(db.select(Notification).filter_by(user_id=user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_read(user: User, notification_id: int | None = None) -> Notification | None:
    """Mark one notice (or all, without an id) as read; another user's id finds nothing."""
    query = db.update(Notification).where(Notification.user_id == user.id,
                                          Notification.read_at.is_(None))
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    db.session.execute(query.values(read_at=utcnow()))
    db.session.flush()
    if notification_id is None:
        return None
    return db.session.scalar(db.select(Notification).filter_by(id=notification_id,
                                                               user_id=user.id))


def notify_meeting_change(meeting_request: MeetingRequest, kind: str) -> None:
    """After publication: tell both sides that their meeting got a place, moved, was taken
    off the schedule or cancelled (in-app, and by email in each member's language)."""
    sides = (meeting_request.sender, meeting_request.recipient)
    members = {company.id: _members(company.id) for company in sides}
    for company in sides:
        db.session.add_all(Notification(user_id=m.id, kind=kind, request=meeting_request)
                           for m in members[company.id])
    db.session.flush()
    link = _link("schedule.agenda", event_id=meeting_request.event_id)
    for company in sides:
        other = meeting_request.other_side(company.id)
        for member in members[company.id]:
            send_email(member.email, describe(kind, other.name), "schedule_update",
                       locale=member.locale, kind=kind, user=member, meeting=meeting_request,
                       other=other, event=meeting_request.event, link=link)


def notify_schedule_published(event, companies: list[Company]) -> None:
    """Tell every member of ``companies`` that their agenda can be seen now."""
    members = [m for company in companies for m in _members(company.id)]
    db.session.add_all(Notification(user_id=m.id, kind="schedule_published", event_id=event.id)
                       for m in members)
    db.session.flush()
    link = _link("schedule.agenda", event_id=event.id)
    for member in members:
        send_email(member.email, describe("schedule_published", event.name), "schedule_update",
                   locale=member.locale, kind="schedule_published", user=member, meeting=None,
                   other=None, event=event, link=link)


def _members(company_id: int) -> list[User]:
    return list(db.session.scalars(db.select(User).filter_by(company_id=company_id)))
