"""The organizer plans interpreters in a real browser: adds one, generates the schedule (every
German–French meeting gets the interpreter, one at a time), sees the interpreter row on the
grid, has a move refused because the interpreter is busy then, and prints the interpreter's
plan."""

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import MeetingRequest
from tests.browser.conftest import log_in
from tests.web.test_schedule import agree

pytestmark = pytest.mark.browser

GERMAN = {"anna": "Feinwerk Enz GmbH", "bert": "Weißgerber Optik GmbH"}
FRENCH = {"yann": "Optronique de l'Iroise SAS", "zoe": "Zéphyr Drones SAS"}


def test_interpreter_journey(live_server, page, screenshot, organizer, make_event,
                             make_participant):
    event = make_event(tables="T1-T3")
    companies = {}
    for key, name in GERMAN.items():
        companies[key] = make_participant(key, event, name=name, languages=["de"])[1]
    for key, name in FRENCH.items():
        companies[key] = make_participant(key, event, name=name, country="FR",
                                          languages=["fr"])[1]
    meetings = {(g, f): agree(event, companies[g], companies[f], note="Optics.")
                for g in GERMAN for f in FRENCH}
    log_in(page, live_server, organizer.email)

    page.goto(f"{live_server}/events/{event.id}/interpreters")
    expect(page.get_by_text("No interpreters yet")).to_be_visible()
    page.get_by_label("Name").fill("Ines Dolmetsch")
    page.get_by_label("German").check()
    page.get_by_label("French").check()
    page.get_by_role("button", name="Save interpreter").click()
    expect(page.get_by_text("Ines Dolmetsch is saved.")).to_be_visible()
    screenshot("interpreters")

    page.get_by_role("link", name="Schedule", exact=True).first.click()
    page.get_by_role("button", name="Generate the schedule").click()
    page.wait_for_url(f"{live_server}/events/{event.id}/schedule", timeout=30_000)
    expect(page.locator("[data-stat=scheduled]")).to_have_text("4")
    row = page.locator("[data-interpreter-row]")
    expect(row).to_contain_text("Ines Dolmetsch")
    expect(row.locator("a", has_text="table")).to_have_count(4)  # one meeting per slot
    expect(page.locator(".slot-fill").first).to_be_visible()
    screenshot("grid")

    db.session.expire_all()
    placed = {key: db.session.get(MeetingRequest, m.id) for key, m in meetings.items()}
    assert all(m.interpreter is not None and m.interpreter.name == "Ines Dolmetsch"
               for m in placed.values())
    moving, other = placed[("anna", "yann")], placed[("bert", "zoe")]
    page.goto(f"{live_server}/events/{event.id}/schedule/meetings/{moving.id}")
    page.select_option("#slot", str(other.slot_id))
    page.select_option("#table", "0")  # the first free table: only the interpreter is busy
    page.get_by_label("Interpreter").select_option(label="Ines Dolmetsch")
    page.get_by_role("button", name="Move here").click()
    expect(page.locator("[data-rule-error]")).to_contain_text(
        "The interpreter Ines Dolmetsch is already in another meeting at")
    screenshot("refused-move")

    page.goto(f"{live_server}/events/{event.id}/interpreters")
    page.get_by_role("link", name="Plan", exact=True).click()
    plan = page.locator("#interpreter-plan")
    expect(plan.locator("tr[data-meeting]")).to_have_count(4)
    expect(plan).to_contain_text("Feinwerk Enz GmbH")
    page.emulate_media(media="print")
    screenshot("interpreter-plan-print")
    page.emulate_media(media="screen")


def test_interpreter_reads_own_plan_on_a_phone(live_server, browser, organizer, make_event,
                                               make_participant, make_user):
    from matchmaker import unit_of_work
    from matchmaker.schedule import edits, interpreters, publishing
    from tests.browser.conftest import PHONE, SCREENSHOTS, new_context
    from tests.web.test_schedule import slot_at

    event = make_event(tables="T1-T3")
    anna = make_participant("anna", event, name=GERMAN["anna"], languages=["de"])[1]
    yann = make_participant("yann", event, name=FRENCH["yann"], country="FR",
                            languages=["fr"])[1]
    make_user("ines@example.com", name="Ines Dolmetsch", locale="fr")
    interpreters.save_interpreter(event, interpreters.InterpreterData(
        "Ines Dolmetsch", ["de", "fr"], [s.id for s in event.slots], "ines@example.com"),
        None, organizer, True)
    meeting = agree(event, anna, yann, note="Optics.")
    edits.move(event, meeting, slot_at(event, "18:20"), None)
    publishing.publish(event, notify=False)
    unit_of_work.commit()

    SCREENSHOTS.mkdir(exist_ok=True)
    context = new_context(browser, "fr", viewport=PHONE)
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    log_in(phone, live_server, "ines@example.com", "fr")
    phone.goto(f"{live_server}/events/{event.id}")
    phone.locator("#interpreting a").click()
    expect(phone.locator("tr[data-meeting]")).to_contain_text("Optronique de l'Iroise SAS")
    phone.screenshot(path=str(SCREENSHOTS / "test_interpreter_journey-phone-fr-plan.png"),
                     full_page=True)
    widths = phone.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the plan scrolls sideways: {widths}"
    context.close()
