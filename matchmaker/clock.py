"""The event clock: what time it is where the event takes place.

Slots and programme items store naive local times in the event's time zone; every other
timestamp is naive UTC. Callers ask this module (``clock.local_now(event)``), so that a test can
set the time of the evening in one place."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def local_now(event) -> datetime:
    """Naive local time in the event's time zone, as slots store it."""
    return datetime.now(ZoneInfo(event.timezone)).replace(tzinfo=None)


def local_time(event, moment: datetime) -> datetime:
    """A naive UTC timestamp as the event's local (naive) time."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None)
