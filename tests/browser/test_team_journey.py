"""An event team in a real browser, in three languages: the owner invites a co-organizer by
email, the co-organizer accepts through the emailed link (sets a name and password) and lands
on the event; the owner makes them responsible for the French companies; the co-organizer logs
in again, opens "Only mine" and vets only theirs. A vetter reaches the vetting queue but
neither the schedule nor the exports."""

import re
import time
from functools import partial

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import EventMember, Registration, RegistrationStatus
from matchmaker.unit_of_work import commit
from tests.browser.conftest import log_in, new_context
from tests.conftest import translated

pytestmark = pytest.mark.browser

THEIRS = "Optronique de l'Iroise SAS"
NOT_THEIRS = "Feinwerk Enz GmbH"
NEW_PASSWORD = "violet lantern harbour 77 quietly"


def invitation_link(outbox, email: str) -> str:
    """The link of the last email to ``email`` (emails go out in a thread after the commit)."""
    for _ in range(100):
        to_them = [m for m in outbox.emails() if m["To"] == email]
        if to_them:
            body = to_them[-1].get_body().get_content()
            return re.search(r"https?://\S+/invitations/\S+", body).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no email to {email}")


@pytest.fixture
def trip(make_event, make_participant, lang):
    event = make_event(name="Milipol delegation trip", tables="T1-T6")
    make_participant("yann", event, status=RegistrationStatus.PENDING, name=THEIRS,
                     country="FR")
    make_participant("anna", event, status=RegistrationStatus.PENDING, name=NOT_THEIRS,
                     country="DE")
    commit()  # the live server reads them from another connection
    return event


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_owner_invites_a_co_organizer_who_vets_only_theirs(live_server, page, browser,
                                                            screenshot, outbox, organizer,
                                                            trip, lang):
    event = trip
    organizer.locale = lang
    db.session.commit()
    t = partial(translated, lang)
    claire = f"claire.{lang}@chamber.example"

    # The owner adds an address without an account: an invitation goes out.
    log_in(page, live_server, organizer.email, lang)
    page.goto(f"{live_server}/organizer/events/{event.id}/team")
    form = page.locator("#add-member")
    form.get_by_label(t("Email")).fill(claire)
    form.get_by_label(t("Role")).select_option("co_organizer")
    form.get_by_role("button", name=t("Add to the team")).click()
    expect(page.get_by_text(t("%(email)s has no account yet and gets an invitation by email.",
                              email=claire))).to_be_visible()
    expect(page.locator(".team-invitation", has_text=claire)).to_be_visible()
    screenshot("team-invited")
    link = invitation_link(outbox, claire)

    # The co-organizer opens the link in a browser of their own and sets name and password.
    context = new_context(browser, lang)
    invitee = context.new_page()
    invitee.set_default_timeout(10_000)
    invitee.goto(link)
    expect(invitee.get_by_text("Milipol delegation trip").first).to_be_visible()
    invitee.get_by_label(t("Your name")).fill("Claire Dubois")
    invitee.locator("#password").fill(NEW_PASSWORD)
    invitee.get_by_label(t("Repeat the password")).fill(NEW_PASSWORD)
    screenshot("accept", of=invitee)
    invitee.get_by_role("button", name=t("Accept and set password")).click()
    invitee.wait_for_url(f"{live_server}/events/{event.id}")
    expect(invitee.get_by_role("link", name=t("Registrations"), exact=True)).to_be_visible()
    expect(invitee.get_by_role("link", name=t("Team"), exact=True)).to_have_count(0)

    # The link worked once.
    invitee.goto(link)
    expect(invitee.get_by_text(t("This invitation link is invalid, used, revoked or expired. "
                                 "Ask the person who invited you for a new one."))).to_be_visible()

    # The owner makes Claire responsible for the French companies.
    page.goto(f"{live_server}/organizer/events/{event.id}/team")
    row = page.locator(".team-member", has_text=claire)
    row.locator("summary").click()
    row.locator("select[name$='-countries']").select_option("FR")
    row.get_by_role("button", name=t("Save responsibility")).click()
    expect(page.get_by_text(t("The responsibility is saved."))).to_be_visible()
    screenshot("team")

    # Claire vets only hers.
    invitee.goto(f"{live_server}/organizer/events/{event.id}/registrations")
    invitee.locator("#only-mine").click()
    expect(invitee.get_by_text(THEIRS, exact=True)).to_be_visible()
    expect(invitee.get_by_text(NOT_THEIRS)).to_have_count(0)
    expect(invitee.locator(".mine-marker")).to_have_count(1)
    screenshot("only-mine", of=invitee)
    invitee.get_by_label(THEIRS, exact=True).check()
    invitee.get_by_role("button", name=t("Approve")).click()
    expect(invitee.get_by_text(t("%(n)d registration(s) updated.", n=1))).to_be_visible()
    context.close()

    db.session.expire_all()
    statuses = {r.company.name: r.status for r in db.session.scalars(db.select(Registration))}
    assert statuses == {THEIRS: "approved", NOT_THEIRS: "pending"}


def test_a_vetter_reaches_the_queue_but_not_the_schedule_or_exports(live_server, page,
                                                                     make_user, trip):
    vetter = make_user("vera@example.com", name="Vera Vetter")
    db.session.add(EventMember(event_id=trip.id, user_id=vetter.id, role="vetter",
                               countries=[], group_ids=[]))
    commit()
    log_in(page, live_server, "vera@example.com")
    page.goto(f"{live_server}/events/{trip.id}")
    page.get_by_role("link", name="Open the vetting queue").click()
    expect(page.get_by_text(THEIRS, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Schedule")).to_have_count(0)
    expect(page.get_by_role("link", name="Import / export")).to_have_count(0)
    assert page.goto(f"{live_server}/events/{trip.id}/schedule").status == 403
    assert page.goto(f"{live_server}/organizer/events/{trip.id}/import").status == 403
    assert page.goto(f"{live_server}/organizer/events/{trip.id}/team").status == 403
