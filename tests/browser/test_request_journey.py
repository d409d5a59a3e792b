"""A participant finds a company and requests a meeting; the other side accepts it; an
organizer vets a registration. All in a real browser."""

import pytest

from matchmaker.models import RegistrationStatus
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PASSWORD
from tests.web import conftest as event_fixtures

# The creators of tests/web/conftest.py, made available to this module as fixtures.
organizer, make_event, enrol, make_participant = (
    event_fixtures.organizer, event_fixtures.make_event, event_fixtures.enrol,
    event_fixtures.make_participant)

pytestmark = pytest.mark.browser


def log_in(page, live_server, email):
    page.goto(live_server + "/auth/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server + "/")


@pytest.fixture
def evening(make_event, make_participant):
    event = make_event()
    make_participant("anna", event, name="Feinwerk Enz GmbH")
    make_participant("yann", event, name="Optronique de l'Iroise SAS", country="FR",
                     languages=["fr", "en"], offers="Thermal imaging cameras.",
                     tags=["du.6", "sg.video-surveillance"])
    make_participant("zoe", event, name="Zéphyr Drones SAS", country="FR")
    make_participant("late", event, status=RegistrationStatus.PENDING, name="Late Comer GmbH")
    return event


def test_request_a_meeting_and_accept_it(browser, live_server, page, screenshot, evening,
                                         backend):
    log_in(page, live_server, "anna@example.com")
    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name="Milipol networking evening").click()
    page.get_by_role("link", name="Find companies to meet").click()
    page.get_by_label("Search").fill("thermal")
    page.get_by_role("button", name="Show").click()
    assert page.locator(".directory-card").count() == 1
    screenshot("directory")
    page.get_by_role("link", name="Optronique de l'Iroise SAS").click()
    assert page.get_by_text("Shown once you have agreed to meet.").is_visible()
    page.get_by_label("Why should you meet?").fill("Housings for your thermal cameras.")
    page.get_by_role("button", name="Request a meeting").click()
    assert page.get_by_text("Your request has been sent to Optronique de l'Iroise SAS.") \
        .is_visible()
    screenshot("request-sent")

    other = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    yann = other.new_page()
    log_in(yann, live_server, "yann@example.com")
    yann.locator("[data-notification-badge]").click()
    yann.get_by_role("button", name="Open").first.click()
    assert yann.get_by_text("Housings for your thermal cameras.").is_visible()
    yann.get_by_role("button", name="Accept").click()
    assert yann.get_by_text("Meeting agreed.").is_visible()
    yann.screenshot(path=str(SCREENSHOTS / f"test_request_a_meeting_and_accept_it-{backend}-"
                                           "accepted.png"), full_page=True)
    other.close()

    page.get_by_role("link", name="My requests").click()
    agreed = page.locator("#agreed")
    assert agreed.get_by_text("Optronique de l'Iroise SAS").is_visible()
    page.goto(live_server + page.locator("#agreed a").first.get_attribute("href"))
    page.get_by_role("link", name="Optronique de l'Iroise SAS").first.click()
    assert page.get_by_text("yann@example.com").is_visible()
    screenshot("contacts")


def test_organizer_vets_registrations(live_server, page, screenshot, evening, organizer):
    log_in(page, live_server, "organizer@example.com")
    page.goto(f"{live_server}/organizer/events/{evening.id}/registrations")
    page.get_by_label("Late Comer GmbH").check()
    screenshot("queue")
    page.get_by_role("button", name="Approve").click()
    assert page.get_by_text("1 registration(s) updated.").is_visible()
    page.goto(f"{live_server}/events/{evening.id}/companies?q=late")
    assert page.get_by_role("link", name="Late Comer GmbH").is_visible()


def test_organizer_creates_an_event_and_sees_its_slots(live_server, page, screenshot,
                                                       organizer):
    log_in(page, live_server, "organizer@example.com")
    page.goto(live_server + "/organizer/events/new")
    page.get_by_label("Event name").fill("Milipol networking evening")
    page.get_by_label("Venue").fill("Paris Nord Villepinte")
    page.locator("#windows-0-day").fill("2027-11-17")
    page.locator("#windows-0-start").fill("18:00")
    page.locator("#windows-0-end").fill("21:30")
    page.locator("#windows-0-slot_minutes").fill("20")
    page.locator("#windows-0-breaks").fill("19:40")
    page.get_by_label("Max meetings per company").fill("8")
    page.get_by_role("button", name="Save event").click()
    assert page.get_by_text("The event is created with 9 slots.").is_visible()
    assert page.get_by_text("Break 19:40–20:00").is_visible()
    screenshot("event")
