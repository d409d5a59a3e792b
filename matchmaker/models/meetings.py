"""Meeting requests (an accepted one *is* the agreed meeting), their threads and notices."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import Company, User
    from .events import Event, MeetingTable, Slot


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


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
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why declined or cancelled
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
    unscheduled_reason: Mapped[str] = mapped_column(sa.Text, default="")
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
