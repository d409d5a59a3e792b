"""Generating the schedule: a run queued by the organizer, solved by a background job that
reports its progress on the run and writes the result back in its own transactions."""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from ..engine.scheduling import (
    ScheduleResult,
    solve,
)
from ..extensions import db
from ..models import (
    Event,
    ScheduleRun,
    ScheduleRunStatus,
    User,
    utcnow,
)
from ..notifications.services import notify_meeting_change
from ..unit_of_work import after_commit, commit, rollback
from .engine_adapter import BuiltInstance, build_instance, write_back
from .errors import ScheduleError
from .queries import is_published
from .runs import ACTIVE_RUN, PHASE_PROGRESS, abandon_dead_runs, active_run

log = logging.getLogger(__name__)


def start_generation(event: Event, organizer: User, time_limit: float) -> ScheduleRun:
    """Queue a run of the generator (or return the one under way); it works in the
    background once this request has committed and reports its progress on the run."""
    if not event.slots or not event.tables:
        raise ScheduleError(_l("Define meeting slots and tables for the event first."))
    running = active_run(event)
    if running is not None:
        return running
    abandon_dead_runs(event)
    run = ScheduleRun(event_id=event.id, requested_by_id=organizer.id, time_limit=time_limit,
                      message="queued", heartbeat_at=utcnow())
    db.session.add(run)
    db.session.flush()
    after_commit(run_generation, run.id)
    return run


def generate_now(event: Event, organizer: User | None, time_limit: float) -> ScheduleRun:
    """Generate in the caller's process and wait (the CLI and the demo data, which end their
    own transactions)."""
    run = ScheduleRun(event_id=event.id, requested_by_id=organizer and organizer.id,
                      time_limit=time_limit, heartbeat_at=utcnow())
    db.session.add(run)
    commit()
    run_generation(run.id)
    return run


def run_generation(run_id: int) -> None:
    """The background job: build the instance, solve it, write the schedule back, each step in
    a transaction of its own, with a heartbeat on the run while it works."""
    run = db.session.get(ScheduleRun, run_id)
    if run is None or run.status != ScheduleRunStatus.QUEUED:
        return  # done already, or given up as dead and replaced by a newer run
    with Heartbeat(current_app._get_current_object(), run_id):
        _generate(run)


def _generate(run: ScheduleRun) -> None:
    run_id = run.id
    _update_run(run, status=ScheduleRunStatus.RUNNING.value, progress=5, message="reading")
    try:
        event = run.event
        built = build_instance(event)
        started = time.monotonic()
        result = solve(built.instance, time_limit=run.time_limit,
                       progress=lambda phase, objective, bound: _update_run(
                           run, progress=PHASE_PROGRESS.get(phase, run.progress),
                           message=phase, objective=objective, upper_bound=bound))
        elapsed = time.monotonic() - started
        changes = write_back(event, built, result)
        _finish(run, built, result, elapsed)
        if is_published(event):
            for meeting, kind in changes:
                notify_meeting_change(meeting, kind)
        commit()
    except Exception as error:
        rollback()
        log.exception("schedule run %s failed", run_id)
        run = db.session.get(ScheduleRun, run_id)
        code = "conflict" if isinstance(error, IntegrityError) else "error"
        _update_run(run, status=ScheduleRunStatus.FAILED.value, finished_at=utcnow(),
                    message=code if code == "conflict" else f"{type(error).__name__}: {error}")


def _update_run(run: ScheduleRun, **values) -> None:
    for name, value in values.items():
        setattr(run, name, value)
    run.heartbeat_at = utcnow()
    commit()


def _finish(run: ScheduleRun, built: BuiltInstance, result: ScheduleResult,
            elapsed: float) -> None:
    run.status, run.progress = ScheduleRunStatus.DONE.value, 100
    run.finished_at = run.heartbeat_at = utcnow()
    run.scheduled = len(result.meetings)
    run.unscheduled = len(result.unscheduled) + len(built.excluded)
    run.objective, run.upper_bound = result.objective, result.upper_bound
    run.idle_gaps = result.idle_gaps
    run.message = f"{elapsed:.1f} s" + (" · optimal" if result.optimal else "")


class Heartbeat:
    """Stamps ``heartbeat_at`` on the run every few seconds from a thread of its own while the
    engine works, so that a run whose worker died is seen as dead within seconds
    (``runs.is_alive``), not after its whole time limit."""

    def __init__(self, app, run_id: int) -> None:
        self.app, self.run_id = app, run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"heartbeat-{run_id}")

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        interval = self.app.config["SCHEDULE_HEARTBEAT_SECONDS"]
        with self.app.app_context():
            while not self.stop.wait(interval):
                try:
                    db.session.execute(db.update(ScheduleRun).where(
                        ScheduleRun.id == self.run_id, ScheduleRun.status.in_(ACTIVE_RUN))
                        .values(heartbeat_at=utcnow()))
                    commit()
                except Exception:  # a busy database: the next beat tries again
                    rollback()
                    log.warning("heartbeat of schedule run %s missed", self.run_id)
            db.session.remove()
