"""The organizer's event dashboard: figures computed from the database, read-only."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

from .. import dates
from ..access import approved_companies_query
from ..engine.taxonomy import load_taxonomy
from ..events.services import status_counts
from ..extensions import db
from ..models import Company, Event, MeetingRequest, RequestStatus, Slot
from ..pairing import Pairing, pair_of, pairing_of


@dataclass(frozen=True)
class DayCount:
    day: date
    sent: int
    accepted: int


@dataclass(frozen=True)
class SlotLoad:
    slot: Slot
    meetings: int
    capacity: int


@dataclass(frozen=True)
class CompanyMeetings:
    company: Company
    agreed: int
    scheduled: int


@dataclass(frozen=True)
class NetworkNode:
    company: Company
    x: float
    y: float
    degree: int


@dataclass(frozen=True)
class GroupFigures:
    """One participant group: its approved companies and those without an agreed meeting."""

    name: str
    companies: int
    without_meetings: list[Company]


@dataclass(frozen=True)
class PairMeetings:
    """Agreed meetings between two groups (the same name twice: inside a group)."""

    first: str
    second: str
    meetings: int
    allowed: bool


@dataclass(frozen=True)
class Dashboard:
    registrations: dict[str, int]
    requests: dict[RequestStatus, int]  # as people see them (overdue reads as expired)
    acceptance_rate: float | None  # accepted / answered (accepted + declined)
    requests_by_day: list[DayCount]
    slot_load: list[SlotLoad]
    companies: list[CompanyMeetings]  # fewest meetings first
    tag_coverage: dict[str, dict[str, int]]  # family id → country → companies with such a tag
    network_nodes: list[NetworkNode]
    network_edges: list[tuple[int, int]]  # indexes into network_nodes
    groups: list[GroupFigures]  # empty for an event without groups
    group_pairs: list[PairMeetings]  # the pairs that may meet, and any other with meetings

    @property
    def without_meetings(self) -> list[Company]:
        return [row.company for row in self.companies if row.agreed == 0]


def _requests(event_id: int) -> list[MeetingRequest]:
    return list(db.session.scalars(db.select(MeetingRequest).filter_by(event_id=event_id)))


def _request_counts(requests: list[MeetingRequest]) -> dict[str, int]:
    counts = Counter(r.state for r in requests)
    return {status: counts.get(status, 0) for status in RequestStatus}


def _acceptance_rate(counts: dict[str, int]) -> float | None:
    answered = counts[RequestStatus.ACCEPTED] + counts[RequestStatus.DECLINED]
    return counts[RequestStatus.ACCEPTED] / answered if answered else None


def _by_day(event: Event, requests: list[MeetingRequest]) -> list[DayCount]:
    """Days as the event's time zone counts them."""
    sent = Counter(dates.wall_time(r.created_at, event).date() for r in requests)
    accepted = Counter(dates.wall_time(r.responded_at, event).date() for r in requests
                       if r.responded_at and r.status == RequestStatus.ACCEPTED)
    return [DayCount(day, sent[day], accepted[day]) for day in sorted(sent | accepted)]


def _slot_load(event: Event, agreed: list[MeetingRequest]) -> list[SlotLoad]:
    per_slot = Counter(r.slot_id for r in agreed if r.slot_id)
    return [SlotLoad(slot, per_slot[slot.id], len(event.tables)) for slot in event.slots]


def _company_meetings(companies: list[Company], agreed: list[MeetingRequest]) -> \
        list[CompanyMeetings]:
    agreed_count: Counter[int] = Counter()
    scheduled_count: Counter[int] = Counter()
    for meeting in agreed:
        for side in (meeting.sender_id, meeting.recipient_id):
            agreed_count[side] += 1
            scheduled_count[side] += meeting.slot_id is not None
    rows = [CompanyMeetings(c, agreed_count[c.id], scheduled_count[c.id]) for c in companies]
    return sorted(rows, key=lambda row: (row.agreed, row.company.name))


def _tag_coverage(companies: list[Company]) -> dict[str, dict[str, int]]:
    taxonomy = load_taxonomy()
    coverage: dict[str, dict[str, int]] = {family.id: Counter() for family in taxonomy.families}
    for company in companies:
        for family_id in {taxonomy.family_of(tag).id for tag in company.tags if tag in taxonomy}:
            coverage[family_id][company.country] += 1
    return {family: dict(counts) for family, counts in coverage.items()}


def _network(companies: list[Company], agreed: list[MeetingRequest]) -> \
        tuple[list[NetworkNode], list[tuple[int, int]]]:
    """Companies on a circle, grouped by country, so delegation-to-host meetings cross it."""
    ordered = sorted(companies, key=lambda c: (c.country, c.name))
    index = {c.id: i for i, c in enumerate(ordered)}
    edges = [(index[m.sender_id], index[m.recipient_id]) for m in agreed
             if m.sender_id in index and m.recipient_id in index]
    degree = Counter(i for edge in edges for i in edge)
    n = max(len(ordered), 1)
    nodes = [NetworkNode(c, 50 + 40 * math.cos(2 * math.pi * i / n - math.pi / 2),
                         50 + 40 * math.sin(2 * math.pi * i / n - math.pi / 2), degree[i])
             for i, c in enumerate(ordered)]
    return nodes, edges


def _group_figures(pairing: Pairing, rows: list[CompanyMeetings]) -> list[GroupFigures]:
    return [GroupFigures(group.name,
                         sum(pairing.group_of.get(r.company.id) == group_id for r in rows),
                         [r.company for r in rows if r.agreed == 0
                          and pairing.group_of.get(r.company.id) == group_id])
            for group_id, group in pairing.groups.items()]


def _group_pairs(pairing: Pairing, agreed: list[MeetingRequest]) -> list[PairMeetings]:
    per_pair = Counter(pair_of(pairing.group_of[m.sender_id], pairing.group_of[m.recipient_id])
                       for m in agreed if pairing.group_of.get(m.sender_id) is not None
                       and pairing.group_of.get(m.recipient_id) is not None)
    names = {group_id: group.name for group_id, group in pairing.groups.items()}
    return [PairMeetings(names[a], names[b], per_pair[(a, b)], (a, b) in pairing.allowed)
            for a, b in sorted(set(pairing.allowed) | set(per_pair))]


def dashboard(event: Event) -> Dashboard:
    companies = list(db.session.scalars(approved_companies_query(event.id).order_by(Company.name)))
    requests = _requests(event.id)
    agreed = [r for r in requests if r.status == RequestStatus.ACCEPTED]
    counts = _request_counts(requests)
    nodes, edges = _network(companies, agreed)
    rows = _company_meetings(companies, agreed)
    pairing = pairing_of(event.id)
    return Dashboard(
        registrations=status_counts(event), requests=counts,
        acceptance_rate=_acceptance_rate(counts), requests_by_day=_by_day(event, requests),
        slot_load=_slot_load(event, agreed), companies=rows,
        tag_coverage=_tag_coverage(companies), network_nodes=nodes, network_edges=edges,
        groups=_group_figures(pairing, rows), group_pairs=_group_pairs(pairing, agreed),
    )
