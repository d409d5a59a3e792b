"""Badges: tokens (unguessable, revocable), the badges PDF (approved attendees only), check-in
by scanning (revoked and foreign badges refused, a double scan one check-in), contact capture
(only the fields the company shares, idempotent, seen by the scanned person) and the vCard
and CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
import vobject

from matchmaker.badges import services
from matchmaker.extensions import db
from matchmaker.models import (
    AuditEntry,
    Badge,
    CheckIn,
    Contact,
    Registration,
    RegistrationStatus,
)
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree


@pytest.fixture
def world(make_event, make_participant, enrol):
    event = make_event(tables="T1-T3")
    users, companies = {}, {}
    for key, name in (("anna", "Feinwerk Enz GmbH"), ("yann", "Optronique SAS")):
        users[key], companies[key] = make_participant(key, event, name=name,
                                                      phone="+33 1 23 45 67 89")
    users["late"], companies["late"] = make_participant(
        "late", event, status=RegistrationStatus.PENDING, name="Late Comer GmbH")
    other = make_event(name="Eurosatory evening")
    users["stranger"], companies["stranger"] = make_participant("stranger", other,
                                                                name="Stranger AG")
    db.session.commit()
    return dict(event=event, other=other, users=users, companies=companies)


def login(client, key):
    response = client.post("/auth/login", data={"email": f"{key}@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302


def issue(event) -> dict[str, str]:
    """Every attendee's token, by user name in lower case."""
    holders = services.issue_badges(event)
    db.session.commit()
    return {h.user.name.lower(): services.token_for(h.badge) for h in holders}


JSON = {"Accept": "application/json"}


# --- tokens --------------------------------------------------------------------------------

def test_tokens_are_unguessable_stored_hashed_and_only_for_approved_attendees(app, world):
    with app.test_request_context():
        tokens = issue(world["event"])
        assert set(tokens) == {"anna", "yann"}  # "late" is awaiting approval: no badge
        badge = db.session.scalar(db.select(Badge).filter_by(user_id=world["users"]["anna"].id))
        token = tokens["anna"]
        assert len(token) == 24 and token not in (badge.nonce, badge.token_hash)
        assert badge.token_hash == services.hash_token(token)
        assert str(world["users"]["anna"].id) != token and "anna" not in token
        assert services.token_from_scan(f"https://fair.example/b/{token}") == token
        assert services.token_from_scan("anna@example.com") is None
        assert issue(world["event"]) == tokens  # issuing again keeps the badges


def test_reissue_revokes_and_withdrawn_registration_refuses(app, world, organizer):
    event, anna = world["event"], world["users"]["anna"]
    with app.test_request_context():
        old = issue(event)["anna"]
        services.reissue(event, anna, organizer)
        db.session.commit()
        with pytest.raises(services.BadgeRefused, match="revoked"):
            services.resolve(event, old)
        new = issue(event)["anna"]
        assert new != old and services.resolve(event, new).user.id == anna.id
        registration = db.session.scalar(db.select(Registration).filter_by(
            company_id=world["companies"]["anna"].id))
        registration.status = RegistrationStatus.REJECTED.value
        db.session.commit()
        with pytest.raises(services.BadgeRefused, match="not approved"):
            services.resolve(event, new)
        issue(event)  # the next printing revokes it for good
        assert db.session.scalar(db.select(Badge).filter_by(
            user_id=anna.id, revoked_at=None)) is None


# --- the PDF -------------------------------------------------------------------------------

def test_badges_pdf_for_the_organizer_and_own_badge_for_approved_attendees(client, world):
    event = world["event"]
    login(client, "organizer")
    page = client.get(f"/organizer/events/{event.id}/badges").get_data(as_text=True)
    assert "Feinwerk Enz GmbH" in page and "Late Comer GmbH" not in page
    assert "Not printed yet" in page
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 0  # GET writes nothing
    for layout in ("a6", "a4"):
        response = client.post(f"/organizer/events/{event.id}/badges.pdf",
                               data={"layout": layout})
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
    assert db.session.scalar(db.select(db.func.count(Badge.id))) == 2
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="export")).details[
        "what"] == "badges"
    assert client.post(f"/organizer/events/{event.id}/badges.pdf",
                       data={"layout": "a0"}).status_code == 303
    client.post("/auth/logout")

    login(client, "anna")
    response = client.post(f"/events/{event.id}/badge.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert client.post(f"/events/{world['other'].id}/badge.pdf").status_code == 404
    client.post("/auth/logout")
    login(client, "late")  # awaiting approval: no badge
    assert client.post(f"/events/{event.id}/badge.pdf").status_code == 403


def test_pdf_carries_the_names_and_a_badge_url(app, world):
    from matchmaker.badges import pdf

    with app.test_request_context():
        face = pdf.BadgeFace("Milipol", "Zoë Åström-Łukasiewicz", "Zéphyr Drones SAS",
                             "France", "Delegation Pforzheim", "https://x.example/b/" + "a" * 24,
                             "a" * 24)
        body = pdf.badges_pdf([face] * 9, "a4")
    import pypdfium2

    assert body.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(body)
    assert len(document) == 2  # eight per sheet
    text = document[0].get_textpage().get_text_range()
    assert "Zoë Åström-Łukasiewicz" in text and "Delegation Pforzheim" in text
    assert "a" * 24 in text  # the code to type when no camera works


# --- check-in by scanning ------------------------------------------------------------------

def test_scan_checks_in_once_and_refuses_revoked_and_foreign_badges(app, client, world,
                                                                    organizer):
    event, other = world["event"], world["other"]
    with app.test_request_context():
        tokens = issue(event)
        foreign = issue(other)["stranger"]
    login(client, "organizer")
    url = f"/organizer/events/{event.id}/scan"
    post = f"{url}/check-in"
    assert client.get(url).status_code == 200
    answer = client.post(post, data={"token": f"http://localhost/b/{tokens['anna']}"},
                         headers=JSON)
    assert answer.status_code == 200
    assert answer.json == {"ok": True, "status": "checked_in", "name": "Anna",
                           "company": "Feinwerk Enz GmbH",
                           "message": "Anna (Feinwerk Enz GmbH) is checked in."}
    again = client.post(post, data={"token": tokens["anna"]}, headers=JSON)  # a second door
    assert again.json["status"] == "already"
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1

    refused = client.post(post, data={"token": foreign}, headers=JSON)
    assert refused.status_code == 422 and "another event" in refused.json["message"]
    refused = client.post(post, data={"token": "x" * 24}, headers=JSON)
    assert refused.status_code == 422 and "not a badge of ours" in refused.json["message"]
    with app.test_request_context():
        services.reissue(event, world["users"]["yann"], organizer)
        db.session.commit()
    refused = client.post(post, data={"token": tokens["yann"]})  # the form without JavaScript
    assert refused.status_code == 303
    assert "revoked" in client.get(url).get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1

    listing = client.get(f"{url}/attendees.json").json["attendees"]
    assert {a["name"]: a["checked_in"] for a in listing} == {"Anna": True, "Yann": False}
    assert all(len(a["hash"]) == 64 and a["hash"] not in tokens.values() for a in listing)


def test_two_organizers_scanning_at_once_make_one_check_in(app, world, organizer, make_user,
                                                           monkeypatch):
    """Both doors read "not in yet" before either writes: the check-in's unique key decides,
    the second scan answers "already checked in" and nothing is doubled."""
    event = world["event"]
    with app.test_request_context():
        token = issue(event)["anna"]
        colleague = make_user("door2@example.com", role="organizer")
        _, first = services.check_in_by_badge(event, token, organizer)
        db.session.commit()
        scalar = db.session.scalar

        def stale_read(statement, *args, **kwargs):  # door 2 looked before door 1 wrote
            return None if "check_ins" in str(statement) else scalar(statement, *args, **kwargs)

        monkeypatch.setattr(db.session, "scalar", stale_read)
        _, second = services.check_in_by_badge(event, token, colleague)
        monkeypatch.undo()
        assert (first, second) == (True, False)
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1


def test_open_badge_url_sends_each_to_their_scanner(app, client, world):
    event = world["event"]
    with app.test_request_context():
        token = issue(event)["yann"]
    login(client, "organizer")
    response = client.get(f"/b/{token}")
    assert response.status_code == 302 and f"/organizer/events/{event.id}/scan" in \
        response.location
    assert token in client.get(response.location).get_data(as_text=True)
    client.post("/auth/logout")
    login(client, "anna")
    assert f"/events/{event.id}/scan" in client.get(f"/b/{token}").location
    assert client.get("/b/" + "y" * 24).status_code == 404


# --- contacts ------------------------------------------------------------------------------

def test_contact_capture_shares_only_chosen_fields_and_is_idempotent(app, client, world):
    event, yann_company = world["event"], world["companies"]["yann"]
    with app.test_request_context():
        tokens = issue(event)
    login(client, "yann")
    page = client.get(f"/companies/{yann_company.id}/contact-sharing")
    assert page.status_code == 200
    client.post(f"/companies/{yann_company.id}/contact-sharing",
                data={"sent": "1", "fields": ["email"]})
    assert db.session.get(type(yann_company), yann_company.id).shared_contact_fields == ["email"]
    assert client.get(f"/companies/{world['companies']['anna'].id}/contact-sharing") \
        .status_code == 404
    client.post("/auth/logout")

    login(client, "anna")
    url = f"/events/{event.id}/contacts"
    answer = client.post(f"{url}/scan", data={"token": tokens["yann"], "note": "Thermal cameras"},
                         headers=JSON)
    assert answer.json["status"] == "new"
    assert answer.json["shared"] == {"Email": "yann@example.com"}  # not the phone
    again = client.post(f"{url}/scan", data={"token": tokens["yann"], "note": "Call in January",
                                   "follow_up": "y"}, headers=JSON)
    assert again.json["status"] == "updated"
    contacts = db.session.scalars(db.select(Contact)).all()
    assert len(contacts) == 1 and contacts[0].note == "Call in January" and \
        contacts[0].follow_up
    own = client.post(f"{url}/scan", data={"token": tokens["anna"]}, headers=JSON)
    assert own.status_code == 422 and "your own badge" in own.json["message"]

    page = client.get(url).get_data(as_text=True)
    assert "Yann" in page and "yann@example.com" in page and "+33 1 23" not in page
    assert client.get(f"/events/{world['other'].id}/contacts").status_code == 404
    client.post("/auth/logout")

    login(client, "yann")  # the scanned person sees who kept them
    page = client.get(url).get_data(as_text=True)
    assert "Who kept my contact" in page and "Feinwerk Enz GmbH" in page
    stolen = client.post(f"/events/{event.id}/contacts/{contacts[0].id}",
                         data={"note": "mine now"})
    assert stolen.status_code == 404


def test_exports_vcard_and_csv(app, client, world):
    event, anna_company, yann_company = (world["event"], world["companies"]["anna"],
                                         world["companies"]["yann"])
    yann_company.shared_contact_fields = ["email", "phone"]
    meeting = agree(event, anna_company, yann_company)
    meeting.day_status = "held"
    db.session.commit()
    with app.test_request_context():
        tokens = issue(event)
    login(client, "anna")
    client.post(f"/events/{event.id}/contacts/scan", data={"token": tokens["yann"],
                                                      "note": "=HYPERLINK(\"x\")"})
    card = vobject.readOne(client.get(f"/events/{event.id}/contacts.vcf").get_data(as_text=True))
    assert card.fn.value == "Yann" and card.org.value == ["Optronique SAS"]
    assert card.email.value == "yann@example.com" and card.tel.value == "+33 1 23 45 67 89"
    assert "Milipol networking evening" in card.note.value
    response = client.get(f"/events/{event.id}/contacts.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["name"] == "Yann" and rows[0]["phone"] == "+33 1 23 45 67 89"
    assert rows[0]["website"] == "" and rows[0]["meetings_held"] == "1"
    assert rows[0]["note"].startswith("'=")  # no formula when opened in a spreadsheet
    page = client.get(f"/events/{event.id}/contacts").get_data(as_text=True)
    assert "1 meeting with this company" in page and "1 held" in page


def test_the_demo_event_has_badges_and_contacts(runner, db, client, app):
    from matchmaker.models import Event

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(db.select(Event))
    assert db.session.scalar(db.select(db.func.count(Badge.id))) >= 35
    client.post("/auth/login", data={
        "email": "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example",
        "password": app.config["DEMO_PASSWORD"]})
    page = client.get(f"/events/{event.id}/contacts").get_data(as_text=True)
    assert "Optronique de l&#39;Iroise SAS" in page  # she kept them, they kept her (German)
    assert "Wer meinen Kontakt gespeichert hat" in page
    assert page.count("Optronique de l&#39;Iroise SAS") >= 2


def test_my_data_tells_contacts_both_ways(app, client, world):
    event = world["event"]
    with app.test_request_context():
        tokens = issue(event)
    login(client, "anna")
    client.post(f"/events/{event.id}/contacts/scan", data={"token": tokens["yann"],
                                                           "note": "Optics"})
    client.post("/auth/logout")
    login(client, "yann")
    import json

    document = json.loads(client.post("/account/data.json").data)
    assert document["kept_your_contact"][0]["company"] == "Feinwerk Enz GmbH"
    assert document["badges"][0]["revoked_at"] is None
    assert "Optics" not in str(document)  # Anna's note is hers
