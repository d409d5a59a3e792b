import pytest

from matchmaker.models import Company, User
from tests.conftest import PROFILE


def form_data(**overrides) -> dict:
    return {**PROFILE, **overrides}


@pytest.fixture
def member(make_user, auth):
    user = make_user()
    auth.login()
    return user


def test_create_profile_with_tags_and_see_it(client, member, db):
    response = client.post("/companies/new", data=form_data(tags=["ml.16", "du.2", "sg.drones"]))
    assert response.status_code == 302
    company = db.session.scalar(db.select(Company))
    assert company.members == [member]
    assert company.tags == ["du.2", "ml.16", "sg.drones"]
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Präzision Pforzheim GmbH".encode() in page.data
    assert b"Drones" in page.data
    assert b"EN 9100" in page.data


def test_new_profile_page_lists_every_tag_grouped_by_family(client, member):
    page = client.get("/companies/new").data.decode()
    for tag_id in ("ci.energy", "du.0", "du.9", "ml.1", "ml.22", "sg.counter-drone"):
        assert f'value="{tag_id}"' in page
    assert page.index('value="ci.energy"') < page.index('value="du.0"') < page.index('value="ml.1"')


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", b"This field is required"),
        ("country", "XX", b"Not a valid choice"),
        ("website", "not a url", b"Invalid URL"),
        ("phone", "call me maybe", b"Enter a phone number"),
        ("tags", [], b"Choose at least one capability tag"),
        ("tags", ["du.42"], b"is not a valid choice"),
        ("languages", [], b"This field is required"),
        ("description", "x" * 3001, b"Field cannot be longer than 3000 characters"),
        ("size", "huge", b"Not a valid choice"),
    ],
)
def test_bad_profile_input_is_shown_at_the_field_and_nothing_is_lost(
    client, member, db, field, value, message
):
    response = client.post("/companies/new", data=form_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.data
    assert b"is-invalid" in response.data or b"alert-danger" in response.data
    if field != "description":
        assert PROFILE["description"].encode() in response.data
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 0


def test_company_names_are_unique_regardless_of_case(client, member, make_user, make_company):
    make_company(make_user(email="other@example.com"), name="Optronique SAS")
    response = client.post("/companies/new", data=form_data(name="optronique sas"))
    assert response.status_code == 400
    assert b"registered already" in response.data


def test_only_members_and_organizers_edit_a_company(app, client, make_user, make_company, auth,
                                                    make_event, enrol, db):
    from matchmaker.models import EventMember

    owner = make_user(email="owner@example.com")
    company = make_company(owner)
    make_user(email="stranger@example.com")
    org = make_user(email="org@example.com", role="organizer")
    make_user(email="elsewhere@example.com", role="organizer")
    event = make_event()
    enrol(event, company)
    db.session.add(EventMember(event_id=event.id, user_id=org.id, role="co_organizer",
                               countries=[], group_ids=[]))
    db.session.flush()

    auth.login("elsewhere@example.com")  # organizes no event the company registered for
    assert client.get(f"/companies/{company.id}").status_code == 404
    auth.logout()

    auth.login("stranger@example.com")
    assert client.get(f"/companies/{company.id}/edit").status_code == 404
    assert client.post(f"/companies/{company.id}/edit", data=form_data(city="X")).status_code \
        == 404
    assert client.get(f"/companies/{company.id}").status_code == 404
    auth.logout()

    auth.login("org@example.com")
    response = client.post(f"/companies/{company.id}/edit", data=form_data(city="Birkenfeld"))
    assert response.status_code == 302
    auth.logout()

    auth.login("owner@example.com")
    page = client.get(f"/companies/{company.id}")
    assert b"Birkenfeld" in page.data


def test_edit_keeps_typed_values_on_error(client, member, make_company):
    company = make_company(member)
    response = client.post(f"/companies/{company.id}/edit",
                           data=form_data(city="Neue Stadt", website="nope"))
    assert response.status_code == 400
    assert b'value="Neue Stadt"' in response.data


def test_anonymous_is_sent_to_login(client, make_user, make_company):
    company = make_company(make_user())
    response = client.get(f"/companies/{company.id}")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_unknown_company_is_404(client, member):
    assert client.get("/companies/999").status_code == 404


def test_user_with_a_company_is_sent_to_edit_instead_of_create(client, member, make_company):
    company = make_company(member)
    response = client.get("/companies/new")
    assert response.headers["Location"].endswith(f"/companies/{company.id}/edit")


def test_invite_a_colleague(client, member, make_company, outbox, db):
    company = make_company(member)
    response = client.post(f"/companies/{company.id}/members",
                           data={"name": "Jean Dupont", "email": "jean@example.com"})
    assert response.status_code == 302
    colleague = db.session.scalar(db.select(User).filter_by(email="jean@example.com"))
    assert colleague.company_id == company.id
    assert colleague.password_hash is None
    assert "/invitations/" in outbox.last_link()
    assert member.name in outbox.messages()[-1]  # names who added them


def test_invite_refuses_an_existing_account(client, member, make_company, make_user):
    company = make_company(member)
    make_user(email="taken@example.com")
    response = client.post(f"/companies/{company.id}/members",
                           data={"name": "X", "email": "taken@example.com"})
    assert response.status_code == 400
    assert b"exists already" in response.data


def test_tag_suggestions_from_the_typed_text(client, member):
    response = client.post("/companies/tag-suggestions", data={
        "text": "Wir entwickeln Drohnenabwehr und Wärmebildkameras.", "chosen": "ml.15"})
    assert response.status_code == 200
    ids = [tag["id"] for tag in response.json["tags"]]
    assert "sg.counter-drone" in ids
    assert "ml.15" not in ids
    assert all(tag["label"] for tag in response.json["tags"])


def test_tag_suggestions_refuse_oversized_text(client, member):
    response = client.post("/companies/tag-suggestions", data={"text": "x" * 10_001})
    assert response.status_code == 400


def test_tag_suggestions_need_a_login(client):
    assert client.post("/companies/tag-suggestions", data={"text": "drones"}).status_code == 302


def test_edit_page_suggests_tags_from_the_saved_text(client, member, make_company):
    company = make_company(member, offers="Hartanodisieren von Aluminiumgehäusen, Drohnenabwehr.",
                           tags=["du.2"])
    page = client.get(f"/companies/{company.id}/edit").get_data(as_text=True)
    assert 'data-add-tag="sg.counter-drone"' in page
