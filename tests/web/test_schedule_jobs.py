"""Background jobs: the same generation job run inline, in a thread and through rq."""

from __future__ import annotations

import uuid

import pytest

from matchmaker import jobs, unit_of_work
from matchmaker.extensions import db
from matchmaker.models import ScheduleRun
from matchmaker.schedule import generation, queries
from tests.web.test_schedule import agree

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def app_config(request):
    mode = next(m for m in ("sync", "thread", "rq") if f"test_{m}_" in request.node.name)
    return {"JOBS": mode,
            "REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}"}


@pytest.fixture
def pair(make_event, make_participant):
    event = make_event(tables="T1-T2")
    _u, anna = make_participant("anna", event, name="Feinwerk Enz GmbH")
    _u, yann = make_participant("yann", event, name="Optronique SAS")
    return event, agree(event, anna, yann)


def fresh(run: ScheduleRun) -> ScheduleRun:
    db.session.expire_all()
    return db.session.get(ScheduleRun, run.id)


def test_sync_runs_inline(pair, organizer):
    event, meeting = pair
    run = generation.start_generation(event, organizer, 5)
    unit_of_work.commit()
    assert fresh(run).status == "done"
    assert queries.is_scheduled(meeting)


def test_thread_returns_at_once_and_finishes_in_the_background(pair, organizer, monkeypatch):
    event, meeting = pair
    started = []
    real_enqueue = jobs.enqueue

    def keep_thread(func, *args):
        started.append(real_enqueue(func, *args))
        return started[-1]

    monkeypatch.setattr(jobs, "enqueue", keep_thread)
    run = generation.start_generation(event, organizer, 5)
    assert run.status == "queued" and not started  # nothing runs before the commit
    unit_of_work.commit()
    (thread,) = started
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert fresh(run).status == "done"
    db.session.refresh(meeting)
    assert queries.is_scheduled(meeting)


def test_rq_queue_and_a_burst_worker(pair, organizer, app):
    redis = pytest.importorskip("redis")
    from rq import SimpleWorker

    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    event, meeting = pair
    run = generation.start_generation(event, organizer, 5)
    unit_of_work.commit()
    assert fresh(run).status == "queued"
    queue = jobs.rq_queue()
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert fresh(run).status == "done"
    db.session.refresh(meeting)
    assert queries.is_scheduled(meeting)
    queue.delete(delete_jobs=True)
