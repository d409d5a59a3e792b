"""Event teams: who runs an event with which rights, and the invitations that bring people in.

The global organizer role only means "may create events"; rights inside an event come from an
``EventMember`` row (admins have every right everywhere). ``matchmaker.access`` reads these."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabeledEnum, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import User
    from .events import Event


class TeamRole(LabeledEnum):
    OWNER = "owner"
    CO_ORGANIZER = "co_organizer"
    VETTER = "vetter"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OWNER: _l("Owner"), cls.CO_ORGANIZER: _l("Co-organizer"),
                cls.VETTER: _l("Vetter")}


class EventMember(db.Model):
    """A person on an event's team. Responsibility rules (countries, groups) say which
    registrations are theirs; a registration's ``responsible_id`` set by hand overrides them."""

    __tablename__ = "event_members"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id"), TeamRole.check("role"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=TeamRole.CO_ORGANIZER.value)
    countries: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # ISO 3166 alpha-2
    group_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
    event: Mapped[Event] = relationship()

    @property
    def team_role(self) -> TeamRole:
        return TeamRole(self.role)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(db.Model):
    """An emailed single-use link: to join an event's team (``role`` set) or to set the password
    of an account an import or a colleague created (``role`` None, ``user_id`` set). Only the
    token's hash is stored, so a database leak gives no working links."""

    __tablename__ = "invitations"
    __table_args__ = (TeamRole.check("role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str | None] = mapped_column(sa.String(20))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    event: Mapped[Event | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_open(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > utcnow()

    @property
    def team_role(self) -> TeamRole | None:
        return TeamRole(self.role) if self.role else None
