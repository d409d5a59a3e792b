"""SQLAlchemy models. Schema changes go through Alembic migrations (``migrations/``)."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Role(enum.StrEnum):
    PARTICIPANT = "participant"
    ORGANIZER = "organizer"
    ADMIN = "admin"


COMPANY_SIZES = ("1-9", "10-49", "50-249", "250-999", "1000+")

CERTIFICATIONS = (
    "ISO 9001",
    "EN 9100",
    "AQAP 2110",
    "AQAP 2310",
    "ISO 27001",
    "ISO 13485",
    "ISO 14001",
    "ISO 45001",
    "IATF 16949",
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.PARTICIPANT.value)
    locale: Mapped[str | None] = mapped_column(sa.String(5))
    # Flask-Login stores this instead of the id, so logout or a password change can revoke
    # every session of the account server-side by rotating it.
    session_token: Mapped[str] = mapped_column(
        sa.String(64), unique=True, default=new_session_token
    )
    # Secret of the private calendar subscription URL; None until asked for, rotated to revoke.
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Two-factor login (TOTP) for organizers and admins; the last accepted time step stops a
    # code from being used twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None]
    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    company: Mapped[Company | None] = relationship(back_populates="members")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_organizer(self) -> bool:
        return self.role in (Role.ORGANIZER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def can_edit_company(self, company: Company) -> bool:
        return self.is_organizer or self.company_id == company.id


class Company(db.Model):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160), unique=True)
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    country: Mapped[str] = mapped_column(sa.String(2))
    website: Mapped[str] = mapped_column(sa.String(255), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    size: Mapped[str] = mapped_column(sa.String(10), default="")
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    certifications: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    offers: Mapped[str] = mapped_column(sa.Text, default="")
    seeks: Mapped[str] = mapped_column(sa.Text, default="")
    # Export-control aids: the company's own statement, shown to its meeting partners.
    dual_use_items: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    military_items: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    export_licences: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="company", order_by="User.name")
    tag_links: Mapped[list[CompanyTag]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyTag.tag_id"
    )
    embedding: Mapped[CompanyEmbedding | None] = relationship(
        back_populates="company", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def tags(self) -> list[str]:
        return [link.tag_id for link in self.tag_links]


class CompanyTag(db.Model):
    """A capability tag of a company; ``tag_id`` is a stable taxonomy id such as ``du.6``."""

    __tablename__ = "company_tags"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[str] = mapped_column(sa.String(40), primary_key=True, index=True)

    company: Mapped[Company] = relationship(back_populates="tag_links")


# --- Events, registrations and meeting requests -------------------------------------------
#
# Times: a Slot's ``starts_at``/``ends_at`` and a ProgramItem's times are naive *local* times in
# the event's time zone (``Event.timezone``): what the printed agenda says, stable across DST.
# Every other timestamp (``created_at``, ``expires_at``, …) is naive UTC, as ``utcnow()`` gives.


class RegistrationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


OPEN_REQUEST_STATUSES = (RequestStatus.PENDING, RequestStatus.ACCEPTED)


class DayStatus(enum.StrEnum):
    """How a scheduled meeting went on the evening, as the organizer marks it."""

    HELD = "held"
    LATE = "late"
    NO_SHOW_SENDER = "no_show_sender"
    NO_SHOW_RECIPIENT = "no_show_recipient"
    NO_SHOW_BOTH = "no_show_both"


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    venue: Mapped[str] = mapped_column(sa.String(160), default="")
    city: Mapped[str] = mapped_column(sa.String(120), default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Paris")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # Rules; None means "no cap".
    max_meetings_per_company: Mapped[int | None]
    max_open_requests: Mapped[int | None]
    request_expiry_hours: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Participants see times and tables only once the organizer publishes the schedule.
    schedule_published_at: Mapped[datetime | None]

    windows: Mapped[list[MeetingWindow]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="(MeetingWindow.day, MeetingWindow.start)",
    )
    slots: Mapped[list[Slot]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Slot.starts_at",
        passive_deletes=True,
    )
    tables: Mapped[list[MeetingTable]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="MeetingTable.position"
    )
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def days(self) -> list:
        return sorted({window.day for window in self.windows})


class MeetingWindow(db.Model):
    """A stretch of one day cut into slots, e.g. 18:00–21:30 in 20-minute slots."""

    __tablename__ = "meeting_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    start: Mapped[time]
    end: Mapped[time]
    slot_minutes: Mapped[int]
    # Breaks as [["19:40", "20:00"], …], local times inside the window.
    breaks: Mapped[list[list[str]]] = mapped_column(sa.JSON, default=list)

    event: Mapped[Event] = relationship(back_populates="windows")


class Slot(db.Model):
    __tablename__ = "slots"
    __table_args__ = (sa.UniqueConstraint("event_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]  # local time in the event's time zone
    ends_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="slots")


class MeetingTable(db.Model):
    """A table or meeting point, e.g. "T7" or "Booth of Optronique SAS"."""

    __tablename__ = "meeting_tables"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(60))
    note: Mapped[str] = mapped_column(sa.String(160), default="")
    position: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship(back_populates="tables")


registration_attendees = sa.Table(
    "registration_attendees",
    db.metadata,
    sa.Column("registration_id", sa.ForeignKey("registrations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)

registration_slots = sa.Table(
    "registration_slots",
    db.metadata,
    sa.Column("registration_id", sa.ForeignKey("registrations.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("slot_id", sa.ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True),
)


class Registration(db.Model):
    """A company's participation in an event; only an approved one is visible to others."""

    __tablename__ = "registrations"
    __table_args__ = (sa.UniqueConstraint("event_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=RegistrationStatus.PENDING.value,
                                        index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # shown to the company if rejected
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship(back_populates="registrations")
    company: Mapped[Company] = relationship()
    attendees: Mapped[list[User]] = relationship(secondary=registration_attendees,
                                                 order_by="User.name")
    available_slots: Mapped[list[Slot]] = relationship(secondary=registration_slots,
                                                       order_by="Slot.starts_at",
                                                       passive_deletes=True)

    @property
    def is_approved(self) -> bool:
        return self.status == RegistrationStatus.APPROVED


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


program_item_companies = sa.Table(
    "program_item_companies",
    db.metadata,
    sa.Column("program_item_id", sa.ForeignKey("program_items.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("company_id", sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True),
)


class ProgramItem(db.Model):
    """A workshop, tour or dinner on the delegation's programme; meetings never overlap one that
    the company attends."""

    __tablename__ = "program_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(160))
    place: Mapped[str] = mapped_column(sa.String(160), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime]  # local time in the event's time zone
    ends_at: Mapped[datetime]
    for_everyone: Mapped[bool] = mapped_column(default=True)

    event: Mapped[Event] = relationship()
    companies: Mapped[list[Company]] = relationship(secondary=program_item_companies,
                                                    order_by="Company.name")

    def concerns(self, company_id: int) -> bool:
        return self.for_everyone or any(c.id == company_id for c in self.companies)


# --- Matching: cached sentence vectors and "not interested" marks -------------------------


class CompanyEmbedding(db.Model):
    """Sentence vectors of a company's (description, offers, seeks), made when it is saved.

    ``text_digest`` tells whether they still belong to the current texts; ``model`` whether
    they were made by the encoder in use."""

    __tablename__ = "company_embeddings"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(sa.String(80))
    text_digest: Mapped[str] = mapped_column(sa.String(64))
    vectors: Mapped[bytes] = mapped_column(sa.LargeBinary)  # float32, shape (3, dim)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    company: Mapped[Company] = relationship(back_populates="embedding")


class NotInterested(db.Model):
    """A company asked never to be suggested ``other_company`` again in this event."""

    __tablename__ = "not_interested"
    __table_args__ = (sa.UniqueConstraint("event_id", "company_id", "other_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    other_company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE")
    )
    marked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Scheduling: bookings, runs, ratings --------------------------------------------------


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


class ScheduleRunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ScheduleRun(db.Model):
    """One run of the schedule generator: its progress while it runs, its figures after."""

    __tablename__ = "schedule_runs"

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


# --- Import, export-control screening, audit ----------------------------------------------

DISCUSSION_LEVELS = ("public", "nda", "licence")


class ImportMapping(db.Model):
    """The organizer's last column mapping for an event's imports: field -> column header."""

    __tablename__ = "import_mappings"
    __table_args__ = (sa.UniqueConstraint("event_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20), default="companies")
    mapping: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportUpload(db.Model):
    """An uploaded spreadsheet kept server-side between upload, mapping, preview and confirm."""

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mapping: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]


class DeniedParty(db.Model):
    """One entry of the denied-party (sanctions) list the organizers uploaded. An entry with a
    country and no name stands for a country under embargo."""

    __tablename__ = "denied_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(400), default="")
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    source: Mapped[str] = mapped_column(sa.String(255), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(db.Model):
    """A sensitive action, appended and never changed: the app offers no way to edit or delete
    one (``matchmaker.audit`` refuses it at the ORM level too)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(sa.String(254), default="")
    target_type: Mapped[str] = mapped_column(sa.String(40), default="")
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(sa.String(254), default="")
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")

    actor: Mapped[User | None] = relationship()
    event: Mapped[Event | None] = relationship()
