"""Runs of the generator: the latest, the one under way, its progress and quality."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import (
    Event,
    ScheduleRun,
    ScheduleRunStatus,
    utcnow,
)

log = logging.getLogger(__name__)


ACTIVE_RUN = (ScheduleRunStatus.QUEUED.value, ScheduleRunStatus.RUNNING.value)


PHASE_PROGRESS = {"heuristic": 40, "milp": 70, "gaps": 90}


PHASES = {
    "queued": _l("Waiting to start…"),
    "reading": _l("Reading the agreed meetings…"),
    "heuristic": _l("Placing the meetings…"),
    "milp": _l("Proving that no better schedule exists…"),
    "gaps": _l("Closing the waits between meetings…"),
}


# Why a run failed, by the code stored in its message (the details are in the log).
FAILURES = {
    "conflict": _l("Someone changed the schedule while it was generated. Run it again."),
    "lost": _l("The generator stopped without finishing (its worker was stopped or could not "
               "be reached). Start it again."),
    "error": _l("The generator failed. Start it again; if it fails again, tell your "
                "administrator (the details are in the server log)."),
}

TIME_LIMITS = (5, 10, 30, 60, 120)


def latest_run(event: Event) -> ScheduleRun | None:
    return db.session.scalar(db.select(ScheduleRun).filter_by(event_id=event.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))


def is_alive(run: ScheduleRun) -> bool:
    """Queued or running, with a heartbeat not long ago: a run whose worker was killed, or
    that no worker picked up, stops counting (and blocking manual changes) within seconds."""
    timeout = timedelta(seconds=current_app.config["SCHEDULE_RUN_TIMEOUT_SECONDS"])
    return run.status in ACTIVE_RUN and run.heartbeat_at is not None \
        and run.heartbeat_at + timeout >= utcnow()


def is_lost(run: ScheduleRun) -> bool:
    """Marked queued or running, but nobody works on it any more."""
    return run.status in ACTIVE_RUN and not is_alive(run)


def active_run(event: Event) -> ScheduleRun | None:
    run = latest_run(event)
    return run if run is not None and is_alive(run) else None


def abandon_dead_runs(event: Event) -> None:
    """Record as failed the runs whose worker died (before a new run starts)."""
    for run in db.session.scalars(db.select(ScheduleRun).where(
            ScheduleRun.event_id == event.id, ScheduleRun.status.in_(ACTIVE_RUN))):
        if is_lost(run):
            run.status, run.message, run.finished_at = ScheduleRunStatus.FAILED.value, "lost", \
                utcnow()


def run_of(event: Event, run_id: int) -> ScheduleRun | None:
    run = db.session.get(ScheduleRun, run_id)
    return run if run is not None and run.event_id == event.id else None


def shown_progress(run: ScheduleRun) -> int:
    """The engine reports after each phase only; in between, time spent tells how far along
    a run is (it stops at its time limit at the latest)."""
    if run.status != ScheduleRunStatus.RUNNING:
        return run.progress
    elapsed = (utcnow() - run.created_at).total_seconds()
    return int(max(run.progress, min(95, 5 + 90 * elapsed / max(run.time_limit, 1))))


def run_message(run: ScheduleRun) -> str:
    if is_lost(run):
        return str(FAILURES["lost"])
    if run.status == ScheduleRunStatus.FAILED:
        return str(FAILURES.get(run.message, FAILURES["error"]))
    return str(PHASES.get(run.message, run.message))


def run_state(run: ScheduleRun) -> ScheduleRunStatus:
    """The status to show: a lost run shows as failed, with a way to start again."""
    return ScheduleRunStatus.FAILED if is_lost(run) else ScheduleRunStatus(run.status)


def quality(run: ScheduleRun | None) -> float | None:
    """Percent of the best possible objective (the engine's proven upper bound)."""
    if run is None or run.objective is None or not run.upper_bound:
        return None
    return min(100.0, 100.0 * run.objective / run.upper_bound)
