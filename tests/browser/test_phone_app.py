"""The installable phone app: manifest and service worker from our origin, Now/Next as the
first screen, the agenda and counterparts' cards readable offline ("as of"), a refresh that
tells what changed once the network is back, and nothing left behind at logout."""

import json
import re

import pytest
from playwright.sync_api import expect

from matchmaker import unit_of_work
from matchmaker.extensions import db
from matchmaker.models import MeetingRequest
from matchmaker.schedule import edits
from tests.browser import test_phone_layout as layout
from tests.browser.conftest import PHONE, log_in, new_context
from tests.conftest import translated
from tests.web.test_schedule import slot_at, table

pytestmark = pytest.mark.browser

evening, fits = layout.evening, layout.fits


@pytest.fixture
def phone(browser, lang):
    context = new_context(browser, lang, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_now_next_shows_the_meeting_under_way_and_the_next(live_server, phone, evening, lang):
    event, companies, first = evening
    log_in(phone, live_server, "anna@example.com", lang)
    phone.goto(f"{live_server}/events/{event.id}/now")
    now = phone.locator("[data-meeting]").nth(0)
    expect(now).to_contain_text(translated(lang, "Now"))
    expect(now).to_contain_text("Optronique de l'Iroise SAS")
    expect(now).to_contain_text("T1")
    expect(now).to_contain_text("Thermal imaging cores")
    after = phone.locator("[data-meeting]").nth(1)
    expect(after).to_contain_text(translated(lang, "Next"))
    expect(after).to_contain_text("Zéphyr Drones")
    fits(phone, "now-next", lang, now.locator(".table-badge"), after.locator(".table-badge"))


@pytest.mark.parametrize("lang", ["en"])
def test_installable_readable_offline_refreshed_and_cleared_at_logout(live_server, phone,
                                                                      evening, lang):
    event, companies, first = evening
    log_in(phone, live_server, "anna@example.com")
    now_url = f"{live_server}/events/{event.id}/now"
    phone.goto(now_url)
    manifest = json.loads(phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.text())"))
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/events/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert phone.request.get(live_server + manifest["icons"][1]["src"]).ok
    expect(phone.locator("body[data-offline-ready]")).to_have_count(1)
    assert phone.evaluate("navigator.serviceWorker.getRegistration().then(r => r.active.scriptURL)"
                          ) == live_server + "/sw.js"

    phone.context.set_offline(True)
    moved = _move_second_meeting(event, first)
    phone.reload()
    expect(phone.locator("[data-as-of]")).to_be_visible()
    assert phone.evaluate("navigator.serviceWorker.controller.scriptURL") \
        == live_server + "/sw.js"
    expect(phone.locator("[data-as-of]")).to_contain_text("as of 18:25")
    expect(phone.locator(f"[data-meeting='{moved.id}']")).to_contain_text("19:00")  # the copy
    phone.goto(f"{live_server}/events/{event.id}/agenda")
    expect(phone.get_by_role("link", name="Optronique de l'Iroise SAS")).to_be_visible()
    phone.goto(f"{live_server}/events/{event.id}/companies/{companies['yann'].id}")
    expect(phone.get_by_role("heading", name="Optronique de l'Iroise SAS")).to_be_visible()
    phone.goto(now_url)
    expect(phone.locator("[data-as-of]")).to_be_visible()  # its script came from the cache

    phone.context.set_offline(False)
    changes = phone.locator("[data-changes]")
    expect(changes).to_contain_text(re.compile(
        r"Your meeting with Zéphyr Drones Systèmes Aéroportés SAS moved: "
        r"now 19:20\s*–\s*19:40 · T4\."))
    expect(phone.locator("[data-as-of]")).to_be_hidden()

    phone.locator("form[action$='/auth/logout']").evaluate("form => form.submit()")
    phone.wait_for_url(live_server + "/")
    assert phone.evaluate("caches.keys()") == []
    assert phone.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


def _move_second_meeting(event, first):
    """The organizer moves the 19:00 meeting to 19:20 at T4 while the phone is offline."""
    second = db.session.scalars(db.select(MeetingRequest).filter(
        MeetingRequest.event_id == event.id, MeetingRequest.id != first.id)).one()
    edits.move(event, second, slot_at(event, "19:20"), table(event, "T4"))
    unit_of_work.commit()
    return second
