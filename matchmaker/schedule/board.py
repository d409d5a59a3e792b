"""Who sits where, checked against the hard rules before any manual change."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from .. import dates
from ..events.services import meeting_slots
from ..models import (
    Event,
    MeetingRequest,
    MeetingTable,
    Slot,
)
from ..pairing import pairing_of
from .errors import ScheduleError
from .queries import ACCEPTED, agreed_meetings, approved_registrations, is_scheduled
from .runs import active_run

log = logging.getLogger(__name__)


@dataclass
class Board:
    """Who sits where, loaded once to check a change against every hard rule."""

    event: Event
    available: dict[int, set[int]]  # approved company id → slot ids a meeting may take
    busy: dict[tuple[int, int], int] = field(default_factory=dict)  # (company, slot) → request
    taken: dict[tuple[int, int], int] = field(default_factory=dict)  # (slot, table) → request
    meetings_of: Counter = field(default_factory=Counter)  # company → scheduled meetings

    @classmethod
    def load(cls, event: Event) -> Board:
        board = cls(event, {r.company_id: {s.id for s in meeting_slots(r)}
                            for r in approved_registrations(event)})
        for meeting in agreed_meetings(event):
            if is_scheduled(meeting):
                board.taken[(meeting.slot_id, meeting.table_id)] = meeting.id
                for company_id in (meeting.sender_id, meeting.recipient_id):
                    board.busy[(company_id, meeting.slot_id)] = meeting.id
                    board.meetings_of[company_id] += 1
        return board

    def problem(self, meeting: MeetingRequest, slot: Slot, table: MeetingTable | None,
                ignoring: frozenset[int] = frozenset()) -> str | None:
        """The first hard rule that placing ``meeting`` there breaks, in words; None if none.
        ``ignoring``: meetings that leave their places in the same change (a swap)."""
        ignoring = ignoring | {meeting.id}
        at = dates.slot_label(slot)
        for company in (meeting.sender, meeting.recipient):
            if company.id not in self.available:
                return str(_l("%(name)s is not an approved participant.", name=company.name))
            if slot.id not in self.available[company.id]:
                return str(_l("%(name)s is not available at %(time)s.", name=company.name,
                              time=at))
            if self.busy.get((company.id, slot.id), meeting.id) not in ignoring:
                return str(_l("%(name)s already has a meeting at %(time)s.", name=company.name,
                              time=at))
        if table is not None and self.taken.get((slot.id, table.id), meeting.id) not in ignoring:
            return str(_l("Table %(table)s is taken at %(time)s.", table=table.name, time=at))
        cap = self.event.max_meetings_per_company
        for company in (meeting.sender, meeting.recipient):
            others = self.meetings_of[company.id] - (1 if is_scheduled(meeting) else 0)
            if cap is not None and others >= cap:
                return str(_l("%(name)s has reached the maximum of %(n)d meetings.",
                              name=company.name, n=cap))
        return None

    def free_table(self, slot: Slot, ignoring: frozenset[int] = frozenset()) -> MeetingTable | None:
        return next((t for t in self.event.tables
                     if self.taken.get((slot.id, t.id)) in (None, *ignoring)), None)


def slot_problems(event: Event, meeting: MeetingRequest) -> dict[int, str | None]:
    """For the move form: each slot's first broken rule for this meeting (any table)."""
    board = Board.load(event)
    return {slot.id: board.problem(meeting, slot, None)
            or (None if board.free_table(slot, frozenset({meeting.id}))
                else str(_l("Every table is taken at %(time)s.", time=dates.slot_label(slot))))
            for slot in event.slots}


def check_groups_may_meet(event: Event, *meetings: MeetingRequest) -> None:
    """No manual change puts a pair on the grid whose groups may not meet."""
    pairing = pairing_of(event.id)
    for meeting in meetings:
        if not pairing.may_meet(meeting.sender_id, meeting.recipient_id):
            raise ScheduleError(_l("%(a)s and %(b)s are in groups that may not meet: the meeting "
                                   "cannot be placed on the schedule.",
                                   a=meeting.sender.name, b=meeting.recipient.name))


def check_changeable(event: Event, *meetings: MeetingRequest) -> None:
    if active_run(event) is not None:
        raise ScheduleError(_l("The generator is running. Wait until it has finished."))
    for meeting in meetings:
        if meeting.status != ACCEPTED:
            raise ScheduleError(_l("Only agreed meetings can be scheduled."))
        if meeting.locked:
            raise ScheduleError(_l("The meeting with %(a)s and %(b)s is locked. Unlock it first.",
                                   a=meeting.sender.name, b=meeting.recipient.name))
