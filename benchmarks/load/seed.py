"""Seed the load-test database: ``python benchmarks/load/seed.py [--companies 500] [--reset]``.

One event on a dedicated PostgreSQL database (``matchmaker_load`` by default; never the
``test`` database of the test suites): ``--companies`` approved participant companies with
synthetic profiles (``benchmarks/matching_gen.py``), one login each (``EMAIL_PATTERN``, all
with ``PASSWORD``), agreed meetings between each company and its best suggestions, some
pending requests, a programme, and a generated and published schedule. Everything goes
through the app's own services where they exist (profiles, vetting, matching, scheduling).
Seeding an existing database adds nothing; ``--reset`` drops and recreates it first.
"""

from __future__ import annotations

import argparse
import getpass
import os
import random
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # matching_gen
sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # matchmaker

from matching_gen import generate  # noqa: E402

DATABASE = "matchmaker_load"
EVENT_NAME = "Load test networking evening"
EMAIL_PATTERN = "load-{:04d}@participants.load.example"  # the locust users log in as these
PASSWORD = "load-test-password-2026"  # noqa: S105 - fictional accounts on a throwaway database
ORGANIZER_EMAIL = "organizer@load.example"
TABLES = "T1-T120"  # 9 slots x 120 tables: room for every agreed meeting
MEETINGS_PER_COMPANY = 8
SCHEDULE_SECONDS = 20
INSTANCE = Path(__file__).resolve().parent / "instance"  # outbox and logs of the load runs


def database_url(name: str) -> str:
    user = os.environ.get("PGUSER") or getpass.getuser()
    return f"postgresql://{user}@127.0.0.1/{name}"


def recreate_database(name: str) -> None:
    if name == "test":
        raise SystemExit("refusing to touch the 'test' database of the test suites")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", name], check=True)


def ensure_database(name: str) -> None:
    if name == "test":
        raise SystemExit("refusing to touch the 'test' database of the test suites")
    listed = subprocess.run(["psql", "-h", "127.0.0.1", "-d", "postgres", "-Atc",
                             "SELECT datname FROM pg_database"], check=True,
                            capture_output=True, text=True).stdout.split()
    if name not in listed:
        subprocess.run(["createdb", "-h", "127.0.0.1", name], check=True)


# --- inside the app ------------------------------------------------------------------------

def _event_day() -> date:
    return date.today() + timedelta(days=30)  # upcoming: agendas show times, no ratings yet


def _create_event(organizer):
    from matchmaker.events import services as events
    from matchmaker.events.definition import Window, parse_tables

    return events.create_event(organizer, events.EventData(
        name=EVENT_NAME, venue="Hall 5 lounge", city="Paris", timezone="Europe/Paris",
        description="500 companies, one evening of bilateral meetings (load test).",
        windows=[Window(_event_day(), clock(18), clock(21, 30), 20,
                        ((clock(19, 40), clock(20)),))],
        tables=parse_tables(TABLES), max_meetings_per_company=MEETINGS_PER_COMPANY,
        max_open_requests=8, request_expiry_hours=72))


def _profile_data(profile, rng: random.Random):
    from matchmaker.companies.services import ProfileData

    return ProfileData(
        name=profile.name, city=profile.name.split()[1], country=profile.country,
        website="", phone=f"+33 1 {rng.randint(10, 99)} {rng.randint(10, 99)} "
                          f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        size=rng.choice(("1-9", "10-49", "50-249", "250+")), languages=list(profile.languages),
        description=profile.description, offers=profile.offers, seeks=profile.seeks,
        certifications=rng.sample(["ISO 9001", "EN 9100", "AQAP 2110", "ISO 27001"], 2),
        tags=list(profile.tags))


def _create_companies(count: int, password_hash: str) -> list:
    """The companies and their users, as the profile editor saves them (with their vectors)."""
    from matchmaker.auth.services import create_user
    from matchmaker.companies.services import create_company

    rng = random.Random(500)
    companies = []
    for i, profile in enumerate(generate(count, seed=500)):
        owner = create_user(EMAIL_PATTERN.format(i), None, name=f"Participant {i}",
                            locale="fr" if profile.country == "FR" else "de",
                            password_hash=password_hash)
        companies.append(create_company(owner, _profile_data(profile, rng)))
        if i % 100 == 99:
            print(f"  {i + 1} companies", flush=True)
    return companies


def _register_and_approve(event, companies: list, organizer) -> None:
    from matchmaker.events import services as events
    from matchmaker.extensions import db
    from matchmaker.models import Registration

    registrations = [Registration(event_id=event.id, company=c, attendees=list(c.members),
                                  available_slots=list(event.slots)) for c in companies]
    db.session.add_all(registrations)
    db.session.commit()
    events.decide(event, [r.id for r in registrations], approve=True, reason="",
                  organizer=organizer, notify=False)


def _open_request(event, sender_id: int, recipient_id: int, status: str):
    from matchmaker.models import MeetingRequest, utcnow

    now = utcnow()
    return MeetingRequest(
        event_id=event.id, sender_id=sender_id, recipient_id=recipient_id, status=status,
        note="Seen in your suggestions: shall we meet?", created_at=now - timedelta(hours=20),
        responded_at=now - timedelta(hours=4) if status == "accepted" else None,
        expires_at=now + timedelta(hours=52) if status == "pending" else None,
        open_pair_key=MeetingRequest.pair_key(sender_id, recipient_id))


def _add_requests(event) -> tuple[int, int]:
    """Each company asks 1-3 of its best suggestions and they agree; every third company has
    one more request still pending. Returns (agreed, pending)."""
    from matchmaker.extensions import db
    from matchmaker.models import MeetingRequest
    from matchmaker.suggestions.services import event_matches

    matcher = event_matches(event.id).fitted.matcher
    ranked = matcher.suggest_all(12)
    taken: set[str] = set()
    load: dict[int, int] = {}
    counts = {"accepted": 0, "pending": 0}
    for i, (sender, suggestions) in enumerate(sorted(ranked.items(), key=lambda kv: int(kv[0]))):
        wanted = {"accepted": 1 + i % 3, "pending": int(i % 3 == 0)}
        for suggestion in suggestions:
            a, b = int(sender), int(suggestion.id)
            key = MeetingRequest.pair_key(a, b)
            status = "accepted" if wanted["accepted"] else "pending" if wanted["pending"] \
                else None
            if status is None:
                break
            if key in taken or max(load.get(a, 0), load.get(b, 0)) >= MEETINGS_PER_COMPANY - 2:
                continue
            taken.add(key)
            load[a], load[b] = load.get(a, 0) + 1, load.get(b, 0) + 1
            db.session.add(_open_request(event, a, b, status))
            wanted[status] -= 1
            counts[status] += 1
    db.session.commit()
    return counts["accepted"], counts["pending"]


def _add_program(event) -> None:
    from matchmaker.events import services as events

    day = _event_day()
    for title, start, end in (("Welcome and briefing", clock(17, 30), clock(18)),
                              ("Networking dinner", clock(21, 30), clock(23))):
        events.save_program_item(event, events.ProgramItemData(
            title=title, place="Hall 5 lounge", description="", for_everyone=True,
            starts_at=datetime.combine(day, start), ends_at=datetime.combine(day, end),
            company_ids=[]))


def _schedule(event, organizer):
    from matchmaker.schedule import generation, publishing

    run = generation.generate_now(event, organizer, time_limit=SCHEDULE_SECONDS)
    publishing.publish(event, notify=False, actor=organizer)
    return run


def seed(count: int) -> int:
    """Fill the app's database (inside an app context); returns the event id."""
    from matchmaker.auth.services import create_user, find_user
    from matchmaker.extensions import db
    from matchmaker.models import Event, Role
    from matchmaker.security import hash_password

    existing = db.session.scalar(db.select(Event.id).filter_by(name=EVENT_NAME))
    if existing is not None:
        print(f"event {existing} exists already: nothing seeded")
        return existing
    started = time.monotonic()
    password_hash = hash_password(PASSWORD)  # one argon2 hash for every account: seeding speed
    organizer = find_user(ORGANIZER_EMAIL) or create_user(
        ORGANIZER_EMAIL, None, name="Load Organizer", role=Role.ORGANIZER,
        password_hash=password_hash)
    event = _create_event(organizer)
    companies = _create_companies(count, password_hash)
    _register_and_approve(event, companies, organizer)
    agreed, pending = _add_requests(event)
    _add_program(event)
    run = _schedule(event, organizer)
    print(f"event {event.id}: {len(companies)} approved companies, {agreed} agreed meetings "
          f"({run.scheduled} scheduled, published), {pending} pending requests "
          f"in {time.monotonic() - started:.0f} s")
    return event.id


def seed_database(name: str, count: int, reset: bool) -> int:
    """Create (or recreate) the database, migrate it and seed it; returns the event id."""
    (recreate_database if reset else ensure_database)(name)
    os.environ["MATCHMAKER_DATABASE_URL"] = database_url(name)
    os.environ.setdefault("MATCHMAKER_INSTANCE_PATH", str(INSTANCE))
    from flask_migrate import upgrade

    from matchmaker import create_app

    app = create_app()
    with app.app_context():
        upgrade()
        return seed(count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=500)
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database")
    args = parser.parse_args()
    seed_database(args.database, args.companies, args.reset)


if __name__ == "__main__":
    main()
