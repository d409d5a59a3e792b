"""SQL statements and time per page for one participant of the seeded load-test database:
``python benchmarks/load/profile_pages.py [--user 7] [--repeat 5] [--show-sql]``.

Runs the app in process (Flask's test client, no gunicorn), logs in like a browser, opens
each page once to warm the caches, then ``--repeat`` times more and prints the median time
and the number of SQL statements per page: an N+1 query shows up as a count that grows with
the participant's meetings or the event's size."""

from __future__ import annotations

import argparse
import collections
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))

from seed import DATABASE, EMAIL_PATTERN, EVENT_NAME, INSTANCE, PASSWORD, database_url  # noqa: E402

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGES = ("/events/{event}/agenda", "/events/{event}/suggestions", "/")


class StatementLog:
    """Every SQL statement the engine runs while ``active``."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[str] = []
        self.active = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _conn, _cursor, statement, _params, _context, _many):
        if self.active:
            self.statements.append(" ".join(statement.split()))


def _login(client, email: str) -> None:
    token = CSRF.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD,
                                                "csrf_token": token})
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed: {response.status_code}")


def _measure(client, log: StatementLog, path: str, repeat: int) -> tuple[float, float, int, list]:
    """Median wall and CPU milliseconds (this thread: the app's side, not PostgreSQL's), and
    the most SQL statements one view ran."""
    client.get(path)  # warm: the matcher is fitted once per process
    timings, cpu, counts = [], [], []
    for _ in range(repeat):
        log.statements.clear()
        log.active = True
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        log.active = False
        counts.append(len(log.statements))
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return (statistics.median(timings) * 1000, statistics.median(cpu) * 1000, max(counts),
            list(log.statements))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--user", type=int, default=7, help="which seeded participant")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--show-sql", action="store_true", help="print the grouped statements")
    args = parser.parse_args()
    os.environ["MATCHMAKER_DATABASE_URL"] = database_url(args.database)
    os.environ.setdefault("MATCHMAKER_INSTANCE_PATH", str(INSTANCE))
    os.environ["MATCHMAKER_LOG_LEVEL"] = "WARNING"

    from matchmaker import create_app
    from matchmaker.extensions import db
    from matchmaker.models import Event

    app = create_app()
    with app.app_context():
        event_id = db.session.scalar(db.select(Event.id).filter_by(name=EVENT_NAME))
        log = StatementLog(db.engine)
    client = app.test_client()
    _login(client, EMAIL_PATTERN.format(args.user))
    for page in PAGES:
        path = page.format(event=event_id)
        millis, cpu, count, statements = _measure(client, log, path, args.repeat)
        print(f"{path:<32} {millis:7.1f} ms ({cpu:5.1f} ms CPU)  {count:3d} SQL statements")
        if args.show_sql:
            for statement, times in collections.Counter(s[:160] for s in statements).items():
                print(f"    {times:3d} x {statement}")


if __name__ == "__main__":
    main()
