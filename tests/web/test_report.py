"""The trip report: figures against a trip with known numbers, per group, charts, the PDF."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib

import pytest

from matchmaker.models import AuditEntry
from matchmaker.report.services import trip_report
from tests.web.survey_world import finished_trip, path_of, send_survey, survey_links


@pytest.fixture
def answered_trip(make_event, make_participant, organizer, client, auth, outbox):
    """The finished trip after the survey: Alice reports a contract with Bob and an offer from
    Carl; Bob reports an offer from Alice; Carl has not answered."""
    event, companies, meetings = finished_trip(make_event, make_participant, organizer)
    auth.login("organizer@example.com")
    send_survey(client, event)
    auth.logout()
    links = survey_links(outbox)
    ab, ac = meetings["alice-bob"].id, meetings["alice-carl"].id
    client.post(path_of(links["alice"]), data={f"meeting_{ab}": "contract",
                                               f"meeting_{ac}": "offer", "overall_rating": "5",
                                               "comment": "Ein Auftrag über 40 000 €."})
    client.post(path_of(links["bob"]), data={f"meeting_{ab}": "offer", "overall_rating": "4"})
    return event


def test_figures_of_the_whole_trip(app, answered_trip):
    with app.test_request_context():
        total = trip_report(answered_trip).total
    assert (total.companies, total.requested, total.agreed, total.held) == (5, 5, 3, 2)
    assert total.acceptance_rate == pytest.approx(3 / 5)
    assert sorted(total.ratings) == [2, 4, 5] and total.follow_ups == 1
    assert (total.invited, total.answered) == (3, 2)
    # Alice–Bob counts as a contract (the most advanced answer), Alice–Carl as an offer.
    assert (total.outcome("contract"), total.outcome("offer"), total.outcome("project"),
            total.outcome("nothing")) == (1, 1, 0, 0)
    assert total.with_outcome == 2
    assert total.without_meetings == 1  # Dora


def test_figures_per_group(app, answered_trip):
    with app.test_request_context():
        report = trip_report(answered_trip)
    (breakdown,) = report.breakdowns
    rows = {row.name: row for row in breakdown.rows}
    delegation, hosts = rows["Delegation"], rows["Hosts"]
    assert (delegation.companies, delegation.requested, delegation.agreed, delegation.held) == \
        (2, 4, 3, 2)
    assert (hosts.companies, hosts.requested, hosts.agreed, hosts.held) == (3, 1, 3, 2)
    assert delegation.ratings == [5] and delegation.follow_ups == 1
    assert sorted(hosts.ratings) == [2, 4] and hosts.average_rating == 3
    assert (delegation.invited, delegation.answered, hosts.invited, hosts.answered) == \
        (1, 1, 2, 1)
    assert hosts.without_meetings == 1 and delegation.without_meetings == 0
    assert delegation.outcome("contract") == hosts.outcome("contract") == 1


def test_the_page_shows_the_figures_and_the_charts(client, auth, answered_trip):
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{answered_trip.id}/report").get_data(as_text=True)
    key = page.split('id="key-figures"')[1].split("</table>")[0]
    assert re.search(r"Meetings requested</th><td[^>]*>5<", key)
    assert re.search(r"Meetings held</th><td[^>]*>2<", key)
    assert re.search(r"Survey: answered</th><td[^>]*>2 \(67", key)
    group = page.split('id="breakdown-group"')[1]
    assert 'data-bucket="Delegation"' in group and 'data-bucket="Hosts"' in group
    assert "Ein Auftrag über 40 000 €." in page  # the comment, without a name
    for name in ("meetings", "outcomes", "ratings"):
        assert f"/report/charts/{name}.svg" in page


@pytest.mark.parametrize("name", ["meetings", "outcomes", "ratings"])
def test_every_chart_is_valid_svg_without_scripts(client, auth, answered_trip, name):
    auth.login("organizer@example.com")
    response = client.get(f"/organizer/events/{answered_trip.id}/report/charts/{name}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    ET.fromstring(response.data)
    assert b"<script" not in response.data


def test_the_report_is_in_the_organizers_language(client, auth, answered_trip, db, organizer):
    organizer.locale = "fr"
    db.session.commit()
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{answered_trip.id}/report").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Rapport" in page


def pdf_text(data: bytes) -> str:
    """The text drawn on the pages of an fpdf2 document (its streams are zlib-compressed)."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            texts.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            texts.append(stream.decode("latin-1"))
    return "\n".join(texts)


def test_the_pdf_is_a_pdf_with_the_event_and_its_figures(client, auth, answered_trip, db):
    auth.login("organizer@example.com")
    assert client.get(f"/organizer/events/{answered_trip.id}/report.pdf").status_code == 405
    response = client.post(f"/organizer/events/{answered_trip.id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.data
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    text = pdf_text(data)
    # The en dash of the name is drawn as "-": Helvetica covers Latin-1 only.
    assert "Milipol Paris 2025 - Delegation Pforzheim" in text
    assert "Delegation" in text and "Hosts" in text
    assert "40 000 EUR" in text  # the euro sign, mapped
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="export"))
    assert entry.details["what"] == "trip_report"


def test_the_pdf_in_german_keeps_its_umlauts(client, auth, answered_trip, db, organizer):
    organizer.locale = "de"
    db.session.commit()
    auth.login("organizer@example.com")
    text = pdf_text(client.post(f"/organizer/events/{answered_trip.id}/report.pdf").data)
    assert "Reisebericht" in text or "Bericht" in text
    assert "über" in text  # from the comment, in Latin-1


def test_an_event_without_meetings_gets_an_empty_report(client, auth, make_event):
    event = make_event(name="Quiet trip")
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/report")
    assert page.status_code == 200 and "No meetings yet" in page.get_data(as_text=True)
    assert client.post(f"/organizer/events/{event.id}/report.pdf").data.startswith(b"%PDF-")


def test_participants_and_strangers_cannot_see_the_report(client, auth, answered_trip):
    assert client.get(f"/organizer/events/{answered_trip.id}/report").status_code == 302
    auth.login("alice@example.com")
    # Not on the event's team: the staff pages do not exist for her.
    assert client.get(f"/organizer/events/{answered_trip.id}/report").status_code == 404
    assert client.post(f"/organizer/events/{answered_trip.id}/report.pdf").status_code == 404


def test_the_demo_has_a_past_trip_with_a_full_report(runner, db, client, app):
    from matchmaker.demo.past_trip import PAST_EVENT_NAME
    from matchmaker.models import Event

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    living = db.session.scalar(db.select(Event).order_by(Event.id))
    assert living.name == "Milipol networking evening"  # the first event stays the living one
    past = db.session.scalar(db.select(Event).filter_by(name=PAST_EVENT_NAME))
    with app.test_request_context():
        total = trip_report(past).total
    assert total.requested > total.agreed > total.held > 15  # declined requests, no-shows
    assert len(total.ratings) > 20 and total.follow_ups > 0
    assert 0 < total.answered < total.invited and total.with_outcome > 0
    client.post("/auth/login", data={"email": "organizer@matchmaker.example",
                                     "password": app.config["DEMO_PASSWORD"]})
    page = client.get(f"/organizer/events/{past.id}/report").get_data(as_text=True)
    assert "Delegation Pforzheim" in page and "Gerne wieder!" in page
    assert client.get(f"/organizer/events/{past.id}/survey").status_code == 200


def test_figures_per_co_organizer(app, db, answered_trip, make_user):
    """Who recruited whom: a co-organizer responsible for Alice's company by hand."""
    from matchmaker.models import Company, EventMember, Registration

    cora = make_user("cora@example.com", name="Cora Kern")
    db.session.add(EventMember(event_id=answered_trip.id, user_id=cora.id, role="co_organizer",
                               countries=[], group_ids=[]))
    alice = db.session.scalar(db.select(Registration).join(Company).filter(
        Registration.event_id == answered_trip.id, Company.name.like("Alice%")))
    alice.responsible_id = cora.id
    db.session.flush()
    with app.test_request_context():
        report = trip_report(answered_trip)
    rows = {row.name: row for row in report.breakdowns[1].rows}
    assert set(rows) == {"Cora Kern", "Nobody in particular"}
    assert rows["Cora Kern"].companies == 1 and rows["Nobody in particular"].companies == 4
