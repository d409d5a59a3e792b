"""Participants on the evening: each simulated user logs in once as one of the seeded
accounts (``seed.EMAIL_PATTERN``), then opens its agenda and its suggested contacts again
and again, with a pause to read in between.

Two phases, measured apart: the login rush (argon2 is deliberately slow, and it would hide
the page views' own latency), then, once every user is in, the page views: their statistics
are reset one pause later (a warm-up) and kept for ``LOAD_PAGE_SECONDS``. The login
figures go to ``LOAD_LOGIN_REPORT`` (JSON). Run by ``benchmarks/load/run.py``, which sets
the ``LOAD_*`` variables."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import gevent
from gevent.event import Event
from locust import FastHttpUser, between, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed import EMAIL_PATTERN, PASSWORD  # noqa: E402

EVENT_ID = int(os.environ.get("LOAD_EVENT_ID", "1"))
ACCOUNTS = int(os.environ.get("LOAD_ACCOUNTS", "500"))
WAIT_MIN, WAIT_MAX = (float(s) for s in os.environ.get("LOAD_WAIT", "5,15").split(","))
PAGE_SECONDS = float(os.environ.get("LOAD_PAGE_SECONDS", "60"))
LOGIN_REPORT = os.environ.get("LOAD_LOGIN_REPORT", "")
LOGIN_REQUESTS = (("login form", "GET"), ("login", "POST"))
LOGIN_ATTEMPTS = 5  # a refused or timed-out login is tried again, as a person would
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

_accounts = itertools.count()  # each simulated user takes the next seeded account
_logins_done = itertools.count(1)
_locked_out: list[str] = []  # accounts that never got in
_everyone_in = Event()
_test_started = [time.monotonic()]


@events.test_start.add_listener
def _on_test_start(**_kwargs) -> None:
    _test_started[0] = time.monotonic()


def _login_summary(stats, seconds: float) -> dict:
    summary = {"seconds": round(seconds, 1), "never_in": len(_locked_out)}
    for name, method in LOGIN_REQUESTS:
        entry = stats.get(name, method)
        summary[name] = {
            "requests": entry.num_requests, "failures": entry.num_failures,
            "per_second": round(entry.num_requests / seconds, 1) if seconds else 0.0,
            **{f"p{p}": entry.get_response_time_percentile(p / 100) for p in (50, 95, 99)},
            "max": round(entry.max_response_time)}
    return summary


def _start_page_phase(environment) -> None:
    """Everyone is in: keep the login figures, then measure the page views alone, from one
    pause on (when the first views are spread out and every worker has fitted its matcher)."""
    summary = _login_summary(environment.stats, time.monotonic() - _test_started[0])
    if LOGIN_REPORT:
        Path(LOGIN_REPORT).write_text(json.dumps(summary, indent=2))
    gevent.spawn_later(WAIT_MAX, environment.stats.reset_all)
    gevent.spawn_later(WAIT_MAX + PAGE_SECONDS, environment.runner.quit)
    _everyone_in.set()


class Participant(FastHttpUser):
    wait_time = between(WAIT_MIN, WAIT_MAX)
    # As patient as a browser (5 min): a client giving up would leave its login queued on
    # the server, still costing an argon2 hash when the page views begin.
    network_timeout = connection_timeout = 300.0

    def on_start(self) -> None:
        email = EMAIL_PATTERN.format(next(_accounts) % ACCOUNTS)
        logged_in = any(self._log_in(email, attempt) for attempt in range(LOGIN_ATTEMPTS))
        if not logged_in:
            _locked_out.append(email)
        if next(_logins_done) == self.environment.runner.target_user_count:
            _start_page_phase(self.environment)
        if not logged_in:
            raise StopUser()
        _everyone_in.wait()
        # People do not click in step: the first page view falls anywhere in one pause.
        gevent.sleep(random.uniform(0, WAIT_MAX))  # noqa: S311 - not for security

    def _log_in(self, email: str, attempt: int) -> bool:
        if attempt:
            gevent.sleep(self.wait_time())  # a pause before trying again
        form = self.client.get("/auth/login", name="login form")
        token = CSRF.search(form.text or "")
        with self.client.post("/auth/login", name="login", allow_redirects=False,
                              catch_response=True,
                              data={"email": email, "password": PASSWORD,
                                    "csrf_token": token.group(1) if token else ""}) as response:
            # Success is a redirect away from the login page; the form again means refused.
            if response.status_code == 302 and "/auth/login" not in response.headers.get(
                    "Location", ""):
                return True
            response.failure(f"login of {email}: HTTP {response.status_code}")
            return False

    def _page(self, path: str, name: str) -> None:
        # Redirects are not followed: one here means the session was lost.
        with self.client.get(path, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{name}: HTTP {response.status_code}")

    @task
    def agenda(self) -> None:
        self._page(f"/events/{EVENT_ID}/agenda", "agenda")

    @task
    def suggestions(self) -> None:
        self._page(f"/events/{EVENT_ID}/suggestions", "suggestions")
