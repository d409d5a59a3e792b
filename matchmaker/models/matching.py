"""Matching: cached sentence vectors and "not interested" marks."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import Company


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
