"""Staged vetting in a real browser, in three languages: the organizer asks an applicant for
more information from the vetting queue, the company reads the question on its registration
page (on a phone) and answers, and the organizer reads the thread and approves."""

from functools import partial

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import Registration, RegistrationStatus
from tests.browser.conftest import AXE_SCRIPT, PHONE, log_in, new_context
from tests.conftest import translated

pytestmark = pytest.mark.browser

APPLICANT = "Feinwerk Enz GmbH"
QUESTION = "Which export licences do you hold for your optics?"
ANSWER = "BAFA licence AG-123 for thermal optics."


@pytest.fixture
def applicant(make_event, make_participant, organizer, lang):
    organizer.locale = lang  # the pages speak the account's language
    event = make_event(tables="T1-T6")
    make_participant("yann", event, name="Optronique de l'Iroise SAS", country="FR")
    make_participant("anna", event, name=APPLICANT, locale=lang,
                     status=RegistrationStatus.PENDING)
    db.session.commit()  # the live server reads them from another connection
    return event


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_organizer_asks_company_answers_organizer_approves(live_server, page, browser,
                                                          screenshot, axe, applicant, lang):
    event = applicant
    t = partial(translated, lang)
    log_in(page, live_server, "organizer@example.com", lang)
    page.goto(f"{live_server}/organizer/events/{event.id}/registrations")
    page.get_by_role("link", name=t("Details and questions")).click()
    page.get_by_label(t("Your question to the company")).fill(QUESTION)
    page.get_by_role("button", name=t("Ask for more information")).click()
    expect(page.get_by_text(t("Your question is sent to %(company)s. The registration waits "
                              "for its answer.", company=APPLICANT))).to_be_visible()
    expect(page.locator("#registration-state")).to_contain_text(t("Needs more information"))
    expect(page.locator("#thread")).to_contain_text(QUESTION)
    assert axe(page) == []
    screenshot("organizer-asked")
    page.goto(f"{live_server}/organizer/events/{event.id}/registrations?status=needs_info")
    expect(page.locator(".vetting-question")).to_contain_text(QUESTION)
    assert axe(page) == []
    screenshot("queue")
    page.get_by_role("link", name=t("External check")).click()
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV", exact=True).click()
    assert APPLICANT in download.value.path().read_text("utf-8-sig")
    assert axe(page) == []
    screenshot("external-check")

    phone = new_context(browser, lang, viewport=PHONE)
    phone.route(live_server + "/__axe-core__.js",  # axe() serves it to the page's context only
                lambda route: route.fulfill(path=AXE_SCRIPT, content_type="text/javascript"))
    company = phone.new_page()
    company.set_default_timeout(10_000)
    log_in(company, live_server, "anna@example.com", lang)
    company.goto(f"{live_server}/events/{event.id}")
    company.get_by_role("link", name=t("Read and answer the question")).click()
    expect(company.locator("#thread")).to_contain_text(QUESTION)
    width = company.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the registration page scrolls sideways ({width}px)"
    screenshot("company-question", of=company)
    company.get_by_label(t("Your answer")).fill(ANSWER)
    company.get_by_role("button", name=t("Send the answer")).click()
    expect(company.get_by_text(t("Your answer is sent. The organizer reviews your registration "
                                 "again."))).to_be_visible()
    company.goto(f"{live_server}/events/{event.id}/register")
    expect(company.locator("#thread")).to_contain_text(ANSWER)
    expect(company.locator("#answer-form")).to_have_count(0)
    assert axe(company) == []
    phone.close()

    page.goto(f"{live_server}/organizer/events/{event.id}/registrations")
    page.get_by_role("link", name=t("Details and questions")).click()
    expect(page.locator("#thread")).to_contain_text(ANSWER)
    expect(page.locator("#registration-state")).to_contain_text(t("Awaiting approval"))
    page.locator("#decision-form").get_by_role("button", name=t("Approve")).click()
    expect(page.locator("#registration-state")).to_contain_text(t("Approved"))
    screenshot("organizer-approved")
    db.session.expire_all()
    assert {r.company.name: r.status for r in db.session.scalars(db.select(Registration))}[
        APPLICANT] == "approved"
