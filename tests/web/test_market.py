"""Offers and requests (the marketplace): a company's own items, who sees them, the
marketplace's search across languages, known partners."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from matchmaker.models import KnownPartner, Opportunity, RegistrationStatus

OPTRONICS = dict(
    country="FR", languages=["fr", "en"], tags=["du.6", "ml.15"],
    description="Fabricant de caméras thermiques pour la surveillance.",
    offers="Caméras thermiques infrarouges et optronique de surveillance.",
    seeks="Boîtiers en aluminium anodisé dur et usinage de précision.",
)
ANODISING = dict(
    country="DE", languages=["de"], tags=["du.2"],
    description="Oberflächentechnik aus Pforzheim.",
    offers="Hartanodisieren von Aluminiumgehäusen, Präzisionsbearbeitung.",
    seeks="Kunden aus der Optronik und Wärmebildkameras.",
)


def item(company, kind="offer", title="Caméras thermiques pour drones", text="", tags=(),
         expires_on=None, **extra):
    from matchmaker.extensions import db

    found = Opportunity(company=company, kind=kind, title=title, text=text, tags=list(tags),
                        expires_on=expires_on, **extra)
    db.session.add(found)
    db.session.flush()
    return found


def form(**changes):
    data = {"kind": "offer", "title": "Hard-anodised aluminium housings",
            "text": "Series of 50 to 5,000, EN 9100.", "tags": ["du.2"], "expires_on": ""}
    data.update(changes)
    return data


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def optro(make_participant, event):
    return make_participant("optro", event, locale="fr", **OPTRONICS)[1]


@pytest.fixture
def galva(make_participant, event):
    return make_participant("galva", event, **ANODISING)[1]


# ---- a company's own items -----------------------------------------------------------------


def test_a_company_publishes_edits_and_deletes_its_items(client, auth, db, galva):
    auth.login("galva@example.com")
    page = client.get(f"/companies/{galva.id}").get_data(as_text=True)
    assert "No offers or requests yet" in page
    response = client.post(f"/companies/{galva.id}/opportunities/new", data=form(),
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your offer is published." in page
    assert "Hard-anodised aluminium housings" in page
    found = db.session.scalar(db.select(Opportunity))
    assert found.company_id == galva.id and found.tags == ["du.2"]
    response = client.post(f"/companies/{galva.id}/opportunities/{found.id}/edit",
                           data=form(kind="request", title="Wärmebildkamera-Gehäuse",
                                     military_items="y"), follow_redirects=True)
    assert "Your changes are saved." in response.get_data(as_text=True)
    db.session.refresh(found)
    assert (found.kind, found.title, found.military_items) == ("request",
                                                               "Wärmebildkamera-Gehäuse", True)
    response = client.post(f"/companies/{galva.id}/opportunities/{found.id}/delete",
                           follow_redirects=True)
    assert "is deleted" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Opportunity)) is None


def test_invalid_items_are_refused_with_messages(client, auth, db, galva):
    auth.login("galva@example.com")
    url = f"/companies/{galva.id}/opportunities/new"
    response = client.post(url, data=form(title=""))
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    response = client.post(url, data=form(expires_on=yesterday))
    assert response.status_code == 400 and "This date is in the past." in response.get_data(
        as_text=True)
    assert client.post(url, data=form(kind="barter")).status_code == 400
    assert client.post(url, data=form(tags=["no.such.tag"])).status_code == 400
    assert client.post(url, data=form(expires_on="31.02.2027")).status_code == 400
    assert db.session.scalar(db.select(Opportunity)) is None


def test_another_companys_items_answer_404(client, auth, db, optro, galva):
    theirs = item(optro)
    auth.login("galva@example.com")
    for url in (f"/companies/{optro.id}/opportunities/new",
                f"/companies/{optro.id}/opportunities/{theirs.id}/edit",
                f"/companies/{galva.id}/opportunities/{theirs.id}/edit"):
        assert client.get(url).status_code == 404
    for url in (f"/companies/{optro.id}/opportunities/{theirs.id}/delete",
                f"/companies/{galva.id}/opportunities/{theirs.id}/delete",
                f"/companies/{optro.id}/opportunities/new"):
        assert client.post(url, data=form()).status_code == 404
    assert db.session.get(Opportunity, theirs.id) is not None


# ---- who sees them ---------------------------------------------------------------------------


def test_items_show_on_the_company_page_but_expired_ones_do_not(client, auth, event, optro,
                                                                 galva):
    item(optro, title="Caméras thermiques pour drones", dual_use_items=True)
    item(optro, title="Vieille offre expirée", expires_on=date(2020, 1, 1))
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/companies/{optro.id}").get_data(as_text=True)
    assert "Caméras thermiques pour drones" in page
    assert "Dual-use items (Annex I)" in page
    assert "Vieille offre expirée" not in page
    market = client.get(f"/events/{event.id}/marketplace").get_data(as_text=True)
    assert "Caméras thermiques pour drones" in market and "Vieille offre" not in market
    auth.logout()
    auth.login("optro@example.com")  # its own page still lists it, marked expired
    own = client.get(f"/companies/{optro.id}").get_data(as_text=True)
    assert "Vieille offre expirée" in own


def test_unapproved_companies_items_are_invisible(client, auth, event, make_participant, galva):
    _, pending = make_participant("pending", event, status=RegistrationStatus.PENDING)
    _, rejected = make_participant("rejected", event, status=RegistrationStatus.REJECTED)
    item(pending, title="Pending secret offer")
    item(rejected, title="Rejected secret offer")
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/marketplace?q=secret").get_data(as_text=True)
    assert "secret offer" not in page
    assert client.get(f"/events/{event.id}/companies/{pending.id}").status_code == 404
    auth.logout()
    auth.login("pending@example.com")  # awaiting approval: told to wait
    assert client.get(f"/events/{event.id}/marketplace").status_code == 403


def test_the_group_matrix_decides_whose_items_are_listed(client, auth, db, event, organizer,
                                                         make_participant):
    from matchmaker.events import groups

    buyers = groups.add_group(event, groups.GroupData(name="Buyers"), organizer)
    sellers = groups.add_group(event, groups.GroupData(name="Sellers"), organizer)
    hidden = groups.add_group(event, groups.GroupData(name="Others"), organizer)
    groups.set_matrix(event, {(buyers.id, sellers.id)}, organizer, confirmed=True)
    make_participant("buyer", event, group=buyers)
    _, seller = make_participant("seller", event, group=sellers)
    _, other = make_participant("other", event, group=hidden)
    item(seller, title="Seller offer")
    item(other, title="Other group offer")
    auth.login("buyer@example.com")
    page = client.get(f"/events/{event.id}/marketplace").get_data(as_text=True)
    assert "Seller offer" in page and "Other group offer" not in page


def test_another_events_marketplace_answers_404(client, auth, make_event, galva):
    other = make_event(name="Another fair")
    auth.login("galva@example.com")
    assert client.get(f"/events/{other.id}/marketplace").status_code == 404


# ---- search across languages ---------------------------------------------------------------


def test_the_marketplace_finds_french_items_for_an_english_query(client, auth, event, optro,
                                                                  galva):
    item(optro, title="Caméras thermiques pour drones", tags=["ml.15"])
    item(galva, kind="request", title="Kunden für Oberflächentechnik")
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/marketplace?q=thermal").get_data(as_text=True)
    assert "Caméras thermiques pour drones" in page
    assert "Kunden für Oberflächentechnik" not in page
    page = client.get(f"/events/{event.id}/marketplace?kind=request").get_data(as_text=True)
    assert "Kunden für Oberflächentechnik" in page and "Caméras thermiques" not in page
    page = client.get(f"/events/{event.id}/marketplace?tag=ml.15").get_data(as_text=True)
    assert "Caméras thermiques" in page and "Kunden für" not in page
    page = client.get(f"/events/{event.id}/marketplace?q=zzzqqq").get_data(as_text=True)
    assert "Nothing matches" in page
    assert client.get(f"/events/{event.id}/marketplace?kind=x&tag=y&q="
                      + "a" * 300).status_code == 200
    assert client.get(f"/events/{event.id}/marketplace?tag=%00&q=" + "a" * 5000).status_code \
        == 400


def test_the_directory_finds_the_french_company_for_thermal(client, auth, event, optro, galva,
                                                            make_participant):
    make_participant("turner", event, country="DE", languages=["de"], tags=["ml.16"],
                     description="Drehteile.", offers="CNC-Drehen von Titan.",
                     seeks="Kunden aus der Luftfahrt.")
    auth.login("turner@example.com")
    page = client.get(f"/events/{event.id}/companies?q=thermal").get_data(as_text=True)
    assert "Optro SAS" in page
    page = client.get(f"/events/{event.id}/companies?q=Galva").get_data(as_text=True)
    assert "Galva SAS" in page and "Optro SAS" not in page


# ---- known partners -------------------------------------------------------------------------


def test_a_company_marks_a_partner_as_known_and_undoes_it(client, auth, db, event, optro,
                                                          galva):
    auth.login("galva@example.com")
    url = f"/events/{event.id}/companies/{optro.id}"
    assert "We already know them" in client.get(url).get_data(as_text=True)
    page = client.post(url + "/known", follow_redirects=True).get_data(as_text=True)
    assert "Known partner" in page
    client.post(url + "/known")  # twice: still one mark
    assert db.session.scalar(db.select(db.func.count(KnownPartner.id))) == 1
    page = client.post(url + "/known/undo", follow_redirects=True).get_data(as_text=True)
    assert "We already know them" in page
    assert client.post(f"/events/{event.id}/companies/{galva.id}/known").status_code == 404


# ---- suggestions: items, known partners, learning, the cap ----------------------------------


def test_suggestions_quote_the_items_that_meet(client, auth, event, optro, galva):
    item(optro, kind="request", title="Boîtiers en aluminium anodisé dur",
         text="Boîtiers usinés et anodisés pour caméras thermiques.", tags=["du.2"])
    item(galva, kind="offer", title="Hartanodisierte Aluminiumgehäuse",
         text="Gehäuse aus eloxiertem Aluminium, hartanodisiert.", tags=["du.2"])
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    quoted = ("Their request «Boîtiers en aluminium anodisé dur» meets your offer "
              "«Hartanodisierte Aluminiumgehäuse»")
    assert "Your offers and requests meet theirs" in page
    assert quoted in page.replace("&#34;", '"')
    auth.logout()
    auth.login("optro@example.com")  # in French for the French reader
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert ("Votre demande « Boîtiers en aluminium anodisé dur » rencontre leur offre "
            "« Hartanodisierte Aluminiumgehäuse »") in page


def test_known_partners_are_shown_as_known_not_suggested(client, auth, db, event, optro,
                                                         galva):
    auth.login("galva@example.com")
    client.post(f"/events/{event.id}/companies/{optro.id}/known")
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert "Partners you already know" in page and "Known partner" in page
    assert f'id="suggestion-{optro.id}"' not in page
    auth.logout()
    auth.login("optro@example.com")  # the other side: not suggested, and not told why
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert f'id="suggestion-{galva.id}"' not in page
    assert "Partners you already know" not in page


def test_the_engine_learns_from_the_events_feedback(app, db, event, optro, galva,
                                                    make_participant, monkeypatch):
    from matchmaker.models import MeetingRating, MeetingRequest, NotInterested
    from matchmaker.suggestions import services

    _, third = make_participant("third", event)
    accepted = MeetingRequest(event_id=event.id, sender_id=galva.id, recipient_id=optro.id,
                              status="accepted", day_status="held")
    declined = MeetingRequest(event_id=event.id, sender_id=third.id, recipient_id=optro.id,
                              status="declined")
    db.session.add_all([accepted, declined, NotInterested(event_id=event.id,
                                                          company_id=galva.id,
                                                          other_company_id=third.id)])
    db.session.flush()
    db.session.add(MeetingRating(request_id=accepted.id, company_id=galva.id, rating=5))
    db.session.flush()
    signals = services.event_signals(event.id)
    assert signals.requests == [(str(galva.id), str(optro.id), "accepted"),
                                (str(third.id), str(optro.id), "declined")]
    assert signals.meetings == [(str(galva.id), str(optro.id), 5.0)]
    assert signals.not_interested == [(str(galva.id), str(third.id))]
    seen = []
    monkeypatch.setattr("matchmaker.engine.matching.Matcher.learn",
                        lambda self, s: seen.append(s) or self)
    services._cache.clear()
    services.fitted_event(event.id)
    assert seen == [signals]
    first = services.fitted_event(event.id)
    db.session.add(MeetingRating(request_id=accepted.id, company_id=optro.id, rating=2))
    db.session.flush()
    assert services.fitted_event(event.id) is not first  # new feedback: learnt again


def test_no_company_is_suggested_to_more_than_the_cap(app, db, event, make_participant):
    from matchmaker.suggestions import services

    app.config["SUGGESTION_CAP"] = 2
    make_participant("hub", event, **OPTRONICS)  # what every other company seeks
    for n in range(6):
        make_participant(f"seeker{n}", event, country="DE", languages=["de"], tags=["du.2"],
                         description=f"Werkstatt {n}.", offers=f"Hartanodisieren, Los {n}.",
                         seeks="Wärmebildkameras und Optronik für Überwachung.")
    fitted = services.fitted_event(event.id)
    appearances = [cid for listed in fitted.listed.values() for cid in listed]
    assert max(appearances.count(c) for c in set(appearances)) <= 2
    hub = next(c for c in fitted.company_ids if str(c) in fitted.over_cap)
    lists = [services.suggestions_for(event.id, c, 10, "en") for c in sorted(fitted.company_ids)
             if c != hub]
    assert sum(hub in [s.company.id for s in found] for found in lists) <= 2


def test_the_demo_has_offers_requests_and_known_partners(runner, db, client, app):
    from matchmaker.models import Event

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    count = db.session.scalar(db.select(db.func.count(Opportunity.id)))
    assert count >= 20
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert db.session.scalar(db.select(db.func.count(Opportunity.id))) == count  # once
    assert db.session.scalar(db.select(db.func.count(KnownPartner.id))) == 2
    event = db.session.scalar(db.select(Event))
    client.post("/auth/login", data={
        "email": "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example",
        "password": app.config["DEMO_PASSWORD"]})
    page = client.get(f"/events/{event.id}/marketplace?q=thermal").get_data(as_text=True)
    assert "Caméras thermiques pour la surveillance côtière" in page
    suggestions = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert "Ihre Angebote und Gesuche treffen auf ihre" in suggestions  # Sabine reads German
    assert "«Boîtiers en aluminium anodisé dur noir»" in suggestions


# ---- interchange ----------------------------------------------------------------------------


def test_items_and_known_partners_go_out_and_come_back_in_the_profiles_format(
        client, auth, db, event, make_event, optro, galva):
    import io
    import json

    item(optro, kind="request", title="Boîtiers anodisés", text="Noirs.", tags=["du.2"])
    item(optro, title="Ancienne offre", expires_on=date(2020, 1, 1))
    db.session.add(KnownPartner(company_id=optro.id, other_company_id=galva.id))
    db.session.flush()
    auth.login("organizer@example.com")
    document = json.loads(client.post(
        f"/organizer/events/{event.id}/export/profiles.json").data)
    optro_doc = next(c for c in document["companies"] if c["name"] == "Optro SAS")
    assert optro_doc["opportunities"] == [{"id": optro_doc["opportunities"][0]["id"],
                                           "kind": "request", "title": "Boîtiers anodisés",
                                           "text": "Noirs.", "tags": ["du.2"]}]
    assert optro_doc["known"] == [f"c{galva.id}"]
    sheet = client.post(f"/organizer/events/{event.id}/export/opportunities.json").data
    assert [r["title"] for r in json.loads(sheet)["opportunities"]] == ["Boîtiers anodisés"]

    other = make_event(name="Next fair")
    document["companies"][0]["opportunities"] = [
        {"id": "x1", "kind": "offer", "title": "Caméras thermiques", "text": "", "tags": []}]
    optro_doc["opportunities"][0]["text"] = "Noirs et mats."

    def post(doc):
        raw = json.dumps(doc).encode()
        return client.post(f"/organizer/events/{other.id}/import-profiles",
                           data={"file": (io.BytesIO(raw), "p.json"), "approve": "y"},
                           content_type="multipart/form-data")

    assert post(document).status_code == 302
    assert post(document).status_code == 302  # again: updates, no copies
    titles = sorted(db.session.scalars(db.select(Opportunity.title)))
    assert titles.count("Boîtiers anodisés") == 1 and "Caméras thermiques" in titles
    assert db.session.scalar(db.select(Opportunity.text).filter_by(
        title="Boîtiers anodisés")) == "Noirs et mats."
    assert db.session.scalar(db.select(db.func.count(KnownPartner.id))) == 1
    document["companies"][0]["opportunities"] = [{"id": "x", "kind": "barter", "title": "X"}]
    refused = post(document)
    assert refused.status_code == 400 and "offer" in refused.get_data(as_text=True)


def test_organizers_browse_the_marketplace_without_a_company(client, auth, event, optro):
    item(optro, title="Caméras thermiques pour drones")
    auth.login("organizer@example.com")
    page = client.get(f"/events/{event.id}/marketplace").get_data(as_text=True)
    assert "Caméras thermiques pour drones" in page
    assert "Publish an offer or request" not in page
    assert "We already know them" not in client.get(
        f"/events/{event.id}/companies/{optro.id}").get_data(as_text=True)
