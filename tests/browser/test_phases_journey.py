"""Phases of a trip in a real browser: a participant on a phone sees the timeline, is refused
a meeting request before requests open (with the date), and signs up for a guided tour with
places; the organizer opens requests early. The event's clock is set to Nov 3, 2026."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from matchmaker import dates, unit_of_work
from matchmaker.events import services as events
from tests.browser.conftest import PHONE, log_in, new_context
from tests.web import conftest as event_fixtures

organizer, make_event, enrol, make_participant = (
    event_fixtures.organizer, event_fixtures.make_event, event_fixtures.enrol,
    event_fixtures.make_participant)

pytestmark = pytest.mark.browser


@pytest.fixture
def trip(make_event, make_participant, monkeypatch):
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 3, 10))
    event = make_event(profiles_visible_at=datetime(2026, 11, 2, 9),
                       requests_open_at=datetime(2026, 11, 5, 9),
                       requests_close_at=datetime(2026, 11, 15, 18),
                       schedule_release_at=datetime(2026, 11, 16, 12))
    make_participant("anna", event, name="Feinwerk Enz GmbH")
    _user, yann = make_participant("yann", event, name="Optronique de l'Iroise SAS",
                                   country="FR")
    _user, zoe = make_participant("zoe", event, name="Zéphyr Drones SAS", country="FR")
    tour = events.save_program_item(event, events.ProgramItemData(
        title="Guided fair tour", place="Hall 4", description="In groups.",
        starts_at=datetime(2026, 11, 20, 9, 30), ends_at=datetime(2026, 11, 20, 11),
        for_everyone=False, company_ids=[], capacity=2))
    tour.signups.append(events.ProgramSignup(company_id=zoe.id))
    unit_of_work.commit()
    return event, yann


def test_timeline_refused_request_and_tour_sign_up_on_a_phone(live_server, browser, screenshot,
                                                              trip):
    event, yann = trip
    context = new_context(browser, viewport=PHONE)
    phone = context.new_page()
    log_in(phone, live_server, "anna@example.com")
    phone.goto(f"{live_server}/events/{event.id}")
    timeline = phone.locator("#timeline")
    expect(timeline).to_be_visible()
    expect(timeline.locator("[data-phase=profiles_visible]")).to_contain_text("now")
    expect(timeline.locator("[data-phase=requests_open]")).to_contain_text("next")
    expect(timeline.locator("[data-phase=requests_open]")).to_contain_text("Thu, Nov 5, 09:00")
    screenshot("timeline", of=phone)

    phone.goto(f"{live_server}/events/{event.id}/companies/{yann.id}")
    expect(phone.locator("#requests-closed")).to_contain_text("Meeting requests open on Nov 5")
    phone.get_by_role("button", name="Request a meeting").click()
    expect(phone.get_by_role("alert")).to_contain_text(
        "Meeting requests open on Nov 5, 2026, 09:00")
    screenshot("refused", of=phone)

    phone.goto(f"{live_server}/events/{event.id}/programme")
    item = phone.locator(".program-item", has_text="Guided fair tour")
    expect(item.get_by_text("1 place left")).to_be_visible()
    expect(phone.get_by_role("heading", name="Friday, November 20, 2026")).to_be_visible()
    item.get_by_role("button", name="Sign up").click()
    expect(phone.get_by_text("Your company has a place on “Guided fair tour”.")).to_be_visible()
    item = phone.locator(".program-item", has_text="Guided fair tour")
    expect(item.get_by_text("You have a place")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the programme scrolls sideways at 360 px ({width})"
    screenshot("signed-up", of=phone)
    context.close()


def test_the_organizer_opens_requests_early(live_server, page, screenshot, axe, trip):
    event, _yann = trip
    log_in(page, live_server, "organizer@example.com")
    page.goto(f"{live_server}/events/{event.id}")
    expect(page.locator("#next-steps")).to_contain_text("Next phase: Meeting requests open")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Open requests now").click()
    expect(page.get_by_text("Done: Open requests now.")).to_be_visible()
    expect(page.locator("#timeline [data-phase=requests_open]")).to_contain_text("now")
    assert axe(page) == []
    screenshot("opened")
    for path in ("programme", "edit"):
        page.goto(f"{live_server}/events/{event.id}/programme" if path == "programme"
                  else f"{live_server}/organizer/events/{event.id}/edit")
        assert axe(page) == [], path
    expect(page.get_by_label("Meeting requests close")).to_have_value("2026-11-15T18:00")
