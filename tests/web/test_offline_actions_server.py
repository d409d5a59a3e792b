"""Actions taken on the phone and sent by the outbox: the participant's held / not held and
private note on a meeting, idempotent under the ``Idempotency-Key`` header (a retry never does
anything twice), only on the participant's own meetings; the table plan; a fresh CSRF token."""

from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker import dates
from matchmaker.extensions import db
from matchmaker.idempotency import REPLAYED_HEADER
from matchmaker.models import IdempotencyKey, MeetingNote
from matchmaker.schedule import publishing
from tests.conftest import PASSWORD
from tests.web import test_schedule_web as schedule_web

login, world = schedule_web.login, schedule_web.world


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


@pytest.fixture
def evening(world, monkeypatch):
    """anna–yann at 18:20 T1, published; the venue clock at 18:25."""
    event, meeting, loose, companies = world
    publishing.publish(event, notify=False)
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 18, 25))
    return event, meeting, loose, companies


def held_url(event, meeting):
    return f"/events/{event.id}/agenda/meetings/{meeting.id}/held"


def note_url(event, meeting):
    return f"/events/{event.id}/agenda/meetings/{meeting.id}/note"


def notes_of(meeting):
    return db.session.scalars(db.select(MeetingNote).filter_by(request_id=meeting.id)).all()


def keys():
    return db.session.scalar(db.select(db.func.count()).select_from(IdempotencyKey))


def test_participant_marks_a_meeting_held_and_keeps_a_private_note(client, evening):
    event, meeting, _loose, companies = evening
    login(client, "anna")
    response = client.post(held_url(event, meeting), data={"held": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/events/{event.id}/agenda#meeting-{meeting.id}")
    response = client.post(note_url(event, meeting), data={
        "note": "Wants samples by January", "next": f"/events/{event.id}/now"})
    assert response.headers["Location"].endswith(f"/events/{event.id}/now")
    [row] = notes_of(meeting)
    assert (row.company_id, row.held, row.note) == (companies["anna"].id, True,
                                                    "Wants samples by January")
    page = client.get(f"/events/{event.id}/now").get_data(as_text=True)
    assert "Wants samples by January" in page and 'aria-pressed="true"' in page
    client.post(held_url(event, meeting), data={"held": "0"})
    assert notes_of(meeting)[0].held is False
    client.post(held_url(event, meeting), data={"held": ""})
    assert notes_of(meeting)[0].held is None
    # Private: the counterpart sees none of it.
    client.post("/auth/logout")
    login(client, "yann")
    assert "Wants samples" not in client.get(f"/events/{event.id}/agenda").get_data(as_text=True)


def test_held_is_refused_before_the_meeting_and_for_unscheduled_ones(client, evening,
                                                                     monkeypatch):
    event, meeting, loose, _c = evening
    login(client, "anna")
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 17, 0))
    response = client.post(held_url(event, meeting), data={"held": "1"})
    assert response.status_code == 409 and "has not begun yet" in response.get_data(as_text=True)
    assert client.post(held_url(event, loose), data={"held": "1"}).status_code == 409
    assert client.post(held_url(event, meeting), data={"held": "maybe"}).status_code == 400
    assert client.post(note_url(event, meeting), data={"note": "x" * 2001}).status_code == 400
    assert notes_of(meeting) == []
    # A note on an agreed meeting without a time yet is fine.
    assert client.post(note_url(event, loose), data={"note": "Call first"}).status_code == 303


def test_only_the_meetings_own_companies_reach_the_routes(client, evening):
    event, meeting, loose, _c = evening
    login(client, "zoe")  # in the event, not in this meeting
    assert client.post(held_url(event, meeting), data={"held": "1"}).status_code == 404
    assert client.post(note_url(event, meeting), data={"note": "x"}).status_code == 404
    client.post("/auth/logout")
    login(client, "stranger")  # another event's participant
    assert client.post(held_url(event, meeting), data={"held": "1"}).status_code == 404
    assert client.get(f"/events/{event.id}/tables").status_code == 404
    client.post("/auth/logout")
    login(client, "anna")  # the right company, the wrong event in the URL
    other = db.session.scalar(db.select(type(event)).filter_by(name="Eurosatory evening"))
    assert client.post(held_url(other, meeting), data={"held": "1"}).status_code == 404
    assert client.post(f"/events/{event.id}/agenda/meetings/999999/note",
                       data={"note": "x"}).status_code == 404
    assert notes_of(meeting) == []


def test_the_same_key_twice_does_it_once_and_answers_the_same(client, evening):
    event, meeting, _loose, _c = evening
    login(client, "anna")
    headers = {"Idempotency-Key": "k-0001-abcdef"}
    first = client.post(note_url(event, meeting), data={"note": "First"}, headers=headers)
    # The person edits the note; a stale retry of the first action arrives afterwards.
    client.post(note_url(event, meeting), data={"note": "Second"},
                headers={"Idempotency-Key": "k-0002-abcdef"})
    again = client.post(note_url(event, meeting), data={"note": "First"}, headers=headers)
    assert (again.status_code, again.headers["Location"]) == (first.status_code,
                                                              first.headers["Location"])
    assert again.headers[REPLAYED_HEADER] == "true" and REPLAYED_HEADER not in first.headers
    assert notes_of(meeting)[0].note == "Second"  # the retry did not run again
    assert keys() == 2


def test_keys_are_per_user_and_a_missing_key_still_works(client, evening):
    event, meeting, _loose, companies = evening
    headers = {"Idempotency-Key": "shared-key-123"}
    login(client, "anna")
    client.post(held_url(event, meeting), data={"held": "1"}, headers=headers)
    client.post("/auth/logout")
    login(client, "yann")  # the same key from another user is another action
    response = client.post(held_url(event, meeting), data={"held": "0"}, headers=headers)
    assert response.status_code == 303 and REPLAYED_HEADER not in response.headers
    assert {n.company_id: n.held for n in notes_of(meeting)} == {
        companies["anna"].id: True, companies["yann"].id: False}
    # No key: a plain form post, done each time.
    assert client.post(note_url(event, meeting), data={"note": "a"}).status_code == 303
    assert client.post(note_url(event, meeting), data={"note": "b"}).status_code == 303
    assert keys() == 2


def test_a_bad_key_or_a_key_reused_elsewhere_is_refused(client, evening):
    event, meeting, loose, _c = evening
    login(client, "anna")
    assert client.post(note_url(event, meeting), data={"note": "a"},
                       headers={"Idempotency-Key": "short"}).status_code == 400
    assert client.post(note_url(event, meeting), data={"note": "a"},
                       headers={"Idempotency-Key": "bad key with spaces"}).status_code == 400
    headers = {"Idempotency-Key": "reused-key-1"}
    client.post(note_url(event, meeting), data={"note": "a"}, headers=headers)
    assert client.post(note_url(event, loose), data={"note": "b"},
                       headers=headers).status_code == 422
    assert [n.note for n in notes_of(loose)] == []


def test_a_refused_action_keeps_no_key_so_a_retry_runs_again(client, evening, monkeypatch):
    event, meeting, _loose, _c = evening
    login(client, "anna")
    headers = {"Idempotency-Key": "early-tap-0001"}
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 17, 0))
    assert client.post(held_url(event, meeting), data={"held": "1"},
                       headers=headers).status_code == 409
    assert keys() == 0
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 18, 25))
    assert client.post(held_url(event, meeting), data={"held": "1"},
                       headers=headers).status_code == 303
    assert notes_of(meeting)[0].held is True


def test_table_plan_lists_my_tables_first_with_their_directions(client, evening):
    event, meeting, _loose, _c = evening
    meeting.table.note = "Hall 2, row B, by the pillar"
    db.session.flush()
    login(client, "anna")
    page = client.get(f"/events/{event.id}/tables").get_data(as_text=True)
    assert page.index(f'id="table-{meeting.table.id}"') < page.index("T2")
    assert "Hall 2, row B, by the pillar" in page and "Optronique SAS" in page
    now = client.get(f"/events/{event.id}/now").get_data(as_text=True)
    assert f"/events/{event.id}/tables#table-{meeting.table.id}" in now
    assert "data-agenda-snapshot" in now and "18:20" in now


def test_a_fresh_csrf_token_for_the_outbox(client, evening, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.get("/app/csrf-token")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    login_page = client.get("/auth/login").get_data(as_text=True)
    token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/auth/login", data={"email": "anna@example.com", "csrf_token": token,
                                     "password": PASSWORD})
    response = client.get("/app/csrf-token")
    assert response.headers["Cache-Control"] == "no-store"
    event, meeting, _loose, _c = evening
    refused = client.post(note_url(event, meeting), data={"note": "x", "csrf_token": "stale"})
    assert refused.status_code == 400 and refused.headers["X-CSRF-Failed"] == "1"
    sent = client.post(note_url(event, meeting), data={"note": "x",
                                                       "csrf_token": response.json["token"]})
    assert sent.status_code == 303


@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(key=st.one_of(st.text(max_size=80), st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True)))
def test_any_idempotency_key_is_answered_without_a_server_error(client, evening, key):
    event, meeting, _loose, _c = evening
    login(client, "anna")
    try:
        response = client.post(note_url(event, meeting), data={"note": "fuzz"},
                               headers={"Idempotency-Key": key})
    except ValueError:  # a header value werkzeug's test client itself refuses (newlines)
        return
    assert response.status_code in (303, 400), (key, response.status_code)
