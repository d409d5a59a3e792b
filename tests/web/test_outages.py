"""When Redis or the database is down: logins go on without Redis, /healthz says what is down,
and a database outage shows a branded 503 page that needs no database."""

import socket

import pytest

from tests.conftest import PASSWORD, make_app, shown


def closed_port() -> int:
    """A loopback port nothing listens on: connections to it are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True, "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
            "LOGIN_RATE_LIMIT": "3 per hour", "PASSWORD_RESET_RATE_LIMIT": "2 per hour"}


def test_without_redis_logins_and_resets_work_and_are_still_throttled(client, make_user,
                                                                       outbox):
    make_user()
    login = {"email": "user@example.com", "password": PASSWORD}
    assert client.post("/auth/login", data=login).status_code == 302
    client.post("/auth/logout")
    wrong = {**login, "password": "wrong password here"}
    # Counted in this process's memory meanwhile.
    assert [client.post("/auth/login", data=wrong).status_code for _ in range(4)] == \
        [400, 400, 400, 429]
    forgot = [client.post("/auth/forgot", data={"email": "user@example.com"}).status_code
              for _ in range(3)]
    assert forgot == [302, 302, 429]
    assert len(outbox.emails()) == 2


def test_health_reports_redis_down_without_failing_the_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "degraded", "database": "ok", "redis": "unreachable"}


# --- the database refuses connections ---------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_database(request, tmp_path) -> str:
    if request.param == "sqlite":  # a folder that does not exist: SQLite cannot open the file
        return f"sqlite:///{tmp_path / 'gone' / 'matchmaker.db'}"
    return f"postgresql://matchmaker@127.0.0.1:{closed_port()}/matchmaker"


@pytest.fixture
def app_without_database(unreachable_database, tmp_path):
    return make_app(unreachable_database, tmp_path)


def test_what_needs_the_database_answers_a_branded_503(app_without_database):
    client = app_without_database.test_client()
    assert client.get("/").status_code == 200  # the start page needs nothing from it
    response = client.post("/auth/login", data={"email": "user@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 503
    assert b"Back in a moment" in response.data
    assert b"img/logo.svg" in response.data and b"css/app.css" in response.data
    assert response.headers["Retry-After"] == "30"
    assert client.get("/static/css/app.css").status_code == 200


def test_a_logged_in_person_gets_the_503_page_too(app, make_user, app_without_database):
    make_user()
    working = app.test_client()
    working.post("/auth/login", data={"email": "user@example.com", "password": PASSWORD})
    client = app_without_database.test_client()
    client.set_cookie("session", working.get_cookie("session").value)
    response = client.get("/", headers={"Accept-Language": "de"})  # the user's lookup fails
    assert response.status_code == 503
    assert 'lang="de"' in response.get_data(as_text=True)
    assert shown("de", "Back in a moment") in response.get_data(as_text=True)


def test_health_answers_503_when_the_database_is_unreachable(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unreachable", "redis": "not used"}
