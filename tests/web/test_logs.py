"""Structured logs: one JSON object per line, user text escaped, no secrets in them."""

import json
import logging
import re

import pytest


@pytest.fixture
def app_config():
    return {"LOG_FORMAT": "json"}


@pytest.fixture
def log_lines(app):
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "matchmaker", False))
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(handler.format(record))

    keeper = Keep()
    logging.getLogger().addHandler(keeper)
    yield records
    logging.getLogger().removeHandler(keeper)


def test_requests_are_logged_as_json_without_tokens(client, log_lines):
    client.get("/auth/reset/secret-reset-token-value")
    line = json.loads(next(entry for entry in log_lines if '"request"' in entry))
    assert line["route"] == "/auth/reset/<token>"
    assert line["status"] == 302
    assert "secret-reset-token-value" not in "".join(log_lines)


def test_passwords_never_reach_the_logs(client, make_user, log_lines):
    make_user()
    client.post("/auth/login", data={"email": "user@example.com",
                                     "password": "not-the-password-xyz"})
    assert "not-the-password-xyz" not in "".join(log_lines)


def test_user_text_cannot_forge_a_log_line(app, log_lines):
    logging.getLogger("matchmaker.test").warning("company %s", "Evil\n{\"level\": \"INFO\"}")
    (line,) = [entry for entry in log_lines if "Evil" in entry]
    assert "\n" not in line
    assert json.loads(line)["message"].startswith("company Evil")


def test_passwords_and_reset_tokens_never_reach_the_logs(client, make_user, outbox, log_lines):
    """Register, log in, change the password, reset it by email: none of the passwords and
    not the token of the reset link appear in any log line."""
    passwords = ["first-Secret-Phrase-4711 ravens", "second-Secret-Phrase-0815 owls",
                 "third-Secret-Phrase-2342 larks"]
    client.post("/auth/register", data={"name": "Lena Log", "email": "lena@example.com",
                                        "password": passwords[0], "confirm": passwords[0]})
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "lena@example.com", "password": passwords[0]})
    client.post("/auth/password", data={"current_password": passwords[0],
                                        "password": passwords[1], "confirm": passwords[1]})
    client.post("/auth/logout")
    client.post("/auth/forgot", data={"email": "lena@example.com"})
    link = outbox.last_link()
    token = link.rsplit("/", 1)[1]
    answer = client.post(link, data={"password": passwords[2], "confirm": passwords[2]})
    assert answer.status_code == 302 and "/auth/reset" not in answer.location  # it worked
    logged = "".join(log_lines)
    assert '"status": 302' in logged  # the lines were captured
    assert token not in logged
    for password in passwords:
        assert password not in logged


def test_text_lines_escape_user_text_too(tmp_path):
    """The default text format (not JSON) writes a line break in user text as \\n."""
    from tests.conftest import make_app

    make_app(f"sqlite:///{tmp_path / 'text.db'}", tmp_path, LOG_FORMAT="text")
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "matchmaker", False))
    record = logging.LogRecord("matchmaker.test", logging.WARNING, __file__, 1, "company %s",
                               ("Evil\n2026-01-01 00:00:00 INFO matchmaker: forged\u2028",), None)
    line = handler.format(record)
    assert "\n" not in line and "\u2028" not in line
    assert line.endswith("company Evil\\n2026-01-01 00:00:00 INFO matchmaker: forged\\u2028")


def matchmaker_handler() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if getattr(h, "matchmaker", False))


def test_the_text_access_line_says_method_route_status_and_time(tmp_path):
    """As the JSON line's fields: the route pattern, never the URL with its token."""
    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'text.db'}", tmp_path, LOG_FORMAT="text")
    handler, lines = matchmaker_handler(), []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(handler.format(record))

    keeper = Keep()
    logging.getLogger().addHandler(keeper)
    try:
        app.test_client().get("/auth/reset/secret-reset-token-value")
    finally:
        logging.getLogger().removeHandler(keeper)
    (line,) = [entry for entry in lines if "matchmaker.access" in entry]
    assert re.search(r"matchmaker\.access: request GET /auth/reset/<token> 302 \d+(\.\d)? ms$",
                     line), line
    assert "secret-reset-token-value" not in "".join(lines)


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_werkzeug_colours_never_reach_the_log(tmp_path, log_format):
    """The development server paints a 404 line yellow with terminal escapes; the log keeps
    the words only (the text format would otherwise write them as \\x1b[33m)."""
    from tests.conftest import make_app

    make_app(f"sqlite:///{tmp_path / 'dev.db'}", tmp_path, LOG_FORMAT=log_format)
    handler = matchmaker_handler()
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '127.0.0.1 - - [03/Dec/2026 22:40:00] "%s" %s %s',
                               ("\x1b[33mGET /nowhere HTTP/1.1\x1b[0m", "404", "-"), None)
    assert handler.filter(record)
    line = handler.format(record)
    message = json.loads(line)["message"] if log_format == "json" else line
    assert message.endswith('"GET /nowhere HTTP/1.1" 404 -')
    assert "\x1b" not in line and "x1b" not in line and "u001b" not in line
