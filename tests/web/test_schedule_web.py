"""The schedule's pages: who may open what, POST-only changes with CSRF, refusals with a
message (never a 500), the agenda before and after publication, ratings."""

from __future__ import annotations

from datetime import datetime

import pytest

from matchmaker import dates
from matchmaker.extensions import db
from matchmaker.models import RegistrationStatus
from matchmaker.schedule import edits, engine_adapter, publishing, queries, ratings, runs
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree, slot_at, table


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


@pytest.fixture
def world(make_event, make_participant, organizer):
    """One event with anna–yann scheduled at 18:20 T1, and a second event with its own people."""
    event = make_event(tables="T1-T3")
    _u, anna = make_participant("anna", event, name="Feinwerk Enz GmbH")
    _u, yann = make_participant("yann", event, name="Optronique SAS")
    _u, zoe = make_participant("zoe", event, name="Zéphyr Drones SAS")
    make_participant("late", event, status=RegistrationStatus.PENDING, name="Late Comer GmbH")
    other = make_event(name="Eurosatory evening")
    make_participant("stranger", other, name="Stranger AG")
    meeting = agree(event, anna, yann, note="Housings for thermal cameras")
    edits.move(event, meeting, slot_at(event, "18:20"), table(event, "T1"))
    loose = agree(event, anna, zoe)
    return event, meeting, loose, {"anna": anna, "yann": yann, "zoe": zoe}


def login(client, key):
    response = client.post("/auth/login", data={"email": f"{key}@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302


def organizer_urls(event, meeting):
    base = f"/events/{event.id}/schedule"
    gets = [base, f"{base}/meetings/{meeting.id}", f"{base}/print/tables",
            f"{base}/print/agendas", f"{base}/ratings",
            f"{base}/companies/{meeting.sender_id}"]
    posts = [f"{base}/generate", f"{base}/publish", f"{base}/unpublish",
             f"{base}/meetings/{meeting.id}/move", f"{base}/meetings/{meeting.id}/swap",
             f"{base}/meetings/{meeting.id}/unschedule", f"{base}/meetings/{meeting.id}/cancel",
             f"{base}/meetings/{meeting.id}/lock"]
    return gets, posts


def test_organizer_pages_do_not_exist_for_participants(client, world):
    """Not on the event's team: its organizer pages answer 404 (``access.event_staff``)."""
    event, meeting, _loose, _c = world
    login(client, "anna")
    gets, posts = organizer_urls(event, meeting)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url).status_code == 404, url


def test_anonymous_users_are_sent_to_log_in(client, world):
    event, meeting, _loose, _c = world
    gets, _posts = organizer_urls(event, meeting)
    for url in gets + [f"/events/{event.id}/agenda", f"/events/{event.id}/agenda.ics"]:
        response = client.get(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_organizer_pages_render(client, world):
    event, meeting, _loose, _c = world
    login(client, "organizer")
    gets, _posts = organizer_urls(event, meeting)
    for url in gets:
        response = client.get(url)
        assert response.status_code == 200, url
    grid = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert "Feinwerk Enz GmbH" in grid and "Agreed meetings without a place" in grid
    plans = client.get(f"/events/{event.id}/schedule/print/tables").get_data(as_text=True)
    assert plans.count('class="print-page') == 1 and "Table T1" in plans


def test_changes_are_post_only(client, world):
    event, meeting, _loose, _c = world
    login(client, "organizer")
    _gets, posts = organizer_urls(event, meeting)
    for url in posts:
        assert client.get(url).status_code == 405, url


def test_unknown_or_foreign_things_are_404(client, world, make_event):
    event, meeting, _loose, _c = world
    login(client, "organizer")
    base = f"/events/{event.id}/schedule"
    assert client.get("/events/999/schedule").status_code == 404
    assert client.get(f"{base}/meetings/999").status_code == 404
    assert client.get(f"{base}/runs/999").status_code == 404
    assert client.get(f"{base}/runs/999.json").status_code == 404
    foreign = make_event(name="Another")
    assert client.get(f"/events/{foreign.id}/schedule/meetings/{meeting.id}").status_code == 404


def test_generate_runs_and_reports(client, world):
    event, _meeting, loose, _c = world
    login(client, "organizer")
    response = client.post(f"/events/{event.id}/schedule/generate", data={"time_limit": 5})
    assert response.status_code == 302 and "/runs/" in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "The schedule is ready" in page and "100.0 %" in page
    status = client.get(response.location + ".json").get_json()
    assert status["status"] == "done" and status["progress"] == 100
    db.session.refresh(loose)
    assert queries.is_scheduled(loose)


def test_generate_refuses_bad_input(client, world):
    event, *_ = world
    login(client, "organizer")
    response = client.post(f"/events/{event.id}/schedule/generate", data={"time_limit": 9999})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_move_through_the_page_and_a_refusal_with_its_message(client, world):
    event, meeting, loose, _c = world
    login(client, "organizer")
    url = f"/events/{event.id}/schedule/meetings/{loose.id}/move"
    refused = client.post(url, data={"slot": slot_at(event, "18:20").id, "table": 0})
    assert refused.status_code == 409
    assert "Feinwerk Enz GmbH already has a meeting at 18:20." in refused.get_data(as_text=True)
    taken = client.post(url, data={"slot": slot_at(event, "18:40").id,
                                   "table": table(event, "T1").id})
    assert taken.status_code == 302
    clash = client.post(f"/events/{event.id}/schedule/meetings/{meeting.id}/move",
                        data={"slot": slot_at(event, "18:40").id,
                              "table": table(event, "T1").id})
    assert clash.status_code == 409
    assert "already has a meeting at 18:40" in clash.get_data(as_text=True)
    assert client.post(url, data={"slot": "x"}).status_code == 400
    assert client.post(url, data={"slot": 99999, "table": 0}).status_code == 400


def test_swap_lock_unschedule_cancel_through_pages(client, world):
    event, meeting, loose, c = world
    login(client, "organizer")
    base = f"/events/{event.id}/schedule/meetings"
    edits.move(event, loose, slot_at(event, "19:00"), table(event, "T2"))
    assert client.post(f"{base}/{meeting.id}/swap", data={"other": 0}).status_code == 400
    assert client.post(f"{base}/{meeting.id}/swap", data={"other": loose.id}).status_code == 302
    db.session.refresh(meeting)
    assert meeting.slot_id == slot_at(event, "19:00").id
    assert client.post(f"{base}/{meeting.id}/lock", data={"locked": "1"}).status_code == 302
    locked = client.post(f"{base}/{meeting.id}/unschedule")
    assert locked.status_code == 409 and "Unlock it first" in locked.get_data(as_text=True)
    client.post(f"{base}/{meeting.id}/lock", data={"locked": "0"})
    assert client.post(f"{base}/{meeting.id}/unschedule").status_code == 302
    assert client.post(f"{base}/{loose.id}/cancel", data={"reason": "Gone"}).status_code == 302
    db.session.refresh(loose)
    assert loose.status == "cancelled"


def test_csrf_is_required(app, client, world):
    event, meeting, _loose, _c = world
    login(client, "organizer")
    app.config["WTF_CSRF_ENABLED"] = True
    for url in (f"/events/{event.id}/schedule/publish",
                f"/events/{event.id}/schedule/meetings/{meeting.id}/lock"):
        response = client.post(url, data={"locked": "1"})
        assert response.status_code == 400 and b"form has expired" in response.data
    db.session.refresh(event)
    assert event.schedule_published_at is None


# --- the participant's agenda --------------------------------------------------------------

def test_agenda_hides_times_until_published(client, world):
    event, meeting, _loose, _c = world
    login(client, "anna")
    page = client.get(f"/events/{event.id}/agenda").get_data(as_text=True)
    assert "has not published the schedule yet" in page
    assert "18:20" not in page and "Optronique SAS" in page
    assert client.get(f"/events/{event.id}/agenda.ics").status_code == 404
    publishing.publish(event)
    page = client.get(f"/events/{event.id}/agenda").get_data(as_text=True)
    # CLDR's interval for English: thin spaces around the dash
    assert "18:20\u2009–\u200918:40" in page and "T1" in page
    assert "Housings for thermal cameras" in page
    assert f"/events/{event.id}/companies/{meeting.recipient_id}" in page


def test_agenda_is_404_for_outsiders(client, world):
    """… and a company awaiting approval is told to wait (403: its own registration)."""
    event, *_ = world
    for key, status in (("stranger", 404), ("late", 403)):
        login(client, key)
        assert client.get(f"/events/{event.id}/agenda").status_code == status, key
        assert client.get(f"/events/{event.id}/agenda.ics").status_code == status, key
        client.post("/auth/logout")


def test_organizer_without_company_goes_to_the_grid(client, world):
    event, *_ = world
    login(client, "organizer")
    response = client.get(f"/events/{event.id}/agenda")
    assert response.status_code == 302 and response.location.endswith(
        f"/events/{event.id}/schedule")


def test_either_side_marks_a_meeting_important(client, world):
    event, _meeting, loose, _c = world
    login(client, "zoe")
    url = f"/events/{event.id}/agenda/meetings/{loose.id}/important"
    assert client.post(url, data={"important": "1"}).status_code == 302
    db.session.refresh(loose)
    assert (loose.sender_important, loose.recipient_important) == (False, True)
    assert engine_adapter.weight_of(loose) == 2.0
    client.post(url, data={"important": "0"})
    db.session.refresh(loose)
    assert not loose.recipient_important
    client.post("/auth/logout")
    login(client, "yann")  # not a side of this meeting
    assert client.post(url, data={"important": "1"}).status_code == 404


# --- ratings -------------------------------------------------------------------------------

def test_ratings_after_the_event(client, world, monkeypatch):
    event, meeting, _loose, _c = world
    publishing.publish(event)
    login(client, "anna")
    url = f"/events/{event.id}/agenda/meetings/{meeting.id}/rating"
    prefix = f"m{meeting.id}-"
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 21, 5))
    early = client.post(url, data={prefix + "rating": 4})
    assert early.status_code == 409, early.location
    assert "once the event is over" in early.get_data(as_text=True)

    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 20, 9))
    assert client.post(url, data={prefix + "rating": 9}).status_code == 400
    page = client.get(f"/events/{event.id}/agenda").get_data(as_text=True)
    assert "How useful was the meeting?" in page
    assert client.post(url, data={prefix + "rating": 4, prefix + "follow_up": "y",
                                  prefix + "comment": "Samples in January"}).status_code == 302
    assert client.post(url, data={prefix + "rating": 5, prefix + "follow_up": "y"}) \
        .status_code == 302  # a change, not a second rating
    client.post("/auth/logout")
    login(client, "yann")
    client.post(url, data={prefix + "rating": 3})
    client.post("/auth/logout")

    totals = ratings.rating_totals(event)
    assert (totals.count, totals.average, totals.follow_ups) == (2, 4.0, 1)
    login(client, "organizer")
    page = client.get(f"/events/{event.id}/schedule/ratings").get_data(as_text=True)
    assert 'data-stat="average">4.0<' in page and 'data-stat="follow-ups">1<' in page


def test_a_too_long_reason_is_refused_with_a_message(client, world):
    event, meeting, _loose, _c = world
    login(client, "organizer")
    response = client.post(f"/events/{event.id}/schedule/meetings/{meeting.id}/cancel",
                           data={"reason": "x" * 700})
    assert response.status_code == 400
    assert "longer than 600" in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.status == "accepted"


def test_progress_estimate_while_running(world, organizer):
    from matchmaker.models import ScheduleRun, utcnow

    event, *_ = world
    run = ScheduleRun(event_id=event.id, status="running", progress=5, time_limit=10,
                      message="heuristic", heartbeat_at=utcnow())
    run.created_at = utcnow()
    db.session.add(run)
    db.session.commit()
    assert 5 <= runs.shown_progress(run) < 40
    assert runs.run_message(run) == "Placing the meetings…"


def test_publication_is_audited_and_agendas_carry_the_compliance_reminder(client, world, db):
    from matchmaker.models import AuditEntry

    event, *_ = world
    login(client, "organizer")
    client.post(f"/events/{event.id}/schedule/publish")
    client.post(f"/events/{event.id}/schedule/unpublish")
    actions = list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["schedule_published", "schedule_unpublished"]
    client.post(f"/events/{event.id}/schedule/publish")
    for path in ("print/tables", "print/agendas"):
        page = client.get(f"/events/{event.id}/schedule/{path}").get_data(as_text=True)
        assert "Export control reminder" in page, path
    client.post("/auth/logout")
    login(client, "anna")
    assert "Export control reminder" in client.get(f"/events/{event.id}/agenda").get_data(
        as_text=True)
