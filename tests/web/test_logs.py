"""Structured logs: one JSON object per line, user text escaped, no secrets in them."""

import json
import logging

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
