"""Reading the schedule: agreed meetings, where they are, the organizer's grid."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy.orm import joinedload

from ..events.services import registrations_by_status
from ..extensions import db
from ..models import (
    Company,
    Event,
    Interpreter,
    MeetingRequest,
    MeetingTable,
    Registration,
    RegistrationStatus,
    RequestStatus,
    Slot,
)

log = logging.getLogger(__name__)


ACCEPTED = RequestStatus.ACCEPTED.value


def agreed_meetings(event: Event) -> list[MeetingRequest]:
    return list(db.session.scalars(db.select(MeetingRequest).filter_by(
        event_id=event.id, status=ACCEPTED).order_by(MeetingRequest.id)))


def is_scheduled(meeting: MeetingRequest) -> bool:
    return meeting.status == ACCEPTED and meeting.slot_id is not None \
        and meeting.table_id is not None


def meeting_of(event: Event, request_id: int) -> MeetingRequest | None:
    meeting = db.session.get(MeetingRequest, request_id)
    return meeting if meeting is not None and meeting.event_id == event.id else None


def is_published(event: Event) -> bool:
    return event.schedule_published_at is not None


@dataclass
class Grid:
    """The organizer's view: tables × slots, and what is not on it."""

    slots: list[Slot]
    tables: list[MeetingTable]
    cells: dict[tuple[int, int], MeetingRequest]  # (table id, slot id) → meeting
    unscheduled: list[MeetingRequest]
    interpreters: list[Interpreter] = field(default_factory=list)

    def interpreting(self, interpreter: Interpreter, slot: Slot) -> MeetingRequest | None:
        """The meeting the interpreter serves in ``slot`` (the grid's interpreter rows)."""
        return self._served.get((interpreter.id, slot.id))

    @cached_property
    def _served(self) -> dict[tuple[int, int], MeetingRequest]:
        return {(m.interpreter_id, slot_id): m for (_t, slot_id), m in self.cells.items()
                if m.interpreter_id is not None}

    def fill(self, slot: Slot) -> int:
        """Percent of the tables in use in ``slot``: the generator fills early slots first."""
        return round(100 * self.meetings_in(slot) / len(self.tables)) if self.tables else 0

    @property
    def scheduled_count(self) -> int:
        return len(self.cells)

    @property
    def companies(self) -> list[Company]:
        """Companies with a scheduled meeting, by name."""
        found = {c.id: c for m in self.cells.values() for c in (m.sender, m.recipient)}
        return sorted(found.values(), key=lambda c: c.name)

    @property
    def used_tables(self) -> list[MeetingTable]:
        used = {table_id for table_id, _slot in self.cells}
        return [table for table in self.tables if table.id in used]

    def meetings_in(self, slot: Slot) -> int:
        return sum(1 for _table, slot_id in self.cells if slot_id == slot.id)


def grid(event: Event) -> Grid:
    cells, unscheduled = {}, []
    for meeting in agreed_meetings(event):
        if is_scheduled(meeting):
            cells[(meeting.table_id, meeting.slot_id)] = meeting
        else:
            unscheduled.append(meeting)
    interpreters = list(db.session.scalars(db.select(Interpreter).filter_by(event_id=event.id)
                                           .order_by(Interpreter.name, Interpreter.id)))
    return Grid(list(event.slots), list(event.tables), cells, unscheduled, interpreters)


def approved_registrations(event: Event) -> list[Registration]:
    return registrations_by_status(event, RegistrationStatus.APPROVED.value)


def company_meetings(event: Event, company_id: int | None = None) -> list[MeetingRequest]:
    """One company's agreed meetings (or all of the event's), with the slot, table and both
    sides an agenda shows loaded in the same query, not one query per meeting."""
    query = (db.select(MeetingRequest).filter_by(event_id=event.id, status=ACCEPTED)
             .options(joinedload(MeetingRequest.slot), joinedload(MeetingRequest.table),
                      joinedload(MeetingRequest.interpreter),
                      joinedload(MeetingRequest.sender), joinedload(MeetingRequest.recipient))
             .order_by(MeetingRequest.id))
    if company_id is not None:
        query = query.where(db.or_(MeetingRequest.sender_id == company_id,
                                   MeetingRequest.recipient_id == company_id))
    return list(db.session.scalars(query))
