"""One transaction per request, and side effects only after it commits.

Services change rows and flush; they never commit. The request is the unit of work: a request
that changes something (any method but GET, HEAD, OPTIONS) commits once after its view has
answered, unless a service refused it (a ``ServiceError`` was raised) or the answer is an error,
in which case everything it wrote is rolled back. Safe requests never write.

Side effects that must not happen for a change that never commits — emails, background work —
are queued with ``after_commit`` and handed to the job queue (``jobs.enqueue``) in one job only
once the commit has succeeded: an SMTP server that hangs never holds up a click, and a failed
request sends nothing. Code outside a request (CLI commands, background jobs) ends its own
transactions with ``commit()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from .extensions import db

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_EFFECTS = "after_commit"  # session.info key: [(path, args)] waiting for the commit
_ROLLBACK_ONLY = "rollback_only"
_WROTE = "wrote"


class ServiceError(Exception):
    """A service refused what it was asked: the whole unit of work is rolled back, whatever it
    had written, even when the view catches the error to show its message."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        set_rollback_only()


def set_rollback_only() -> None:
    db.session.info[_ROLLBACK_ONLY] = True


def after_commit(func: Callable, *args) -> None:
    """Run ``func(*args)`` as a background job once the current transaction has committed
    (never if it rolls back). ``func`` must be a module-level function and ``args`` plain
    values (ids, strings), as an rq worker unpickles them."""
    db.session.info.setdefault(_EFFECTS, []).append((f"{func.__module__}:{func.__qualname__}",
                                                     args))


def commit() -> None:
    """Commit the current transaction and hand its queued side effects to the job queue."""
    session = db.session
    session.commit()
    effects = session.info.pop(_EFFECTS, [])
    _reset(session)
    if effects:
        _dispatch(effects)


def rollback() -> None:
    """Undo the current transaction and forget its side effects."""
    db.session.rollback()
    _forget_effects(db.session)


def _reset(session) -> None:
    session.info.pop(_ROLLBACK_ONLY, None)
    session.info.pop(_WROTE, None)


def _dispatch(effects: list[tuple[str, tuple]]) -> None:
    from . import jobs

    try:
        jobs.enqueue(run_effects, effects)
    except Exception:  # the queue is down (Redis): the change stands; run the effects here
        log.exception("could not queue %d side effect(s); running them in a thread", len(effects))
        jobs.enqueue(run_effects, effects, mode="thread")


def run_effects(effects: list[tuple[str, tuple]]) -> None:
    """The background job: each queued side effect in turn, each in its own transaction; one
    that fails is logged and does not stop the others."""
    from .jobs import call

    for path, args in effects:
        try:
            call(path, *args)
            commit()
        except Exception:
            rollback()
            log.exception("side effect %s failed", path)
            if current_app.config.get("JOBS") == "sync":
                raise


def _end_request(response):
    session = db.session
    failed = session.info.get(_ROLLBACK_ONLY) or response.status_code >= 500
    if request.method in SAFE_METHODS:
        if session.info.get(_WROTE):
            log.error("%s %s wrote to the database; rolled back", request.method, request.path)
            if current_app.testing:
                raise RuntimeError(f"{request.method} {request.path} wrote to the database")
        failed = True
    if failed:
        rollback()
        session.info.pop(_EFFECTS, None)
        _reset(session)
    else:
        commit()
    return response


def _note_write(session, _flush_context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE] = True


def _note_statement(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


def _forget_effects(session) -> None:
    session.info.pop(_EFFECTS, None)
    _reset(session)


def init_app(app: Flask) -> None:
    app.after_request(_end_request)


event.listen(Session, "before_flush", _note_write)
event.listen(Session, "do_orm_execute", _note_statement)
event.listen(Session, "after_rollback", _forget_effects)

