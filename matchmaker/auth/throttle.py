"""Login and password-reset throttling.

Failed logins count; successful ones never do, so a delegation behind one fair Wi-Fi or a
company proxy logs in freely. Each ceiling is a Flask-Limiter limit checked before the view
and charged only when the view called ``count_failure``:

- per account and client address (``LOGIN_RATE_LIMIT``): stops one guesser and no one else;
- per account from any address (``LOGIN_ACCOUNT_RATE_LIMIT``, higher): stops a guesser with
  many addresses. A browser that has logged in to the account before carries a signed device
  cookie and is exempt, so a stranger cannot lock the owner out; the owner is told by email;
- per client address over all accounts (``LOGIN_ADDRESS_RATE_LIMIT``, much higher): stops
  password spraying from one address.

Password-reset requests all count, as each may send an email: per email address
(``PASSWORD_RESET_RATE_LIMIT``) and per client address (``LOGIN_ADDRESS_RATE_LIMIT``). Unknown
emails are counted exactly like known ones, so the answers reveal no account.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse

from ..extensions import db, limiter
from ..mail import send_email
from ..models import User
from ..unit_of_work import after_commit
from . import services, twofactor

log = logging.getLogger(__name__)

DEVICE_COOKIE = "login_device"
DEVICE_SALT = "login-device"
DEVICE_COOKIE_DAYS = 365
MAX_DEVICE_ACCOUNTS = 10  # a shared laptop at a stand: a few colleagues' accounts
NOTICE_LIMIT = parse("1 per day")  # the owner hears of a lock once a day, not per attempt
NO_ACCOUNT = "-"  # Flask-Limiter skips (and logs) a limit whose key is empty


def _setting(name: str):
    return lambda: current_app.config[name]


def _client() -> str:
    return request.remote_addr or "unknown"


def _posted_account() -> str:
    return services.normalize_email(request.form.get("email", ""))[:254] or NO_ACCOUNT


def pending_account() -> str:
    """The half-logged-in account of the two-factor step."""
    user = twofactor.pending_user()
    return user.email if user else NO_ACCOUNT


def count_failure() -> None:
    """The view's verdict: this attempt failed and is charged to every ceiling."""
    g.login_failed = True


def _failed(_response) -> bool:
    return bool(g.get("login_failed"))


def failed_logins(account=_posted_account):
    """Decorator for a view that checks a password or code for the account ``account()``."""
    by_pair = limiter.limit(_setting("LOGIN_RATE_LIMIT"), methods=["POST"],
                            key_func=lambda: f"{account()}|{_client()}", deduct_when=_failed)
    by_account = limiter.limit(_setting("LOGIN_ACCOUNT_RATE_LIMIT"), methods=["POST"],
                               key_func=account, deduct_when=_failed,
                               exempt_when=lambda: known_device(account()),
                               on_breach=lambda _limit: _tell_owner(account()))
    by_client = limiter.limit(_setting("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"],
                              key_func=_client, deduct_when=_failed)
    return lambda view: by_client(by_account(by_pair(view)))


def reset_requests(view):
    """Decorator for the view that emails a password-reset link."""
    by_account = limiter.limit(_setting("PASSWORD_RESET_RATE_LIMIT"), methods=["POST"],
                               key_func=_posted_account)
    by_client = limiter.limit(_setting("LOGIN_ADDRESS_RATE_LIMIT"), methods=["POST"],
                              key_func=_client)
    return by_client(by_account(view))


# --- browsers that have logged in before -------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _digest(account: str) -> str:
    """The cookie names accounts by digest: it is readable by anyone holding the browser."""
    return hashlib.sha256(account.encode()).hexdigest()[:20]


def _device_accounts() -> list[str]:
    try:
        digests = _serializer().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadSignature:
        return []
    return digests if isinstance(digests, list) else []


def known_device(account: str) -> bool:
    return _digest(account) in _device_accounts()


def remember_device(response, email: str):
    """After a successful login: this browser is exempt from the account's ceiling."""
    digest = _digest(services.normalize_email(email))
    digests = [d for d in _device_accounts() if d != digest][-(MAX_DEVICE_ACCOUNTS - 1):]
    response.set_cookie(DEVICE_COOKIE, _serializer().dumps([*digests, digest]),
                        max_age=DEVICE_COOKIE_DAYS * 86400, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        path=url_for("auth.login").rsplit("/", 1)[0])  # /auth only
    return response


# --- the owner's notice ------------------------------------------------------------------------

def _tell_owner(account: str) -> None:
    """The account's ceiling is reached: tell the owner (once a day), whoever is guessing."""
    try:
        if not limiter.limiter.hit(NOTICE_LIMIT, "login-lock-notice", account):
            return
        user = services.find_user(account)
        if user is None:
            return
        # In the background: the 429 comes as fast for a known account as for an unknown one.
        after_commit(send_lock_notice, user.id, url_for("auth.forgot_password", _external=True))
    except Exception:  # a notice that cannot go out must not turn the 429 into a 500
        log.exception("could not tell the owner of %s about failed logins", account)


def send_lock_notice(user_id: int, link: str) -> None:
    """Job: the owner's email, with a link to choose a new password."""
    user = db.session.get(User, user_id)
    if user is not None:
        send_email(user.email, _l("Many failed logins to your Matchmaker account"),
                   "login_throttled", locale=user.locale, user=user, link=link)
