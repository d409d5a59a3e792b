"""Outgoing email: SMTP when ``MAIL_SERVER`` is set, otherwise ``instance/outbox/`` and the log,
so that password resets and notifications work offline and in tests.

An email is rendered while the request that causes it runs (in the recipient's language) and
delivered by a background job once that request has committed (``unit_of_work.after_commit``):
a slow or hanging SMTP server never holds up a page, and a change that is rolled back sends
nothing."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from .extensions import mail
from .unit_of_work import after_commit

log = logging.getLogger(__name__)


def send_email(to: str, subject: str, template: str, locale: str | None = None, **context) -> None:
    """Render ``templates/email/<template>.txt`` in the recipient's language; it is sent once
    the current transaction commits."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body = str(subject), render_template(f"email/{template}.txt", **context)
    after_commit(deliver, to, subject, body, template)


def deliver(to: str, subject: str, body: str, template: str = "") -> None:
    """Send one rendered email (a background job)."""
    message = Message(subject=subject, recipients=[to], body=body)
    if current_app.config.get("MAIL_SERVER"):
        mail.send(message)
    else:
        path = _write_to_outbox(message)
        log.info("email to outbox: %s (%s)", path.name, template)


def _write_to_outbox(message: Message) -> Path:
    outbox = Path(current_app.config["OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}-{uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    return path
