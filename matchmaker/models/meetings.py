"""Meeting requests (an accepted one *is* the agreed meeting), their threads and notices."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..reasons import describe
from .base import LabeledEnum, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import Company, User
    from .events import Event, MeetingTable, Slot
    from .schedule import Interpreter


class RequestStatus(LabeledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PENDING: _l("pending"), cls.ACCEPTED: _l("agreed"),
                cls.DECLINED: _l("declined"), cls.CANCELLED: _l("cancelled"),
                cls.WITHDRAWN: _l("withdrawn"), cls.EXPIRED: _l("expired")}


class DayStatus(LabeledEnum):
    """How a scheduled meeting went on the evening, as the organizer marks it."""

    HELD = "held"
    LATE = "late"
    NO_SHOW_SENDER = "no_show_sender"
    NO_SHOW_RECIPIENT = "no_show_recipient"
    NO_SHOW_BOTH = "no_show_both"

    @classmethod
    def _labels(cls) -> dict:
        """The marks in words; a no-show of one side names it where the meeting is known
        (``dayof.services.status_text``)."""
        return {cls.HELD: _l("Held"), cls.LATE: _l("Running late"),
                cls.NO_SHOW_SENDER: _l("No-show"), cls.NO_SHOW_RECIPIENT: _l("No-show"),
                cls.NO_SHOW_BOTH: _l("No-show: both companies")}


OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


DISCUSSION_LEVELS = ("public", "nda", "licence")


class MeetingRequest(db.Model):
    """A request from one company to meet another; once accepted it *is* the agreed meeting.

    ``open_pair_key`` ("<low id>-<high id>") is set while the request is pending or accepted and
    NULL otherwise: the unique constraint on it lets the database itself refuse a second open
    request, or a second agreed meeting, for the same pair (NULLs never collide).
    """

    __tablename__ = "meeting_requests"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "open_pair_key"),
        sa.UniqueConstraint("slot_id", "table_id"),  # one meeting per table and slot
        sa.UniqueConstraint("slot_id", "interpreter_id"),  # an interpreter in one at a time
        RequestStatus.check("status"),
        DayStatus.check("day_status", ""),
        sa.CheckConstraint(f"discussion_level IN ({', '.join(repr(v) for v in DISCUSSION_LEVELS)})",
                           name="discussion_level_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=RequestStatus.PENDING.value,
                                        index=True)
    open_pair_key: Mapped[str | None] = mapped_column(sa.String(40))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why declined or cancelled, typed
    # Or the system's reason for calling it off, as a code worded when read (``reasons``).
    reason_code: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    reason_params: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    closed_by_company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]  # accepted or declined
    closed_at: Mapped[datetime | None]  # cancelled, withdrawn or expired

    # The schedule of an agreed meeting. ``locked`` meetings are kept as they are when the
    # schedule is generated again; ``schedule_version`` counts moves, for calendar SEQUENCE.
    slot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("slots.id", ondelete="SET NULL"), index=True
    )
    table_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_tables.id", ondelete="SET NULL")
    )
    locked: Mapped[bool] = mapped_column(default=False)
    # Its interpreter, and whether one is wanted although the sides share a language (asked
    # for by a company on its request, or marked by the organizer).
    interpreter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("interpreters.id", ondelete="SET NULL"), index=True
    )
    interpreter_wanted: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    unscheduled_reason: Mapped[str] = mapped_column(sa.Text, default="")  # typed by a person
    # Or why the system left it off, as a code worded when read (``matchmaker.reasons``).
    unscheduled_code: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    unscheduled_params: Mapped[dict | None] = mapped_column(sa.JSON, default=dict)
    schedule_version: Mapped[int] = mapped_column(default=0)
    # Either side may mark an agreed meeting important: it weighs more in the scheduler.
    sender_important: Mapped[bool] = mapped_column(default=False)
    recipient_important: Mapped[bool] = mapped_column(default=False)
    # What may be discussed: "public", "nda" or "licence" (DISCUSSION_LEVELS); both sides see it.
    discussion_level: Mapped[str] = mapped_column(sa.String(20), default="public",
                                                  server_default="public")
    # The evening itself: a DayStatus value ("" until the organizer marks it), and when.
    day_status: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    day_status_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship()
    slot: Mapped[Slot | None] = relationship()
    table: Mapped[MeetingTable | None] = relationship()
    interpreter: Mapped[Interpreter | None] = relationship()
    sender: Mapped[Company] = relationship(foreign_keys=[sender_id])
    recipient: Mapped[Company] = relationship(foreign_keys=[recipient_id])
    messages: Mapped[list[RequestMessage]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestMessage.id"
    )

    @staticmethod
    def pair_key(a_id: int, b_id: int) -> str:
        low, high = sorted((a_id, b_id))
        return f"{low}-{high}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def state(self) -> RequestStatus:
        """The status as people see it: a pending request past its time reads as expired
        before ``expire-requests`` has recorded it (pages never write)."""
        if self.status == RequestStatus.PENDING and self.is_overdue:
            return RequestStatus.EXPIRED
        return RequestStatus(self.status)

    @property
    def is_overdue(self) -> bool:
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def closing_reason(self) -> str:
        """Why it was declined or called off, in the reader's language."""
        return self.reason or describe(self.reason_code, self.reason_params)

    @property
    def why_unscheduled(self) -> str:
        return self.unscheduled_reason or describe(self.unscheduled_code, self.unscheduled_params)

    def other_side(self, company_id: int) -> Company:
        return self.recipient if company_id == self.sender_id else self.sender


class RequestMessage(db.Model):
    """One message of the short thread attached to a meeting request."""

    __tablename__ = "request_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[MeetingRequest] = relationship(back_populates="messages")
    company: Mapped[Company] = relationship()
    author: Mapped[User | None] = relationship()


class Notification(db.Model):
    """An in-app notice for one user, rendered from ``kind`` in the reader's language."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting_requests.id", ondelete="CASCADE"), index=True
    )
    # For notices about a registration (approved, rejected), which concern no request.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # The other company's name, for notices that outlive it (it left and its requests are gone).
    counterpart: Mapped[str] = mapped_column(sa.String(160), default="", server_default="")

    request: Mapped[MeetingRequest | None] = relationship()
    event: Mapped[Event | None] = relationship()
