"""Agendas: one company's meetings and programme items in time order, for the page, print
and calendars; marking a meeting important."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby

from flask_babel import lazy_gettext as _l

from .. import dates
from ..access import Viewer
from ..events.services import program_for
from ..extensions import db
from ..models import (
    Company,
    Event,
    MeetingRequest,
    ProgramItem,
)
from .errors import ScheduleError
from .queries import ACCEPTED, approved_registrations, company_meetings, is_published, is_scheduled

log = logging.getLogger(__name__)


@dataclass
class AgendaEntry:
    starts_at: datetime
    ends_at: datetime
    meeting: MeetingRequest | None = None
    item: ProgramItem | None = None


@dataclass
class Agenda:
    company: Company
    entries: list[AgendaEntry]  # meetings and programme items, in time order
    unscheduled: list[MeetingRequest]  # agreed, without a place (yet)
    shows_times: bool  # the schedule is published, or an organizer looks

    @property
    def meetings(self) -> list[MeetingRequest]:
        return [e.meeting for e in self.entries if e.meeting is not None]

    @property
    def by_day(self) -> list[tuple[date, list[AgendaEntry]]]:
        """The entries grouped by day, for the dated itinerary of a trip of several days."""
        return [(day, list(entries))
                for day, entries in groupby(self.entries, key=lambda e: e.starts_at.date())]


def agenda(event: Event, company: Company, shows_times: bool) -> Agenda:
    return _agenda(company, company_meetings(event, company.id),
                   program_for(event, company.id), shows_times)


def _agenda(company: Company, mine: list[MeetingRequest], items: list[ProgramItem],
            shows_times: bool) -> Agenda:
    placed = [m for m in mine if shows_times and is_scheduled(m)]
    entries = [AgendaEntry(m.slot.starts_at, m.slot.ends_at, meeting=m) for m in placed]
    entries += [AgendaEntry(i.starts_at, i.ends_at, item=i) for i in items]
    entries.sort(key=lambda e: (e.starts_at, e.meeting is None))
    return Agenda(company, entries, [m for m in mine if m not in placed], shows_times)


def all_agendas(event: Event) -> list[Agenda]:
    """One agenda per approved company with at least one scheduled meeting (for printing),
    from one query for the meetings and one for the programme."""
    companies = [r.company for r in approved_registrations(event)]  # by name
    meetings_of: dict[int, list[MeetingRequest]] = {c.id: [] for c in companies}
    for meeting in company_meetings(event):
        for side in (meeting.sender_id, meeting.recipient_id):
            meetings_of.get(side, []).append(meeting)
    program = program_for(event)
    agendas = [_agenda(c, meetings_of[c.id], [i for i in program if i.concerns(c.id)], True)
               for c in companies]
    return [a for a in agendas if a.meetings]


def sees_times(viewer: Viewer) -> bool:
    return viewer.is_organizer or is_published(viewer.event)


def set_important(viewer: Viewer, meeting: MeetingRequest, important: bool) -> None:
    """Either side marks an agreed meeting important: it weighs more in the generator."""
    if meeting.status != ACCEPTED or viewer.company_id not in (meeting.sender_id,
                                                               meeting.recipient_id):
        raise ScheduleError(_l("Only the companies of an agreed meeting can mark it."))
    side = "sender_important" if viewer.company_id == meeting.sender_id \
        else "recipient_important"
    setattr(meeting, side, important)
    db.session.flush()


@dataclass
class NowNext:
    """The phone's first screen: the meeting under way, the one after, the rest of that day."""
    now: datetime
    current: AgendaEntry | None
    next: AgendaEntry | None
    later: list[AgendaEntry]  # after ``next``, on the same day as ``now``
    over: bool  # nothing left to come


def now_next(agenda: Agenda, now: datetime) -> NowNext:
    """Split the agenda's meetings at ``now`` (the event's wall time); programme items count as
    'later' only, so the first screen always shows a person to meet."""
    current = next((e for e in agenda.entries
                    if e.meeting and e.starts_at <= now < e.ends_at), None)
    coming = [e for e in agenda.entries if e.starts_at >= now or (e.item and e.ends_at > now)]
    upcoming = next((e for e in coming if e.meeting and e is not current), None)
    later = [e for e in coming if e is not upcoming and e is not current
             and e.starts_at.date() == (upcoming or current or e).starts_at.date()]
    return NowNext(now, current, upcoming, later, current is None and not coming)


def snapshot(agenda: Agenda) -> dict[str, dict[str, str]]:
    """The agenda's meetings as the phone remembers them between visits (meeting id → whom,
    when and where, in the reader's words), to tell the person what changed since
    (``static/js/app.js``). Only what the page itself shows."""
    return {str(e.meeting.id): {
        "company": e.meeting.other_side(agenda.company.id).name,
        "when": f"{dates.format_time_range(e.starts_at, e.ends_at)} · {e.meeting.table.name}"}
        for e in agenda.entries if e.meeting is not None}
