"""Badges (a revocable QR token per attendee of an event) and the contacts participants keep
by scanning each other's badges."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .accounts import User
from .base import utcnow

# What a company may let the people who scan its attendees' badges see, besides the name,
# company and country printed on the badge itself.
SHAREABLE_CONTACT_FIELDS = ("email", "phone", "website", "city")


class Badge(db.Model):
    """One attendee's badge for one event. The QR token is an HMAC of ``nonce`` under the
    app's secret key (the database alone does not give it away), looked up by its SHA-256
    ``token_hash``. Reissuing revokes the old row and adds a new one."""

    __tablename__ = "badges"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class Contact(db.Model):
    """A person a participant keeps after scanning their badge; one row per scanner and
    scanned person in an event (scanning again updates the note)."""

    __tablename__ = "contacts"
    __table_args__ = (sa.UniqueConstraint("event_id", "owner_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                          index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                           index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    person: Mapped[User] = relationship(foreign_keys=[person_id])
