"""Phases of the trip: dates on the event, enforced with the event clock frozen; the audited
organizer override; the timeline and next steps; ``send-reminders`` idempotent; programme dates,
the dated agenda and sign-up with places (race-safe)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from matchmaker import dates
from matchmaker.events import services as events
from matchmaker.events.definition import Window
from matchmaker.extensions import db as _db
from matchmaker.models import (
    AuditEntry,
    Event,
    MeetingRequest,
    PhaseReminder,
    ProgramItem,
    ProgramSignup,
    RegistrationStatus,
)
from tests.conftest import PASSWORD
from tests.web.conftest import EVENING, EVENT_DAY
from tests.web.test_events import event_form
from tests.web.test_races import at_once

PHASE_DATES = {
    "registration_closes_at": datetime(2026, 11, 1, 18),
    "profiles_visible_at": datetime(2026, 11, 2, 9),
    "requests_open_at": datetime(2026, 11, 5, 9),
    "requests_close_at": datetime(2026, 11, 15, 18),
    "schedule_release_at": datetime(2026, 11, 16, 12),
}


@pytest.fixture
def clock(monkeypatch):
    """Freeze the event clock: ``clock(datetime(...))``."""

    def freeze(moment: datetime):
        monkeypatch.setattr(dates, "event_now", lambda _event: moment)

    return freeze


@pytest.fixture
def trip(make_event, make_participant):
    """An event with every phase dated, and two approved companies ann and ben."""
    event = make_event(**PHASE_DATES)
    ann = make_participant("ann", event)
    ben = make_participant("ben", event)
    return event, ann, ben


def log_in(client, key):
    client.post("/auth/login", data={"email": f"{key}@example.com", "password": PASSWORD})


# --- the rules, the clock frozen ------------------------------------------------------------

def test_registering_after_the_close_is_refused_with_the_date(client, trip, make_user,
                                                              make_company, clock, db):
    event, *_ = trip
    late = make_user("late@example.com")
    make_company(late, name="Late SARL")
    log_in(client, "late")
    clock(datetime(2026, 10, 31, 12))
    assert client.get(f"/events/{event.id}/register").status_code == 200
    clock(datetime(2026, 11, 1, 18))
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Registration closed on" in page and "Register for this event" not in page
    response = client.get(f"/events/{event.id}/register", follow_redirects=True)
    assert "Registration closed on Nov 1, 2026, 18:00" in response.data.decode()
    assert client.post(f"/events/{event.id}/register", data={}).status_code == 302
    assert len(db.session.get(Event, event.id).registrations) == 2


def test_directory_and_suggestions_wait_for_the_profiles(client, trip, clock):
    event, _ann, (_user, ben) = trip
    log_in(client, "ann")
    clock(datetime(2026, 11, 2, 8, 59))
    for path in (f"/events/{event.id}/companies", f"/events/{event.id}/suggestions",
                 f"/events/{event.id}/companies/{ben.id}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "profiles become visible on Nov 2, 2026, 09:00" in response.data.decode()
    clock(datetime(2026, 11, 2, 9))
    assert client.get(f"/events/{event.id}/companies").status_code == 200
    assert client.get(f"/events/{event.id}/companies/{ben.id}").status_code == 200


def test_organizers_see_the_directory_before_the_profiles_are_visible(client, trip, clock,
                                                                      organizer):
    event, *_ = trip
    log_in(client, "organizer")
    clock(datetime(2026, 10, 1))
    assert client.get(f"/events/{event.id}/companies").status_code == 200


def test_requests_are_sent_only_while_open(client, trip, clock, db):
    event, _ann, (_user, ben) = trip
    log_in(client, "ann")
    url = f"/events/{event.id}/companies/{ben.id}/request"
    clock(datetime(2026, 11, 4, 12))
    page = client.post(url, data={"note": "Hello"}, follow_redirects=True).data.decode()
    assert "Meeting requests open on Nov 5, 2026, 09:00" in page
    clock(datetime(2026, 11, 15, 18))
    page = client.post(url, data={"note": "Hello"}, follow_redirects=True).data.decode()
    assert "Meeting requests closed on Nov 15, 2026, 18:00" in page
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 0
    clock(datetime(2026, 11, 10, 12))
    assert client.post(url, data={"note": "Hello"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 1


def test_requests_cannot_be_answered_after_the_close(client, trip, clock, auth, db):
    event, _ann, (_user, ben) = trip
    log_in(client, "ann")
    clock(datetime(2026, 11, 10, 12))
    client.post(f"/events/{event.id}/companies/{ben.id}/request", data={"note": "Hi"})
    request_id = db.session.scalar(db.select(MeetingRequest.id))
    auth.logout()
    log_in(client, "ben")
    clock(datetime(2026, 11, 16))
    for action in ("accept", "decline"):
        page = client.post(f"/requests/{request_id}/{action}", follow_redirects=True)
        assert "Meeting requests closed on" in page.data.decode()
    db.session.expire_all()
    assert db.session.get(MeetingRequest, request_id).status == "pending"
    clock(datetime(2026, 11, 15, 17))
    client.post(f"/requests/{request_id}/accept")
    db.session.expire_all()
    assert db.session.get(MeetingRequest, request_id).status == "accepted"


def test_the_schedule_is_published_from_its_release_date(client, trip, clock, organizer, db,
                                                         auth):
    event, *_ = trip
    log_in(client, "organizer")
    clock(datetime(2026, 11, 16, 11))
    page = client.post(f"/events/{event.id}/schedule/publish", follow_redirects=True)
    assert "The schedule is to be released on Nov 16, 2026, 12:00" in page.data.decode()
    db.session.expire_all()
    assert db.session.get(Event, event.id).schedule_published_at is None
    auth.logout()
    log_in(client, "ann")
    agenda = client.get(f"/events/{event.id}/agenda").data.decode()
    assert "Planned release: Nov 16, 2026, 12:00 (Paris time)." in agenda
    auth.logout()
    log_in(client, "organizer")
    clock(datetime(2026, 11, 16, 12))
    client.post(f"/events/{event.id}/schedule/publish")
    db.session.expire_all()
    assert db.session.get(Event, event.id).schedule_published_at is not None


def test_an_event_without_dates_blocks_nothing(client, make_event, make_participant, clock,
                                               db):
    event = make_event()
    make_participant("ann", event)
    _user, ben = make_participant("ben", event)
    log_in(client, "ann")
    clock(datetime(2030, 1, 1))
    assert client.get(f"/events/{event.id}/companies").status_code == 200
    assert client.post(f"/events/{event.id}/companies/{ben.id}/request",
                       data={"note": "Hi"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 1
    assert 'id="timeline"' not in client.get(f"/events/{event.id}").data.decode()


# --- the event form -------------------------------------------------------------------------

def test_the_organizer_sets_the_phases_on_the_event_form(client, make_event, organizer, db):
    event = make_event()
    log_in(client, "organizer")
    response = client.post(f"/organizer/events/{event.id}/edit", data=event_form(
        registration_closes_at="2026-11-01T18:00", requests_open_at="2026-11-05T09:00",
        requests_close_at="2026-11-15T18:00"))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Event, event.id)
    assert saved.requests_open_at == datetime(2026, 11, 5, 9)
    assert saved.profiles_visible_at is None
    form = client.get(f"/organizer/events/{event.id}/edit").data.decode()
    assert 'value="2026-11-05T09:00"' in form


@pytest.mark.parametrize(("fields", "message"), [
    ({"requests_open_at": "2026-11-05T09:00", "requests_close_at": "2026-11-05T09:00"},
     "Must be after requests open."),
    ({"profiles_visible_at": "2026-11-06T09:00", "requests_open_at": "2026-11-05T09:00"},
     "Requests cannot open before the profiles are visible."),
    ({"registration_closes_at": "2026-11-16T09:00", "requests_close_at": "2026-11-15T09:00"},
     "Requests cannot close before registration closes."),
    ({"requests_open_at": "next tuesday"}, "Not a valid datetime value."),
])
def test_phases_out_of_order_are_refused_at_the_field(client, make_event, organizer, fields,
                                                      message):
    event = make_event()
    log_in(client, "organizer")
    response = client.post(f"/organizer/events/{event.id}/edit", data=event_form(**fields))
    assert response.status_code == 400
    assert message in response.data.decode()


# --- override, timeline, next steps ---------------------------------------------------------

def test_the_organizer_opens_requests_early_and_it_is_audited(client, trip, clock, organizer,
                                                              auth, db):
    event, _ann, (_user, ben) = trip
    clock(datetime(2026, 11, 3, 10, 30))
    log_in(client, "organizer")
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Open requests now" in page and 'data-phase="requests_open"' in page
    url = f"/organizer/events/{event.id}/phases/requests_open/override"
    assert client.post(url).status_code == 302
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="phase_overridden"))
    assert entry.details == {"phase": "requests_open", "was": "2026-11-05T09:00",
                             "now": "2026-11-03T10:30"}
    assert entry.actor_id == organizer.id
    again = client.post(url, follow_redirects=True).data.decode()
    assert "Nothing changed" in again
    assert client.post(f"/organizer/events/{event.id}/phases/bogus/override").status_code == 404
    auth.logout()
    log_in(client, "ann")
    assert client.post(url).status_code in (403, 404)
    assert client.post(f"/events/{event.id}/companies/{ben.id}/request",
                       data={"note": "Hi"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 1


def test_reopening_registration_clears_the_close(client, trip, clock, organizer, db):
    event, *_ = trip
    clock(datetime(2026, 11, 2, 10))
    log_in(client, "organizer")
    client.post(f"/organizer/events/{event.id}/phases/registration_closes/override")
    db.session.expire_all()
    assert db.session.get(Event, event.id).registration_closes_at is None
    assert db.session.scalar(db.select(db.func.count(AuditEntry.id)).filter_by(
        action="phase_overridden")) == 1


def test_the_timeline_marks_past_current_and_next_in_the_readers_language(
        client, trip, clock, make_participant):
    event, *_ = trip
    make_participant("hans", event, locale="de")
    clock(datetime(2026, 11, 6))
    log_in(client, "hans")
    page = client.get(f"/events/{event.id}").data.decode()
    timeline = page[page.index('id="timeline"'):]
    assert 'timeline-current d-flex gap-2 mb-2" data-phase="requests_open"' in timeline
    assert 'timeline-next d-flex gap-2 mb-2" data-phase="requests_close"' in timeline
    assert "Anfragen" in timeline or "Termin" in timeline  # German labels
    assert "So., 15. Nov." in timeline


def test_the_dashboard_says_what_to_do_next(client, trip, clock, organizer, make_participant,
                                            db):
    event, (_a, ann), (_b, ben) = trip
    make_participant("cem", event, status=RegistrationStatus.PENDING)
    db.session.add(MeetingRequest(event_id=event.id, sender_id=ann.id, recipient_id=ben.id,
                                  open_pair_key=MeetingRequest.pair_key(ann.id, ben.id)))
    clock(datetime(2026, 11, 13, 20))
    log_in(client, "organizer")
    for path in (f"/organizer/events/{event.id}/dashboard", f"/events/{event.id}"):
        page = client.get(path).data.decode()
        assert "1 registration waits for vetting." in page, path
        assert "Meeting requests close in 2 days: 1 unanswered." in page, path


# --- send-reminders ---------------------------------------------------------------------------

def test_send_reminders_is_idempotent(runner, trip, clock, make_participant, outbox, db):
    event, (_a, ann), (_b, ben) = trip
    make_participant("dora", event, locale="fr")
    clock(datetime(2026, 11, 5, 10))
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "3 reminder(s) sent." in result.output
    messages = outbox.messages()
    assert len(messages) == 3
    assert any("Meeting requests for Milipol networking evening are open now" in m
               for m in messages)
    assert any("sont ouvertes" in m or "ouvert" in m for m in messages)  # Dora reads French
    again = runner.invoke(args=["send-reminders"])
    assert "0 reminder(s) sent." in again.output
    assert len(outbox.messages()) == 3
    assert db.session.scalar(db.select(db.func.count(PhaseReminder.id))) == 3


def test_two_days_before_the_close_companies_with_requests_to_answer_are_reminded(
        runner, trip, clock, outbox, db):
    event, (_a, ann), (_b, ben) = trip
    for _ in range(1):
        db.session.add(MeetingRequest(event_id=event.id, sender_id=ann.id, recipient_id=ben.id,
                                      open_pair_key=MeetingRequest.pair_key(ann.id, ben.id)))
    clock(datetime(2026, 11, 13, 20))
    runner.invoke(args=["send-reminders"])
    messages = outbox.messages()
    assert len(messages) == 1 and "ben@example.com" in outbox.emails()[0]["To"]
    assert "1 meeting request for Milipol networking evening waits for your answer." \
        in messages[0]
    assert "2 days left" in messages[0]
    runner.invoke(args=["send-reminders"])
    assert len(outbox.messages()) == 1


def test_registration_closing_reminds_the_companies_not_registered(
        runner, trip, clock, make_user, make_company, outbox):
    late = make_user("late@example.com")
    make_company(late, name="Late SARL")
    clock(datetime(2026, 10, 31, 20))
    runner.invoke(args=["send-reminders"])
    emails = outbox.emails()
    assert [e["To"] for e in emails] == ["late@example.com"]
    assert "closes within a day" in emails[0]["Subject"]


# --- programme: dates, dated agenda, sign-up ---------------------------------------------------

def program_form(**overrides) -> dict:
    data = {"title": "Guided fair tour", "place": "Hall 5", "day": "2026-11-19",
            "start": "10:00", "end": "11:30", "description": "", "for_everyone": "y"}
    return {**data, **overrides}


@pytest.mark.parametrize(("day", "status"), [
    ("2026-11-17", 302), ("2026-11-21", 302), ("2026-11-16", 400), ("2029-11-19", 400)])
def test_programme_items_lie_within_the_trip(client, make_event, organizer, day, status, db):
    event = make_event()
    log_in(client, "organizer")
    response = client.post(f"/organizer/events/{event.id}/program", data=program_form(day=day))
    assert response.status_code == status
    if status == 400:
        assert "The trip runs from Nov 17, 2026 to Nov 21, 2026: choose a day in between." \
            in response.data.decode()
        assert db.session.scalar(db.select(db.func.count(ProgramItem.id))) == 0


def two_day_trip(make_event):
    second = Window(date(2026, 11, 20), time(14), time(16), 20, ())
    return make_event(windows=(EVENING, second))


def test_the_agenda_of_a_multi_day_trip_is_dated_by_day(client, make_event, make_participant,
                                                       db):
    event = two_day_trip(make_event)
    make_participant("ann", event)
    for day, title in ((date(2026, 11, 20), "Fair tour"), (EVENT_DAY, "Market workshop")):
        events.save_program_item(event, events.ProgramItemData(
            title=title, place="", description="", starts_at=datetime.combine(day, time(9)),
            ends_at=datetime.combine(day, time(10)), for_everyone=True, company_ids=[]))
    log_in(client, "ann")
    page = client.get(f"/events/{event.id}/agenda").data.decode()
    assert "Thursday, November 19, 2026" in page and "Friday, November 20, 2026" in page
    assert page.index("Market workshop") < page.index("Friday, November 20, 2026") \
        < page.index("Fair tour")
    programme = client.get(f"/events/{event.id}/programme").data.decode()
    assert "Friday, November 20, 2026" in programme and "Fair tour" in programme
    overview = client.get(f"/events/{event.id}").data.decode()
    assert "Fri, Nov 20, 09:00" in overview


@pytest.fixture
def tour(make_event, make_participant):
    event = make_event()
    people = {key: make_participant(key, event)[1] for key in ("ann", "ben", "cem")}
    item = events.save_program_item(event, events.ProgramItemData(
        title="Guided fair tour", place="Hall 5", description="",
        starts_at=datetime(2026, 11, 19, 18), ends_at=datetime(2026, 11, 19, 19),
        for_everyone=True, company_ids=[], capacity=2))
    return event, item, people


def test_companies_sign_up_until_the_item_is_full(client, tour, auth, clock, organizer, db):
    event, item, people = tour
    clock(datetime(2026, 11, 10))
    url = f"/events/{event.id}/programme/{item.id}"
    for key in ("ann", "ben"):
        log_in(client, key)
        assert "2 places left" in client.get(f"/events/{event.id}/programme").data.decode() \
            or key == "ben"
        assert client.post(f"{url}/signup").status_code == 302
        auth.logout()
    log_in(client, "cem")
    page = client.get(f"/events/{event.id}/programme").data.decode()
    assert "Full" in page and "Sign up" not in page
    page = client.post(f"{url}/signup", follow_redirects=True).data.decode()
    assert "“Guided fair tour” is full." in page
    auth.logout()
    log_in(client, "ann")
    client.post(f"{url}/cancel")
    auth.logout()
    log_in(client, "cem")
    assert client.post(f"{url}/signup").status_code == 302
    signed = set(db.session.scalars(db.select(ProgramSignup.company_id)))
    assert signed == {people["ben"].id, people["cem"].id}
    registration = next(r for r in db.session.get(Event, event.id).registrations
                        if r.company_id == people["cem"].id)
    db.session.expire_all()
    free = [s.starts_at.strftime("%H:%M") for s in events.meeting_slots(registration)]
    assert "18:00" not in free and "18:40" not in free and "19:00" in free
    auth.logout()
    log_in(client, "organizer")
    page = client.get(f"/organizer/events/{event.id}/program").data.decode()
    assert "2 of 2 places taken" in page and "Ben SAS" in page and "Cem SAS" in page


def test_sign_up_closes_when_the_item_starts(client, tour, clock):
    event, item, _people = tour
    clock(datetime(2026, 11, 19, 18))
    log_in(client, "ann")
    page = client.post(f"/events/{event.id}/programme/{item.id}/signup",
                       follow_redirects=True).data.decode()
    assert "This item has started; sign-up is closed." in page


def test_other_events_items_and_strangers_get_404(client, tour, make_event, make_participant,
                                                  clock):
    event, item, _people = tour
    other = make_event(name="Other fair")
    make_participant("zoe", other)
    clock(datetime(2026, 11, 10))
    log_in(client, "zoe")
    assert client.post(f"/events/{other.id}/programme/{item.id}/signup").status_code == 404
    assert client.post(f"/events/{event.id}/programme/{item.id}/signup").status_code == 404
    assert client.get(f"/events/{event.id}/programme").status_code == 404


def test_capacity_below_the_sign_ups_is_refused(client, tour, organizer, clock, db):
    event, item, people = tour
    clock(datetime(2026, 11, 10))
    for key in ("ann", "ben"):
        _db.session.add(ProgramSignup(program_item_id=item.id, company_id=people[key].id))
    log_in(client, "organizer")
    response = client.post(f"/organizer/events/{event.id}/program/{item.id}/edit",
                           data=program_form(day="2026-11-19", start="18:00", end="19:00",
                                             capacity="1"))
    assert response.status_code == 400
    assert "Companies with a place already: 2." in response.data.decode()


def test_two_sign_ups_for_the_last_place_one_wins(app, tour, clock, db):
    event, item, people = tour
    clock(datetime(2026, 11, 10))
    db.session.add(ProgramSignup(program_item_id=item.id, company_id=people["ann"].id))
    from matchmaker import unit_of_work
    unit_of_work.commit()
    path = f"/events/{event.id}/programme/{item.id}/signup"
    at_once(app, [("ben", path, {}), ("cem", path, {})])
    taken = db.session.scalar(db.select(db.func.count()).select_from(ProgramSignup))
    assert taken == 2


def test_a_run_that_meets_another_runs_reminders_sends_nothing(runner, trip, clock, outbox,
                                                               monkeypatch, db):
    """Two runs at once: the one that records second rolls back and its emails never go."""
    from matchmaker.notifications import phase_reminders

    event, (ann_user, _ann), _ben = trip
    clock(datetime(2026, 11, 5, 10))
    real_send_due = phase_reminders.send_due

    def racing_send_due(*args):
        sent = real_send_due(*args)
        db.session.execute(db.insert(PhaseReminder).values(  # "the other run" got there first
            event_id=event.id, user_id=ann_user.id, kind="requests_open", sent_at=datetime.now()))
        return sent

    monkeypatch.setattr(phase_reminders, "send_due", racing_send_due)
    result = runner.invoke(args=["send-reminders"])
    assert "Another run sent these reminders; nothing sent." in result.output
    assert outbox.messages() == []
