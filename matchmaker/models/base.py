"""Helpers every model module uses: UTC timestamps, random tokens, labelled statuses."""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class LabeledEnum(enum.StrEnum):
    """A status stored as its value and shown by its label, translated when read (as indico's
    enums carry their titles). Subclasses list the labels in ``_labels()``."""

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @property
    def label(self) -> str:
        return str(self._labels()[self])

    @classmethod
    def check(cls, column: str, *extra: str) -> sa.CheckConstraint:
        """A CHECK constraint that the column holds one of the values (or one of ``extra``),
        named after the column."""
        values = ", ".join(f"'{v}'" for v in (*(m.value for m in cls), *extra))
        return sa.CheckConstraint(f"{column} IN ({values})", name=f"{column}_valid")
