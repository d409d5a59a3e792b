"""The organizer's dashboard: figures, SVG charts with their numbers, and who may see them."""

import re
import xml.etree.ElementTree as ET

import pytest

from matchmaker.models import MeetingRequest, RegistrationStatus
from tests.conftest import translated

ET_SVG = "http://www.w3.org/2000/svg"


@pytest.fixture
def busy_event(make_event, make_participant, client, auth, db):
    """Alice (DE) asked Bob and Carl (FR); Bob accepted; Dora is still pending."""
    event = make_event()
    make_participant("alice", event, country="DE", tags=["du.2"])
    _, bob = make_participant("bob", event, country="FR", tags=["du.6", "sg.drones"])
    _, carl = make_participant("carl", event, country="FR", tags=["ml.16"])
    make_participant("dora", event, status=RegistrationStatus.PENDING)
    auth.login("alice@example.com")
    for company in (bob, carl):
        client.post(f"/events/{event.id}/companies/{company.id}/request",
                    data={"note": "Let us meet."})
    auth.logout()
    auth.login("bob@example.com")
    request_id = db.session.scalar(db.select(MeetingRequest.id).filter_by(recipient_id=bob.id))
    client.post(f"/requests/{request_id}/accept")
    auth.logout()
    auth.login("organizer@example.com")
    return event


def test_dashboard_shows_figures_and_who_has_no_meeting(client, auth, db, busy_event):
    page = client.get(f"/organizer/events/{busy_event.id}/dashboard").get_data(as_text=True)
    assert "Acceptance rate" in page
    assert "100&nbsp;%" in page  # one accepted of one answered
    without = page.split("Companies without a meeting</h2>")[1]
    assert "Carl SAS" in without and "Bob SAS" not in without
    assert "Dora SAS" not in page  # pending companies are not counted anywhere
    assert page.count("<line class=\"edge cross\"") == 1


@pytest.mark.parametrize("name", ["registrations", "requests", "acceptance", "slots",
                                  "companies", "tags"])
def test_every_chart_is_valid_svg(client, auth, busy_event, name):
    response = client.get(f"/organizer/events/{busy_event.id}/charts/{name}.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag.endswith("svg")
    assert "script" not in response.get_data(as_text=True).lower()
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    # Every chart counts things: its axis has whole numbers only.
    labels = [t.text for t in root.iter(f"{{{ET_SVG}}}text") if t.text]
    assert not [label for label in labels if re.fullmatch(r"\d+\.\d+", label)]


def test_the_page_itself_keeps_the_strict_policy(client, auth, busy_event):
    response = client.get(f"/organizer/events/{busy_event.id}/dashboard")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_unknown_chart_and_event_are_404(client, auth, busy_event):
    assert client.get(f"/organizer/events/{busy_event.id}/charts/nope.svg").status_code == 404
    assert client.get("/organizer/events/9999/dashboard").status_code == 404


def test_participants_cannot_see_the_dashboard(client, auth, busy_event):
    auth.logout()
    auth.login("alice@example.com")
    # not on the event's team: its staff pages do not exist for them
    assert client.get(f"/organizer/events/{busy_event.id}/dashboard").status_code == 404
    assert client.get(
        f"/organizer/events/{busy_event.id}/charts/requests.svg").status_code == 404


def test_dashboard_of_an_empty_event(client, auth, make_event):
    event = make_event()
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/dashboard").get_data(as_text=True)
    assert "No agreed meetings yet." in page
    assert client.get(f"/organizer/events/{event.id}/charts/acceptance.svg").status_code == 200


def test_reminders_reach_only_the_companies_concerned(client, busy_event, outbox, make_participant):
    make_participant("erik", busy_event, locale="de")  # approved, no request at all
    before = len(outbox.messages())
    page = client.get(f"/organizer/events/{busy_event.id}/dashboard").get_data(as_text=True)
    assert "Remind companies without any request (1)" in page
    assert "Remind companies without an agreed meeting (2)" in page  # Carl and Erik
    response = client.post(f"/organizer/events/{busy_event.id}/reminders/no_requests")
    assert response.status_code == 302
    emails = outbox.emails()[before:]
    assert [m["To"] for m in emails] == ["erik@example.com"]
    assert emails[0]["Subject"] == translated("de", "Who would you like to meet at %(event)s?",
                                              event="Milipol networking evening")
    client.post(f"/organizer/events/{busy_event.id}/reminders/no_meetings")
    assert sorted(m["To"] for m in outbox.emails()[before + 1:]) == ["carl@example.com",
                                                                     "erik@example.com"]


def test_reminders_refuse_unknown_kinds_get_and_participants(client, auth, busy_event):
    assert client.post(f"/organizer/events/{busy_event.id}/reminders/spam").status_code == 404
    assert client.get(f"/organizer/events/{busy_event.id}/reminders/no_requests").status_code \
        == 405
    auth.logout()
    auth.login("alice@example.com")
    assert client.post(f"/organizer/events/{busy_event.id}/reminders/no_requests").status_code \
        == 404
