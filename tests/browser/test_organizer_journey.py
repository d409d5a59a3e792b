"""The organizer's whole journey in a real browser, in English and in French (the organizer's
own language setting): create the event, vet the registrations, generate the schedule (in the
background, with a progress page), move one meeting (a refused move first), publish, print the
table plans and read the dashboard."""

import re
from functools import partial

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Event, RegistrationStatus
from tests.browser.conftest import log_in
from tests.conftest import translated
from tests.web.test_schedule import agree

pytestmark = pytest.mark.browser

GERMAN = {"anna": "Feinwerk Enz GmbH", "bert": "Weißgerber Optik GmbH",
          "carl": "Calwer Gehäusebau GmbH"}
FRENCH = {"yann": "Optronique de l'Iroise SAS", "zoe": "Zéphyr Drones SAS",
          "remi": "Rempart Sécurité SAS"}
LATE = "Late Comer GmbH"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_organizer_journey(live_server, page, screenshot, organizer, make_participant, lang):
    organizer.locale = lang  # the user's setting wins over the browser's language
    db.session.commit()
    t = partial(translated, lang)
    log_in(page, live_server, organizer.email, lang)
    event = create_event(page, live_server, t, screenshot)
    register_companies(event, make_participant)
    vet_registrations(page, t, screenshot)
    agree_meetings(event)
    generate_schedule(page, live_server, t, screenshot, event)
    move_a_meeting(page, t, screenshot)
    publish(page, t, screenshot)
    read_dashboard(page, t, screenshot)


def create_event(page, live_server, t, screenshot) -> Event:
    page.goto(live_server + "/organizer/events/new")
    page.get_by_label(t("Event name")).fill("Milipol networking evening")
    page.get_by_label(t("Venue")).fill("Paris Nord Villepinte")
    page.locator("#windows-0-day").fill("2027-11-17")
    page.locator("#windows-0-start").fill("18:00")
    page.locator("#windows-0-end").fill("21:30")
    page.locator("#windows-0-slot_minutes").fill("20")
    page.locator("#windows-0-breaks").fill("19:40")
    page.get_by_label(t("Tables and meeting points")).fill("T1-T6")
    page.get_by_label(t("Max meetings per company")).fill("8")
    screenshot("event-form")
    page.get_by_role("button", name=t("Save event")).click()
    expect(page.get_by_text(t("The event is created with %(n)d slots.", n=9))).to_be_visible()
    expect(page.get_by_text(f"{t('Break')} 19:40–20:00")).to_be_visible()
    screenshot("event")
    event_id = int(re.search(r"/events/(\d+)", page.url).group(1))
    return db.session.get(Event, event_id)


def register_companies(event, make_participant):
    """Six companies and a late comer register; the organizer has not decided yet."""
    for key, name in {**GERMAN, "late": LATE}.items():
        make_participant(key, event, status=RegistrationStatus.PENDING, name=name)
    for key, name in FRENCH.items():
        make_participant(key, event, status=RegistrationStatus.PENDING, name=name, country="FR",
                         languages=["fr", "en"])


def vet_registrations(page, t, screenshot):
    page.get_by_role("link", name=t("Registrations")).click()
    for name in [*GERMAN.values(), *FRENCH.values()]:
        page.get_by_label(name).check()
    screenshot("vetting-queue")
    page.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(page.get_by_text(t("%(n)d registration(s) updated.", n=6))).to_be_visible()
    page.get_by_label(LATE).check()
    page.get_by_label(t("Reason (shown to the company when rejected)")).fill("Not a fit.")
    page.get_by_role("button", name=t("Reject"), exact=True).click()
    expect(page.get_by_text(t("%(n)d registration(s) updated.", n=1))).to_be_visible()
    screenshot("vetted")


def agree_meetings(event):
    """Every German company agrees to meet every French one (their part of the journey is in
    test_participant_journey.py)."""
    companies = {r.company.name: r.company for r in event.registrations}
    for german in GERMAN.values():
        for french in FRENCH.values():
            agree(event, companies[german], companies[french],
                  note=f"{german} meets {french}: housings and optics.")


def generate_schedule(page, live_server, t, screenshot, event):
    page.get_by_role("link", name=t("Schedule"), exact=True).first.click()
    expect(page.get_by_text(t("Not generated yet")).first).to_be_visible()
    page.get_by_role("button", name=t("Generate the schedule")).click()
    # The progress page polls and lands on the grid when the background run is done.
    page.wait_for_url(f"{live_server}/events/{event.id}/schedule", timeout=30_000)
    expect(page.locator("[data-stat=scheduled]")).to_have_text("9")
    expect(page.locator("[data-stat=unscheduled]")).to_have_text("0")
    screenshot("grid")


def move_a_meeting(page, t, screenshot):
    page.locator(".schedule-meeting").first.click()
    page.wait_for_url("**/schedule/meetings/*")
    screenshot("meeting")
    # A slot that breaks a rule says which ("18:20 — … already has a meeting at 18:20.").
    busy_slot = page.locator("#slot option", has_text=" — ").first
    problem = busy_slot.inner_text().split(" — ", 1)[1]
    page.select_option("#slot", busy_slot.get_attribute("value"))
    move = page.get_by_role("button", name=t("Move here"))
    move.click()
    expect(page.locator("[data-rule-error]")).to_contain_text(problem)
    screenshot("refused-move")
    free_slot = page.locator("#slot option:not(:has-text('—'))").last
    target = free_slot.inner_text()[:5]
    page.select_option("#slot", free_slot.get_attribute("value"))
    page.select_option("#table", label="T6")
    move.click()
    expect(page.get_by_text(t("The meeting is moved to %(time)s.", time=target))).to_be_visible()


def publish(page, t, screenshot):
    page.get_by_role("button", name=t("Publish the schedule")).click()
    told = t("The schedule is published; %(n)d companies were told.", n=6)
    expect(page.get_by_text(told)).to_be_visible()
    page.get_by_role("link", name=t("Table plans")).click()
    expect(page.get_by_text("Feinwerk Enz GmbH").first).to_be_visible()
    page.emulate_media(media="print")
    screenshot("table-plans-print")
    page.emulate_media(media="screen")


def read_dashboard(page, t, screenshot):
    page.get_by_role("link", name=t("Dashboard")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Dashboard"))
    figures = {label: page.locator(".card-body").filter(has_text=label).locator(".display-6")
               for label in (t("Approved companies"), t("Agreed meetings"))}
    expect(figures[t("Approved companies")]).to_have_text("6")
    expect(figures[t("Agreed meetings")]).to_have_text("9")
    # The charts are SVG images from the app: each one loads (waited for: "complete" is true
    # once loaded or broken; a broken one has no width).
    charts = page.locator("img.chart")
    expect(charts.first).to_be_visible()
    for chart in charts.all():
        expect(chart).to_have_js_property("complete", True)
        assert chart.evaluate("img => img.naturalWidth") > 0
    screenshot("dashboard")
