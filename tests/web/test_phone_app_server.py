"""The phone app's server side: Now/Next splits the agenda at the venue's clock, only for the
event's own participants; manifest and service worker are ours and public; logout tells the
browser to drop every offline copy."""

from datetime import datetime

import pytest

from matchmaker import dates
from matchmaker.schedule import agendas, edits, publishing
from tests.web import test_schedule_web as schedule_web
from tests.web.test_schedule import slot_at, table

login, world = schedule_web.login, schedule_web.world


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


def at(hour, minute):
    return lambda _event: datetime(2026, 11, 19, hour, minute)


def test_now_next_splits_the_day_at_the_venue_clock(world):
    event, meeting, loose, companies = world
    edits.move(event, loose, slot_at(event, "19:00"), table(event, "T2"))
    agenda = agendas.agenda(event, companies["anna"], True)
    during = agendas.now_next(agenda, datetime(2026, 11, 19, 18, 25))
    assert (during.current.meeting, during.next.meeting, during.over) == (meeting, loose, False)
    before = agendas.now_next(agenda, datetime(2026, 11, 19, 17, 0))
    assert (before.current, before.next.meeting, before.later[0].meeting) == (None, meeting,
                                                                             loose)
    after = agendas.now_next(agenda, datetime(2026, 11, 19, 22, 0))
    assert (after.current, after.next, after.over) == (None, None, True)


def test_now_next_page_for_participants_only(client, world, monkeypatch):
    event, meeting, _loose, _c = world
    monkeypatch.setattr(dates, "event_now", at(18, 25))
    publishing.publish(event, notify=False)
    login(client, "anna")
    page = client.get(f"/events/{event.id}/now").get_data(as_text=True)
    assert "Optronique SAS" in page and "Housings for thermal cameras" in page
    assert f'data-meeting="{meeting.id}"' in page and "Table T1" in page
    client.post("/auth/logout")
    login(client, "stranger")
    assert client.get(f"/events/{event.id}/now").status_code == 404


def test_manifest_and_service_worker_are_served_from_our_origin(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert all(icon["src"].startswith("/static/") for icon in manifest.json["icons"])
    worker = client.get("/sw.js")
    assert worker.mimetype == "text/javascript" and b"caches" in worker.data
    assert worker.headers["Cache-Control"] == "no-cache"


def test_logout_clears_the_offline_copies(client, world):
    login(client, "anna")
    response = client.post("/auth/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
