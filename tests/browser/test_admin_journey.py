"""The administrator's journey in a real browser: log in (the browser speaks English), switch to
German or French with the language switcher, make a user an organizer, find that in the audit
log, vet a registration on another organizer's event, and find the language kept for the next
login."""

from functools import partial

import pytest
from playwright.sync_api import expect

from matchmaker.i18n import LANGUAGE_NAMES
from matchmaker.models import RegistrationStatus
from tests.browser.conftest import log_in, new_context
from tests.conftest import translated

pytestmark = pytest.mark.browser

NEWCOMER = "nina.neu@example.com"


@pytest.fixture
def browser_lang() -> str:
    return "en"  # the switcher, not the browser, brings the page's language


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_admin_journey(browser, live_server, page, screenshot, make_user, make_event,
                       make_participant, lang):
    make_user("admin@example.com", role="admin", name="Ada Admin")
    make_user(NEWCOMER, name="Nina Neu")
    event = make_event()  # by another organizer
    make_participant("anna", event, status=RegistrationStatus.PENDING, name="Feinwerk Enz GmbH")
    t = partial(translated, lang)
    log_in(page, live_server, "admin@example.com")
    switch_language(page, lang)
    make_organizer(page, t, screenshot)
    read_audit_log(page, t, screenshot)
    vet_on_any_event(page, t, screenshot)
    language_is_kept(browser, live_server, t)


def switch_language(page, lang):
    page.get_by_role("button", name=translated("en", "Language")).click()
    page.get_by_role("button", name=LANGUAGE_NAMES[lang]).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def make_organizer(page, t, screenshot):
    page.get_by_role("link", name=t("Users"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("Users"))
    page.get_by_role("searchbox", name=t("Search users")).fill("nina")
    page.get_by_role("button", name=t("Search"), exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.get_by_label(t("Role of %(email)s", email=NEWCOMER)).select_option("organizer")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_text(t("%(email)s is now: %(role)s.", email=NEWCOMER,
                              role=t("Organizer")))).to_be_visible()
    screenshot("users")


def read_audit_log(page, t, screenshot):
    page.get_by_role("link", name=t("Audit log")).click()
    entry = page.locator(".audit-log tbody tr").filter(has_text="role changed")
    expect(entry).to_contain_text(NEWCOMER)
    expect(entry).to_contain_text("admin@example.com")
    screenshot("audit-log")


def vet_on_any_event(page, t, screenshot):
    page.get_by_role("link", name=t("Events"), exact=True).click()
    page.get_by_role("link", name="Milipol networking evening").click()
    page.get_by_role("link", name=t("Registrations")).click()
    page.get_by_label("Feinwerk Enz GmbH").check()
    page.get_by_role("button", name=t("Approve"), exact=True).click()
    expect(page.get_by_text(t("%(n)d registration(s) updated.", n=1))).to_be_visible()
    screenshot("vetted")


def language_is_kept(browser, live_server, t):
    """The choice is the account's: a fresh English-speaking browser gets it after login."""
    context = new_context(browser, "en")
    later = context.new_page()
    log_in(later, live_server, "admin@example.com")
    expect(later.get_by_role("link", name=t("Users"), exact=True)).to_be_visible()
    context.close()
