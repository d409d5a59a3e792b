"""On the evening, an organizer checks an attendee in, marks one meeting held, marks another
running late and bumps it to a later slot, then sees it all on the live grid. In a real
browser; the venue's clock is set to 18:25."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from matchmaker import dates, unit_of_work
from matchmaker.schedule import edits, publishing
from tests.browser.conftest import log_in
from tests.web import conftest as event_fixtures
from tests.web.test_schedule import agree, slot_at, table

organizer, make_event, enrol, make_participant = (
    event_fixtures.organizer, event_fixtures.make_event, event_fixtures.enrol,
    event_fixtures.make_participant)

pytestmark = pytest.mark.browser


@pytest.fixture
def evening(make_event, make_participant, monkeypatch):
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 18, 25))
    event = make_event(tables="T1-T4")
    companies = {key: make_participant(key, event, name=name, **extra)[1] for key, name, extra in (
        ("anna", "Feinwerk Enz GmbH", {}), ("bert", "Weißgerber Optik GmbH", {}),
        ("yann", "Optronique de l'Iroise SAS", {"country": "FR"}),
        ("zoe", "Zéphyr Drones SAS", {"country": "FR"}))}
    held = agree(event, companies["anna"], companies["yann"])
    edits.move(event, held, slot_at(event, "18:20"), table(event, "T1"))
    late = agree(event, companies["bert"], companies["zoe"])
    edits.move(event, late, slot_at(event, "18:20"), table(event, "T2"))
    publishing.publish(event, notify=False)
    unit_of_work.commit()  # services only flush; the live server must see the rows
    return event, held, late


def test_check_in_mark_held_and_bump_a_late_meeting(live_server, page, screenshot, evening):
    event, held, late = evening
    log_in(page, live_server, "organizer@example.com")
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("link", name="Day-of").click()
    expect(page.locator("[data-stat=checked-in]")).to_have_text("0 / 4")
    page.get_by_label("Name, email or company").fill("optronique")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".checkin-table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Check in Yann").click()
    expect(page.get_by_text("Yann (Optronique de l'Iroise SAS) is checked in.")).to_be_visible()
    expect(page.locator("[data-stat=checked-in]")).to_have_text("1 / 4")
    expect(page.get_by_label("Name, email or company")).to_have_value("optronique")
    screenshot("check-in")

    page.get_by_role("link", name="Meetings now").click()
    now = page.locator(f"#slot-{held.slot_id}")
    expect(now.get_by_text("Now", exact=True)).to_be_visible()
    page.locator(f"#meeting-{held.id}").get_by_role("button", name="Held").click()
    expect(page.get_by_text("Feinwerk Enz GmbH and Optronique de l'Iroise SAS: Held.")) \
        .to_be_visible()
    page.locator(f"#meeting-{late.id}").get_by_role("button", name="Late").click()
    row = page.locator(f"#meeting-{late.id}")
    expect(row.get_by_text("Running late")).to_be_visible()
    row.get_by_label("Bump to").select_option(label="19:00")
    screenshot("late")
    row.get_by_role("button", name="Bump").click()
    expect(page.get_by_text("The meeting of Weißgerber Optik GmbH and Zéphyr Drones SAS is "
                            "moved to 19:00 at table T2. Both companies are told.")) \
        .to_be_visible()

    page.get_by_role("link", name="Live grid").click()
    cell = page.locator(f"#meeting-{held.id}")
    expect(cell.get_by_text("Held")).to_be_visible()
    expect(cell.get_by_role("img", name="checked in", exact=True)).to_be_visible()
    expect(cell.get_by_role("img", name="not checked in yet", exact=True)).to_be_visible()
    expect(page.locator("th[aria-current=time]")).to_contain_text("18:20")
    expect(page.locator("th[aria-current=time]")).to_contain_text("Now")
    moved = page.locator(f"#meeting-{late.id}")
    expect(moved).to_contain_text("Weißgerber Optik GmbH")
    assert page.locator("thead th").nth(moved.evaluate("c => c.cellIndex")).inner_text() \
        .startswith("19:00")
    screenshot("live-grid")
