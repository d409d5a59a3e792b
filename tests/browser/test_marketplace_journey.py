"""Offers and requests in a real browser, in three languages: a German delegation company
publishes a request on its company page, finds the French host's offer in the marketplace by
an English word ("thermal" → "caméras thermiques"), sees its request meet that offer in its
suggestions, and marks the host as a partner it already knows. The marketplace at phone
width passes axe."""

from functools import partial

import pytest
from playwright.sync_api import expect

from matchmaker.extensions import db
from matchmaker.models import KnownPartner, Opportunity
from matchmaker.unit_of_work import commit
from tests.browser.conftest import PHONE, log_in
from tests.conftest import translated

pytestmark = pytest.mark.browser

HOST = "Optronique de l'Iroise SAS"
OFFER = "Caméras thermiques pour drones"
REQUEST = "Wärmebildkameras für Drohnen"


@pytest.fixture
def fair(make_event, make_participant, lang):
    event = make_event(tables="T1-T6")
    _, anna = make_participant(
        "anna", event, name="Feinwerk Enz GmbH", locale=lang, country="DE", languages=["de"],
        tags=["sg.drones"], description="Drohnenbau in Pforzheim.",
        offers="Drohnen für die Inspektion.", seeks="Wärmebildkameras für unsere Drohnen.")
    _, host = make_participant(
        "yann", event, name=HOST, country="FR", languages=["fr"], tags=["ml.15", "du.6"],
        description="Optronique bretonne.", offers="Caméras thermiques refroidies.",
        seeks="Intégrateurs de drones.")
    db.session.add(Opportunity(company=host, kind="offer", title=OFFER,
                               text="Caméras thermiques légères pour drones de surveillance.",
                               tags=["ml.15"]))
    make_participant("zoe", event, name="Zoe Logistik GmbH", country="DE", languages=["de"],
                     tags=["ci.transport"], description="Spedition.", offers="Transporte.",
                     seeks="Kunden.")
    commit()  # the live server reads them from another connection
    return event, anna, host


@pytest.mark.parametrize("lang", ["en", "de", "fr"])
def test_a_company_publishes_a_request_and_finds_a_partner_across_languages(
        live_server, page, screenshot, axe, fair, lang):
    event, anna, host = fair
    t = partial(translated, lang)
    log_in(page, live_server, "anna@example.com", lang)

    page.goto(f"{live_server}/companies/{anna.id}")
    expect(page.get_by_text(t("No offers or requests yet. Publish what you offer and what "
                              "you look for: partners find them in the marketplace of your "
                              "events, in their own language."))).to_be_visible()
    page.get_by_role("link", name=t("New request")).click()
    page.get_by_role("button", name=t("Save")).click()  # nothing typed: refused, explained
    expect(page.get_by_text(t("Please correct the marked fields. Nothing you typed is "
                              "lost."))).to_be_visible()
    page.get_by_label(t("Title")).fill(REQUEST)
    page.get_by_label(t("Details")).fill("Leichte Wärmebildkameras für Inspektionsdrohnen.")
    page.get_by_label(t("Capability tags")).select_option(["sg.drones"])
    screenshot("editor")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_text(t("Your request is published."))).to_be_visible()
    expect(page.locator(".opportunity-title", has_text=REQUEST)).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(db.select(Opportunity.kind).filter_by(title=REQUEST)) == "request"

    page.goto(f"{live_server}/events/{event.id}/marketplace")
    page.get_by_label(t("Search")).fill("thermal")
    page.get_by_role("button", name=t("Show")).click()
    results = page.locator(".market-results .opportunity-card")
    expect(results.filter(has_text=OFFER)).to_have_count(1)
    expect(results.filter(has_text="Zoe")).to_have_count(0)
    screenshot("marketplace-search")
    page.get_by_label(t("Kind")).select_option("request")
    page.get_by_role("button", name=t("Show")).click()
    expect(page.locator(".market-results .opportunity-card", has_text=OFFER)).to_have_count(0)

    page.goto(f"{live_server}/events/{event.id}/suggestions")
    reason = page.locator(".item-reason").first
    expect(reason).to_contain_text(f"«{REQUEST}»".replace("«", "« ").replace("»", " »")
                                   if lang == "fr" else f"«{REQUEST}»")
    expect(reason).to_contain_text(OFFER)
    screenshot("suggestions")

    page.goto(f"{live_server}/events/{event.id}/marketplace")
    page.locator(".opportunity-card", has_text=OFFER).get_by_role("link", name=HOST).click()
    expect(page.get_by_role("heading", name=t("Offers and requests"))).to_be_visible()
    page.get_by_role("button", name=t("We already know them")).click()
    expect(page.get_by_text(t("Known partner"), exact=True)).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(db.select(KnownPartner.other_company_id)) == host.id
    page.goto(f"{live_server}/events/{event.id}/suggestions")
    expect(page.get_by_role("heading", name=t("Partners you already know"))).to_be_visible()
    expect(page.locator(f"#suggestion-{host.id}")).to_have_count(0)

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server}/events/{event.id}/marketplace?q=thermal")
    expect(page.locator(".opportunity-card", has_text=OFFER)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the marketplace scrolls sideways at 360 px ({width})"
    screenshot("marketplace-phone")
    assert axe(page) == []
