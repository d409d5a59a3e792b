"""Accessibility in a real browser: axe-core's WCAG 2.1 A/AA rules (colour contrast among them)
on the main pages of each role, and the login and company profile forms used with the keyboard
alone."""

import pytest
from playwright.sync_api import expect

from matchmaker.events import groups
from matchmaker.models import RegistrationStatus
from matchmaker.schedule import generation, interpreters, publishing
from matchmaker.unit_of_work import commit
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree

pytestmark = pytest.mark.browser

# The pages each role sees most, as URL templates over the ``evening`` fixture's ids.
MAIN_PAGES = {
    "visitor": ["/", "/auth/login", "/auth/register", "/auth/forgot"],
    "participant": ["/", "/companies/{own}", "/companies/{own}/edit", "/events/",
                    "/events/{event}", "/events/{event}/register",
                    "/events/{event}/companies", "/events/{event}/companies/{other}",
                    "/events/{event}/suggestions", "/events/{event}/requests",
                    "/requests/{meeting}", "/events/{event}/agenda", "/events/{event}/now",
                    "/events/{event}/tables", "/notifications/",
                    "/account/data"],
    "organizer": ["/events/{event}", "/organizer/events/new", "/organizer/events/{event}/edit",
                  "/organizer/events/{event}/registrations", "/organizer/events/{event}/matches",
                  "/events/{event}/schedule", "/events/{event}/schedule/meetings/{meeting}",
                  "/events/{event}/schedule/print/tables", "/organizer/events/{event}/dashboard",
                  "/organizer/events/{event}/program", "/organizer/events/{event}/import",
                  "/organizer/events/{event}/groups", "/organizer/events/{event}/report",
                  "/organizer/events/{event}/survey", "/events/{event}/interpreters",
                  "/events/{event}/interpreters/{interpreter}/plan", "/events/{event}/places",
                  "/audit/"],
    "admin": ["/admin/users"],
}
EMAILS = {"participant": "anna@example.com", "organizer": "organizer@example.com",
          "admin": "admin@example.com"}


@pytest.fixture
def evening(make_event, make_participant, make_user, organizer):
    """A published schedule: three German and two French companies, all meeting each other,
    and one registration waiting for vetting."""
    event = make_event(tables="T1-T6")
    german = [make_participant(key, event, name=name)[1] for key, name in (
        ("anna", "Feinwerk Enz GmbH"), ("bert", "Weißgerber Optik GmbH"))]
    french = [make_participant(key, event, name=name, country="FR", languages=["fr", "en"])[1]
              for key, name in (("yann", "Optronique de l'Iroise SAS"),
                                ("zoe", "Zéphyr Drones SAS"))]
    make_participant("late", event, status=RegistrationStatus.PENDING, name="Late Comer GmbH")
    for name in ("Delegation", "Hosts"):  # the groups page with its matrix; nothing forbidden
        groups.add_group(event, groups.GroupData(name), organizer)
    meetings = [agree(event, g, f, note=f"{g.name} meets {f.name}: housings and optics.")
                for g in german for f in french]
    interpreter, _change = interpreters.save_interpreter(event, interpreters.InterpreterData(
        "Ines Dolmetsch", ["de", "fr"], [s.id for s in event.slots]), None, organizer, True)
    meetings[0].interpreter_wanted = True  # one meeting with an interpreter on every page
    generation.generate_now(event, organizer, time_limit=5)
    publishing.publish(event, notify=False)
    make_user("admin@example.com", role="admin", name="Ada Admin")
    commit()  # the live server reads and writes through its own connections
    return {"event": event.id, "own": german[0].id, "other": french[0].id,
            "meeting": meetings[0].id, "interpreter": interpreter.id}


@pytest.mark.parametrize("role", MAIN_PAGES)
def test_main_pages_pass_axe(live_server, page, axe, evening, role):
    if role in EMAILS:
        log_in(page, live_server, EMAILS[role])
    violations = {}
    for template in MAIN_PAGES[role]:
        path = template.format(**evening)
        response = page.goto(live_server + path)
        assert response.ok, path
        if found := axe(page):
            violations[path] = found
    assert not violations, "\n".join(f"{path}: {found}" for path, found in violations.items()
                                      for found in violations[path])


# The focused element shows it: a visible outline or a focus ring (Bootstrap's box-shadow).
FOCUS_IS_VISIBLE = """() => {
  const element = document.activeElement;
  if (!element || element === document.body || !element.matches(':focus-visible')) return false;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""
MAX_TABS = 80


def tab_to(page, target):
    """Press Tab until ``target`` has the focus, then check that the focus is visible."""
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail(f"Tab never reached {target}")
    page.wait_for_function(FOCUS_IS_VISIBLE)  # waits out Bootstrap's focus-ring transition


def test_log_in_and_create_a_profile_with_the_keyboard_alone(live_server, page, make_user):
    make_user("anna@example.com", name="Anna Schmidt")
    commit()
    page.goto(live_server + "/auth/login")
    tab_to(page, page.get_by_label("Email"))  # the field has the focus already (autofocus)
    page.keyboard.type("anna@example.com")
    tab_to(page, page.get_by_label("Password"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")

    page.goto(live_server + "/companies/new")
    typed = {"Company name": "Feinwerk Enz GmbH", "City": "Pforzheim",
             "About the company": "Mikromechanik und Feinwerktechnik seit 1952.",
             "We offer": "Mikrobearbeitung und Hartanodisieren.",
             "We seek": "Partner in der Optronik."}
    for label, text in typed.items():
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(text)
        if label == "City":
            tab_to(page, page.get_by_label("Country"))
            page.keyboard.type("Germany")  # a closed select jumps to the option typed
            expect(page.get_by_label("Country")).to_have_value("DE")
            tab_to(page, page.get_by_label("German", exact=True))
            page.keyboard.press("Space")
            expect(page.get_by_label("German", exact=True)).to_be_checked()
    tab_to(page, page.get_by_label("Search capabilities"))
    page.keyboard.type("laser")
    laser = page.locator("#tag-du\\.6")
    tab_to(page, laser)
    page.keyboard.press("Space")
    expect(laser).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Save profile"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Feinwerk Enz GmbH")).to_be_visible()
    expect(page.get_by_text("Your company profile is saved.")).to_be_visible()
