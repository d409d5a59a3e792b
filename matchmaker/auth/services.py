"""Account operations. The only place in the auth feature that commits."""

from __future__ import annotations

import hashlib

from flask import current_app, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .. import audit
from ..extensions import db
from ..mail import send_email
from ..models import Role, User, new_session_token, utcnow
from ..security import hash_password, mark_session_start, verify_password
from ..unit_of_work import ServiceError

RESET_SALT = "password-reset"


class AccountError(ServiceError):
    """An account operation was refused; the message is shown to the user."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(db.select(User).filter_by(email=normalize_email(email)))


def create_user(email: str, password: str | None, name: str = "", role: str = Role.PARTICIPANT,
                locale: str | None = None, password_hash: str | None = None) -> User:
    """Create an account; without a password it can only be entered through an emailed link."""
    if find_user(email):
        raise AccountError(_l("An account with this email exists already."))
    if password:
        password_hash = hash_password(password)
    user = User(email=normalize_email(email), name=name.strip(), role=str(role), locale=locale,
                password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user


def register(name: str, email: str, password: str, locale: str) -> User:
    user = create_user(email, password, name=name, locale=locale)
    start_session(user)
    return user


def check_password(email: str, password: str) -> User | None:
    """The account when the password is right (a failure is audited), without logging in."""
    user = find_user(email)
    if not verify_password(user, password):
        audit.record("login_failed", None, target=user or normalize_email(email)[:254],
                     details={"email": normalize_email(email)[:254]})
        return None
    return user


# What survives a login: the chosen language, and the recruiting link a company came through
# (``teams.views.join``) so that its registration still credits the co-organizer.
KEPT_AT_LOGIN = ("lang", "recruited_via")


def start_session(user: User) -> None:
    """Log in with a fresh session (no fixation), keeping only KEPT_AT_LOGIN."""
    kept = {key: session[key] for key in KEPT_AT_LOGIN if session.get(key)}
    session.clear()
    session.update(kept)
    user.last_login_at = utcnow()
    login_user(user)
    mark_session_start()


def end_session(user: User) -> None:
    """Log out everywhere: rotating the token makes every old session cookie worthless."""
    user.session_token = new_session_token()
    logout_user()
    session.clear()


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user, current):
        raise AccountError(_l("The current password is not correct."))
    _set_password(user, new)
    login_user(user)  # keep this browser logged in under the new token; others are logged out


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


set_password = _set_password  # for invitations: the account's first password


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password or session token does, so a used link stops working."""
    material = f"{user.password_hash}:{user.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def send_password_link(user: User, template: str = "reset_password") -> None:
    link = url_for("auth.reset_password", token=reset_token(user), _external=True)
    hours = current_app.config["PASSWORD_RESET_MAX_AGE"] // 3600
    subjects = {"reset_password": _l("Reset your Matchmaker password"),
                "invitation": _l("You are invited to Matchmaker")}
    send_email(user.email, subjects[template], template, locale=user.locale, user=user,
               link=link, hours=hours)


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way (no enumeration)."""
    user = find_user(email)
    if user is not None:
        send_password_link(user)


def user_for_reset_token(token: str) -> User | None:
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or data.get("fp") != _fingerprint(user):
        return None
    return user


def reset_password(user: User, password: str) -> bool:
    """Set the new password; log in at once unless the account needs its second factor."""
    _set_password(user, password)
    if user.totp_secret:
        return False
    start_session(user)
    return True
