"""Last time's trip: the Milipol evening two years ago, over and done, with meetings held,
rated, and a follow-up survey half answered, so the trip report has something to show."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..auth.services import find_user
from ..events import services as events
from ..events.definition import Window, parse_tables
from ..extensions import db
from ..models import (
    Company,
    DayStatus,
    Event,
    MeetingRating,
    MeetingRequest,
    Outcome,
    Registration,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    utcnow,
)
from ..unit_of_work import commit
from .event import (
    PENDING_COMPANIES,
    REJECTED_COMPANIES,
    _add_agreed_meetings,
    _add_groups,
    _add_request,
)

PAST_EVENT_NAME = "Milipol networking evening 2025"
PAST_DAY = date(2025, 11, 19)
# Of the demo companies, the first ones by id (as they signed up then).
DELEGATION, HOSTS = 15, 13
OUTCOMES = (Outcome.OFFER, Outcome.NOTHING, Outcome.CONTRACT, Outcome.OFFER, Outcome.PROJECT,
            Outcome.NOTHING)
COMMENTS = (
    "Zwei Angebote in Arbeit, ein Rahmenvertrag wird verhandelt. Gerne wieder!",
    "Très bonne préparation des rendez-vous ; plus de temps par rendez-vous serait utile.",
    "Die Dolmetscher am Abend waren Gold wert.",
)


def seed_past_trip() -> str:
    """Create the past event once; returns a line for the report ("" if it existed)."""
    if db.session.scalar(db.select(Event.id).filter_by(name=PAST_EVENT_NAME)) is not None:
        return ""
    organizer = find_user("organizer@matchmaker.example")
    event = events.create_event(organizer, events.EventData(
        name=PAST_EVENT_NAME, venue="Paris Nord Villepinte, Hall 5 lounge", city="Paris",
        timezone="Europe/Paris",
        description="Last time's delegation trip to Milipol Paris: the meetings are over, the "
                    "follow-up survey is under way.",
        windows=[Window(PAST_DAY, time(18), time(21, 30), 20, ((time(19, 40), time(20)),))],
        tables=parse_tables("T1-T20")))
    undecided = set(PENDING_COMPANIES) | set(REJECTED_COMPANIES)
    candidates = [c for c in db.session.scalars(db.select(Company).order_by(Company.id))
                  if c.name not in undecided]
    companies = [c for c in candidates if c.country == "DE"][:DELEGATION] + \
        [c for c in candidates if c.country != "DE"][:HOSTS]
    registrations = [Registration(event_id=event.id, company=c, attendees=list(c.members),
                                  available_slots=list(event.slots)) for c in companies]
    db.session.add_all(registrations)
    db.session.flush()
    _add_groups(event, registrations, organizer)
    events.decide(event, [r.id for r in registrations], approve=True, reason="",
                  organizer=organizer, notify=False)
    _add_agreed_meetings(event, companies)
    _add_unanswered(event, companies)
    _backdate(event)
    from ..schedule import generation, publishing

    run = generation.generate_now(event, organizer, time_limit=3)
    event = db.session.get(Event, event.id)
    publishing.publish(event, notify=False)
    meetings = _mark_the_evening(event)
    _rate(meetings)
    answered = _survey(event)
    commit()
    return (f"{PAST_EVENT_NAME} (past: {run.scheduled} meetings held or missed, "
            f"{answered} survey answers)")


def _add_unanswered(event: Event, companies: list[Company]) -> None:
    """Hosts' requests to the delegation that came to nothing: declined or left to expire."""
    german = [c for c in companies if c.country == "DE"]
    french = [c for c in companies if c.country == "FR"]
    taken = set(db.session.scalars(db.select(MeetingRequest.open_pair_key).filter_by(
        event_id=event.id)))
    for i, sender in enumerate(french[:8]):
        recipient = german[(2 * i + 1) % len(german)]
        if MeetingRequest.pair_key(sender.id, recipient.id) not in taken:
            _add_request(event, sender, recipient, "declined" if i % 3 else "expired",
                         "Could we talk about a joint offer?")
    db.session.flush()


def _backdate(event: Event) -> None:
    """Requests as they were then: sent in October, answered days later."""
    sent = datetime.combine(PAST_DAY - timedelta(days=30), time(9))
    for i, meeting in enumerate(db.session.scalars(db.select(MeetingRequest).filter_by(
            event_id=event.id).order_by(MeetingRequest.id))):
        meeting.created_at = sent + timedelta(hours=7 * i)
        if meeting.responded_at is not None:
            meeting.responded_at = meeting.created_at + timedelta(days=2)
        if meeting.closed_at is not None:
            meeting.closed_at = meeting.created_at + timedelta(days=3)
    db.session.flush()


def _scheduled(event: Event) -> list[MeetingRequest]:
    return list(db.session.scalars(db.select(MeetingRequest).filter_by(
        event_id=event.id, status="accepted").where(MeetingRequest.slot_id.is_not(None))
        .order_by(MeetingRequest.id)))


def _mark_the_evening(event: Event) -> list[MeetingRequest]:
    """Most meetings held, one in nine a no-show of the host."""
    meetings = _scheduled(event)
    for i, meeting in enumerate(meetings):
        meeting.day_status = (DayStatus.NO_SHOW_RECIPIENT.value if i % 9 == 4
                              else DayStatus.HELD.value)
        meeting.day_status_at = datetime.combine(PAST_DAY, time(20)) - timedelta(hours=1)
    db.session.flush()
    return [m for m in meetings if m.day_status == DayStatus.HELD.value]


def _rate(meetings: list[MeetingRequest]) -> None:
    """Both sides rate most held meetings; the delegation follows up on the better ones."""
    for i, meeting in enumerate(meetings):
        for side, company_id in enumerate((meeting.sender_id, meeting.recipient_id)):
            if (i + side) % 4 == 3:
                continue  # not everybody rates
            stars = (5, 4, 4, 3, 5, 2)[(i + 2 * side) % 6]
            db.session.add(MeetingRating(request_id=meeting.id, company_id=company_id,
                                         rating=stars, follow_up=stars >= 4))
    db.session.flush()


def _survey(event: Event) -> int:
    """Sent two weeks ago, open for four more; about two in three have answered."""
    from ..survey.services import meetings_of, recipients

    now = utcnow()
    survey = Survey(event_id=event.id, closes_at=now + timedelta(days=28),
                    first_sent_at=now - timedelta(days=14), last_sent_at=now - timedelta(days=14))
    db.session.add(survey)
    db.session.flush()
    answered = 0
    for i, recipient in enumerate(recipients(event)):
        invitation = SurveyInvitation(survey=survey, user_id=recipient.user.id,
                                      company_id=recipient.registration.company_id,
                                      emails_sent=1, last_sent_at=survey.first_sent_at)
        db.session.add(invitation)
        db.session.flush()
        if i % 3 == 2:
            continue  # has not answered yet
        for j, meeting in enumerate(meetings_of(invitation)):
            invitation.answers.append(SurveyAnswer(
                request_id=meeting.id, outcome=OUTCOMES[(i + j) % len(OUTCOMES)].value))
        invitation.overall_rating = (5, 4, 4, 3)[i % 4]
        invitation.comment = COMMENTS[i // 3] if i % 3 == 0 and i // 3 < len(COMMENTS) else ""
        invitation.answered_at = now - timedelta(days=10 - i % 7)
        answered += 1
    db.session.flush()
    return answered
