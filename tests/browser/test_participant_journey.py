"""A newcomer's whole journey in a real browser, in English and in German (the language of the
browser, which the new account keeps): register, describe the company with tags, register for
the event, read the suggested contacts, find a company in the directory and request a meeting,
which the other side accepts; once the organizer has published the schedule, open the agenda
and take it to a calendar (.ics file and subscription link)."""

import re
from functools import partial

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from matchmaker.events import services as events
from matchmaker.extensions import db
from matchmaker.models import Company, Registration
from matchmaker.schedule import generation, publishing
from tests.browser.conftest import log_in, new_context
from tests.conftest import PASSWORD, translated

pytestmark = pytest.mark.browser

COMPANY = "Feinwerk Enz GmbH"
PARTNER = "Optronique de l'Iroise SAS"


@pytest.fixture
def evening(make_event, make_participant, lang):
    event = make_event(tables="T1-T6")
    make_participant("yann", event, name=PARTNER, country="FR", languages=["fr", "en"],
                     locale=lang, offers="Thermal imaging cameras and laser rangefinders.",
                     seeks="Anodised aluminium housings, micro machining.",
                     tags=["du.6", "sg.video-surveillance"])
    make_participant("zoe", event, name="Zéphyr Drones SAS", country="FR")
    return event


@pytest.mark.parametrize("lang", ["en", "de"])
def test_participant_journey(browser, live_server, page, screenshot, evening, organizer, lang,
                             tmp_path):
    t = partial(translated, lang)
    register_account(page, live_server, t)
    create_profile(page, t, screenshot)
    register_for_event(page, t, screenshot)
    approve(evening, organizer)  # the organizer's side: see test_organizer_journey.py
    read_suggestions(page, t, screenshot)
    request_meeting(page, t, screenshot)
    partner_accepts(browser, live_server, lang, t, screenshot)
    see_contacts(page, t, screenshot)
    generation.generate_now(evening, organizer, time_limit=5)
    publishing.publish(evening, notify=False)
    agenda_to_calendar(page, t, screenshot, tmp_path)


def register_account(page, live_server, t):
    page.goto(live_server + "/")
    page.get_by_role("link", name=t("Register your company")).click()
    page.get_by_label(t("Your name")).fill("Anna Schmidt")
    page.get_by_label(t("Work email")).fill("anna@feinwerk.example")
    page.locator("#password").fill(PASSWORD)
    page.get_by_label(t("Repeat the password")).fill(PASSWORD)
    page.get_by_role("button", name=t("Create account")).click()
    page.wait_for_url("**/companies/new")
    expect(page.get_by_text(t("Welcome! Now tell others about your company."))).to_be_visible()


def create_profile(page, t, screenshot):
    page.get_by_label(t("Company name")).fill(COMPANY)
    page.get_by_role("textbox", name=t("City"), exact=True).fill("Pforzheim")
    page.get_by_role("combobox", name=t("Country"), exact=True).select_option("DE")
    # Language names come from Babel in the page's language: tick them by code.
    page.locator("input[name=languages][value=de]").check()
    page.locator("input[name=languages][value=en]").check()
    page.get_by_label(t("About the company")).fill("Mikromechanik und Feinwerktechnik seit 1952.")
    page.get_by_label(t("We offer")).fill(
        "Mikrobearbeitung, Hartanodisieren von Aluminiumgehäusen für Wärmebildkameras.")
    page.get_by_label(t("We seek")).fill("Partner in der Optronik und Drohnenabwehr.")
    # The texts mention counter-drone work: the editor suggests that tag, one click adds it.
    page.locator("[data-add-tag='sg.counter-drone']").click()
    expect(page.locator("#tag-sg\\.counter-drone")).to_be_checked()
    search = page.get_by_placeholder(t("Search capabilities, e.g. sensors, drones, energy"))
    search.fill("laser")
    page.locator("#tag-du\\.6").check()
    search.fill("")
    expect(page.locator("[data-tag-count]")).to_have_text(t("%(n)d selected", n=2))
    screenshot("profile-form")
    page.get_by_role("button", name=t("Save profile")).click()
    expect(page.get_by_role("heading", name=COMPANY)).to_be_visible()
    expect(page.get_by_text(t("Your company profile is saved."))).to_be_visible()
    expect(page.locator(".tag-badge")).to_have_count(2)
    screenshot("profile")


def register_for_event(page, t, screenshot):
    page.get_by_role("link", name=t("Events")).first.click()
    page.get_by_role("link", name="Milipol networking evening").click()
    page.get_by_role("link", name=t("Register for this event")).click()
    expect(page.locator("input[name=slots]:checked")).to_have_count(9)  # all ticked by default
    screenshot("event-registration")
    page.get_by_role("button", name=t("Save registration")).click()
    expect(page.get_by_text(
        t("Your registration is saved. The organizer will review it."))).to_be_visible()


def approve(event, organizer):
    registration = db.session.scalars(
        db.select(Registration).join(Company).filter(Company.name == COMPANY)).one()
    events.decide(event, [registration.id], approve=True, reason="", organizer=organizer,
                  notify=False)


def read_suggestions(page, t, screenshot):
    page.reload()
    page.get_by_role("link", name=t("Suggested contacts")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Suggested contacts"))
    suggestion = page.locator(".suggestion-card").filter(
        has=page.get_by_role("heading", name=PARTNER))
    expect(suggestion.locator(".reasons li").first).to_be_visible()
    screenshot("suggestions")


def request_meeting(page, t, screenshot):
    page.get_by_role("link", name=t("Browse all participants")).first.click()
    page.get_by_label(t("Search")).fill("thermal")
    page.get_by_role("button", name=t("Show")).click()
    expect(page.locator(".directory-card")).to_have_count(1)
    screenshot("directory")
    page.get_by_role("link", name=PARTNER).click()
    expect(page.get_by_text(t("Shown once you have agreed to meet."))).to_be_visible()
    page.get_by_label(t("Why should you meet?")).fill("Housings for your thermal cameras.")
    page.get_by_role("button", name=t("Request a meeting")).click()
    expect(page.get_by_text(t("Your request has been sent to %(name)s.", name=PARTNER))) \
        .to_be_visible()
    screenshot("request-sent")


def partner_accepts(browser, live_server, lang, t, screenshot):
    """The other company, in a browser of its own, finds the request and accepts it."""
    context = new_context(browser, lang)
    partner = context.new_page()
    log_in(partner, live_server, "yann@example.com", lang)
    partner.locator("[data-notification-badge]").click()
    partner.get_by_role("button", name=t("Open")).first.click()
    expect(partner.get_by_text("Housings for your thermal cameras.")).to_be_visible()
    partner.get_by_role("button", name=t("Accept")).click()
    agreed = t("Meeting agreed. The organizer will place it in the schedule.")
    expect(partner.get_by_text(agreed)).to_be_visible()
    screenshot("accepted", of=partner)
    context.close()


def see_contacts(page, t, screenshot):
    page.get_by_role("link", name=t("My requests")).first.click()
    agreed = page.locator("#agreed")
    expect(agreed.get_by_text(PARTNER)).to_be_visible()
    agreed.get_by_role("link").first.click()
    page.get_by_role("link", name=PARTNER).first.click()
    expect(page.get_by_text("yann@example.com")).to_be_visible()
    screenshot("contacts")


def agenda_to_calendar(page, t, screenshot, tmp_path):
    page.get_by_role("link", name="Milipol networking evening").first.click()
    page.get_by_role("link", name=t("My agenda")).first.click()
    expect(page.locator(".agenda-table tbody tr[id^=meeting-]")).to_have_count(1)
    expect(page.get_by_role("link", name=PARTNER)).to_be_visible()
    expect(page.get_by_role("button", name=t("Print"))).to_be_visible()  # app.js shows it
    screenshot("agenda")
    with page.expect_download() as download:
        page.get_by_role("link", name=t("Add to calendar (.ics)")).click()
    path = tmp_path / "agenda.ics"
    download.value.save_as(path)
    meetings = Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    assert [str(m["UID"]).startswith("meeting-") for m in meetings] == [True]
    assert PARTNER in str(meetings[0]["SUMMARY"])
    page.get_by_role("button", name=t("Create my subscription link")).click()
    expect(page.locator("#calendar-url")).to_have_value(re.compile(r"/calendar/[^/]+\.ics$"))
    page.emulate_media(media="print")
    screenshot("agenda-print")
