"""Logging: readable lines in development, one JSON object per line in production.

JSON keeps user-supplied text (names, paths) inside a quoted, escaped field, so a crafted
value cannot forge a log line. Passwords and tokens are never logged: the access log records
the route pattern, not the URL (reset and calendar tokens live in URLs)."""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, g, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter

access_log = logging.getLogger("matchmaker.access")
# Line breaks and other control characters: written as escapes (\n), never as themselves.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Terminal colours (Werkzeug's development server paints its request lines).
TERMINAL_STYLES = re.compile(r"\x1b\[[0-9;]*m")


class NoTerminalStyles(logging.Filter):
    """A log is read as text or JSON, not on a terminal: colour codes go, the words stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "\x1b" in message:
            record.msg, record.args = TERMINAL_STYLES.sub("", message), ()
        return True


class EscapingFormatter(logging.Formatter):
    """Text lines that a crafted value cannot break into a forged line; a traceback still
    follows on lines of its own. The access line spells out what JSON carries as fields:
    "request GET /auth/reset/<token> 302 12.3 ms"."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # logging's name for it
        if record.name == access_log.name and hasattr(record, "route"):
            record.message = (f"{record.message} {record.method} {record.route} "
                              f"{record.status} {record.ms} ms"
                              + (f" user={record.user}" if record.user is not None else ""))
        record.message = CONTROL_CHARACTERS.sub(
            lambda match: match.group().encode("unicode_escape").decode(), record.message)
        return super().formatMessage(record)


def init_app(app: Flask) -> None:
    handler = logging.StreamHandler()
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"levelname": "level",
                                                          "asctime": "time"}))
    else:
        handler.setFormatter(EscapingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(NoTerminalStyles())
    handler.matchmaker = True  # replaced, not stacked, when another app is created
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not getattr(h, "matchmaker", False)]
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    app.before_request(_start_timer)
    app.after_request(_log_request)


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response):
    started = g.pop("request_started", None)
    if started is not None and request.endpoint not in ("static", "bootstrap.static"):
        access_log.info("request", extra={
            "method": request.method,
            "route": request.url_rule.rule if request.url_rule else "(no route)",
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 1),
            "user": current_user.id if current_user.is_authenticated else None,
        })
    return response
