"""An organizer generates the schedule (in the background, with a progress page), moves one
meeting (a refused move first), publishes; a participant opens the agenda, downloads the .ics
and sees the print layout. All in a real browser."""

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_request_journey import log_in
from tests.web import conftest as event_fixtures
from tests.web.test_schedule import agree

organizer, make_event, enrol, make_participant = (
    event_fixtures.organizer, event_fixtures.make_event, event_fixtures.enrol,
    event_fixtures.make_participant)

pytestmark = pytest.mark.browser


@pytest.fixture
def evening(make_event, make_participant):
    event = make_event(tables="T1-T6")
    german = [make_participant(key, event, name=name)[1] for key, name in (
        ("anna", "Feinwerk Enz GmbH"), ("bert", "Weißgerber Optik GmbH"),
        ("carl", "Calwer Gehäusebau GmbH"))]
    french = [make_participant(key, event, name=name, country="FR", languages=["fr", "en"])[1]
              for key, name in (("yann", "Optronique de l'Iroise SAS"),
                                ("zoe", "Zéphyr Drones SAS"), ("remi", "Rempart Sécurité SAS"))]
    for g in german:
        for f in french:
            agree(event, g, f, note=f"{g.name} meets {f.name}: housings and optics.")
    return event


def test_generate_adjust_publish_then_agenda_and_calendar(browser, live_server, page, screenshot,
                                                          evening, tmp_path, backend):
    def shot(other_page, name):
        other_page.screenshot(path=str(SCREENSHOTS / f"test_schedule_journey-{backend}-{name}.png"),
                              full_page=True)

    log_in(page, live_server, "organizer@example.com")
    page.goto(f"{live_server}/events/{evening.id}")
    page.get_by_role("link", name="Meeting schedule").click()
    assert page.get_by_text("Not generated yet").first.is_visible()
    page.get_by_role("button", name="Generate the schedule").click()
    # The progress page polls and lands on the grid when the background run is done.
    page.wait_for_url(f"{live_server}/events/{evening.id}/schedule", timeout=30_000)
    assert page.locator("[data-stat=scheduled]").inner_text() == "9"
    assert page.get_by_text("100.0 %").is_visible()
    screenshot("grid")

    page.locator(".schedule-meeting").first.click()
    page.wait_for_url("**/schedule/meetings/*")
    screenshot("meeting")
    busy_slot = page.locator("#slot option", has_text="already has a meeting").first
    page.select_option("#slot", busy_slot.get_attribute("value"))
    page.get_by_role("button", name="Move here").click()
    assert page.locator("[data-rule-error]").inner_text().strip().endswith(
        "already has a meeting at " + busy_slot.inner_text()[:5] + ".")
    screenshot("refused-move")
    free_slot = page.locator("#slot option:not(:has-text('—'))").last
    target = free_slot.inner_text()[:5]
    page.select_option("#slot", free_slot.get_attribute("value"))
    page.select_option("#table", label="T6")
    page.get_by_role("button", name="Move here").click()
    assert page.get_by_text(f"The meeting is moved to {target}.").is_visible()

    page.get_by_role("button", name="Publish the schedule").click()
    assert page.get_by_text("The schedule is published").is_visible()
    page.get_by_role("link", name="Table plans").click()
    page.emulate_media(media="print")
    screenshot("table-plans-print")
    page.emulate_media(media="screen")

    other = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900},
                                accept_downloads=True)
    anna = other.new_page()
    log_in(anna, live_server, "anna@example.com")
    anna.goto(f"{live_server}/events/{evening.id}")
    anna.get_by_role("link", name="My agenda").first.click()
    anna.wait_for_load_state("load")  # app.js reveals the print button once it has run
    rows = anna.locator(".agenda-table tbody tr[id^=meeting-]")
    assert rows.count() == 3
    assert anna.get_by_role("link", name="Optronique de l'Iroise SAS").is_visible()
    expect(anna.get_by_role("button", name="Print")).to_be_visible()
    shot(anna, "agenda")
    with anna.expect_download() as download_info:
        anna.get_by_role("link", name="Add to calendar (.ics)").click()
    path = tmp_path / "agenda.ics"
    download_info.value.save_as(path)
    calendar = Calendar.from_ical(path.read_bytes())
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert len(uids) == 3 and all(uid.startswith("meeting-") for uid in uids)
    anna.get_by_role("button", name="Create my subscription link").click()
    assert "/calendar/" in anna.locator("#calendar-url").input_value()
    anna.emulate_media(media="print")
    shot(anna, "agenda-print")
    other.close()
