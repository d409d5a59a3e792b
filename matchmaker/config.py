"""Configuration layers: these defaults, then ``instance/config.py``, then ``MATCHMAKER_*``
environment variables, then the test config handed to ``create_app``."""

import json
import os
from datetime import timedelta

ENV_PREFIX = "MATCHMAKER_"


class Defaults:
    # Replaced in production by MATCHMAKER_SECRET_KEY (finalize() refuses to start without it).
    SECRET_KEY = "dev-only-change-me"  # noqa: S105  # nosec B105
    DATABASE_URL = None  # None: SQLite file in the instance folder
    REDIS_URL = None  # None: rate limits kept in memory (per process)
    PRODUCTION = False

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)  # absolute lifetime of a login
    IDLE_TIMEOUT = timedelta(minutes=30)  # logged out after this long without a request
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=7)

    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session

    LANGUAGES = ("en", "de", "fr")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"

    BOOTSTRAP_SERVE_LOCAL = True

    ARGON2_PARAMETERS: dict = {}  # argon2-cffi's defaults (RFC 9106 low-memory profile)

    # Failed logins only (auth/throttle.py): per account and client address; per account from
    # browsers that never logged in to it; per client address over all accounts.
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour;100 per day"
    LOGIN_ACCOUNT_RATE_LIMIT = "100 per hour;300 per day"
    LOGIN_ADDRESS_RATE_LIMIT = "60 per minute;600 per hour"
    # Reset links asked for per email address (each request may send one).
    PASSWORD_RESET_RATE_LIMIT = "5 per hour;20 per day"  # noqa: S105  # nosec B105
    # Proxies in front of the app that set X-Forwarded-For/-Proto (0: none, the client connects
    # directly). Too many lets a client forge its address; too few throttles the proxy.
    TRUSTED_PROXIES = 0
    PASSWORD_RESET_MAX_AGE = 3600  # seconds an emailed reset link stays valid
    INVITATION_MAX_AGE_DAYS = 7  # days an emailed invitation (team or imported account) lasts

    MAIL_SERVER = None  # None: messages go to instance/outbox/ and the log
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Matchmaker <no-reply@matchmaker.example>"

    # The multilingual sentence encoder, when installed (the "embeddings" extra); False: TF-IDF
    # and tags only.
    USE_ENCODER = True
    # How many companies' suggestion lists one company may appear in, so that requests spread
    # rather than all going to the best-described few; None: twice a list's length.
    SUGGESTION_CAP = None

    JOBS = "thread"  # "rq" with several app servers, "sync" inline (tests); see jobs.py
    # A schedule run stamps a heartbeat this often while it works; one silent for the timeout
    # counts as dead (its worker was killed), shows as failed and stops blocking manual changes.
    SCHEDULE_HEARTBEAT_SECONDS = 5
    SCHEDULE_RUN_TIMEOUT_SECONDS = 30

    LOG_LEVEL = "INFO"
    LOG_FORMAT = "text"  # "json" for one JSON object per line (production, log shippers)

    # Only for the fictional demo accounts of seed-demo; printed by make run on purpose.
    DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  # nosec B105


def _parse_env_value(raw: str):
    """Environment values are strings; accept JSON literals (numbers, booleans) where they parse."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_env(config: dict) -> None:
    """Copy ``MATCHMAKER_FOO=bar`` into ``config["FOO"]``."""
    for key, raw in os.environ.items():
        if key.startswith(ENV_PREFIX) and not key.startswith(ENV_PREFIX + "TEST_"):
            config[key[len(ENV_PREFIX):]] = _parse_env_value(raw)


def finalize(config: dict, instance_path: str) -> None:
    """Derive settings that depend on others once every layer is in."""
    url = config.get("DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "matchmaker.db")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    config["SQLALCHEMY_DATABASE_URI"] = url
    config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    if config.get("REDIS_URL"):
        # Redis down or hanging: count in this process's memory instead of answering 500.
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1,
                                                        "socket_timeout": 1})
        config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    config.setdefault("OUTBOX_DIR", os.path.join(instance_path, "outbox"))
    if config.get("PRODUCTION"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        if config["SECRET_KEY"] == Defaults.SECRET_KEY:
            raise RuntimeError("Set MATCHMAKER_SECRET_KEY in production.")
