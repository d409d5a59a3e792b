"""Races: requests from several people released at the same moment (a ``threading.Barrier``),
each in an app context and database session of its own, as under gunicorn, on SQLite and
PostgreSQL. After every race ``assert_hard_rules`` reads the database and checks each hard rule.
(SQLite lets one writer in at a time, but reads before writing: without the services' locks
these races break the caps there too.)"""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from matchmaker.events.services import meeting_slots
from matchmaker.extensions import db
from matchmaker.models import (
    Event,
    MeetingBooking,
    MeetingRequest,
    Notification,
    Registration,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
)
from matchmaker.schedule import edits, generation, queries
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree, slot_at, table

ACCEPTED, PENDING = RequestStatus.ACCEPTED.value, RequestStatus.PENDING.value


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}  # a generation runs inside its POST, so it can be raced


@pytest.fixture
def people(make_event, make_participant):
    """Build an event with the given rules and approved companies ann, ben, cem, dan, eve."""

    def make(**rules):
        event = make_event(tables="T1-T3", **rules)
        companies = {key: make_participant(key, event, name=f"{key.title()} SAS")[1]
                     for key in ("ann", "ben", "cem", "dan", "eve")}
        return event, companies

    return make


# --- the harness ---------------------------------------------------------------------------

def logged_in(app, key):
    client = app.test_client()
    response = client.post("/auth/login", data={"email": f"{key}@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302
    return client


def post(client, path, form) -> int:
    return client.post(path, data=form).status_code


def at_once(app, calls):
    """POST (user key, path, form) from logged-in clients in threads released together;
    returns the status codes in the order of ``calls``.

    Plain values only: ORM objects must not be touched from other threads."""
    clients = [logged_in(app, key) for key, _path, _form in calls]
    barrier = threading.Barrier(len(calls))
    statuses = [None] * len(calls)

    def call(index, client, path, form):
        barrier.wait()
        statuses[index] = post(client, path, form)

    threads = [threading.Thread(target=call, args=(i, client, path, form))
               for i, (client, (_key, path, form)) in enumerate(zip(clients, calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()  # the test's session must read what the threads wrote
    return statuses


def while_the_engine_works(monkeypatch, client, path, form):
    """POST from ``client`` once the engine has solved and before its result is written back:
    the moment a lock, unlock or cancel would clash with a running generation."""
    real_solve, statuses = generation.solve, []

    def solve(*args, **kwargs):
        result = real_solve(*args, **kwargs)
        other = threading.Thread(target=lambda: statuses.append(post(client, path, form)))
        other.start()
        other.join()
        return result

    monkeypatch.setattr(generation, "solve", solve)
    return statuses


# --- the hard rules, read from the database ------------------------------------------------

def assert_hard_rules(event_id: int) -> None:
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    requests = db.session.scalars(db.select(MeetingRequest).filter_by(event_id=event_id)).all()
    _assert_requests(event, requests)
    _assert_schedule(event, [r for r in requests if r.status == ACCEPTED])


def _assert_requests(event: Event, requests: list[MeetingRequest]) -> None:
    open_pairs = Counter(MeetingRequest.pair_key(r.sender_id, r.recipient_id)
                         for r in requests if r.is_open)
    assert all(n == 1 for n in open_pairs.values()), open_pairs
    assert all((r.open_pair_key is not None) == r.is_open for r in requests)
    meetings = Counter(c for r in requests if r.status == ACCEPTED
                       for c in (r.sender_id, r.recipient_id))
    if event.max_meetings_per_company is not None:
        assert max(meetings.values(), default=0) <= event.max_meetings_per_company, meetings
    pending = Counter(r.sender_id for r in requests if r.status == PENDING)
    if event.max_open_requests is not None:
        assert max(pending.values(), default=0) <= event.max_open_requests, pending


def _assert_schedule(event: Event, agreed: list[MeetingRequest]) -> None:
    placed = [m for m in agreed if queries.is_scheduled(m)]
    assert all(not m.locked for m in agreed if m not in placed), "locked without a place"
    tables = Counter((m.slot_id, m.table_id) for m in placed)
    assert all(n == 1 for n in tables.values()), f"a table taken twice: {tables}"
    seats = Counter((c, m.slot_id) for m in placed for c in (m.sender_id, m.recipient_id))
    assert all(n == 1 for n in seats.values()), f"a company in two meetings: {seats}"
    usable = {r.company_id: {s.id for s in meeting_slots(r)}
              for r in db.session.scalars(db.select(Registration).filter_by(
                  event_id=event.id, status=RegistrationStatus.APPROVED.value))}
    for meeting in placed:
        for company_id in (meeting.sender_id, meeting.recipient_id):
            assert meeting.slot_id in usable.get(company_id, ()), "an unavailable company"
    agreed_ids = {m.id for m in agreed}
    booked = {(b.company_id, b.slot_id, b.request_id)
              for b in db.session.scalars(db.select(MeetingBooking))
              if b.request_id in agreed_ids}
    assert booked == {(c, m.slot_id, m.id) for m in placed for c in (m.sender_id, m.recipient_id)}


def pending_request(event, sender, recipient) -> MeetingRequest:
    request = MeetingRequest(event_id=event.id, sender_id=sender.id, recipient_id=recipient.id,
                             open_pair_key=MeetingRequest.pair_key(sender.id, recipient.id))
    db.session.add(request)
    db.session.commit()
    return request


def statuses_of(requests) -> list[str]:
    for request in requests:
        db.session.refresh(request)
    return sorted(r.status for r in requests)


# --- requests ------------------------------------------------------------------------------

def test_racing_accepts_agree_once(app, people):
    event, c = people()
    request = pending_request(event, c["ann"], c["ben"])
    accept = ("ben", f"/requests/{request.id}/accept", {})
    assert at_once(app, [accept] * 4) == [302] * 4
    assert statuses_of([request]) == [ACCEPTED]
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(
        kind="accepted")) == 1
    assert_hard_rules(event.id)


def test_crossed_requests_at_the_same_moment_make_one_meeting(app, people):
    event, c = people()
    to_ben = ("ann", f"/events/{event.id}/companies/{c['ben'].id}/request", {"note": "1"})
    to_ann = ("ben", f"/events/{event.id}/companies/{c['ann'].id}/request", {"note": "2"})
    assert at_once(app, [to_ben, to_ann] * 3) == [302] * 6
    (request,) = db.session.scalars(db.select(MeetingRequest)).all()
    assert request.status == ACCEPTED
    assert_hard_rules(event.id)


def test_accepts_racing_for_the_senders_last_meeting_agree_once(app, people):
    """Three recipients accept one sender's requests at once; the sender may have one meeting."""
    event, c = people(max_meetings_per_company=1)
    requests = [pending_request(event, c["ann"], c[key]) for key in ("ben", "cem", "dan")]
    accepts = [(key, f"/requests/{r.id}/accept", {})
               for key, r in zip(("ben", "cem", "dan"), requests)]
    assert at_once(app, accepts) == [302] * 3
    assert statuses_of(requests) == [ACCEPTED, PENDING, PENDING]
    assert_hard_rules(event.id)


def test_accepts_racing_for_the_recipients_last_meeting_agree_once(app, people):
    """One company accepts three requests at once (three tabs); it may have two meetings."""
    event, c = people(max_meetings_per_company=2)
    requests = [pending_request(event, c[key], c["ann"]) for key in ("ben", "cem", "dan")]
    accepts = [("ann", f"/requests/{r.id}/accept", {}) for r in requests]
    assert at_once(app, accepts) == [302] * 3
    assert statuses_of(requests) == [ACCEPTED, ACCEPTED, PENDING]
    assert_hard_rules(event.id)


def test_requests_racing_for_the_last_open_request_send_once(app, people):
    event, c = people(max_open_requests=2)
    sends = [("ann", f"/events/{event.id}/companies/{c[key].id}/request", {"note": key})
             for key in ("ben", "cem", "dan", "eve")]
    assert at_once(app, sends) == [302] * 4
    sent = db.session.scalars(db.select(MeetingRequest)).all()
    assert [r.status for r in sent] == [PENDING, PENDING]
    assert_hard_rules(event.id)


def test_sends_and_accepts_racing_for_the_last_meeting(app, people):
    """Ann (one meeting at most) accepts Ben while Cem accepts Ann's request and Ann asks Dan,
    who asked her first (an accept by the back door): one meeting in the end."""
    event, c = people(max_meetings_per_company=1)
    from_ben = pending_request(event, c["ben"], c["ann"])
    to_cem = pending_request(event, c["ann"], c["cem"])
    from_dan = pending_request(event, c["dan"], c["ann"])
    calls = [("ann", f"/requests/{from_ben.id}/accept", {}),
             ("cem", f"/requests/{to_cem.id}/accept", {}),
             ("ann", f"/events/{event.id}/companies/{c['dan'].id}/request", {"note": "Yes"})]
    assert at_once(app, calls) == [302] * 3
    assert statuses_of([from_ben, to_cem, from_dan]) == [ACCEPTED, PENDING, PENDING]
    assert_hard_rules(event.id)


# --- the organizer's changes ---------------------------------------------------------------

def move_call(event, meeting, hhmm, table_name):
    return ("organizer", f"/events/{event.id}/schedule/meetings/{meeting.id}/move",
            {"slot": slot_at(event, hhmm).id, "table": table(event, table_name).id})


def test_two_moves_into_the_same_table_and_slot(app, people):
    event, c = people()
    first, second = agree(event, c["ann"], c["ben"]), agree(event, c["cem"], c["dan"])
    moves = [move_call(event, first, "18:40", "T2"), move_call(event, second, "18:40", "T2")]
    assert sorted(at_once(app, moves)) == [302, 409]
    assert [queries.is_scheduled(m) for m in (first, second)].count(True) == 1
    assert_hard_rules(event.id)


def test_two_moves_of_one_companys_meetings_into_one_slot(app, people):
    event, c = people()
    first, second = agree(event, c["ann"], c["ben"]), agree(event, c["cem"], c["ann"])
    moves = [move_call(event, first, "18:40", "T1"), move_call(event, second, "18:40", "T2")]
    assert sorted(at_once(app, moves)) == [302, 409]
    assert [queries.is_scheduled(m) for m in (first, second)].count(True) == 1
    assert_hard_rules(event.id)


def test_a_swap_and_a_move_racing_for_one_companys_slot(app, people):
    """The swap brings ann–ben to 18:20; the move brings eve–ben there too."""
    event, c = people()
    first, second = agree(event, c["ann"], c["ben"]), agree(event, c["cem"], c["dan"])
    edits.move(event, first, slot_at(event, "18:00"), table(event, "T1"))
    edits.move(event, second, slot_at(event, "18:20"), table(event, "T1"))
    third = agree(event, c["eve"], c["ben"])
    calls = [("organizer", f"/events/{event.id}/schedule/meetings/{first.id}/swap",
              {"other": second.id}),
             move_call(event, third, "18:20", "T2")]
    assert sorted(at_once(app, calls)) == [302, 409]
    assert_hard_rules(event.id)


# --- lock against generation ---------------------------------------------------------------

def generate_call(event):
    return ("organizer", f"/events/{event.id}/schedule/generate", {"time_limit": 5})


def lock_call(event, meeting, locked=True):
    return ("organizer", f"/events/{event.id}/schedule/meetings/{meeting.id}/lock",
            {"locked": "1" if locked else "0"})


def last_run(event) -> ScheduleRun:
    return db.session.scalar(db.select(ScheduleRun).filter_by(event_id=event.id)
                             .order_by(ScheduleRun.id.desc()).limit(1))


@pytest.fixture
def placed_pair(people):
    """ann–ben at 19:00 T2 (where the generator would not put it), cem–dan unscheduled."""
    event, c = people()
    kept = agree(event, c["ann"], c["ben"])
    edits.move(event, kept, slot_at(event, "19:00"), table(event, "T2"))
    return event, kept, agree(event, c["cem"], c["dan"])


def test_lock_and_generate_at_the_same_moment(app, placed_pair):
    event, kept, other = placed_pair
    before = (kept.slot_id, kept.table_id)
    assert at_once(app, [generate_call(event), lock_call(event, kept)]) == [302, 302]
    assert last_run(event).status == "done"
    assert kept.locked and queries.is_scheduled(kept) and queries.is_scheduled(other)
    # Locked before the write-back: kept its place. Locked after: locked where it was put.
    moved = (kept.slot_id, kept.table_id) != before
    assert kept.schedule_version == (2 if moved else 1)
    assert_hard_rules(event.id)


def test_a_meeting_locked_while_the_engine_works_keeps_its_place(app, placed_pair,
                                                                  monkeypatch):
    event, kept, other = placed_pair
    before = (kept.slot_id, kept.table_id)
    locks = while_the_engine_works(monkeypatch, logged_in(app, "organizer"),
                                   *lock_call(event, kept)[1:])
    assert post(logged_in(app, "organizer"), *generate_call(event)[1:]) == 302
    assert locks == [302]
    db.session.expire_all()
    assert last_run(event).status == "done"
    assert kept.locked and (kept.slot_id, kept.table_id) == before
    assert queries.is_scheduled(other)
    assert_hard_rules(event.id)


def test_a_meeting_unlocked_while_the_engine_works_keeps_its_place(app, placed_pair,
                                                                    monkeypatch):
    event, kept, other = placed_pair
    edits.set_locked(event, kept, True)
    before = (kept.slot_id, kept.table_id)
    unlocks = while_the_engine_works(monkeypatch, logged_in(app, "organizer"),
                                     *lock_call(event, kept, locked=False)[1:])
    assert post(logged_in(app, "organizer"), *generate_call(event)[1:]) == 302
    assert unlocks == [302]
    db.session.expire_all()
    assert last_run(event).status == "done"
    assert not kept.locked and (kept.slot_id, kept.table_id) == before
    assert queries.is_scheduled(other)
    assert_hard_rules(event.id)


def test_a_meeting_cancelled_while_the_engine_works_stays_off(app, placed_pair, monkeypatch):
    event, kept, other = placed_pair
    ann = logged_in(app, "ann")
    cancels = while_the_engine_works(monkeypatch, ann, f"/requests/{kept.id}/cancel",
                                     {"reason": "Our engineer is ill."})
    assert post(logged_in(app, "organizer"), *generate_call(event)[1:]) == 302
    assert cancels == [302]
    db.session.expire_all()
    assert last_run(event).status == "done"
    assert kept.status == RequestStatus.CANCELLED.value and kept.table_id is None
    assert db.session.scalars(db.select(MeetingBooking).filter_by(request_id=kept.id)).all() == []
    assert queries.is_scheduled(other)
    assert_hard_rules(event.id)
