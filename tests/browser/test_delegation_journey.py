"""A delegation trip in a real browser, in three languages: a delegation company sees the
hosts and the public bodies in the directory, never the other delegation companies; it can
neither open nor request one, cannot request a public body (shown, with the reason), and
requests a host."""

from functools import partial

import pytest
from playwright.sync_api import expect

from matchmaker.events import groups
from matchmaker.extensions import db
from matchmaker.models import MeetingRequest
from matchmaker.unit_of_work import commit
from tests.browser.conftest import log_in
from tests.conftest import translated

pytestmark = pytest.mark.browser

HOST = "Optronique de l'Iroise SAS"
OTHER_DELEGATE = "Trautwein Präzisionsteile GmbH"
PUBLIC_BODY = "Agence Bretagne Défense"


@pytest.fixture
def trip(make_event, make_participant, organizer, lang):
    event = make_event(tables="T1-T6")
    delegation = groups.add_group(event, groups.GroupData("Delegation Pforzheim"), organizer)
    hosts = groups.add_group(event, groups.GroupData("French hosts"), organizer)
    public = groups.add_group(event, groups.GroupData("Public bodies", shown_to_all=True),
                              organizer)
    groups.set_matrix(event, {(delegation.id, hosts.id), (public.id, hosts.id)}, organizer,
                      confirmed=True)
    commit()
    make_participant("anna", event, name="Feinwerk Enz GmbH", locale=lang, group=delegation)
    _, other = make_participant("otto", event, name=OTHER_DELEGATE, group=delegation)
    make_participant("yann", event, name=HOST, country="FR", group=hosts)
    _, public_body = make_participant("gwen", event, name=PUBLIC_BODY, country="FR",
                                      group=public)
    commit()  # the live server reads them from another connection
    return event, other, public_body


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_a_delegation_company_neither_sees_nor_requests_another(live_server, page, screenshot,
                                                                trip, lang):
    event, other, public_body = trip
    t = partial(translated, lang)
    log_in(page, live_server, "anna@example.com", lang)

    page.goto(f"{live_server}/events/{event.id}/companies")
    cards = page.locator(".directory-card")
    expect(cards).to_have_count(2)
    expect(page.get_by_role("link", name=HOST)).to_be_visible()
    expect(page.get_by_role("link", name=PUBLIC_BODY)).to_be_visible()
    expect(page.get_by_text(OTHER_DELEGATE)).to_have_count(0)
    expect(cards.filter(has_text=PUBLIC_BODY).get_by_text(
        t("No meetings planned with this group"))).to_be_visible()
    screenshot("directory")

    response = page.goto(f"{live_server}/events/{event.id}/companies/{other.id}")
    assert response.status == 404

    page.goto(f"{live_server}/events/{event.id}/companies/{public_body.id}")
    expect(page.get_by_text(t("The organizer has not planned meetings between your group and "
                              "%(group)s.", group="Public bodies"))).to_be_visible()
    expect(page.get_by_role("button", name=t("Request a meeting"))).to_have_count(0)
    screenshot("public-body")

    page.goto(f"{live_server}/events/{event.id}/companies")
    page.get_by_role("link", name=HOST).click()
    page.get_by_label(t("Why should you meet?")).fill("Housings for your thermal cameras.")
    page.get_by_role("button", name=t("Request a meeting")).click()
    expect(page.get_by_text(t("Your request has been sent to %(name)s.", name=HOST))) \
        .to_be_visible()
    db.session.expire_all()
    assert [r.recipient.name for r in db.session.scalars(db.select(MeetingRequest))] == [HOST]
