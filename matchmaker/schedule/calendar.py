"""iCalendar output of agendas. UIDs are stable per meeting ("meeting-<request id>@<domain>")
and SEQUENCE is the meeting's schedule_version, so a moved meeting updates the entry in the
participant's calendar instead of appearing twice; a called-off one comes as CANCELLED."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, request, url_for
from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from ..events.services import program_for
from ..extensions import db
from ..models import (
    Company,
    Event,
    Interpreter,
    MeetingRequest,
    ProgramItem,
    Registration,
    RegistrationStatus,
    RequestStatus,
    User,
)
from .queries import ACCEPTED, is_scheduled

PRODID = "-//Matchmaker//B2B meeting agenda//EN"


def calendar_domain() -> str:
    """Config CALENDAR_DOMAIN, else the server's name: part of every UID, so keep it fixed."""
    configured = current_app.config.get("CALENDAR_DOMAIN") or current_app.config.get(
        "SERVER_NAME")
    return (configured or request.host).split(":")[0]


def new_calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def add_event_agenda(calendar: Calendar, event: Event, company: Company) -> None:
    """The company's meetings (and cancelled ones) and the programme items it attends."""
    zone = ZoneInfo(event.timezone)
    domain = calendar_domain()
    for meeting in calendar_meetings(event, company.id):
        calendar.add_component(_meeting_entry(meeting, company, zone, domain))
    for item in program_for(event, company.id):
        calendar.add_component(_program_entry(item, event, zone, domain))


def add_interpreter_agenda(calendar: Calendar, event: Event, interpreter: Interpreter,
                           meetings: list[MeetingRequest]) -> None:
    """The meetings an interpreter serves (UIDs of their own: the companies' entries differ)."""
    zone, domain = ZoneInfo(event.timezone), calendar_domain()
    for meeting in meetings:
        entry = _entry(f"interpreting-{meeting.id}-{interpreter.id}@{domain}",
                       meeting.slot.starts_at, meeting.slot.ends_at, zone)
        entry.add("sequence", meeting.schedule_version)
        entry.add("summary", _("Interpreting: %(a)s – %(b)s, table %(table)s",
                               a=meeting.sender.name, b=meeting.recipient.name,
                               table=meeting.table.name))
        entry.add("location", ", ".join(p for p in (event.venue, _(
            "table %(table)s", table=meeting.table.name)) if p))
        calendar.add_component(entry)


def to_bytes(calendar: Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _meeting_entry(meeting: MeetingRequest, company: Company, zone: ZoneInfo,
                   domain: str) -> VEvent:
    event, other = meeting.event, meeting.other_side(company.id)
    held = meeting.status == ACCEPTED
    entry = _entry(f"meeting-{meeting.id}@{domain}", meeting.slot.starts_at,
                   meeting.slot.ends_at, zone)
    # A cancellation must carry a higher SEQUENCE than the version calendars hold.
    entry.add("sequence", meeting.schedule_version + (0 if held else 1))
    entry.add("status", "CONFIRMED" if held else "CANCELLED")
    if held:
        entry.add("summary", _("Meeting with %(name)s — table %(table)s", name=other.name,
                               table=meeting.table.name))
        entry.add("location", ", ".join(p for p in (event.venue, _("table %(table)s",
                                                                    table=meeting.table.name))
                                        if p))
    else:
        entry.add("summary", _("Cancelled: meeting with %(name)s", name=other.name))
    interpreter = _("Interpreter: %(name)s", name=meeting.interpreter.name) \
        if held and meeting.interpreter else ""
    entry.add("description", "\n\n".join(p for p in (interpreter, meeting.note or "") if p))
    entry.add("url", url_for("meetings.company", event_id=event.id, company_id=other.id,
                             _external=True))
    return entry


def _program_entry(item: ProgramItem, event: Event, zone: ZoneInfo, domain: str) -> VEvent:
    entry = _entry(f"program-{item.id}@{domain}", item.starts_at, item.ends_at, zone)
    entry.add("sequence", 0)
    entry.add("summary", item.title)
    entry.add("location", item.place or event.venue)
    entry.add("description", item.description)
    return entry


def _entry(uid: str, starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> VEvent:
    entry = VEvent()
    entry.add("uid", uid)
    entry.add("dtstamp", datetime.now(UTC))
    entry.add("dtstart", starts_at.replace(tzinfo=zone))  # slots hold naive local times
    entry.add("dtend", ends_at.replace(tzinfo=zone))
    return entry


# --- the private subscription URL -----------------------------------------------------------

def renew_calendar_token(user: User, enabled: bool = True) -> str | None:
    """A new secret for the subscription URL; the old URL stops working at once."""
    user.calendar_token = secrets.token_urlsafe(24) if enabled else None
    db.session.flush()
    return user.calendar_token


def user_by_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(db.select(User).filter_by(calendar_token=token))


def calendar_events(user: User) -> list[Event]:
    """Events whose published schedule the user's company takes part in."""
    if user.company_id is None:
        return []
    return list(db.session.scalars(
        db.select(Event).join(Registration).where(
            Registration.company_id == user.company_id,
            Registration.status == RegistrationStatus.APPROVED.value,
            Event.schedule_published_at.is_not(None)).order_by(Event.id)))


def calendar_meetings(event: Event, company_id: int) -> list[MeetingRequest]:
    """Scheduled meetings of the company, and called-off ones that had a time (so calendars
    remove them)."""
    query = db.select(MeetingRequest).where(
        MeetingRequest.event_id == event.id, MeetingRequest.slot_id.is_not(None),
        db.or_(MeetingRequest.sender_id == company_id, MeetingRequest.recipient_id == company_id),
        MeetingRequest.status.in_((ACCEPTED, RequestStatus.CANCELLED.value)))
    return [m for m in db.session.scalars(query.order_by(MeetingRequest.id))
            if m.status != ACCEPTED or is_scheduled(m)]
