"""Import and export-control screening: column mappings, uploads, denied parties."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import new_session_token, utcnow


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
