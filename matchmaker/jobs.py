"""Background work with one small API: ``enqueue(func, *args)``.

``JOBS`` picks how a job runs; the job function is the same in every mode and must be a
module-level function (rq imports it by path) that works inside an app context:

- ``"thread"`` (default): a daemon thread with an app context of its own, so the web worker
  answers at once. Enough for one server; a restart loses a running job.
- ``"sync"``: inline, before ``enqueue`` returns. Tests use it: deterministic.
- ``"rq"``: an rq queue over Redis (``REDIS_URL``) for several app servers; run
  ``rq worker --url $MATCHMAKER_REDIS_URL matchmaker`` next to them with the same
  ``MATCHMAKER_*`` environment (the job builds its own app from it).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)

QUEUE_NAME = "matchmaker"


def enqueue(func: Callable, *args, mode: str | None = None) -> threading.Thread | object | None:
    """Run ``func(*args)`` as ``mode`` (default: the ``JOBS`` setting) says; returns the thread
    or rq job."""
    mode = mode or current_app.config.get("JOBS", "thread")
    path = f"{func.__module__}:{func.__qualname__}"
    if mode == "sync":
        run_job(path, *args)
        return None
    if mode == "rq":
        return rq_queue().enqueue(run_job, path, *args, job_timeout=3600)
    app = current_app._get_current_object()
    thread = threading.Thread(target=_run_in_thread, args=(app, path, *args), daemon=True,
                              name=f"job-{func.__name__}")
    thread.start()
    return thread


def rq_queue(name: str | None = None):
    from redis import Redis
    from rq import Queue

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise RuntimeError('JOBS = "rq" needs MATCHMAKER_REDIS_URL.')
    return Queue(name or current_app.config.get("JOBS_QUEUE", QUEUE_NAME),
                 connection=Redis.from_url(url))


def _run_in_thread(app: Flask, path: str, *args) -> None:
    with app.app_context():
        run_job(path, *args)


def run_job(path: str, *args) -> None:
    """Import ``module:function`` and run it in the current app context, or in a new app's
    (an rq worker process has none)."""
    if has_app_context():
        context = nullcontext()
    else:
        from . import create_app

        context = create_app().app_context()
    with context:
        try:
            call(path, *args)
        except Exception:  # the job records its own failure; keep the worker alive
            log.exception("background job %s failed", path)
            if current_app.config.get("JOBS") == "sync":
                raise


def call(path: str, *args):
    """Import ``module:function`` and call it."""
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)(*args)
