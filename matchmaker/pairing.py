"""Who may meet whom in an event: its participant groups and their matrix, read in one place.

An event without groups lets every company meet every other one. With groups, two companies
may meet when their groups are paired (a group paired with itself meets inside itself). The
rule is read here and enforced by the directory, suggestions, requests, the schedule and the
imports; ``events.groups`` changes it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .extensions import db
from .models import Event, GroupPairing, ParticipantGroup, Registration


def pair_of(a_id: int, b_id: int) -> tuple[int, int]:
    """An unordered pair of group ids as stored: the lower id first."""
    return (a_id, b_id) if a_id <= b_id else (b_id, a_id)


@dataclass(frozen=True)
class Pairing:
    """An event's groups, its matrix and each registered company's group, loaded once."""

    groups: dict[int, ParticipantGroup]
    allowed: frozenset[tuple[int, int]]
    group_of: dict[int, int | None]  # company id → group id

    @property
    def active(self) -> bool:
        return bool(self.groups)

    def groups_may_meet(self, a_group: int | None, b_group: int | None) -> bool:
        if not self.active:
            return True
        if a_group is None or b_group is None:  # not placed yet: meets nobody until it is
            return False
        return pair_of(a_group, b_group) in self.allowed

    def may_meet(self, a_company: int, b_company: int) -> bool:
        """The allowed-pair predicate every feature asks."""
        if not self.active:
            return True
        return self.groups_may_meet(self.group_of.get(a_company), self.group_of.get(b_company))

    def sees(self, viewer_company: int | None, company: int) -> bool:
        """A company is listed for the viewer when they may meet, or its group is shown to
        all (then it is visible but never requestable)."""
        if viewer_company is None or self.may_meet(viewer_company, company):
            return True
        group = self.groups.get(self.group_of.get(company))
        return group is not None and group.shown_to_all

    def visible_groups(self, viewer_company: int | None) -> set[int] | None:
        """The groups listed in the viewer's directory; None: every company (no groups, or an
        organizer's view)."""
        if not self.active or viewer_company is None:
            return None
        own = self.group_of.get(viewer_company)
        return {g for g, group in self.groups.items()
                if group.shown_to_all or self.groups_may_meet(own, g)}

    def group(self, company_id: int) -> ParticipantGroup | None:
        return self.groups.get(self.group_of.get(company_id))

    def forbidden(self, pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        return [(a, b) for a, b in pairs if not self.may_meet(a, b)]

    def max_meetings(self, event: Event, company_id: int) -> int | None:
        group = self.group(company_id)
        if group is not None and group.max_meetings is not None:
            return group.max_meetings
        return event.max_meetings_per_company

    def max_open_requests(self, event: Event, company_id: int) -> int | None:
        group = self.group(company_id)
        if group is not None and group.max_open_requests is not None:
            return group.max_open_requests
        return event.max_open_requests


def pairing_of(event_id: int) -> Pairing:
    groups = {g.id: g for g in db.session.scalars(
        db.select(ParticipantGroup).filter_by(event_id=event_id))}
    if not groups:
        return Pairing({}, frozenset(), {})
    allowed = frozenset(tuple(row) for row in db.session.execute(
        db.select(GroupPairing.first_group_id, GroupPairing.second_group_id)
        .filter_by(event_id=event_id)))
    group_of = dict(db.session.execute(
        db.select(Registration.company_id, Registration.group_id).filter_by(event_id=event_id))
        .all())
    return Pairing(groups, allowed, group_of)
