"""With MATCHMAKER_REDIS_URL set, login throttling lives in Redis, shared by every worker."""

import os

import pytest
import redis

REDIS_URL = os.environ.get("MATCHMAKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_reachable() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not redis_reachable() and not os.environ.get("CI"),
                                reason="no Redis server on this machine")


@pytest.fixture
def app_config():
    redis.Redis.from_url(REDIS_URL).flushdb()
    return {"REDIS_URL": REDIS_URL, "RATELIMIT_ENABLED": True}


def test_two_workers_share_the_login_limit(app, make_user, tmp_path):
    from tests.conftest import make_app

    make_user()
    data = {"email": "user@example.com", "password": "wrong password here"}
    first_worker = app.test_client()
    for _ in range(10):
        assert first_worker.post("/auth/login", data=data).status_code == 400
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    # A second app object stands for another gunicorn worker: it sees the same counters.
    other = make_app(app.config["DATABASE_URL"], tmp_path,
                     REDIS_URL=REDIS_URL, RATELIMIT_ENABLED=True)
    assert other.test_client().post("/auth/login", data=data).status_code == 429
