"""The follow-up survey: the organizer sends it once per click to whoever has not answered;
each participant answers through a personal signed link without logging in."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from matchmaker.models import Survey, SurveyAnswer, SurveyInvitation, utcnow
from tests.conftest import shown, translated
from tests.web.survey_world import (
    CLOSES_ON,
    finished_trip,
    path_of,
    send_survey,
    survey_links,
)


@pytest.fixture
def trip(make_event, make_participant, organizer):
    return finished_trip(make_event, make_participant, organizer)


@pytest.fixture
def sent(trip, client, auth, outbox):
    auth.login("organizer@example.com")
    assert send_survey(client, trip[0]).status_code == 302
    auth.logout()
    return trip


def test_the_organizer_previews_and_sees_who_will_be_asked(client, auth, trip):
    event = trip[0]
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/survey").get_data(as_text=True)
    assert "Preview of the email" in page and "What came of your meetings" not in page
    assert "did it lead" not in page
    table = page.split('id="survey-recipients"')[1]
    # Companies with a meeting that was not a no-show: Anne's only one was, Dora has none.
    assert all(name in table for name in ("Alice GmbH", "Bob SAS", "Carl SAS"))
    assert "Anne GmbH" not in table and "Dora SAS" not in table
    assert table.count("not sent yet") == 3


def test_send_emails_each_recipient_once_in_their_language(client, auth, trip, outbox, db):
    event = trip[0]
    auth.login("organizer@example.com")
    response = send_survey(client, event)
    assert response.status_code == 302
    emails = outbox.emails()
    assert sorted(e["To"] for e in emails) == ["alice@example.com", "bob@example.com",
                                                "carl@example.com"]
    by_to = {e["To"]: e for e in emails}
    assert by_to["alice@example.com"]["Subject"] == translated(
        "de", "What came of your meetings at %(event)s?", event=event.name)
    assert by_to["bob@example.com"]["Subject"] == translated(
        "fr", "What came of your meetings at %(event)s?", event=event.name)
    assert db.session.scalar(db.select(db.func.count(SurveyInvitation.id))) == 3


def test_the_same_form_posted_twice_sends_nothing_the_second_time(client, auth, trip, outbox):
    event = trip[0]
    auth.login("organizer@example.com")
    send_survey(client, event, key="k1")
    send_survey(client, event, key="k1")  # a double click, a replayed POST
    assert len(outbox.emails()) == 3
    page = client.get(f"/organizer/events/{event.id}/survey").get_data(as_text=True)
    assert "nobody got a second email" in page


def test_sending_again_reaches_only_those_who_have_not_answered(client, auth, sent, outbox):
    event = sent[0]
    links = survey_links(outbox)
    client.post(path_of(links["alice"]), data={"overall_rating": "4"})
    auth.login("organizer@example.com")
    before = len(outbox.emails())
    send_survey(client, event, key="second")
    again = outbox.emails()[before:]
    assert sorted(e["To"] for e in again) == ["bob@example.com", "carl@example.com"]
    # The links did not change: the first email still works.
    assert survey_links(outbox)["bob"] == links["bob"]
    page = client.get(f"/organizer/events/{event.id}/survey").get_data(as_text=True)
    assert page.count(">answered<") == 1 and "2 emails" in page


@pytest.mark.parametrize(("closes_on", "message"), [
    ("2020-01-01", "Choose a closing date in the future."),
    ((date.today() + timedelta(days=400)).isoformat(), "Choose a closing date within a year."),
    ("9999-12-31", "Choose a closing date within a year."),
])
def test_a_closing_date_out_of_range_is_refused(client, auth, trip, outbox, db, closes_on,
                                                message):
    auth.login("organizer@example.com")
    response = send_survey(client, trip[0], closes_on=closes_on)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert outbox.emails() == [] and db.session.scalar(db.select(Survey)) is None


def test_the_link_opens_the_form_without_login_in_the_respondents_language(client, sent,
                                                                           outbox):
    event, companies, _ = sent
    page = client.get(path_of(survey_links(outbox)["alice"]))
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = page.get_data(as_text=True)
    assert shown("de", "What came of your meetings?") in text
    assert "Bob SAS" in text and "Carl SAS" in text
    # Nothing of anybody else: Anne's and Dora's meetings, the other respondents' answers.
    assert "Anne GmbH" not in text and "Dora SAS" not in text
    assert "alice@example.com" not in text


def test_answers_are_saved_and_can_be_changed(client, sent, outbox, db):
    _, _, meetings = sent
    path = path_of(survey_links(outbox)["alice"])
    ab, ac = meetings["alice-bob"].id, meetings["alice-carl"].id
    response = client.post(path, data={f"meeting_{ab}": "offer", f"meeting_{ac}": "nothing",
                                       "overall_rating": "4", "comment": "Gute Kontakte."})
    assert response.status_code == 302
    thanks = translated("de", "Thank you! Your answers are saved. You can change them with "
                        "the same link until %(date)s.", date="X")
    assert thanks.split("X")[0] in client.get(path).get_data(as_text=True)
    client.post(path, data={f"meeting_{ab}": "contract", f"meeting_{ac}": "nothing",
                            "overall_rating": "5", "comment": "Vertrag unterschrieben."})
    answers = {a.request_id: a.outcome for a in db.session.scalars(db.select(SurveyAnswer))}
    assert answers == {ab: "contract", ac: "nothing"}
    invitation = db.session.scalar(db.select(SurveyInvitation).where(
        SurveyInvitation.answered_at.is_not(None)))
    assert (invitation.overall_rating, invitation.comment) == (5, "Vertrag unterschrieben.")
    page = client.get(path).get_data(as_text=True)
    assert re.search(rf'<input checked [^>]*name="meeting_{ab}" type="radio" value="contract">',
                     page)
    assert re.search(r'<input checked [^>]*name="overall_rating" type="radio" value="5">', page)


def test_an_answer_about_someone_elses_meeting_is_refused(client, sent, outbox, db):
    _, _, meetings = sent
    path = path_of(survey_links(outbox)["carl"])
    response = client.post(path, data={f"meeting_{meetings['alice-bob'].id}": "contract"})
    # Not a field of Carl's form: ignored, nothing recorded about that meeting.
    assert response.status_code in (302, 400)
    assert db.session.scalar(db.select(db.func.count(SurveyAnswer.id))) == 0


def test_an_invalid_outcome_is_refused_with_a_message(client, sent, outbox, db):
    _, _, meetings = sent
    path = path_of(survey_links(outbox)["alice"])
    response = client.post(path, data={f"meeting_{meetings['alice-bob'].id}": "millions"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(SurveyAnswer.id))) == 0


def tampered(token: str) -> str:
    return token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")


def test_a_tampered_link_answers_404_with_a_message(client, sent, outbox):
    path = path_of(survey_links(outbox)["alice"])
    for bad in (tampered(path), path.rsplit("/", 1)[0] + "/x", path + "x" * 300):
        response = client.get(bad)
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert "This survey link is not valid" in text and "Bob SAS" not in text
        assert client.post(bad, data={"overall_rating": "1"}).status_code == 404


def test_a_link_of_another_event_answers_404(client, sent, outbox, make_event):
    other = make_event(name="Another trip")
    path = path_of(survey_links(outbox)["alice"])
    event_id = path.split("/")[2]
    wrong = path.replace(f"/survey/{event_id}/", f"/survey/{other.id}/")
    assert client.get(wrong).status_code == 404


def test_after_closing_the_link_answers_410_and_answers_stay_as_they_were(client, sent, outbox,
                                                                           db):
    path = path_of(survey_links(outbox)["bob"])
    survey = db.session.scalar(db.select(Survey))
    survey.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 410
    text = response.get_data(as_text=True)  # Bob reads French
    assert translated("fr", "This survey closed on %(date)s. Thank you for your interest.",
                      date="X").split("X")[0] in text.replace("&#39;", "'")
    assert '<html lang="fr">' in text
    assert client.post(path, data={"overall_rating": "3"}).status_code == 410
    assert db.session.scalar(db.select(SurveyInvitation.answered_at).where(
        SurveyInvitation.overall_rating.is_not(None))) is None


def test_participants_cannot_open_the_organizer_page(client, auth, sent):
    auth.login("alice@example.com")
    assert client.get(f"/organizer/events/{sent[0].id}/survey").status_code == 404  # not staff


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


def test_two_clicks_at_the_same_moment_send_once(app, client, auth, trip, outbox):
    from tests.web.test_races import at_once

    event = trip[0]
    path = f"/organizer/events/{event.id}/survey"
    statuses = at_once(app, [("organizer", path, {"closes_on": CLOSES_ON, "send_key": "k"}),
                             ("organizer", path, {"closes_on": CLOSES_ON, "send_key": "k"})])
    assert 302 in statuses and all(status < 500 for status in statuses)
    assert len(outbox.emails()) == 3  # the first send: one created the survey, one was refused
    statuses = at_once(app, [("organizer", path, {"closes_on": CLOSES_ON, "send_key": "k2"}),
                             ("organizer", path, {"closes_on": CLOSES_ON, "send_key": "k2"})])
    assert statuses == [302, 302]
    assert len(outbox.emails()) == 6  # sent again: once each, not twice
