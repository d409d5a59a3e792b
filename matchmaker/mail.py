"""Outgoing email: SMTP when ``MAIL_SERVER`` is set, otherwise ``instance/outbox/`` and the log,
so that password resets and notifications work offline and in tests."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from flask import current_app, render_template
from flask_babel import force_locale
from flask_mail import Message

from .extensions import mail

log = logging.getLogger(__name__)


def send_email(to: str, subject: str, template: str, locale: str | None = None, **context) -> None:
    """Render ``templates/email/<template>.txt`` in the recipient's language and send it."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = Message(
            subject=str(subject),
            recipients=[to],
            body=render_template(f"email/{template}.txt", **context),
        )
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
