"""The agenda as iCalendar, read back with the icalendar parser: stable UIDs across moves, a
growing SEQUENCE, the event's time zone, cancelled meetings, the private subscription URL."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from matchmaker.events import services as events
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.schedule import edits, publishing
from tests.web.test_schedule import slot_at, table
from tests.web.test_schedule_web import login, world  # noqa: F401 - a fixture

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def app_config():
    return {"JOBS": "sync", "CALENDAR_DOMAIN": "matchmaker.example"}


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def meetings_in(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")
            if str(e["UID"]).startswith("meeting-")}


def test_download_is_a_valid_calendar_with_the_event_time_zone(client, world):  # noqa: F811
    event, meeting, _loose, _c = world
    events.save_program_item(event, events.ProgramItemData(
        title="Networking dinner", place="Le Grand Café", description="Seated dinner",
        starts_at=datetime(2026, 11, 19, 21, 30), ends_at=datetime(2026, 11, 19, 23),
        for_everyone=True, company_ids=[]))
    publishing.publish(event)
    login(client, "anna")

    calendar = parse(client.get(f"/events/{event.id}/agenda.ics"))

    assert str(calendar["METHOD"]) == "PUBLISH"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    entry = meetings_in(calendar)[f"meeting-{meeting.id}@matchmaker.example"]
    assert entry.decoded("DTSTART") == datetime(2026, 11, 19, 18, 20, tzinfo=PARIS)
    assert entry.decoded("DTEND") == datetime(2026, 11, 19, 18, 40, tzinfo=PARIS)
    assert entry["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(entry["SUMMARY"]) == "Meeting with Optronique SAS — table T1"
    assert str(entry["LOCATION"]) == "Paris Nord Villepinte, table T1"
    assert str(entry["DESCRIPTION"]) == "Housings for thermal cameras"
    assert str(entry["STATUS"]) == "CONFIRMED" and entry["SEQUENCE"] == 1
    dinner = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]) == "Networking dinner"]
    assert len(dinner) == 1 and str(dinner[0]["UID"]).startswith("program-")
    assert "attachment" in client.get(f"/events/{event.id}/agenda.ics") \
        .headers["Content-Disposition"]


def test_a_move_keeps_the_uid_and_raises_the_sequence(client, world):  # noqa: F811
    event, meeting, _loose, _c = world
    publishing.publish(event)
    login(client, "yann")
    before = meetings_in(parse(client.get(f"/events/{event.id}/agenda.ics")))

    edits.move(event, meeting, slot_at(event, "20:00"), table(event, "T3"))

    after = meetings_in(parse(client.get(f"/events/{event.id}/agenda.ics")))
    assert list(after) == list(before)  # the same UID: calendars update, not duplicate
    (uid,) = after
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]
    assert after[uid].decoded("DTSTART") == datetime(2026, 11, 19, 20, 0, tzinfo=PARIS)
    assert "table T3" in str(after[uid]["SUMMARY"])


def test_a_cancelled_meeting_comes_as_cancelled(client, world, organizer):  # noqa: F811
    event, meeting, _loose, _c = world
    publishing.publish(event)
    login(client, "anna")
    before = meetings_in(parse(client.get(f"/events/{event.id}/agenda.ics")))
    edits.cancel(event, meeting, organizer, "")
    after = meetings_in(parse(client.get(f"/events/{event.id}/agenda.ics")))
    uid = f"meeting-{meeting.id}@matchmaker.example"
    assert str(after[uid]["STATUS"]) == "CANCELLED"
    assert after[uid]["SEQUENCE"] > before[uid]["SEQUENCE"]


def test_subscription_url_by_token_and_revocation(client, world):  # noqa: F811
    event, meeting, _loose, c = world
    login(client, "anna")
    assert client.post("/calendar/token", data={"event_id": event.id}).status_code == 302
    anna = db.session.scalar(db.select(User).filter_by(email="anna@example.com"))
    token = anna.calendar_token
    assert token
    client.post("/auth/logout")

    unpublished = parse(client.get(f"/calendar/{token}.ics"))  # no login needed
    assert meetings_in(unpublished) == {}  # nothing before publication
    publishing.publish(event)
    feed = meetings_in(parse(client.get(f"/calendar/{token}.ics")))
    assert list(feed) == [f"meeting-{meeting.id}@matchmaker.example"]

    login(client, "anna")
    client.post("/calendar/token", data={"event_id": event.id})
    db.session.refresh(anna)
    assert anna.calendar_token != token
    assert client.get(f"/calendar/{token}.ics").status_code == 404  # the old link is dead
    assert client.get(f"/calendar/{anna.calendar_token}.ics").status_code == 200
    client.post("/calendar/token", data={"event_id": event.id, "enabled": "0"})
    db.session.refresh(anna)
    assert anna.calendar_token is None
    assert client.get("/calendar/unknown-token.ics").status_code == 404


def test_feed_holds_only_the_companys_meetings(client, world):  # noqa: F811
    event, meeting, loose, _c = world
    edits.move(event, loose, slot_at(event, "19:00"), None)
    publishing.publish(event)
    login(client, "yann")
    client.post("/calendar/token", data={"event_id": event.id})
    yann = db.session.scalar(db.select(User).filter_by(email="yann@example.com"))
    feed = meetings_in(parse(client.get(f"/calendar/{yann.calendar_token}.ics")))
    assert list(feed) == [f"meeting-{meeting.id}@matchmaker.example"]
