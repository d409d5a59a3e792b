"""Events and what defines them: meeting windows, slots, tables, registrations, programme.

Times: a Slot's ``starts_at``/``ends_at`` and a ProgramItem's times are naive *local* times in
the event's time zone (``Event.timezone``): what the printed agenda says, stable across DST.
Every other timestamp (``created_at``, ``expires_at``, …) is naive UTC, as ``utcnow()`` gives."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabeledEnum, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import Company, User


class RegistrationStatus(LabeledEnum):
    """Vetting: applied (PENDING) → needs more information ⇄ applied → approved / rejected,
    and approved → revoked. Only an approved registration is visible to other participants."""

    PENDING = "pending"
    NEEDS_INFO = "needs_info"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PENDING: _l("Awaiting approval"),
                cls.NEEDS_INFO: _l("Needs more information"), cls.APPROVED: _l("Approved"),
                cls.REJECTED: _l("Not approved"), cls.REVOKED: _l("Revoked")}


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
    # Phases of the trip (``matchmaker.phases``): wall times in the event's zone, as slots;
    # None means the phase has no date and nothing is refused because of it.
    registration_closes_at: Mapped[datetime | None]
    profiles_visible_at: Mapped[datetime | None]
    requests_open_at: Mapped[datetime | None]
    requests_close_at: Mapped[datetime | None]
    schedule_release_at: Mapped[datetime | None]

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
    groups: Mapped[list[ParticipantGroup]] = relationship(
        back_populates="event", cascade="all, delete-orphan",
        order_by="(ParticipantGroup.position, ParticipantGroup.id)",
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
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),
                      sa.UniqueConstraint("event_id", "reserved_for_id"))  # one place each

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(60))
    note: Mapped[str] = mapped_column(sa.String(160), default="")
    position: Mapped[int] = mapped_column(default=0)
    # A company's own place (its booth, a fixed table): all its meetings happen here and
    # nobody else's do.
    reserved_for_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="SET NULL")
    )

    event: Mapped[Event] = relationship(back_populates="tables")
    reserved_for: Mapped[Company | None] = relationship()


class ParticipantGroup(db.Model):
    """A group of participants in the organizer's words, e.g. "Delegation Pforzheim". An event
    without groups lets everyone meet everyone; with groups, ``GroupPairing`` rows say which
    groups may meet and every registration is in one group."""

    __tablename__ = "participant_groups"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(80))
    position: Mapped[int] = mapped_column(default=0)
    # Companies may pick it when they register (others are set by the organizer or an import).
    open_for_registration: Mapped[bool] = mapped_column(default=True)
    # Its companies appear in the directory of groups that may not meet them (never requestable).
    shown_to_all: Mapped[bool] = mapped_column(default=False)
    # Caps for its companies, instead of the event's; None means the event's rule.
    max_meetings: Mapped[int | None]
    max_open_requests: Mapped[int | None]

    event: Mapped[Event] = relationship(back_populates="groups")


class GroupPairing(db.Model):
    """Two groups (or a group with itself) whose companies may meet; stored once per unordered
    pair, the lower id first."""

    __tablename__ = "group_pairings"
    __table_args__ = (sa.CheckConstraint("first_group_id <= second_group_id",
                                         name="pair_ordered"),)

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    first_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant_groups.id", ondelete="CASCADE"), primary_key=True
    )
    second_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant_groups.id", ondelete="CASCADE"), primary_key=True
    )


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
    __table_args__ = (sa.UniqueConstraint("event_id", "company_id"),
                      RegistrationStatus.check("status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=RegistrationStatus.PENDING.value,
                                        index=True)
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # shown if rejected or revoked
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Set whenever the event has groups (``matchmaker.pairing``); None in an event without.
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant_groups.id", ondelete="SET NULL"), index=True
    )

    event: Mapped[Event] = relationship(back_populates="registrations")
    company: Mapped[Company] = relationship()
    # The co-organizer responsible for this company, set by hand; None lets the team members'
    # rules (country, group) decide (``matchmaker.teams.services.responsible_for``).
    responsible_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    group: Mapped[ParticipantGroup | None] = relationship()
    attendees: Mapped[list[User]] = relationship(secondary=registration_attendees,
                                                 order_by="User.name")
    available_slots: Mapped[list[Slot]] = relationship(secondary=registration_slots,
                                                       order_by="Slot.starts_at",
                                                       passive_deletes=True)
    # The vetting thread: the organizer's questions and the company's answers.
    messages: Mapped[list[RegistrationMessage]] = relationship(
        back_populates="registration", order_by="RegistrationMessage.id",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def state(self) -> RegistrationStatus:
        return RegistrationStatus(self.status)

    @property
    def is_approved(self) -> bool:
        return self.status == RegistrationStatus.APPROVED


class RegistrationMessage(db.Model):
    """One message of a registration's vetting thread: a question from an organizer or an
    answer from the company; both sides read the whole thread."""

    __tablename__ = "registration_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Kept with the message: who asked stays known when the author's account is deleted.
    from_organizer: Mapped[bool] = mapped_column(default=False)
    author_name: Mapped[str] = mapped_column(sa.String(160), default="")
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration: Mapped[Registration] = relationship(back_populates="messages")


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
    # Places for companies that sign up themselves (a guided tour goes in groups); None: no
    # sign-up, the item is for everyone or for the companies the organizer chose.
    capacity: Mapped[int | None]

    event: Mapped[Event] = relationship()
    companies: Mapped[list[Company]] = relationship(secondary=program_item_companies,
                                                    order_by="Company.name")
    signups: Mapped[list[ProgramSignup]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ProgramSignup.created_at")
    # Companies waiting for a place once the item is full, first come first: confirmed places
    # stay in ``signups`` alone, so only they count and keep meetings off the item's time.
    waiting: Mapped[list[ProgramWaiting]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ProgramWaiting.id")

    @property
    def takes_signups(self) -> bool:
        return self.capacity is not None

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - len(self.signups), 0)

    def signed_up(self, company_id: int | None) -> bool:
        return any(s.company_id == company_id for s in self.signups)

    def waiting_position(self, company_id: int | None) -> int | None:
        """The company's place on the waiting list (1 = next), None when not on it."""
        return next((n for n, w in enumerate(self.waiting, 1) if w.company_id == company_id),
                    None)

    def concerns(self, company_id: int) -> bool:
        return (self.for_everyone or any(c.id == company_id for c in self.companies)
                or self.signed_up(company_id))


class ProgramSignup(db.Model):
    """A company's place on a programme item with a capacity; the scheduler keeps its meetings
    off the item's time like any item it attends."""

    __tablename__ = "program_signups"

    program_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("program_items.id", ondelete="CASCADE"), primary_key=True)
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True, index=True)
    signed_up_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ProgramItem] = relationship(back_populates="signups")
    company: Mapped[Company] = relationship()


class ProgramWaiting(db.Model):
    """A company on the waiting list of a full programme item, in the order they joined: a
    freed place goes to the first one without a meeting at that time (``events.services``).
    Waiting blocks nothing: the scheduler may place its meetings during the item."""

    __tablename__ = "program_waiting"
    __table_args__ = (sa.UniqueConstraint("program_item_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    program_item_id: Mapped[int] = mapped_column(  # indexed by the unique key
        sa.ForeignKey("program_items.id", ondelete="CASCADE"))
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    signed_up_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[ProgramItem] = relationship(back_populates="waiting")
    company: Mapped[Company] = relationship()


class PhaseReminder(db.Model):
    """One reminder email sent (``matchmaker send-reminders``): the unique key makes a second
    run send nothing twice, even two runs at once."""

    __tablename__ = "phase_reminders"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
