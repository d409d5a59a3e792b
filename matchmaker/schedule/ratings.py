"""Ratings after the event."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import dates
from ..access import Viewer
from ..extensions import db
from ..models import (
    Event,
    MeetingRating,
    MeetingRequest,
)
from .errors import ScheduleError
from .queries import is_published, is_scheduled

log = logging.getLogger(__name__)


def event_is_over(event: Event) -> bool:
    return bool(event.slots) and dates.event_now(event) >= max(s.ends_at for s in event.slots)


def rating_of(meeting: MeetingRequest, company_id: int) -> MeetingRating | None:
    return db.session.scalar(db.select(MeetingRating).filter_by(request_id=meeting.id,
                                                                company_id=company_id))


def rate(viewer: Viewer, meeting: MeetingRequest, rating: int, follow_up: bool,
         comment: str) -> MeetingRating:
    """Record (or change) how the viewer's company found a meeting, once the event is over."""
    if viewer.company_id not in (meeting.sender_id, meeting.recipient_id) \
            or not is_scheduled(meeting) or not is_published(viewer.event):
        raise ScheduleError(_l("Only the companies of a held meeting can rate it."))
    if not event_is_over(viewer.event):
        raise ScheduleError(_l("Meetings can be rated once the event is over."))
    if not 1 <= rating <= 5:
        raise ScheduleError(_l("Choose a rating from 1 to 5."))
    row = rating_of(meeting, viewer.company_id) or MeetingRating(request_id=meeting.id,
                                                                 company_id=viewer.company_id)
    row.rating, row.follow_up, row.comment = rating, follow_up, comment.strip()
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # a colleague rated it at the same moment: theirs stands
        db.session.rollback()
        raise ScheduleError(_l("A colleague has just rated this meeting.")) from None
    return row


@dataclass
class RatingTotals:
    count: int
    average: float | None
    follow_ups: int
    meetings_rated: int
    by_meeting: list[tuple[MeetingRequest, list[MeetingRating]]]
    histogram: dict[int, int]


def rating_totals(event: Event) -> RatingTotals:
    rows = db.session.execute(db.select(MeetingRating, MeetingRequest).join(
        MeetingRequest, MeetingRating.request_id == MeetingRequest.id).where(
        MeetingRequest.event_id == event.id).order_by(MeetingRequest.id)).all()
    by_meeting: dict[int, tuple[MeetingRequest, list[MeetingRating]]] = {}
    for rating, meeting in rows:
        by_meeting.setdefault(meeting.id, (meeting, []))[1].append(rating)
    ratings = [rating for rating, _ in rows]
    return RatingTotals(
        count=len(ratings),
        average=sum(r.rating for r in ratings) / len(ratings) if ratings else None,
        follow_ups=sum(r.follow_up for r in ratings),
        meetings_rated=len(by_meeting),
        by_meeting=list(by_meeting.values()),
        histogram={n: sum(r.rating == n for r in ratings) for n in range(5, 0, -1)})
