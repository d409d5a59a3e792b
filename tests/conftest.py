"""Fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``, ``auth`` and
creators. Every test that uses ``app`` runs on SQLite and, when MATCHMAKER_TEST_DATABASE_URL is
set (CI sets it), again on PostgreSQL."""

from __future__ import annotations

import fcntl
import os
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from babel.support import Translations
from flask.globals import _cv_app
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape

from matchmaker import create_app, unit_of_work
from matchmaker.extensions import db as _db
from matchmaker.extensions import limiter

PASSWORD = "correct horse battery staple 42"
CATALOGUES = Path(__file__).resolve().parent.parent / "matchmaker" / "translations"


def translated(lang: str, msgid: str, **values) -> str:
    """``msgid`` in ``lang``, formatted, as an email shows it."""
    text = Translations.load(str(CATALOGUES), [lang]).gettext(msgid)
    return text % values if values else text


def shown(lang: str, msgid: str, **values) -> str:
    """``msgid`` as a page in ``lang`` shows it: translated, formatted and HTML-escaped."""
    return str(escape(translated(lang, msgid, **values)))


def worker_database_url(url: str | None) -> str | None:
    """Under pytest-xdist, ``url`` with the worker's own database, ``<name>_gw0``, ``<name>_gw1``,
    ..., created when missing: every test drops and creates all tables, so workers cannot share.
    The databases are kept for the next run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    given = sa.make_url(url)
    name = f"{given.database}_{worker}"
    server = sa.create_engine(given.set(drivername="postgresql+psycopg"),
                              isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                       {"name": name}) is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    server.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


def worker_redis_url(url: str, worker: str) -> str:
    """``url`` with a Redis database of the worker's own (the rate-limit tests flush theirs):
    gw0 keeps the number, gw1 takes the one below, and so on."""
    given = urlsplit(url)
    number = (int(given.path.strip("/") or 0) - int(worker.removeprefix("gw"))) % 16
    return given._replace(path=f"/{number}").geturl()


POSTGRES_URL = worker_database_url(os.environ.get("MATCHMAKER_TEST_DATABASE_URL"))
if os.environ.get("PYTEST_XDIST_WORKER"):  # read by tests/web/test_rate_limit_redis.py
    os.environ["MATCHMAKER_TEST_REDIS_URL"] = worker_redis_url(
        os.environ.get("MATCHMAKER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"),
        os.environ["PYTEST_XDIST_WORKER"])
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


# Tests whose outcome depends on the CPU a search gets within its time limit run alone under
# pytest-xdist: each takes an exclusive lock that every other test shares.
RUN_ALONE = {"test_scheduling.py", "test_scheduling_gaps.py"}


@pytest.fixture(autouse=True)
def _cpu_share(request, tmp_path_factory):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield
        return
    shared_by_the_workers = tmp_path_factory.getbasetemp().parent / "cpu.lock"
    with open(shared_by_the_workers, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX if request.node.path.name in RUN_ALONE else fcntl.LOCK_SH)
        yield


def database_url(backend: str, tmp_path) -> str:
    return POSTGRES_URL if backend == "postgresql" else f"sqlite:///{tmp_path / 'test.db'}"


class IsolatedClient(FlaskClient):
    """Runs each request in an app context of its own, as in production.

    Tests hold an app context for their own database work; without this, requests would reuse
    it and share ``g`` (the logged-in user, the locale) and the database session. What the test
    wrote through services is committed first (services never commit: in the app, the request
    does), as another process would need it to be.
    """

    def open(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            unit_of_work.commit()
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


class IsolatedCliRunner(FlaskCliRunner):
    """Commits what the test wrote before running a command, like ``IsolatedClient``."""

    def invoke(self, *args, **kwargs):
        if _cv_app.get(None) is not None:
            unit_of_work.commit()
        return super().invoke(*args, **kwargs)


def make_app(url: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "REDIS_URL": None,
        "MAIL_SERVER": None,
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "JOBS": "sync",  # background jobs (emails, generation) inline: deterministic
        "SERVER_NAME": "localhost",
        # Cheap hashing keeps the suite fast; production uses argon2-cffi's defaults.
        "ARGON2_PARAMETERS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        # The encoder is exercised by tests that ask for it (tests/web/test_suggestions.py).
        "USE_ENCODER": False,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    app.test_cli_runner_class = IsolatedCliRunner
    return app


def reset_limiter() -> None:
    """Fresh counters, in the app's own storage again after a test that lost Redis (the
    limiter is one object for every app of the run)."""
    limiter._storage_dead = False
    if limiter.storage.check():
        limiter.reset()


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(backend, tmp_path, app_config):
    app = make_app(database_url(backend, tmp_path), tmp_path, **app_config)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        if app.config["RATELIMIT_ENABLED"]:
            reset_limiter()
        yield app
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Outbox:
    """The emails the app wrote to instance/outbox/ during a test, decoded."""

    def __init__(self, path):
        self.path = path

    def emails(self) -> list[EmailMessage]:
        if not self.path.exists():
            return []
        return [message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(self.path.glob("*.eml"))]

    def messages(self) -> list[str]:
        """Subject and body of each email, as text."""
        return [f"{m['Subject']}\n{m.get_body().get_content()}" for m in self.emails()]

    def last_link(self) -> str:
        return re.search(r"https?://\S+", self.messages()[-1]).group(0)


@pytest.fixture
def outbox(app):
    from pathlib import Path

    return Outbox(Path(app.config["OUTBOX_DIR"]))


@pytest.fixture
def make_user(app):
    from matchmaker.auth.services import create_user

    def make(email="user@example.com", role="participant", name="Test User", password=PASSWORD,
             locale="en"):
        return create_user(email, password, name=name, role=role, locale=locale)

    return make


PROFILE = {
    "name": "Präzision Pforzheim GmbH",
    "city": "Pforzheim",
    "country": "DE",
    "website": "https://praezision.example",
    "phone": "+49 7231 123456",
    "size": "50-249",
    "languages": ["de", "en"],
    "description": "Präzisionsdrehteile für Luftfahrt und Medizintechnik.",
    "offers": "CNC-Drehen, Fräsen, Baugruppenmontage.",
    "seeks": "Kunden aus der Verteidigungsindustrie in Frankreich.",
    "certifications": ["ISO 9001", "EN 9100"],
    "tags": ["du.2", "ml.16"],
}


@pytest.fixture
def make_company(app):
    from matchmaker.companies.services import ProfileData, create_company

    def make(owner, **fields):
        data = {**PROFILE, **fields}
        return create_company(owner, ProfileData(**data))

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email="user@example.com", password=PASSWORD):
        return self._client.post("/auth/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
