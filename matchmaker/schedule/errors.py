"""Why the schedule refused a change."""

from __future__ import annotations

import logging

from ..unit_of_work import ServiceError

log = logging.getLogger(__name__)


class ScheduleError(ServiceError):
    """A change was refused; the message names the rule, for the organizer."""
