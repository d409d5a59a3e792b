"""Suggested contacts for participants, the organizer's match matrix, and cached embeddings."""

import re

import numpy as np
import pytest

from matchmaker.engine.embedding import encoder_available
from matchmaker.models import CompanyEmbedding, RegistrationStatus
from matchmaker.suggestions import services
from matchmaker.suggestions.embeddings import vectors_of

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
TURNING = dict(
    country="DE", languages=["de"], tags=["ml.16"],
    description="Drehteile für die Luftfahrt.", offers="CNC-Drehen von Titan.",
    seeks="Kunden aus der Luft- und Raumfahrt.",
)


def suggested_names(page: str) -> list[str]:
    return re.findall(r'<h2 class="h5 mb-0" id="suggestion-\d+">([^<]+)</h2>', page)


@pytest.fixture
def event(make_event):
    return make_event()


@pytest.fixture
def optro(make_participant, event):
    return make_participant("optro", event, locale="fr", **OPTRONICS)


@pytest.fixture
def galva(make_participant, event):
    return make_participant("galva", event, **ANODISING)


@pytest.fixture
def turner(make_participant, event):
    return make_participant("turner", event, **TURNING)


def test_participant_sees_the_complementary_company_with_reasons(client, auth, event, optro,
                                                                 galva, turner):
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert suggested_names(page)[0] == "Optro SAS"  # the look-alike turner never ranks first
    assert "Their offer meets your need" in page
    assert "Galva SAS</h2>" not in page  # never the company itself
    assert "Strong match" in page


def test_reasons_are_in_the_readers_language(client, auth, event, optro, galva):
    auth.login("optro@example.com")
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert "Galva SAS" in page
    assert "Leur offre répond à votre besoin" in page


def test_unapproved_companies_are_never_suggested(client, auth, event, make_participant, galva):
    make_participant("pending", event, status=RegistrationStatus.PENDING, **OPTRONICS)
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert "Pending SAS" not in page
    assert "No suggestions yet" in page


@pytest.mark.parametrize("who", ["pending", "other-event", "no-company"])
def test_only_approved_participants_get_suggestions(client, auth, event, galva, make_event,
                                                    make_participant, make_user, who):
    if who == "pending":
        make_participant(who, event, status=RegistrationStatus.PENDING)
    elif who == "other-event":
        make_participant(who, make_event(name="Another fair"))
    else:
        make_user(f"{who}@example.com")
    auth.login(f"{who}@example.com")
    response = client.get(f"/events/{event.id}/suggestions")
    if who == "pending":  # its own registration: told to wait, not a bare 404
        assert response.status_code == 403
        assert "available once the organizer approves your registration" in response.get_data(
            as_text=True)
    else:
        assert response.status_code == 404


def test_anonymous_is_sent_to_login(client, event):
    response = client.get(f"/events/{event.id}/suggestions")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_not_interested_hides_a_suggestion_until_undone(client, auth, event, optro, galva, db):
    _user, optro_company = optro
    auth.login("galva@example.com")
    url = f"/events/{event.id}/suggestions/{optro_company.id}/not-interested"
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # a double click changes nothing
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert "will not be suggested to you again" in page
    assert "Request a meeting" not in page
    assert "1 company marked" in page
    client.post(f"/events/{event.id}/suggestions/{optro_company.id}/undo")
    assert "Request a meeting" in client.get(f"/events/{event.id}/suggestions").get_data(
        as_text=True)


def test_not_interested_refuses_invisible_companies_and_get(client, auth, event, galva,
                                                            make_participant):
    _user, hidden = make_participant("hidden", event, status=RegistrationStatus.PENDING)
    _user, own = galva
    auth.login("galva@example.com")
    base = f"/events/{event.id}/suggestions"
    assert client.post(f"{base}/{hidden.id}/not-interested").status_code == 404
    assert client.post(f"{base}/{own.id}/not-interested").status_code == 404
    assert client.post(f"{base}/99999/not-interested").status_code == 404
    assert client.get(f"{base}/{hidden.id}/not-interested").status_code == 405


def test_companies_in_contact_are_shown_as_such(client, auth, event, optro, galva):
    _user, optro_company = optro
    auth.login("galva@example.com")
    client.post(f"/events/{event.id}/companies/{optro_company.id}/request",
                data={"note": "Let us talk about housings."})
    page = client.get(f"/events/{event.id}/suggestions").get_data(as_text=True)
    assert "Already in contact" in page
    assert "Request open or meeting agreed" in page


def test_request_link_prefills_the_note_with_the_reasons(client, auth, event, optro, galva):
    _user, optro_company = optro
    auth.login("galva@example.com")
    page = client.get(f"/events/{event.id}/companies/{optro_company.id}",
                      query_string={"note": "Their offer meets your need: optronics"})
    assert "Their offer meets your need: optronics</textarea>" in page.get_data(as_text=True)


def test_organizer_sees_the_match_matrix(client, auth, event, optro, galva, turner):
    auth.login("organizer@example.com")
    pairs = client.get(f"/organizer/events/{event.id}/matches").get_data(as_text=True)
    assert "Optro SAS" in pairs and "Galva SAS" in pairs
    heatmap = client.get(f"/organizer/events/{event.id}/matches?view=heatmap")
    assert heatmap.status_code == 200
    assert b"heat-3" in heatmap.data
    nobody = client.get(f"/organizer/events/{event.id}/matches?view=unsuggested")
    assert nobody.status_code == 200


def test_match_matrix_of_an_empty_event(client, auth, event):
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/matches")
    assert b"Not enough approved participants" in page.data


def test_participants_cannot_open_the_match_matrix(client, auth, event, galva):
    auth.login("galva@example.com")
    assert client.get(f"/organizer/events/{event.id}/matches").status_code == 404  # not on team


def test_matcher_is_refitted_only_when_a_profile_changes(app, event, optro, galva):
    from matchmaker.companies.services import ProfileData, update_company
    from tests.conftest import PROFILE

    first = services.event_matches(event.id).fitted
    assert services.event_matches(event.id).fitted is first
    _user, company = galva
    update_company(company, ProfileData(**{**PROFILE, "name": "Galva SAS",
                                           "offers": "Galvanik und Hartanodisieren."}))
    assert services.event_matches(event.id).fitted is not first


def test_matcher_is_refitted_when_only_the_tags_change(app, event, optro, galva):
    from matchmaker.companies.services import ProfileData, update_company
    from tests.conftest import PROFILE

    _user, company = galva
    update_company(company, ProfileData(**{**PROFILE, "name": "Galva SAS", "tags": ["du.2"]}))
    first = services.fitted_event(event.id)
    update_company(company, ProfileData(**{**PROFILE, "name": "Galva SAS",
                                           "tags": ["du.2", "ml.15"]}))
    assert services.fitted_event(event.id) is not first


def test_a_page_view_does_not_reload_every_profile(app, db, event, optro, galva):
    """Once fitted, the cache check reads ids, update times and digests only: never the
    texts and vectors of every approved company (megabytes at 500 companies)."""
    from sqlalchemy import event as sa_event

    services.fitted_event(event.id)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", record)
    try:
        contacts = services.suggestions_for(event.id, optro[1].id, 10, "en")
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", record)
    assert [c.company.id for c in contacts] == [galva[1].id]
    assert not any("company_embeddings.vectors" in s
                   or ("companies.offers" in s and "IN (" not in s)  # only the shown ones
                   for s in statements)


@pytest.mark.skipif(not encoder_available(), reason="the embeddings extra is not installed")
@pytest.mark.parametrize("app_config", [{"USE_ENCODER": True}])
def test_profiles_are_embedded_when_saved(app, db, make_user, make_company):
    company = make_company(make_user())
    cached = db.session.get(CompanyEmbedding, company.id)
    assert cached is not None
    vectors = vectors_of(company)
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    company.offers = "Something else entirely"
    assert vectors_of(company) is None  # stale once the text changes
