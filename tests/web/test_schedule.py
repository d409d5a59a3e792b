"""The schedule's services: the engine's instance from the database, generation and write-back,
manual changes refused per hard rule, publication and its notices."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_babel import force_locale

from matchmaker import unit_of_work
from matchmaker.events import services as events
from matchmaker.extensions import db
from matchmaker.models import (
    MeetingBooking,
    MeetingRequest,
    Notification,
    RegistrationStatus,
    RequestStatus,
    ScheduleRun,
    User,
    utcnow,
)
from matchmaker.schedule import (
    agendas,
    board,
    edits,
    engine_adapter,
    generation,
    publishing,
    queries,
    runs,
)
from matchmaker.schedule.errors import ScheduleError


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


def agree(event, a, b, note="", **fields) -> MeetingRequest:
    """An agreed meeting between companies ``a`` and ``b`` (as after accept)."""
    meeting = MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id, note=note,
                             status=RequestStatus.ACCEPTED.value,
                             open_pair_key=MeetingRequest.pair_key(a.id, b.id), **fields)
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def evening(make_event, make_participant):
    """Nine 20-minute slots from 18:00 (break 19:40–20:00), three tables, five companies."""
    event = make_event(tables="T1-T3", max_meetings_per_company=3)
    names = {"anna": "Feinwerk Enz GmbH", "bert": "Weißgerber Optik GmbH",
             "yann": "Optronique SAS", "zoe": "Zéphyr Drones SAS", "cleo": "Cap Onde SAS"}
    companies = {key: make_participant(key, event, name=name)[1] for key, name in names.items()}
    return event, companies


def slot_at(event, hhmm: str):
    return next(s for s in event.slots if s.starts_at.strftime("%H:%M") == hhmm)


def table(event, name: str):
    return next(t for t in event.tables if t.name == name)


def generate(event, organizer, time_limit=5):
    """Start a run as the organizer's click does; the job runs (inline) once it commits."""
    run = generation.start_generation(event, organizer, time_limit)
    unit_of_work.commit()
    return run


def bookings_of(meeting):
    return db.session.scalars(db.select(MeetingBooking).filter_by(request_id=meeting.id)).all()


# --- the instance --------------------------------------------------------------------------

def test_instance_respects_availability_programme_caps_locks_and_weights(evening, organizer):
    event, c = evening
    registration = events.register(event, c["bert"], list(c["bert"].members),
                                   [slot_at(event, "18:00"), slot_at(event, "18:20"),
                                    slot_at(event, "19:00")])
    events.save_program_item(event, events.ProgramItemData(
        title="Workshop", place="", description="", starts_at=slot_at(event, "18:00").starts_at,
        ends_at=slot_at(event, "18:20").starts_at, for_everyone=False,
        company_ids=[c["bert"].id]))
    plain = agree(event, c["anna"], c["yann"])
    important = agree(event, c["bert"], c["zoe"], sender_important=True, recipient_important=True)
    locked = agree(event, c["cleo"], c["yann"], locked=True,
                   slot_id=slot_at(event, "18:40").id, table_id=table(event, "T2").id)

    built = engine_adapter.build_instance(event)

    people = {p.id: p for p in built.instance.participants}
    assert set(people) == {c[k].name for k in c}
    bert_slots = {built.slots[key].starts_at.strftime("%H:%M")
                  for key in people["Weißgerber Optik GmbH"].available}
    assert bert_slots == {"18:20", "19:00"}  # 18:00 is taken by the workshop
    assert registration.is_approved
    assert all(p.max_meetings == 3 for p in people.values())
    weights = {(r.a, r.b): r.weight for r in built.instance.requests}
    assert weights == {("Feinwerk Enz GmbH", "Optronique SAS"): 1.0,
                       ("Weißgerber Optik GmbH", "Zéphyr Drones SAS"): 3.0}
    assert built.requests == [plain, important]
    (fixed,) = built.instance.fixed
    assert (fixed.a, fixed.b, fixed.table) == ("Cap Onde SAS", "Optronique SAS", "T2")
    assert built.slots[fixed.slot].starts_at.strftime("%H:%M") == "18:40"
    assert [s.session for s in built.instance.slots] == ["2026-11-19"] * 9
    assert locked.id not in built.excluded


def test_unapproved_side_is_left_out_with_a_reason(evening, make_participant, organizer):
    event, c = evening
    _user, late = make_participant("late", event, status=RegistrationStatus.PENDING,
                                   name="Late Comer GmbH")
    meeting = agree(event, c["anna"], late)
    run = generate(event, organizer)
    assert run.status == "done"
    assert meeting.slot_id is None
    assert meeting.why_unscheduled == "Late Comer GmbH is not an approved participant"


# --- generation ----------------------------------------------------------------------------

def test_generation_writes_meetings_bookings_and_the_run(evening, organizer):
    event, c = evening
    first = agree(event, c["anna"], c["yann"])
    second = agree(event, c["anna"], c["zoe"])
    third = agree(event, c["bert"], c["yann"])

    run = generate(event, organizer)

    assert run.status == "done" and run.progress == 100
    assert (run.scheduled, run.unscheduled) == (3, 0)
    assert run.objective == pytest.approx(3.0) and run.upper_bound == pytest.approx(3.0)
    assert runs.quality(run) == pytest.approx(100.0)
    for meeting in (first, second, third):
        assert queries.is_scheduled(meeting) and meeting.schedule_version == 1
        assert {b.company_id for b in bookings_of(meeting)} == {meeting.sender_id,
                                                               meeting.recipient_id}
        assert {b.slot_id for b in bookings_of(meeting)} == {meeting.slot_id}
    assert first.slot_id != second.slot_id  # Feinwerk is in both
    assert first.slot_id != third.slot_id  # Optronique is in both
    assert len({(m.slot_id, m.table_id) for m in (first, second, third)}) == 3


def test_rerun_keeps_locked_meetings_and_bumps_only_moved_ones(evening, organizer):
    event, c = evening
    pinned = agree(event, c["anna"], c["yann"], locked=True, slot_id=slot_at(event, "21:00").id,
                   table_id=table(event, "T3").id)
    db.session.add_all([MeetingBooking(company_id=cid, slot_id=pinned.slot_id,
                                       request_id=pinned.id)
                        for cid in (c["anna"].id, c["yann"].id)])
    db.session.commit()
    other = agree(event, c["zoe"], c["cleo"])
    generate(event, organizer)
    place = (other.slot_id, other.table_id)
    assert place != (None, None) and other.schedule_version == 1

    run = generate(event, organizer)

    assert run.status == "done"
    assert (pinned.slot_id, pinned.table_id) == (slot_at(event, "21:00").id,
                                                 table(event, "T3").id)
    assert pinned.schedule_version == 0 and len(bookings_of(pinned)) == 2
    assert (other.slot_id, other.table_id) == place and other.schedule_version == 1


@pytest.mark.parametrize(("locale", "reason"), [
    (None, "Hub SAS has reached its cap of 1 meetings"),
    ("de", "Hub SAS hat sein Maximum von 1 Treffen erreicht"),
])
def test_caps_leave_meetings_unscheduled_with_the_engines_reason(make_event, make_participant,
                                                                 organizer, locale, reason):
    organizer.locale = "fr"  # stored as a code: worded in the reader's language, not French
    event = make_event(tables="T1-T3", max_meetings_per_company=1)
    _u, hub = make_participant("hub", event, name="Hub SAS")
    spokes = [make_participant(f"s{i}", event, name=f"Spoke {i} GmbH")[1] for i in range(3)]
    meetings = [agree(event, hub, spoke) for spoke in spokes]
    run = generate(event, organizer)
    assert (run.scheduled, run.unscheduled) == (1, 2)
    waiting = [m for m in meetings if m.slot_id is None]
    assert len(waiting) == 2
    assert all((m.unscheduled_code, m.unscheduled_params) == ("cap", {"name": "Hub SAS", "n": 1})
               for m in waiting)
    with force_locale(locale or "en"):
        assert all(m.why_unscheduled == reason for m in waiting)
    grid = queries.grid(event)
    assert grid.scheduled_count == 1 and set(grid.unscheduled) == set(waiting)


def test_generation_refused_without_slots_or_tables(make_event, organizer):
    event = make_event(windows=(), tables="T1")
    with pytest.raises(ScheduleError, match="slots and tables"):
        generate(event, organizer)


def test_failed_run_is_recorded(evening, organizer, monkeypatch):
    event, c = evening
    agree(event, c["anna"], c["yann"])

    def broken(*_args, **_kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(generation, "solve", broken)
    run = generate(event, organizer)
    assert run.status == "failed" and "solver exploded" in run.message
    assert runs.active_run(event) is None


# --- manual changes ------------------------------------------------------------------------

@pytest.fixture
def scheduled(evening):
    """anna–yann at 18:20 T1, zoe–cleo at 18:20 T2, bert–zoe unscheduled."""
    event, c = evening

    def place(meeting, hhmm, table_name):
        edits.move(event, meeting, slot_at(event, hhmm), table(event, table_name))
        return meeting

    one = place(agree(event, c["anna"], c["yann"], note="Housings"), "18:20", "T1")
    two = place(agree(event, c["zoe"], c["cleo"]), "18:20", "T2")
    loose = agree(event, c["bert"], c["zoe"])
    return event, c, one, two, loose


def test_move_places_and_books(scheduled):
    event, c, one, _two, loose = scheduled
    chosen = edits.move(event, loose, slot_at(event, "18:40"), None)
    assert chosen.name == "T1"  # the first free table
    assert queries.is_scheduled(loose) and loose.schedule_version == 1
    assert {b.slot_id for b in bookings_of(loose)} == {slot_at(event, "18:40").id}
    edits.move(event, one, slot_at(event, "19:00"), table(event, "T3"))
    assert one.schedule_version == 2 and {b.slot_id for b in bookings_of(one)} == {
        slot_at(event, "19:00").id}


@pytest.mark.parametrize("hhmm, table_name, message", [
    ("18:20", "T3", "Zéphyr Drones SAS already has a meeting at 18:20."),
    ("18:40", None, "Weißgerber Optik GmbH is not available at 18:40."),
])
def test_move_refuses_a_broken_rule_with_its_message(scheduled, hhmm, table_name, message):
    event, c, _one, _two, loose = scheduled
    events.register(event, c["bert"], list(c["bert"].members),
                    [s for s in event.slots if s.starts_at.strftime("%H:%M") != "18:40"])
    with pytest.raises(ScheduleError) as refused:
        edits.move(event, loose, slot_at(event, hhmm),
                      table(event, table_name) if table_name else None)
    assert str(refused.value) == message
    assert loose.slot_id is None and bookings_of(loose) == []


def test_move_refuses_a_taken_table(scheduled):
    event, c, _one, _two, loose = scheduled
    edits.move(event, agree(event, c["anna"], c["cleo"]), slot_at(event, "19:00"),
                  table(event, "T1"))
    with pytest.raises(ScheduleError, match=r"^Table T1 is taken at 19:00\.$"):
        edits.move(event, loose, slot_at(event, "19:00"), table(event, "T1"))


def test_move_refuses_past_the_cap(scheduled):
    event, c, _one, _two, _loose = scheduled
    event.max_meetings_per_company = 1
    db.session.commit()
    extra = agree(event, c["anna"], c["cleo"])
    with pytest.raises(ScheduleError, match="Feinwerk Enz GmbH has reached the maximum of 1"):
        edits.move(event, extra, slot_at(event, "19:00"), None)


def test_move_refuses_when_every_table_is_taken(make_event, make_participant):
    event = make_event(tables="T1")
    a, b, c, d = (make_participant(k, event, name=f"{k.title()} SAS")[1]
                  for k in ("ann", "ben", "cem", "dan"))
    edits.move(event, agree(event, a, b), slot_at(event, "18:00"), None)
    with pytest.raises(ScheduleError, match=r"^Every table is taken at 18:00\.$"):
        edits.move(event, agree(event, c, d), slot_at(event, "18:00"), None)


def test_locked_meetings_cannot_move_and_lock_needs_a_place(scheduled):
    event, _c, one, two, loose = scheduled
    with pytest.raises(ScheduleError, match="Only a scheduled meeting can be locked"):
        edits.set_locked(event, loose, True)
    edits.set_locked(event, one, True)
    with pytest.raises(ScheduleError, match="is locked. Unlock it first"):
        edits.move(event, one, slot_at(event, "19:00"), None)
    with pytest.raises(ScheduleError, match="is locked"):
        edits.swap(event, two, one)


def test_swap_trades_places(scheduled):
    event, _c, one, two, _loose = scheduled
    places = (one.table_id, two.table_id)
    edits.swap(event, one, two)
    assert (one.table_id, two.table_id) == places[::-1]
    assert one.slot_id == two.slot_id == slot_at(event, "18:20").id
    assert (one.schedule_version, two.schedule_version) == (2, 2)


def test_swap_refuses_a_broken_rule(scheduled):
    event, c, one, _two, loose = scheduled
    events.register(event, c["bert"], list(c["bert"].members),
                    [s for s in event.slots if s.starts_at.strftime("%H:%M") != "18:20"])
    edits.move(event, loose, slot_at(event, "19:00"), None)
    with pytest.raises(ScheduleError, match="Weißgerber Optik GmbH is not available at 18:20"):
        edits.swap(event, one, loose)
    assert loose.slot_id == slot_at(event, "19:00").id


def test_database_backs_the_rules_up(scheduled):
    """A seat taken behind the checks' back (a race) is refused by the database, politely."""
    event, c, _one, _two, loose = scheduled
    ghost = agree(event, c["bert"], c["cleo"])
    db.session.add(MeetingBooking(company_id=c["bert"].id, slot_id=slot_at(event, "19:00").id,
                                  request_id=ghost.id))
    db.session.commit()
    with pytest.raises(ScheduleError, match="Someone else changed the schedule"):
        edits.move(event, loose, slot_at(event, "19:00"), None)
    db.session.refresh(loose)
    assert loose.slot_id is None


def test_unschedule_and_cancel(scheduled, organizer):
    event, _c, one, two, _loose = scheduled
    edits.unschedule(event, one, "")
    assert one.slot_id is None and bookings_of(one) == []
    assert one.why_unscheduled == "Taken off by the organizer"
    edits.cancel(event, two, organizer, "Double-booked stand")
    assert two.status == "cancelled" and two.open_pair_key is None
    assert two.slot_id is not None and two.table_id is None  # the time stays, for calendars
    assert bookings_of(two) == [] and two.reason == "Double-booked stand"


def test_a_meeting_cancelled_by_a_side_gives_its_seats_back(scheduled):
    event, c, one, _two, loose = scheduled
    one.status, one.open_pair_key = RequestStatus.CANCELLED.value, None  # as meetings.cancel
    db.session.commit()
    anna_yann_again = agree(event, c["anna"], c["yann"])
    edits.move(event, anna_yann_again, slot_at(event, "18:20"), table(event, "T1"))
    assert queries.is_scheduled(anna_yann_again)
    assert loose.slot_id is None


def test_changes_wait_while_the_generator_runs(scheduled, organizer):
    event, _c, one, _two, _loose = scheduled
    db.session.add(ScheduleRun(event_id=event.id, status="running", time_limit=10,
                               heartbeat_at=utcnow()))
    db.session.commit()
    with pytest.raises(ScheduleError, match="generator is running"):
        edits.move(event, one, slot_at(event, "19:00"), None)
    assert generation.start_generation(event, organizer, 5).status == "running"


def test_slot_problems_explain_each_slot(scheduled):
    event, _c, _one, _two, loose = scheduled
    problems = board.slot_problems(event, loose)
    assert problems[slot_at(event, "18:20").id] == \
        "Zéphyr Drones SAS already has a meeting at 18:20."
    assert problems[slot_at(event, "19:00").id] is None


# --- publication and notices ---------------------------------------------------------------

def test_publish_tells_companies_and_later_changes_tell_both_sides(scheduled, outbox):
    event, c, one, _two, _loose = scheduled
    assert publishing.publish(event) == 4
    assert event.schedule_published_at is not None
    published = db.session.scalars(db.select(Notification).filter_by(
        kind="schedule_published")).all()
    assert len(published) == 4
    assert publishing.publish(event) == 0  # twice changes nothing

    edits.move(event, one, slot_at(event, "19:00"), table(event, "T2"))
    unit_of_work.commit()  # emails leave once the change is committed

    moved = db.session.scalars(db.select(Notification).filter_by(kind="meeting_moved")).all()
    told = {db.session.get(User, n.user_id).company_id for n in moved}
    assert told == {c["anna"].id, c["yann"].id}
    last = outbox.messages()[-2:]
    assert any("Your meeting with Feinwerk Enz GmbH was moved" in m for m in last)
    assert any("19:00 (Paris time), table T2" in m for m in last)


def test_no_notices_before_publication(scheduled):
    event, _c, one, _two, _loose = scheduled
    edits.move(event, one, slot_at(event, "19:00"), None)
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_agenda_merges_meetings_and_programme(scheduled):
    event, c, one, two, loose = scheduled
    events.save_program_item(event, events.ProgramItemData(
        title="Dinner", place="Café", description="", starts_at=datetime(2026, 11, 19, 21, 30),
        ends_at=datetime(2026, 11, 19, 23), for_everyone=True, company_ids=[]))
    agenda = agendas.agenda(event, c["zoe"], shows_times=True)
    assert [e.meeting or e.item.title for e in agenda.entries] == [two, "Dinner"]
    assert agenda.unscheduled == [loose]
    hidden = agendas.agenda(event, c["anna"], shows_times=False)
    assert hidden.meetings == [] and hidden.unscheduled == [one]


def test_regenerating_after_publication_tells_only_the_affected(evening, organizer):
    event, c = evening
    first = agree(event, c["anna"], c["yann"])
    generate(event, organizer)
    edits.set_locked(event, first, True)
    publishing.publish(event, notify=False)
    newcomer = agree(event, c["zoe"], c["cleo"])

    generate(event, organizer)

    kinds = db.session.execute(db.select(Notification.kind, Notification.request_id)).all()
    assert set(kinds) == {("meeting_scheduled", newcomer.id)}
    assert len(kinds) == 2  # one member on each side
