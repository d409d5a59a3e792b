"""The marketplace: a company's published offers and requests (cooperation opportunities),
and the partners it already knows."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabeledEnum, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .accounts import Company


class OpportunityKind(LabeledEnum):
    OFFER = "offer"
    REQUEST = "request"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.OFFER: _l("Offer"), cls.REQUEST: _l("Request")}


class Opportunity(db.Model):
    """One offer or request a company publishes; shown where the company itself is shown
    (its approved events, to those the group matrix lets see it) until it expires.

    The export-control flags are the company's statement for this item, as the profile has
    them for the company. ``vector`` caches the item's sentence vector (made on save, never
    on a page view); ``vector_digest`` says which text and encoder it belongs to."""

    __tablename__ = "opportunities"
    __table_args__ = (OpportunityKind.check("kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(160))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    dual_use_items: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    military_items: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    expires_on: Mapped[date | None]
    vector: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    vector_digest: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    company: Mapped[Company] = relationship(back_populates="opportunities")

    @property
    def state(self) -> OpportunityKind:
        return OpportunityKind(self.kind)

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    @property
    def search_text(self) -> str:
        return f"{self.title}. {self.text}"


class KnownPartner(db.Model):
    """``company`` already knows ``other_company`` (a past partner): shown as known, never
    suggested. The company's own note, seen by nobody else."""

    __tablename__ = "known_partners"
    __table_args__ = (sa.UniqueConstraint("company_id", "other_company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
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
