"""The trip report's figures, computed from the database, read-only.

Every figure is counted per company and then summed over a *breakdown*: a way of putting each
company in one bucket (its participant group today; the co-organizer who recruited it once
event teams exist). A new breakdown is one function in ``BREAKDOWNS`` that returns the buckets'
names by company id; the page, the PDF and the charts show every breakdown the event has.

Definitions (also printed under the report):
- requested: every meeting request sent, whatever became of it;
- agreed: requests accepted and not called off;
- held: agreed meetings the organizer marked held (or late) on the evening;
- a company's request counts in the sender's bucket; agreed and held meetings in both sides'
  buckets (a meeting between two buckets counts once in each, once in the total);
- ratings: each side's rating of a meeting (1 to 5) and whether it will follow up;
- survey outcomes: per meeting, the most advanced outcome any respondent reported."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..access import approved_companies_query
from ..extensions import db
from ..models import (
    Company,
    Event,
    MeetingRating,
    MeetingRequest,
    Outcome,
    Registration,
    RequestStatus,
    Survey,
    SurveyInvitation,
    TeamRole,
)
from ..pairing import pairing_of
from ..survey.services import HELD, meeting_outcomes
from ..teams import services as team

ACCEPTED = RequestStatus.ACCEPTED.value


@dataclass
class Figures:
    """The figures of the whole event or of one bucket."""

    name: str = ""
    companies: int = 0
    requested: int = 0
    agreed: int = 0
    held: int = 0
    ratings: list[int] = field(default_factory=list)
    follow_ups: int = 0
    outcomes: Counter = field(default_factory=Counter)  # Outcome → meetings
    invited: int = 0  # people asked in the survey
    answered: int = 0
    without_meetings: int = 0  # companies with no agreed meeting

    @property
    def acceptance_rate(self) -> float | None:
        return self.agreed / self.requested if self.requested else None

    @property
    def average_rating(self) -> float | None:
        return sum(self.ratings) / len(self.ratings) if self.ratings else None

    @property
    def response_rate(self) -> float | None:
        return self.answered / self.invited if self.invited else None

    @property
    def with_outcome(self) -> int:
        """Meetings that led to something: an offer, a contract or a project."""
        return sum(n for outcome, n in self.outcomes.items() if outcome != Outcome.NOTHING)

    def outcome(self, outcome: Outcome) -> int:
        return self.outcomes.get(outcome, 0)


@dataclass
class Breakdown:
    key: str
    title: str  # "By participant group"
    label: str  # the heading of its first column: "Group"
    rows: list[Figures]


@dataclass
class TripReport:
    event: Event
    total: Figures
    breakdowns: list[Breakdown]
    rating_histogram: dict[int, int]  # 5 … 1 → ratings
    survey: Survey | None
    comments: list[str]  # the survey's free texts, without names


# --- breakdowns: company id → bucket name ---------------------------------------------------

def by_group(event: Event) -> dict[int, str] | None:
    pairing = pairing_of(event.id)
    if not pairing.active:
        return None
    names = {group_id: group.name for group_id, group in pairing.groups.items()}
    return {company_id: names.get(group_id, "") for company_id, group_id
            in pairing.group_of.items()}


def by_co_organizer(event: Event) -> dict[int, str] | None:
    """Who recruited whom: the team member responsible for each company (by hand, group or
    country rule); None for an event whose team has no co-organizer."""
    members = team.members_of(event)
    if not any(m.role == TeamRole.CO_ORGANIZER for m in members):
        return None
    names = {m.user_id: m.user.name or m.user.email for m in members}
    nobody = str(_l("Nobody in particular"))
    registrations = db.session.scalars(db.select(Registration).filter_by(event_id=event.id))
    return {r.company_id: names.get(team.responsible_for(r, members), nobody)
            for r in registrations}


# (key, title, column heading, function); a function answering None means the event has no
# such breakdown.
BREAKDOWNS: list[tuple[str, object, object, Callable[[Event], dict[int, str] | None]]] = [
    ("group", _l("By participant group"), _l("Group"), by_group),
    ("co_organizer", _l("By co-organizer"), _l("Co-organizer"), by_co_organizer),
]


# --- counting ------------------------------------------------------------------------------

@dataclass
class _Facts:
    companies: list[Company]
    requests: list[MeetingRequest]
    agreed: list[MeetingRequest]
    ratings: list[tuple[MeetingRating, MeetingRequest]]
    outcomes: dict[int, Outcome]
    invitations: list[SurveyInvitation]


def _facts(event: Event) -> _Facts:
    requests = list(db.session.scalars(db.select(MeetingRequest).filter_by(event_id=event.id)
                                       .order_by(MeetingRequest.id)))
    ratings = list(db.session.execute(db.select(MeetingRating, MeetingRequest).join(
        MeetingRequest, MeetingRating.request_id == MeetingRequest.id).where(
        MeetingRequest.event_id == event.id)).all())
    invitations = list(db.session.scalars(db.select(SurveyInvitation).join(Survey).where(
        Survey.event_id == event.id, SurveyInvitation.emails_sent > 0)))
    return _Facts(
        companies=list(db.session.scalars(approved_companies_query(event.id)
                                          .order_by(Company.name))),
        requests=requests, agreed=[r for r in requests if r.status == ACCEPTED],
        ratings=ratings, outcomes=meeting_outcomes(event.id), invitations=invitations)


def _count(facts: _Facts, name: str, member: Callable[[int], bool]) -> Figures:
    """The figures of the companies ``member`` admits (every company for the total)."""
    figures = Figures(name=name)
    companies = [c for c in facts.companies if member(c.id)]
    figures.companies = len(companies)
    figures.requested = sum(member(r.sender_id) for r in facts.requests)
    in_bucket = [m for m in facts.agreed if member(m.sender_id) or member(m.recipient_id)]
    figures.agreed = len(in_bucket)
    figures.held = sum(m.day_status in HELD for m in in_bucket)
    met = {side for m in facts.agreed for side in (m.sender_id, m.recipient_id)}
    figures.without_meetings = sum(c.id not in met for c in companies)
    for rating, _meeting in facts.ratings:
        if member(rating.company_id):
            figures.ratings.append(rating.rating)
            figures.follow_ups += rating.follow_up
    figures.outcomes = Counter(facts.outcomes[m.id] for m in in_bucket if m.id in facts.outcomes)
    invited = [i for i in facts.invitations if member(i.company_id)]
    figures.invited = len(invited)
    figures.answered = sum(i.answered_at is not None for i in invited)
    return figures


def _breakdown(facts: _Facts, key: str, title, label, bucket_of: dict[int, str]) -> Breakdown:
    names = sorted({bucket_of.get(c.id) or "" for c in facts.companies})
    rows = [_count(facts, name or str(_l("Not assigned")),
                   lambda company_id, name=name: (bucket_of.get(company_id) or "") == name)
            for name in names]
    return Breakdown(key, str(title), str(label), rows)


def trip_report(event: Event) -> TripReport:
    facts = _facts(event)
    total = _count(facts, str(_l("All companies")), lambda company_id: True)
    total.requested = len(facts.requests)  # also requests of companies no longer approved
    breakdowns = []
    for key, title, label, function in BREAKDOWNS:
        bucket_of = function(event)
        if bucket_of is not None:
            breakdowns.append(_breakdown(facts, key, title, label, bucket_of))
    ratings = [rating.rating for rating, _ in facts.ratings]
    comments = [i.comment for i in facts.invitations if i.comment]
    survey = db.session.scalar(db.select(Survey).filter_by(event_id=event.id))
    return TripReport(event=event, total=total, breakdowns=breakdowns,
                      rating_histogram={n: ratings.count(n) for n in range(5, 0, -1)},
                      survey=survey, comments=comments)
