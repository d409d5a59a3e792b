"""Waiting lists for full programme items: join and leave with the position shown; a place
given back, or more places, go to the first waiting company without a meeting at that time,
told in its language once the change commits; a company that leaves the event (withdrawn,
revoked, rejected) gives back its places and leaves the lists; waiting blocks no meeting; races
give each place once; only the event's participants reach the routes."""

from __future__ import annotations

from datetime import datetime

import pytest

from matchmaker import unit_of_work
from matchmaker.events import services as events
from matchmaker.extensions import db as _db
from matchmaker.models import (
    Event,
    Notification,
    ProgramItem,
    ProgramSignup,
    ProgramWaiting,
    RegistrationStatus,
    User,
)
from matchmaker.schedule import engine_adapter
from tests.web.test_phases import clock, log_in, program_form  # noqa: F401 - a fixture
from tests.web.test_races import at_once
from tests.web.test_schedule import agree, slot_at, table

KEYS = ("ann", "ben", "cem", "dan", "eve")


@pytest.fixture
def tour(make_event, make_participant, clock):  # noqa: F811 - the imported fixture
    """A guided tour 18:00–19:00 with one place, taken by Ann SAS; the event clock stands
    before the tour."""
    event = make_event()
    people = {key: make_participant(key, event)[1] for key in KEYS}
    item = events.save_program_item(event, events.ProgramItemData(
        title="Guided fair tour", place="Hall 5", description="",
        starts_at=datetime(2026, 11, 19, 18), ends_at=datetime(2026, 11, 19, 19),
        for_everyone=False, company_ids=[], capacity=1))
    _db.session.add(ProgramSignup(program_item_id=item.id, company_id=people["ann"].id))
    unit_of_work.commit()
    clock(datetime(2026, 11, 10))
    return event, item, people


def url(event, item, action=""):
    return f"/events/{event.id}/programme/{item.id}/{action}".rstrip("/")


def wait(item: ProgramItem, *keys, people):
    """Put companies on the waiting list in this order, as their clicks would."""
    for key in keys:
        _db.session.add(ProgramWaiting(program_item_id=item.id, company_id=people[key].id))
        _db.session.flush()
    unit_of_work.commit()


def state(item: ProgramItem, people) -> tuple[set[str], list[str]]:
    """(who has a place, who waits in order), by key, as the database says."""
    _db.session.expire_all()
    names = {company.id: key for key, company in people.items()}
    placed = _db.session.scalars(_db.select(ProgramSignup.company_id).filter_by(
        program_item_id=item.id)).all()
    waiting = _db.session.scalars(_db.select(ProgramWaiting.company_id).filter_by(
        program_item_id=item.id).order_by(ProgramWaiting.id)).all()
    return {names[c] for c in placed}, [names[c] for c in waiting]


def programme(client, event) -> str:
    return client.get(f"/events/{event.id}/programme").data.decode()


# --- joining, the position, leaving ---------------------------------------------------------

def test_a_full_item_offers_its_waiting_list_and_tells_the_position(client, tour, auth):
    event, item, people = tour
    log_in(client, "ben")
    page = programme(client, event)
    assert "Full" in page and "Join the waiting list" in page and "Sign up<span" not in page
    flashed = client.post(url(event, item, "signup"), follow_redirects=True).data.decode()
    assert "“Guided fair tour” is full." in flashed
    auth.logout()
    for number, key in enumerate(("cem", "dan"), 1):
        log_in(client, key)
        page = client.post(url(event, item, "wait"), follow_redirects=True).data.decode()
        assert (f"You are number {number} on the waiting list for “Guided fair tour”; you get "
                "an email when a place frees up.") in page
        assert f"Number {number} on the waiting list" in page
        assert "Leave the waiting list" in page and "Join the waiting list" not in page
        auth.logout()
    log_in(client, "dan")
    again = client.post(url(event, item, "wait"), follow_redirects=True).data.decode()
    assert "Nothing changed: your company is number 2 on the waiting list." in again
    assert client.post(url(event, item, "signup"), follow_redirects=True).status_code == 200
    assert state(item, people) == ({"ann"}, ["cem", "dan"])


def test_places_left_count_confirmed_places_only(client, tour, auth, db):
    event, item, people = tour
    wait(item, "cem", people=people)
    item.capacity = 3  # as if more places had come while cem waited
    unit_of_work.commit()
    log_in(client, "eve")
    assert "2 places left" in programme(client, event)
    auth.logout()
    log_in(client, "organizer")
    assert "1 of 3 places taken" in client.get(f"/events/{event.id}").data.decode()
    assert "1 of 3 places taken · 1 company waiting" in client.get(
        f"/organizer/events/{event.id}/program").data.decode()


def test_leaving_the_waiting_list_moves_the_others_up(client, tour, auth):
    event, item, people = tour
    wait(item, "cem", "dan", people=people)
    log_in(client, "cem")
    page = client.post(url(event, item, "leave"), follow_redirects=True).data.decode()
    assert "Your company is off the waiting list for “Guided fair tour”." in page
    assert "Join the waiting list" in page
    again = client.post(url(event, item, "leave"), follow_redirects=True).data.decode()
    assert "Nothing changed: your company was not on the waiting list." in again
    auth.logout()
    log_in(client, "dan")
    assert "Number 1 on the waiting list" in programme(client, event)
    assert state(item, people) == ({"ann"}, ["dan"])


def test_the_organizer_sees_the_waiting_list_in_order(client, tour):
    event, item, people = tour
    wait(item, "dan", "cem", people=people)
    log_in(client, "organizer")
    page = client.get(f"/organizer/events/{event.id}/program").data.decode()
    assert "1 of 1 places taken · 2 companies waiting" in page
    assert '<ol class="mb-0 waiting-list"><li>Dan SAS</li><li>Cem SAS</li></ol>' in page
    assert "Waiting: Dan SAS, Cem SAS" in programme(client, event)


# --- moving up ------------------------------------------------------------------------------

def test_a_place_given_back_goes_to_the_first_waiting_company_told_after_commit(
        client, tour, auth, outbox, make_user, make_company, db):
    event, item, people = tour
    people["ben"].members[0].locale = "de"  # each member reads it in their language
    colleague = make_user("ben2@example.com", name="Bea", locale="fr")
    colleague.company = people["ben"]
    wait(item, "ben", "cem", people=people)
    log_in(client, "ann")
    page = client.post(url(event, item, "cancel"), follow_redirects=True).data.decode()
    assert "Your company’s place on “Guided fair tour” is given back." in page
    assert state(item, people) == ({"ben"}, ["cem"])
    notices = db.session.scalars(db.select(Notification).filter_by(kind="program_place")).all()
    members = {u.id: u.email for u in people["ben"].members}
    assert {members[n.user_id] for n in notices} == {"ben@example.com", "ben2@example.com"}
    assert {n.counterpart for n in notices} == {"Guided fair tour"}
    mails = {m["To"]: m for m in outbox.emails()}
    assert set(mails) == {"ben@example.com", "ben2@example.com"}
    german, french = mails["ben@example.com"], mails["ben2@example.com"]
    assert german["Subject"] == "Von der Warteliste nachgerückt: ein Platz bei „Guided fair " \
        "tour“ gehört Ihnen"
    assert "Warteliste" in german.get_body().get_content()
    assert french["Subject"] == "Sortie de la liste d’attente : une place pour « Guided fair " \
        "tour » est à vous"
    assert "/programme#item-" in french.get_body().get_content()
    auth.logout()
    log_in(client, "ben")
    assert "Sie haben einen Platz" in programme(client, event)
    notice = next(n for n in notices if members[n.user_id] == "ben@example.com")
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.headers["Location"].endswith(f"/events/{event.id}/programme")
    assert "Guided fair tour" in client.get("/notifications/").data.decode()


def test_nothing_is_sent_before_the_commit_nor_after_a_rollback(tour, outbox, db):
    event, item, people = tour
    wait(item, "cem", people=people)
    assert events.cancel_signup(event, item, people["ann"].id)
    assert outbox.messages() == []  # queued until the commit
    unit_of_work.rollback()
    assert outbox.messages() == [] and state(item, people) == ({"ann"}, ["cem"])
    item = db.session.get(ProgramItem, item.id)
    events.cancel_signup(event, item, people["ann"].id)
    unit_of_work.commit()
    assert [m["To"] for m in outbox.emails()] == ["cem@example.com"]


def test_a_company_with_a_meeting_during_the_item_keeps_waiting(client, tour, db):
    event, item, people = tour
    agree(event, people["ben"], people["eve"], slot_id=slot_at(event, "18:20").id,
          table_id=table(event, "T1").id)
    wait(item, "ben", "cem", "dan", people=people)
    log_in(client, "ann")
    client.post(url(event, item, "cancel"))
    assert state(item, people) == ({"cem"}, ["ben", "dan"])


def test_more_places_go_to_the_waiting_companies_in_order(client, tour, outbox):
    event, item, people = tour
    wait(item, "ben", "cem", "dan", people=people)
    log_in(client, "organizer")
    response = client.post(f"/organizer/events/{event.id}/program/{item.id}/edit",
                           data=program_form(day="2026-11-19", start="18:00", end="19:00",
                                             capacity="3"))
    assert response.status_code == 302
    assert state(item, people) == ({"ann", "ben", "cem"}, ["dan"])
    assert sorted(m["To"] for m in outbox.emails()) == ["ben@example.com", "cem@example.com"]


def test_no_promotion_once_the_item_has_started_nor_for_an_unapproved_company(
        client, tour, clock, db):  # noqa: F811 - the imported fixture
    event, item, people = tour
    wait(item, "ben", "cem", people=people)
    registration = next(r for r in db.session.get(Event, event.id).registrations
                        if r.company_id == people["ben"].id)
    registration.status = RegistrationStatus.REVOKED.value
    unit_of_work.commit()
    clock(datetime(2026, 11, 19, 18, 10))
    assert events.cancel_signup(event, item, people["ann"].id)
    assert state(item, people) == (set(), ["ben", "cem"])
    unit_of_work.rollback()
    clock(datetime(2026, 11, 10))
    events.cancel_signup(event, db.session.get(ProgramItem, item.id), people["ann"].id)
    assert state(item, people) == ({"cem"}, ["ben"])


def test_a_waiting_company_takes_a_free_place_once_its_meeting_is_gone(client, tour, db):
    """All those waiting had a meeting then, so a place stayed free: one whose meeting goes
    may take it itself."""
    event, item, people = tour
    meeting = agree(event, people["ben"], people["eve"], slot_id=slot_at(event, "18:20").id,
                    table_id=table(event, "T1").id)
    wait(item, "ben", people=people)
    events.cancel_signup(event, item, people["ann"].id)
    unit_of_work.commit()
    assert state(item, people) == (set(), ["ben"])
    log_in(client, "ben")
    page = programme(client, event)
    assert "Number 1 on the waiting list" in page and "Sign up<span" in page
    meeting.slot_id = meeting.table_id = None  # the organizer took it off the schedule
    unit_of_work.commit()
    flashed = client.post(url(event, item, "signup"), follow_redirects=True).data.decode()
    assert "Your company has a place on “Guided fair tour”." in flashed
    assert state(item, people) == ({"ben"}, [])


def test_leaving_after_moving_up_keeps_the_place(client, tour):
    event, item, people = tour
    wait(item, "ben", people=people)
    events.cancel_signup(event, item, people["ann"].id)
    unit_of_work.commit()
    log_in(client, "ben")
    page = client.post(url(event, item, "leave"), follow_redirects=True).data.decode()
    assert "Nothing changed: your company moved up and has a place on “Guided fair tour” " \
        "now." in page
    assert state(item, people) == ({"ben"}, [])


def test_removing_the_places_clears_the_waiting_list(client, tour):
    event, item, people = tour
    wait(item, "ben", people=people)
    log_in(client, "organizer")
    client.post(f"/organizer/events/{event.id}/program/{item.id}/edit",
                data=program_form(day="2026-11-19", start="18:00", end="19:00", capacity=""))
    assert state(item, people) == ({"ann"}, [])


# --- waiting blocks nothing -----------------------------------------------------------------

def test_a_waiting_companys_meetings_are_not_blocked(client, tour, db):
    event, item, people = tour
    wait(item, "cem", people=people)
    db.session.expire_all()
    item = db.session.get(ProgramItem, item.id)
    assert item.concerns(people["ann"].id) and not item.concerns(people["cem"].id)
    registrations = {r.company_id: r for r in db.session.get(Event, event.id).registrations}
    free = {s.starts_at.strftime("%H:%M") for s in
            events.meeting_slots(registrations[people["cem"].id])}
    assert {"18:00", "18:20", "18:40"} <= free
    built = engine_adapter.build_instance(db.session.get(Event, event.id))
    available = {p.id: {built.slots[key].starts_at.strftime("%H:%M") for key in p.available}
                 for p in built.instance.participants}
    assert "18:00" in available["Cem SAS"] and "18:00" not in available["Ann SAS"]
    log_in(client, "cem")
    assert "Guided fair tour" not in client.get(f"/events/{event.id}/agenda").data.decode()


# --- who may ---------------------------------------------------------------------------------

def test_only_the_events_participants_may_wait(client, tour, make_event, make_participant,
                                              auth):
    event, item, people = tour
    other = make_event(name="Other fair")
    make_participant("zoe", other)
    make_participant("pia", event, status=RegistrationStatus.PENDING)
    log_in(client, "zoe")
    for action in ("wait", "leave"):
        assert client.post(url(event, item, action)).status_code == 404
        assert client.post(url(other, item, action)).status_code == 404
    auth.logout()
    log_in(client, "pia")
    assert client.post(url(event, item, "wait")).status_code == 403
    auth.logout()
    log_in(client, "organizer")  # staff, not a participant: nobody's place to take
    assert client.post(url(event, item, "wait")).status_code == 404
    auth.logout()
    log_in(client, "cem")
    assert client.get(url(event, item, "wait")).status_code == 405
    assert client.post(f"/events/{event.id}/programme/999999/wait").status_code == 404
    assert state(item, people) == ({"ann"}, [])


# --- races ----------------------------------------------------------------------------------

def test_two_places_given_back_at_once_go_to_two_waiting_companies(app, tour, db):
    event, item, people = tour
    item.capacity = 2
    db.session.add(ProgramSignup(program_item_id=item.id, company_id=people["ben"].id))
    unit_of_work.commit()
    wait(item, "cem", "dan", "eve", people=people)
    statuses = at_once(app, [("ann", url(event, item, "cancel"), {}),
                             ("ben", url(event, item, "cancel"), {})])
    assert statuses == [302, 302]
    assert state(item, people) == ({"cem", "dan"}, ["eve"])


def test_a_place_given_back_while_others_sign_up_and_leave_goes_once(app, tour, db):
    """Ann gives back the one place while Ben (first in line) leaves the list and Dan tries
    to sign up: one company ends with the place, from the waiting list, never Dan."""
    event, item, people = tour
    wait(item, "ben", "cem", people=people)
    statuses = at_once(app, [("ann", url(event, item, "cancel"), {}),
                             ("ben", url(event, item, "leave"), {}),
                             ("dan", url(event, item, "signup"), {})])
    assert statuses == [302, 302, 302]
    placed, waiting = state(item, people)
    assert (placed, waiting) in (({"ben"}, ["cem"]), ({"cem"}, []))


# --- a company that leaves the event ------------------------------------------------------

def test_a_company_that_withdraws_gives_its_place_to_the_first_waiting(client, tour, outbox):
    event, item, people = tour
    wait(item, "ben", "cem", people=people)
    log_in(client, "ann")
    page = client.post(f"/events/{event.id}/withdraw", follow_redirects=True).data.decode()
    assert "no longer registered" in page
    assert state(item, people) == ({"ben"}, ["cem"])
    assert [m["To"] for m in outbox.emails()] == ["ben@example.com"]


def test_a_waiting_company_that_withdraws_leaves_the_waiting_list(client, tour):
    event, item, people = tour
    wait(item, "ben", "cem", people=people)
    log_in(client, "ben")
    client.post(f"/events/{event.id}/withdraw")
    assert state(item, people) == ({"ann"}, ["cem"])


def test_a_revoked_or_rejected_company_gives_back_its_place_and_leaves_the_list(
        client, tour, db):
    event, item, people = tour
    wait(item, "ben", "cem", "dan", people=people)
    registrations = {r.company_id: r for r in db.session.get(Event, event.id).registrations}
    log_in(client, "organizer")
    response = client.post(f"/organizer/events/{event.id}/registrations/"
                           f"{registrations[people['ann'].id].id}/revoke",
                           data={"revoke_reason": "Export licence withdrawn."})
    assert response.status_code == 302
    assert state(item, people) == ({"ben"}, ["cem", "dan"])
    organizer = db.session.get(User, registrations[people["ann"].id].decided_by_id)
    events.decide(db.session.get(Event, event.id), [registrations[people["cem"].id].id],
                  approve=False, reason="Not a security firm.", organizer=organizer)
    unit_of_work.commit()
    assert state(item, people) == ({"ben"}, ["dan"])
