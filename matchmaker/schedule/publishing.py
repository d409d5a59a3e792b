"""Publishing the schedule to the participants, and taking it back."""

from __future__ import annotations

import logging

from .. import audit
from ..extensions import db
from ..models import (
    Event,
    User,
    utcnow,
)
from ..notifications.services import notify_schedule_published
from .queries import agreed_meetings, is_published, is_scheduled

log = logging.getLogger(__name__)


def publish(event: Event, notify: bool = True, actor: User | None = None) -> int:
    """Show the schedule to the participants and tell each company with a meeting (unless
    ``notify`` is False, as for demo data); returns how many companies have one."""
    if is_published(event):
        return 0
    event.schedule_published_at = utcnow()
    audit.record("schedule_published", actor, target=event, event=event)
    db.session.flush()
    companies = {c.id: c for m in agreed_meetings(event) if is_scheduled(m)
                 for c in (m.sender, m.recipient)}
    if notify:
        notify_schedule_published(event, list(companies.values()))
    return len(companies)


def unpublish(event: Event, actor: User | None = None) -> None:
    event.schedule_published_at = None
    audit.record("schedule_unpublished", actor, target=event, event=event)
    db.session.flush()
