"""Every page a participant or a day-of organizer uses fits a 360 px phone: no page scrolls
sideways, the controls one needs are inside the screen, and the export-control reminder
prints. In English, German and French, with a screenshot of each page."""

from datetime import datetime

import pytest
from playwright.sync_api import expect

from matchmaker import dates, unit_of_work
from matchmaker.schedule import edits, publishing
from tests.browser.conftest import PHONE, SCREENSHOTS, log_in, new_context
from tests.conftest import translated
from tests.web.test_schedule import agree, slot_at, table

pytestmark = pytest.mark.browser

LONG_NOTE = ("Thermal imaging cores for the gimbal; we would like to compare the "
             "anodising of the housings and the lead times for a small series.")


@pytest.fixture
def evening(make_event, make_participant, monkeypatch, lang):
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 18, 25))
    event = make_event(tables="T1-T4")
    companies = {key: make_participant(key, event, name=name, locale=lang, **extra)[1]
                 for key, name, extra in (
                     ("anna", "Feinwerk Enz Präzisionsmechanik GmbH", {}),
                     ("yann", "Optronique de l'Iroise SAS", {"country": "FR"}),
                     ("zoe", "Zéphyr Drones Systèmes Aéroportés SAS", {"country": "FR"}))}
    first = agree(event, companies["anna"], companies["yann"], note=LONG_NOTE)
    edits.move(event, first, slot_at(event, "18:20"), table(event, "T1"))
    second = agree(event, companies["zoe"], companies["anna"], note="Drones.")
    edits.move(event, second, slot_at(event, "19:00"), table(event, "T2"))
    publishing.publish(event, notify=False)
    unit_of_work.commit()
    return event, companies, first


def fits(page, name, lang, *controls):
    """The page does not scroll sideways and every control in ``controls`` lies inside the
    screen; saves a screenshot of it."""
    page.screenshot(path=str(SCREENSHOTS / f"test_phone_layout-{lang}-{name}.png"),
                    full_page=True)
    widths = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} scrolls sideways: {widths}"
    for control in controls:
        control.scroll_into_view_if_needed()
        box = control.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], \
            f"{name}: {control} lies outside the screen: {box}"


def compact_tabs(page):
    """The event's tabs take one row, the open one in view."""
    tabs = page.locator(".event-nav")
    assert tabs.bounding_box()["height"] < 60
    return tabs.locator(".nav-link.active")


@pytest.fixture
def phone(browser, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    context = new_context(browser, lang, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_participant_pages_fit_a_phone(live_server, phone, evening, lang):
    event, companies, first = evening
    log_in(phone, live_server, "anna@example.com", lang)
    base = f"{live_server}/events/{event.id}"

    phone.goto(base + "/agenda")
    meeting = phone.locator(f"#meeting-{first.id}")
    with_cell = meeting.locator("[data-label]").nth(2)
    assert with_cell.bounding_box()["width"] > 200, "the counterpart's column is squeezed"
    fits(phone, "agenda", lang, compact_tabs(phone), meeting.locator(".table-badge"),
         meeting.get_by_role("link", name="Optronique de l'Iroise SAS"))
    phone.emulate_media(media="print")
    expect(phone.locator(".compliance-reminder")).to_be_visible()
    phone.emulate_media(media="screen")

    phone.goto(base)
    fits(phone, "event", lang, compact_tabs(phone))
    phone.goto(base + "/companies")
    fits(phone, "directory", lang, compact_tabs(phone))
    phone.goto(f"{live_server}/events/{event.id}/suggestions")
    fits(phone, "suggestions", lang)
    phone.goto(f"{live_server}/events/{event.id}/requests")
    fits(phone, "requests", lang, compact_tabs(phone))
    phone.goto(f"{live_server}/requests/{first.id}")
    fits(phone, "request", lang)
    phone.goto(f"{live_server}/events/{event.id}/companies/{companies['yann'].id}")
    fits(phone, "company", lang)


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_day_of_pages_fit_a_phone(live_server, phone, evening, organizer, lang):
    event, companies, first = evening
    organizer.locale = lang
    unit_of_work.commit()
    log_in(phone, live_server, "organizer@example.com", lang)
    base = f"{live_server}/events/{event.id}"

    phone.goto(f"{live_server}/organizer/events/{event.id}/day-of")
    check_in = phone.get_by_role("button", name=translated(lang, "Check in") + " Yann")
    fits(phone, "check-in", lang, compact_tabs(phone), check_in)
    check_in.click()
    expect(phone.locator("[data-stat=checked-in]")).to_have_text("1 / 3")

    phone.goto(f"{live_server}/organizer/events/{event.id}/day-of/meetings")
    row = phone.locator(f"#meeting-{first.id}")
    fits(phone, "meetings-now", lang, compact_tabs(phone),
         row.get_by_role("button", name=translated(lang, "Held")))
    phone.goto(f"{base}/schedule/meetings/{first.id}")
    fits(phone, "meeting", lang)

    for name, path in (("table-plans", "/schedule/print/tables"),
                       ("all-agendas", "/schedule/print/agendas")):
        phone.goto(base + path)
        fits(phone, name, lang)
        phone.emulate_media(media="print")
        expect(phone.locator(".compliance-reminder").first).to_be_visible()
        phone.emulate_media(media="screen")
