"""Idempotency keys: what a user's POST with a given ``Idempotency-Key`` header answered, so
that a retry (a phone that sent, lost the answer and sends again) is answered the same way
without doing the work twice (``matchmaker.idempotency``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .base import utcnow


class IdempotencyKey(db.Model):
    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(64))
    path: Mapped[str] = mapped_column(sa.String(300))  # the same key on another URL is refused
    status: Mapped[int] = mapped_column(default=0)  # 0 while the first request is under way
    location: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
