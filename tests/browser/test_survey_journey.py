"""After the trip: the organizer sends the follow-up survey; a German participant opens the
personal link on a phone without logging in and answers; the organizer reads the trip report,
prints it and downloads the PDF. In a real browser."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import SurveyInvitation, User
from matchmaker.survey import links
from tests.browser.conftest import AXE_SCRIPT, PHONE, log_in, new_context
from tests.conftest import translated
from tests.web import conftest as event_fixtures
from tests.web.survey_world import finished_trip

organizer, make_event, enrol, make_participant = (
    event_fixtures.organizer, event_fixtures.make_event, event_fixtures.enrol,
    event_fixtures.make_participant)

pytestmark = pytest.mark.browser


@pytest.fixture
def trip(make_event, make_participant, organizer):
    return finished_trip(make_event, make_participant, organizer)


def de(msgid: str, **values) -> str:
    return translated("de", msgid, **values)


def test_survey_answered_in_german_then_the_report(live_server, page, browser, screenshot, axe,
                                                   trip):
    event, companies, meetings = trip
    log_in(page, live_server, "organizer@example.com")
    page.goto(f"{live_server}/events/{event.id}")
    page.get_by_role("link", name="Trip report").click()
    expect(page.get_by_role("heading", name=f"Trip report: {event.name}")).to_be_visible()
    page.get_by_role("link", name="Follow-up survey").click()
    expect(page.locator("[data-stat=recipients]")).to_have_text("3")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send the survey to 3 people").click()
    expect(page.get_by_text("The survey was sent to 3 people.")).to_be_visible()
    expect(page.locator("#survey-recipients").get_by_text("not answered yet")).to_have_count(3)
    screenshot("survey-sent")
    assert axe(page) == []

    alice = db.session.scalar(db.select(User).filter_by(email="alice@example.com"))
    invitation = db.session.scalar(db.select(SurveyInvitation).filter_by(user_id=alice.id))
    path = f"/survey/{event.id}/{links.token_for(invitation)}"

    phone = new_context(browser, "de", viewport=PHONE).new_page()  # not logged in
    phone.context.route(f"{live_server}/__axe-core__.js", lambda route: route.fulfill(
        path=AXE_SCRIPT, content_type="text/javascript"))
    phone.goto(live_server + path)
    expect(phone.get_by_role("heading", name=de("What came of your meetings?"))).to_be_visible()
    expect(phone.get_by_text("Anne GmbH")).to_have_count(0)
    bob = phone.locator("fieldset.survey-meeting", has_text="Bob SAS")
    bob.get_by_label(de("A contract")).check()
    carl = phone.locator("fieldset.survey-meeting", has_text="Carl SAS")
    carl.get_by_label(de("An offer")).check()
    phone.get_by_label("5", exact=True).check()
    phone.get_by_label(de("Anything else the organizers should know? (optional)")) \
        .fill("Rahmenvertrag über 40 000 € unterschrieben.")
    phone.get_by_role("button", name=de("Save my answers")).click()
    expect(phone.get_by_text(de("Thank you! Your answers are saved. You can change them with "
                                "the same link until %(date)s.", date="X").split("X")[0],
                             exact=False)).to_be_visible()
    expect(bob.get_by_label(de("A contract"))).to_be_checked()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the survey scrolls sideways at 360 px ({width})"
    screenshot("survey-answered-phone", of=phone)
    assert axe(phone) == []
    phone.context.close()

    page.goto(f"{live_server}/organizer/events/{event.id}/report")
    figures = page.locator("#key-figures")
    expect(figures.locator("tr", has_text="Survey: answered")).to_contain_text("1 (33")
    expect(figures.locator("tr", has_text="Meetings held")).to_contain_text("2")
    expect(page.locator("#breakdown-group tr[data-bucket=Delegation] td[data-key=contract]")) \
        .to_have_text("1")
    expect(page.get_by_text("Rahmenvertrag über 40 000 € unterschrieben.")).to_be_visible()
    for name in ("meetings", "outcomes", "ratings"):
        chart = page.locator(f"img[src$='/report/charts/{name}.svg']")
        expect(chart).to_be_visible()
        assert chart.evaluate("img => img.naturalWidth") > 0
    screenshot("report")
    assert axe(page) == []
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Download PDF")).to_be_hidden()
    screenshot("report-print")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF-")
    assert download.value.suggested_filename.endswith("-trip-report.pdf")
