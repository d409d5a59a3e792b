"""Fixtures in the style of Flask's tutorial: ``app``, ``client``, ``runner``, ``auth`` and
creators. Every test that uses ``app`` runs on SQLite and, when MATCHMAKER_TEST_DATABASE_URL is
set (CI sets it), again on PostgreSQL."""

from __future__ import annotations

import os
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
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


POSTGRES_URL = os.environ.get("MATCHMAKER_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


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
