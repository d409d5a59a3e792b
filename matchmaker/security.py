"""Passwords, sessions, headers and access rules shared by every blueprint."""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix
from zxcvbn import zxcvbn

from .extensions import db, login_manager
from .models import Role, User

MIN_PASSWORD_LENGTH = 12
# zxcvbn scores 0-4; below 3 means the password is in or close to a common-password list.
MIN_PASSWORD_SCORE = 3
# zxcvbn refuses longer input (ValueError: a 500); the first 72 characters decide the score.
ZXCVBN_MAX_LENGTH = 72

STATIC_ENDPOINTS = {"static", "bootstrap.static"}

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_app(app: Flask) -> None:
    trust_proxies(app)
    # argon2id; the library's recommended parameters unless the config lowers them (tests only).
    app.extensions["password_hasher"] = PasswordHasher(**app.config["ARGON2_PARAMETERS"])
    production = bool(app.config.get("PRODUCTION"))
    talisman.init_app(
        app,
        force_https=production,
        strict_transport_security=production,
        session_cookie_secure=production,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    app.before_request(_refuse_nul_characters)
    app.before_request(_end_stale_session)
    app.after_request(_no_store_when_logged_in)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, the client's address and scheme are the ones the
    nearest proxies wrote into X-Forwarded-For/-Proto (throttling, audit log, HTTPS redirects).
    The Host header is kept: a forwarded host from the client would poison emailed links."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0,
                                x_prefix=0)


def _refuse_nul_characters():
    """No browser sends a NUL character and PostgreSQL cannot store one (a 500 deep in a
    service): refuse it in any field, query or URL part before a view runs."""
    texts = [*request.args.items(multi=True), *request.form.items(multi=True),
             *(request.view_args or {}).items()]
    if any("\x00" in str(key) or "\x00" in str(value) for key, value in texts):
        abort(400)


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(session_token=session_token))


# The cookie session is rewritten whenever seen_at changes, so it changes at most once a minute:
# a background request that set the cookie from the session it read when it began would undo
# what a request finishing meanwhile wrote there (a flash message, a login).
SEEN_AT_RESOLUTION = 60


def mark_session_start() -> None:
    """Called at login: the absolute and idle timeouts count from here."""
    session["auth_at"] = session["seen_at"] = time.time()


def _end_stale_session():
    """Log out after IDLE_TIMEOUT without a request, or PERMANENT_SESSION_LIFETIME after login."""
    if request.endpoint in STATIC_ENDPOINTS or not current_user.is_authenticated:
        return None
    now = time.time()
    idle = current_app.config["IDLE_TIMEOUT"].total_seconds()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    started, seen = session.get("auth_at"), session.get("seen_at")
    if started is None or seen is None or now - seen > idle or now - started > lifetime:
        logout_user()
        session.clear()
        flash(_l("Your session has expired. Please log in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET"
                                else None))
    if now - seen >= SEEN_AT_RESOLUTION and not is_background_read():
        session["seen_at"] = now
    return None


def is_background_read() -> bool:
    """A GET that is no navigation: a page read in the background (the service worker keeping
    the agenda for offline use, a page refreshing itself), not a page the person opened or an
    action they took. It neither keeps the session alive nor takes flash messages. Browsers
    send Sec-Fetch-Mode on secure origins, which a service worker needs anyway."""
    return request.method == "GET" and request.headers.get("Sec-Fetch-Mode",
                                                           "navigate") != "navigate"


def _no_store_when_logged_in(response):
    """Pages for a logged-in person must not linger in shared caches or the back button."""
    if current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def _hasher() -> PasswordHasher:
    return current_app.extensions["password_hasher"]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password; hash a dummy when there is no user so timing does not reveal accounts."""
    hasher = _hasher()
    if user is None or not user.password_hash:
        hasher.hash(password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return str(_l("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH))
    strength = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=list(user_inputs))
    if strength["score"] < MIN_PASSWORD_SCORE:
        return str(_l("This password is too common or easy to guess. Try a longer phrase."))
    return None


def is_safe_next(target: str | None) -> bool:
    """Only relative paths on this site: no scheme, no host, no protocol-relative '//'."""
    if not target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    )


def safe_next(default: str) -> str:
    target = request.args.get("next") or request.form.get("next")
    return target if is_safe_next(target) else default


def roles_required(*roles: str):
    """Refuse with 403 unless the logged-in user has one of ``roles``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


# The two guards the views use; per-event rights are checked by ``access`` inside the views.
organizers_only = roles_required(Role.ORGANIZER, Role.ADMIN)
admins_only = roles_required(Role.ADMIN)
