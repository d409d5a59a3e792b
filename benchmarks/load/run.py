"""Load test on loopback: ``python benchmarks/load/run.py [--users 500] [--page-seconds 60]``.

Seeds the ``matchmaker_load`` PostgreSQL database when needed (``seed.py``), starts gunicorn
with the project's ``gunicorn.conf.py`` on 127.0.0.1 and a free port, runs locust headless
(``locustfile.py``: every user logs in once; once all are in, they open their agenda and
suggestions pages for ``--page-seconds``; the whole run is bounded by ``--login-seconds``
more), writes locust's CSV files and the login figures to ``--out``, prints requests/s and
the p50/p95/p99 latency per page and for the login rush, and stops gunicorn. Every simulated
user comes from 127.0.0.1 and logs in with the right password; the app throttles failed
logins only, so the rush passes untouched.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from seed import DATABASE, INSTANCE, database_url, seed_database  # noqa: E402

PAGES = ("agenda", "suggestions")
P95_BAR_MS = 200
COLUMNS = ("Request Count", "Failure Count", "Requests/s", "50%", "95%", "99%",
           "Max Response Time")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database: str, port: int, workers: int | None) -> dict[str, str]:
    env = dict(os.environ,
               MATCHMAKER_DATABASE_URL=database_url(database),
               MATCHMAKER_BIND=f"127.0.0.1:{port}",
               MATCHMAKER_SECRET_KEY=secrets.token_hex(32),
               MATCHMAKER_INSTANCE_PATH=str(INSTANCE),
               MATCHMAKER_LOG_FORMAT="json")
    if workers:
        env["WEB_CONCURRENCY"] = str(workers)
    return env


def start_gunicorn(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    log = log_path.open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "matchmaker:create_app()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url}/healthz within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # graceful: workers finish their requests
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_locust(args, url: str, event_id: int, prefix: Path) -> int:
    env = dict(os.environ, LOAD_EVENT_ID=str(event_id), LOAD_ACCOUNTS=str(args.companies),
               LOAD_WAIT=args.wait, LOAD_PAGE_SECONDS=str(args.page_seconds),
               LOAD_LOGIN_REPORT=f"{prefix}_login.json")
    bound = args.login_seconds + args.page_seconds  # the locustfile ends the run sooner
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
               "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
               "--run-time", f"{bound}s", "--host", url, "--csv", str(prefix),
               "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def read_stats(prefix: Path) -> dict[str, dict[str, str]]:
    with open(f"{prefix}_stats.csv", newline="") as stats:
        return {row["Name"]: row for row in csv.DictReader(stats)}


def _line(name: str, count, failures, rate, p50, p95, p99, top) -> str:
    return (f"{name:<12} {count:>9} {failures:>9} {float(rate):>7.1f} {p50:>7} {p95:>7} "
            f"{p99:>7} {float(top):>7.0f}")


def report(stats: dict[str, dict[str, str]], logins: dict | None) -> bool:
    """Print the tables; True when every page's p95 is under the bar."""
    header = (f"{'':<12} {'requests':>9} {'failures':>9} {'req/s':>7} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}")
    if logins:
        print(f"\nlogin rush: {logins['seconds']} s until every user was in or gave up "
              f"({logins['never_in']} never got in)\n{header}")
        for name in ("login form", "login"):
            row = logins[name]
            print(_line(name, *(row[k] for k in ("requests", "failures", "per_second", "p50",
                                                 "p95", "p99", "max"))))
    print(f"\npage views, once everyone is in\n{header}")
    for name in (*PAGES, "Aggregated"):
        if name in stats:
            print(_line(name, *(stats[name][c] for c in COLUMNS)))
    passed = all(name in stats and float(stats[name]["95%"]) < P95_BAR_MS
                 and stats[name]["Failure Count"] == "0" for name in PAGES)
    print(f"\npage views: p95 under {P95_BAR_MS} ms and no failures: "
          f"{'yes' if passed else 'NO'}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--spawn-rate", type=float, default=50)
    parser.add_argument("--page-seconds", type=int, default=60,
                        help="how long the page views are measured once everyone is in")
    parser.add_argument("--login-seconds", type=int, default=600,
                        help="the most the login rush may take (bounds the whole run)")
    # A participant reads a page 5-15 s before the next click: 500 of them make ~50 page
    # views/s, some 60 times the evening's average (500 people x ~20 views over 3.5 h).
    parser.add_argument("--wait", default="5,15", help="pause between pages, seconds (min,max)")
    parser.add_argument("--companies", type=int, default=500, help="seeded participants")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--reseed", action="store_true", help="drop and seed the database")
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py's "
                                                    "default otherwise)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()

    event_id = seed_database(args.database, args.companies, args.reseed)
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_gunicorn(server_env(args.database, port, args.workers),
                            args.out / "gunicorn.log")
    try:
        wait_healthy(url, server)
        print(f"gunicorn on {url}: {args.users} users, spawn rate {args.spawn_rate}/s, "
              f"pages for {args.page_seconds} s, pause {args.wait} s", flush=True)
        run_locust(args, url, event_id, args.out / "load")
    finally:
        stop(server)
    login_report = Path(f"{args.out / 'load'}_login.json")
    logins = json.loads(login_report.read_text()) if login_report.exists() else None
    passed = report(read_stats(args.out / "load"), logins)
    print(f"CSV: {args.out / 'load'}_stats.csv; server log: {args.out / 'gunicorn.log'}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
