"""After the trip: the follow-up survey funders ask for, and its answers.

One survey per event. The organizer sends it to the contacts of the approved companies with an
agreed meeting; each gets an invitation with a personal link (signed, see ``survey.links``)
that works without logging in until the survey closes. Answers may be changed until then."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabeledEnum, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import Company, User
    from .events import Event
    from .meetings import MeetingRequest


def new_link_nonce() -> str:
    return secrets.token_urlsafe(12)


class Outcome(LabeledEnum):
    """What a meeting led to, as a participant reports it; the most advanced first (a meeting
    that both sides report on counts with the most advanced of their answers)."""

    CONTRACT = "contract"
    PROJECT = "project"
    OFFER = "offer"
    NOTHING = "nothing"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.CONTRACT: _l("A contract"), cls.PROJECT: _l("A joint project"),
                cls.OFFER: _l("An offer"), cls.NOTHING: _l("Nothing yet")}


class Survey(db.Model):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_sent_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    # Links stop working and answers are frozen from this moment (naive UTC).
    closes_at: Mapped[datetime]
    # The key of the last send form that was acted upon: a second click or a replayed POST of
    # the same form sends nothing (the page hands out a new key each time it is shown).
    last_send_key: Mapped[str | None] = mapped_column(sa.String(64))

    event: Mapped[Event] = relationship()
    invitations: Mapped[list[SurveyInvitation]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyInvitation.id"
    )

    @property
    def is_closed(self) -> bool:
        return utcnow() >= self.closes_at


class SurveyInvitation(db.Model):
    """One person's invitation to the survey, for one company; their answers hang off it."""

    __tablename__ = "survey_invitations"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "user_id"),
        sa.CheckConstraint("overall_rating IS NULL OR overall_rating BETWEEN 1 AND 5",
                           name="overall_rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    # Part of the signed link: a new nonce revokes the old link.
    nonce: Mapped[str] = mapped_column(sa.String(32), default=new_link_nonce)
    emails_sent: Mapped[int] = mapped_column(default=0)
    last_sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    overall_rating: Mapped[int | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    survey: Mapped[Survey] = relationship(back_populates="invitations")
    user: Mapped[User] = relationship()
    company: Mapped[Company] = relationship()
    answers: Mapped[list[SurveyAnswer]] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", order_by="SurveyAnswer.id"
    )


class SurveyAnswer(db.Model):
    """What one meeting led to, in one respondent's words."""

    __tablename__ = "survey_answers"
    __table_args__ = (sa.UniqueConstraint("invitation_id", "request_id"),
                      Outcome.check("outcome"))

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("survey_invitations.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(sa.String(20))

    invitation: Mapped[SurveyInvitation] = relationship(back_populates="answers")
    meeting: Mapped[MeetingRequest] = relationship()

    @property
    def state(self) -> Outcome:
        return Outcome(self.outcome)
