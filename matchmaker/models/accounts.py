"""Accounts: users, companies and their capability tags."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import LabeledEnum, new_session_token, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy resolves them by name
    from .market import Opportunity
    from .matching import CompanyEmbedding


class Role(LabeledEnum):
    PARTICIPANT = "participant"
    ORGANIZER = "organizer"
    ADMIN = "admin"

    @classmethod
    def _labels(cls) -> dict:
        return {cls.PARTICIPANT: _l("Participant"), cls.ORGANIZER: _l("Organizer"),
                cls.ADMIN: _l("Administrator")}


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
    __table_args__ = (Role.check("role"),)

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
        """May create events (rights inside an event come from its team: ``access``)."""
        return self.role in (Role.ORGANIZER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


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
    # What people who scan its attendees' badges see (models.badges.SHAREABLE_CONTACT_FIELDS);
    # nothing beyond the badge until the company chooses.
    shared_contact_fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list,
                                                             server_default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="company", order_by="User.name")
    tag_links: Mapped[list[CompanyTag]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="CompanyTag.tag_id"
    )
    embedding: Mapped[CompanyEmbedding | None] = relationship(
        back_populates="company", cascade="all, delete-orphan", passive_deletes=True
    )
    opportunities: Mapped[list[Opportunity]] = relationship(
        back_populates="company", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(Opportunity.kind, Opportunity.title, Opportunity.id)",
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
