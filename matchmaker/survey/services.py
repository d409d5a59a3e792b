"""The follow-up survey: who is asked, sending it (idempotent), answering and its figures.

Who is asked: the contacts of every approved company with at least one agreed meeting that was
not a no-show — the survey asks what the meetings led to, so a company without one has nothing
to report (the trip report counts those companies separately). Contacts are the people the
company registered as attendees, or all its members when it named none. Each gets a personal
invitation; answers are per person, and a meeting counts with the most advanced outcome any
respondent reports for it (``Outcome`` lists them in that order)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import dates
from ..extensions import db
from ..mail import send_email
from ..models import (
    DayStatus,
    Event,
    MeetingRequest,
    Outcome,
    Registration,
    RegistrationStatus,
    RequestStatus,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    User,
    utcnow,
)
from ..unit_of_work import ServiceError
from . import links

DEFAULT_OPEN_DAYS = 42  # six weeks to answer, the default closing date the send form offers
MAX_OPEN_DAYS = 366  # personal links that work without a login should not live for ever
NO_SHOWS = (DayStatus.NO_SHOW_SENDER.value, DayStatus.NO_SHOW_RECIPIENT.value,
            DayStatus.NO_SHOW_BOTH.value)
HELD = (DayStatus.HELD.value, DayStatus.LATE.value)


class SurveyError(ServiceError):
    pass


# --- who is asked about what ---------------------------------------------------------------

def surveyed_meetings(event_id: int) -> list[MeetingRequest]:
    """Agreed meetings that were held, or not marked at all (not every organizer marks the
    evening); a marked no-show led to nothing and is not asked about."""
    return [m for m in db.session.scalars(db.select(MeetingRequest).filter_by(
        event_id=event_id, status=RequestStatus.ACCEPTED.value).order_by(MeetingRequest.id))
        if m.day_status not in NO_SHOWS]


def meetings_of(invitation: SurveyInvitation) -> list[MeetingRequest]:
    company_id = invitation.company_id
    return [m for m in surveyed_meetings(invitation.survey.event_id)
            if company_id in (m.sender_id, m.recipient_id)]


@dataclass(frozen=True)
class Recipient:
    user: User
    registration: Registration
    invitation: SurveyInvitation | None

    @property
    def answered(self) -> bool:
        return self.invitation is not None and self.invitation.answered_at is not None


def recipients(event: Event) -> list[Recipient]:
    """Everybody the survey is for, with their invitation once one was sent."""
    meeting_companies = {side for m in surveyed_meetings(event.id)
                         for side in (m.sender_id, m.recipient_id)}
    registrations = db.session.scalars(db.select(Registration).filter_by(
        event_id=event.id, status=RegistrationStatus.APPROVED.value))
    survey = survey_of(event)
    invited = {i.user_id: i for i in survey.invitations} if survey else {}
    found = []
    for registration in sorted(registrations, key=lambda r: r.company.name):
        if registration.company_id not in meeting_companies:
            continue
        people = registration.attendees or list(registration.company.members)
        for user in people:
            if user.company_id == registration.company_id:  # still with the company
                found.append(Recipient(user, registration, invited.get(user.id)))
    return found


# --- sending -------------------------------------------------------------------------------

def survey_of(event: Event) -> Survey | None:
    return db.session.scalar(db.select(Survey).filter_by(event_id=event.id))


def default_closing_day(event: Event) -> date:
    survey = survey_of(event)
    if survey is not None and not survey.is_closed:
        return last_day(survey)
    return dates.event_now(event).date() + timedelta(days=DEFAULT_OPEN_DAYS)


def last_day(survey: Survey) -> date:
    """The last day answers are taken, in the event's zone (closes_at is the midnight after)."""
    return dates.wall_time(survey.closes_at - timedelta(seconds=1), survey.event).date()


def closing_instant(event: Event, last_day: date) -> datetime:
    """Answers are taken until the end of ``last_day`` in the event's zone (stored as UTC)."""
    return dates.utc_bounds(last_day, dates.event_zone(event))[1]


@dataclass(frozen=True)
class SendResult:
    sent: int
    already_answered: int
    repeated: bool  # the same form was posted before: nothing sent this time


def send(event: Event, last_day: date, send_key: str) -> SendResult:
    """Email the survey to every recipient who has not answered yet, at most once per person
    per send; ``send_key`` (one per shown form) makes a repeated POST send nothing."""
    if last_day > utcnow().date() + timedelta(days=MAX_OPEN_DAYS):
        raise SurveyError(_l("Choose a closing date within a year."))
    closes_at = closing_instant(event, last_day)
    if closes_at <= utcnow():
        raise SurveyError(_l("Choose a closing date in the future."))
    survey = survey_of(event) or _new_survey(event, closes_at)
    if not _claim_send_key(survey, send_key):
        return SendResult(0, 0, repeated=True)
    survey.closes_at = closes_at
    now = utcnow()
    sent = answered = 0
    for recipient in recipients(event):
        if recipient.answered:
            answered += 1
            continue
        invitation = recipient.invitation or _invite(survey, recipient)
        invitation.emails_sent += 1
        invitation.last_sent_at = now
        _email(invitation)
        sent += 1
    survey.first_sent_at = survey.first_sent_at or now
    survey.last_sent_at = now
    db.session.flush()
    return SendResult(sent, answered, repeated=False)


def _new_survey(event: Event, closes_at: datetime) -> Survey:
    survey = Survey(event_id=event.id, closes_at=closes_at)
    db.session.add(survey)
    try:
        db.session.flush()
    except IntegrityError:  # another organizer created it at the same moment
        db.session.rollback()
        raise SurveyError(_l("Someone else is sending this survey right now. Reload the "
                             "page.")) from None
    return survey


def _claim_send_key(survey: Survey, send_key: str) -> bool:
    """Take the form's key, atomically: of two identical POSTs only one gets a row back (in
    PostgreSQL the second UPDATE waits for the first and then finds the key taken)."""
    if not send_key:
        return False
    result = db.session.execute(
        db.update(Survey).where(Survey.id == survey.id, db.or_(
            Survey.last_send_key.is_(None), Survey.last_send_key != send_key))
        .values(last_send_key=send_key).execution_options(synchronize_session=False))
    db.session.refresh(survey)
    return result.rowcount == 1


def _invite(survey: Survey, recipient: Recipient) -> SurveyInvitation:
    invitation = SurveyInvitation(survey=survey, user_id=recipient.user.id,
                                  company_id=recipient.registration.company_id)
    db.session.add(invitation)
    db.session.flush()
    return invitation


def _email(invitation: SurveyInvitation) -> None:
    event, user = invitation.survey.event, invitation.user
    send_email(user.email, _l("What came of your meetings at %(event)s?", event=event.name),
               "survey", locale=user.locale, user=user, event=event,
               company=invitation.company, link=links.link_for(invitation),
               last_day=last_day(invitation.survey))


def preview(event: Event) -> str:
    """The email as recipients get it (in the organizer's language, without a name)."""
    return render_template("email/survey.txt", user=None, event=event, company=None,
                           link="https://…", last_day=default_closing_day(event))


# --- answering -----------------------------------------------------------------------------

@dataclass
class AnswerData:
    outcomes: dict[int, str]  # meeting id → Outcome value ("" leaves it unanswered)
    overall_rating: int | None
    comment: str


def answers_of(invitation: SurveyInvitation) -> dict[int, str]:
    return {answer.request_id: answer.outcome for answer in invitation.answers}


def save_answers(invitation: SurveyInvitation, data: AnswerData) -> None:
    """Record (or change) a respondent's answers while the survey is open."""
    if invitation.survey.is_closed:
        raise SurveyError(_l("This survey is closed; answers can no longer be changed."))
    allowed = {m.id for m in meetings_of(invitation)}
    if set(data.outcomes) - allowed:
        raise SurveyError(_l("This meeting is not one of yours."))
    if data.overall_rating is not None and not 1 <= data.overall_rating <= 5:
        raise SurveyError(_l("Choose a rating from 1 to 5."))
    current = {answer.request_id: answer for answer in invitation.answers}
    for meeting_id, outcome in data.outcomes.items():
        if outcome and outcome not in Outcome.__members__.values():
            raise SurveyError(_l("Choose one of the answers."))
        if not outcome:
            if meeting_id in current:
                invitation.answers.remove(current[meeting_id])
        elif meeting_id in current:
            current[meeting_id].outcome = outcome
        else:
            invitation.answers.append(SurveyAnswer(request_id=meeting_id, outcome=outcome))
    invitation.overall_rating = data.overall_rating
    invitation.comment = data.comment.strip()
    invitation.answered_at = utcnow()
    db.session.flush()


# --- figures -------------------------------------------------------------------------------

OUTCOME_ORDER = list(Outcome)


def meeting_outcomes(event_id: int) -> dict[int, Outcome]:
    """Each surveyed meeting somebody answered about → the most advanced outcome reported."""
    rows = db.session.execute(
        db.select(SurveyAnswer.request_id, SurveyAnswer.outcome)
        .join(SurveyInvitation, SurveyAnswer.invitation_id == SurveyInvitation.id)
        .join(Survey, SurveyInvitation.survey_id == Survey.id)
        .where(Survey.event_id == event_id))
    best: dict[int, Outcome] = {}
    for meeting_id, outcome in rows:
        value = Outcome(outcome)
        if meeting_id not in best or OUTCOME_ORDER.index(value) < OUTCOME_ORDER.index(
                best[meeting_id]):
            best[meeting_id] = value
    return best
