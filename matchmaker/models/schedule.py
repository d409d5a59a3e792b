"""The schedule and the evening: bookings, generator runs, ratings, check-ins."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabeledEnum, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import User
    from .events import Event, Slot


class MeetingBooking(db.Model):
    """A company's seat in a slot, one per side of a scheduled meeting: the primary key lets
    the database itself refuse a company in two meetings at once."""

    __tablename__ = "meeting_bookings"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    slot_id: Mapped[int] = mapped_column(
        sa.ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True
    )
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )


class ScheduleRunStatus(LabeledEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.QUEUED: _l("waiting"), cls.RUNNING: _l("running"), cls.DONE: _l("done"),
                cls.FAILED: _l("failed")}


class ScheduleRun(db.Model):
    """One run of the schedule generator: its progress while it runs, its figures after."""

    __tablename__ = "schedule_runs"
    __table_args__ = (ScheduleRunStatus.check("status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=ScheduleRunStatus.QUEUED.value)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    message: Mapped[str] = mapped_column(sa.Text, default="")
    time_limit: Mapped[float] = mapped_column(default=10.0)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    # Stamped while the run is queued or works (runs.is_alive); silence means its worker died.
    heartbeat_at: Mapped[datetime | None]
    scheduled: Mapped[int | None]
    unscheduled: Mapped[int | None]
    objective: Mapped[float | None]
    upper_bound: Mapped[float | None]
    idle_gaps: Mapped[int | None]

    event: Mapped[Event] = relationship()


class MeetingRating(db.Model):
    """After the event: how one side rates a meeting and whether it will follow up."""

    __tablename__ = "meeting_ratings"
    __table_args__ = (
        sa.UniqueConstraint("request_id", "company_id"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    rating: Mapped[int]
    follow_up: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckIn(db.Model):
    """An attendee who has arrived at the event (UTC time); undoing it deletes the row."""

    __tablename__ = "check_ins"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


interpreter_slots = sa.Table(
    "interpreter_slots",
    db.metadata,
    sa.Column("interpreter_id", sa.ForeignKey("interpreters.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("slot_id", sa.ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True),
)


class Interpreter(db.Model):
    """An interpreter of an event: the languages they speak and the slots they work. The
    scheduler gives a meeting whose sides share no language (or that asks for one) an
    interpreter who speaks a language of each side, one meeting per slot. With a user account
    they see their own agenda."""

    __tablename__ = "interpreters"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
    slots: Mapped[list[Slot]] = relationship(secondary=interpreter_slots,
                                             order_by="Slot.starts_at", passive_deletes=True)


class MeetingNote(db.Model):
    """One side's own record of a meeting, from its phone: whether it took place (None: not
    said) and a note. Private to that company: neither the counterpart nor the organizer sees
    it; colleagues on the same registration share it, as they share the agenda."""

    __tablename__ = "meeting_notes"
    __table_args__ = (sa.UniqueConstraint("request_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    held: Mapped[bool | None]
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
