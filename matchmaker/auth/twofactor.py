"""Two-factor login with time-based one-time passwords (RFC 6238) for organizers and admins,
who can see every company's data. Commits, like the other auth services."""

from __future__ import annotations

import time

import pyotp
import segno
from flask import session
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..access import is_on_any_team
from ..audit import record as audit_record
from ..extensions import db
from ..models import User
from ..security import verify_password
from .services import AccountError

ISSUER = "Matchmaker"
clock = time.time  # tests move it forward
PENDING_SECONDS = 300  # between the password and the code


def may_use(user: User) -> bool:
    """Organizers, admins and anyone on an event's team (they read every applicant's data)."""
    return user.is_organizer or is_on_any_team(user)


def new_secret() -> str:
    return pyotp.random_base32()


def qr_code(user: User, secret: str) -> Markup:
    """The otpauth:// URI as an inline SVG QR code for authenticator apps."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    # segno writes the SVG from the URI alone (no user markup passes through), so it is safe.
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#1b2733")
    return Markup(svg)  # noqa: S704  # nosec B704


def _accepted_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None."""
    code = (code or "").strip().replace(" ", "")
    totp = pyotp.TOTP(secret)
    now = int(clock())
    for drift in (0, -1, 1):
        at = now + drift * totp.interval
        if totp.verify(code, for_time=at):
            step = at // totp.interval
            return None if last_step is not None and step <= last_step else step
    return None


def enable(user: User, secret: str, code: str) -> None:
    step = _accepted_step(secret, code, None)
    if step is None:
        raise AccountError(_l("That code is not right. Check the time on your phone and try "
                              "again."))
    user.totp_secret, user.totp_last_step = secret, step
    audit_record("two_factor_enabled", user, target=user)
    db.session.flush()


def disable(user: User, password: str, code: str) -> None:
    if not verify_password(user, password) or not verify(user, code):
        raise AccountError(_l("Password or code is not correct."))
    user.totp_secret = user.totp_last_step = None
    audit_record("two_factor_disabled", user, target=user)
    db.session.flush()


def verify(user: User, code: str) -> bool:
    """Check a login code once: a code that was accepted before is refused (no replay)."""
    step = _accepted_step(user.totp_secret or "", code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    db.session.flush()
    return True


def remember_pending(user: User) -> None:
    """Password accepted; the session holds who is half-way logged in, for a few minutes."""
    session["2fa_user"] = user.id
    session["2fa_since"] = clock()


def pending_user() -> User | None:
    user_id, since = session.get("2fa_user"), session.get("2fa_since", 0)
    if user_id is None or clock() - since > PENDING_SECONDS:
        return None
    return db.session.get(User, user_id)
