"""Every date through one formatter (matchmaker/dates.py): the reader's language, a 24-hour
clock, the event's time zone on event pages and the reader's elsewhere, the zone named; files
for machines in ISO 8601 with the offset."""

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from matchmaker import dates
from matchmaker.events.definition import Window
from matchmaker.models import AuditEntry, MeetingRequest
from tests.web.conftest import EVENING

ROOT = Path(__file__).resolve().parents[2]
SENT = datetime(2026, 11, 18, 17, 37)  # stored in UTC: 18:37 in Paris (CET, UTC+1)


@pytest.fixture
def request_sent(db, make_event, make_participant):
    event = make_event()
    _, alpha = make_participant("alice", event, name="Alpha SAS")
    _, beta = make_participant("bruno", event, name="Beta GmbH")
    meeting = MeetingRequest(event_id=event.id, sender_id=alpha.id, recipient_id=beta.id,
                             status="pending", created_at=SENT,
                             open_pair_key=MeetingRequest.pair_key(alpha.id, beta.id))
    db.session.add(meeting)
    db.session.commit()
    return event, meeting


@pytest.mark.parametrize(("lang", "sent", "zone"), [
    ("en", "Nov 18, 2026, 18:37", "Paris time"),
    ("de", "18. Nov. 2026, 18:37", "Ortszeit Paris"),
    ("fr", "18 nov. 2026, 18:37", "heure de Paris"),
])
def test_one_instant_reads_in_each_language_in_the_events_zone(client, auth, request_sent,
                                                                 lang, sent, zone):
    event, meeting = request_sent
    auth.login("alice@example.com")
    client.post("/language", data={"lang": lang})
    page = client.get(f"/requests/{meeting.id}").get_data(as_text=True)
    assert sent in page
    assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}|\d{1,2}\.\d{1,2}\. |[AP]M\b", page)
    overview = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert zone in overview  # the page says which zone its times are in
    form = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert f"({zone})" in form and "18:00" in form


def test_wall_times_are_never_shifted_and_name_the_day_when_there_are_several(app, make_event):
    """Slots hold the event's wall time: 23:30 stays 23:30 on its own day (Flask-Babel's
    filters read naive values as UTC and showed it as 00:30 the next day)."""
    second_day = Window(date(2026, 11, 20), EVENING.start, EVENING.end, 20)
    event = make_event(windows=(EVENING, second_day))
    with force_locale("de"):
        assert dates.slot_label(event.slots[0]) == "Do., 19. Nov., 18:00"
        assert dates.format_date(datetime(2026, 11, 19, 23, 30)) == "19. Nov. 2026"
        assert dates.format_time(datetime(2026, 11, 19, 23, 30)) == "23:30"
        assert dates.format_time_range(datetime(2026, 11, 19, 18), datetime(2026, 11, 19, 18, 20)) \
            == "18:00–18:20 Uhr"
    single = make_event(name="One evening")
    with force_locale("en"):
        assert dates.slot_label(single.slots[0]) == "18:00"
        assert dates.zone_label("UTC") == "UTC"
    with force_locale("fr"):
        assert dates.when(SENT, single) == "18 nov. 2026, 18:37"
        assert dates.zone_label("America/New_York") == "heure de New York"


def test_machine_times_carry_their_offset():
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    assert dates.iso(SENT, paris) == "2026-11-18T18:37+01:00"
    assert dates.iso(datetime(2026, 7, 1, 18), paris, wall=True) == "2026-07-01T18:00+02:00"
    assert dates.iso(None, paris) == ""
    assert dates.utc_bounds(date(2026, 11, 19), paris) == (datetime(2026, 11, 18, 23),
                                                           datetime(2026, 11, 19, 23))


def test_exports_write_iso_times_with_the_offset_and_name_the_zone(client, auth, request_sent):
    event, _meeting = request_sent
    auth.login("organizer@example.com")
    text = client.post(f"/organizer/events/{event.id}/export/requests.csv").data.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["sent_at (Europe/Paris)"] == "2026-11-18T18:37+01:00"
    document = client.post(f"/organizer/events/{event.id}/export/requests.json").get_json()
    assert document["event"]["timezone"] == "Europe/Paris"
    assert document["requests"][0]["sent_at"] == "2026-11-18T18:37+01:00"


def test_the_audit_log_reads_in_the_readers_zone_and_says_so(client, auth, db, make_user):
    make_user("admin@example.com", role="admin")  # entries of no event: the admins' to read
    db.session.add(AuditEntry(action="export", actor_label="someone@example.com",
                              created_at=datetime(2026, 11, 18, 23, 30), details={}))
    db.session.commit()
    auth.login("admin@example.com")
    page = client.get("/audit/").get_data(as_text=True)
    assert "When (Paris time)" in page and "Nov 19, 2026, 00:30" in page
    # Days in the filter are the reader's too: 23:30 UTC on the 18th is the 19th in Paris.
    assert "someone@" in client.get("/audit/?from=2026-11-19&to=2026-11-19").get_data(
        as_text=True)
    assert "someone@" not in client.get("/audit/?from=2026-11-18&to=2026-11-18").get_data(
        as_text=True)


# Flask-Babel's date filters are removed from the templates (they shift wall times); strftime
# in a template or a page's Python would bring back a fixed, unlocalised format.
AD_HOC = re.compile(r"strftime\(|\|\s*(datetimeformat|dateformat|timeformat)\b"
                    r"|flask_babel import[^\n]*\bformat_(date|time|datetime)\b")
MACHINE_ONLY = {"matchmaker/dates.py", "matchmaker/mail.py"}  # mail: a file name stamp


def test_no_date_is_formatted_outside_the_one_formatter():
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("templates/**/*.txt"),
               *ROOT.glob("matchmaker/**/*.py")]
    offenders = sorted(str(p.relative_to(ROOT)) for p in sources
                       if str(p.relative_to(ROOT)) not in MACHINE_ONLY
                       and AD_HOC.search(p.read_text(encoding="utf-8")))
    assert offenders == []
