"""Interpreters and reserved places on the web side: the organizer's pages, generation that
assigns them within the engine's rules, manual moves refused by the same rules, definition
changes that ask before taking meetings off the schedule, and who sees which plan."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_babel import force_locale

from matchmaker import dates, unit_of_work
from matchmaker.engine.scheduling import breaches
from matchmaker.events import services as events
from matchmaker.events.definition import parse_tables
from matchmaker.extensions import db
from matchmaker.models import (
    AuditEntry,
    Interpreter,
    MeetingRequest,
    Notification,
    ScheduleRun,
    utcnow,
)
from matchmaker.schedule import (
    board,
    edits,
    engine_adapter,
    generation,
    interpreters,
    publishing,
)
from matchmaker.schedule.errors import ScheduleError
from matchmaker.schedule.interpreter_views import change_figures
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree, slot_at, table


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


@pytest.fixture
def trip(make_event, make_participant, organizer):
    """Two German companies speaking only German, two French speaking only French, and a
    French one that also speaks English; one de↔fr interpreter working all evening."""
    event = make_event(tables="T1-T3")
    langs = {"anna": ("Feinwerk Enz GmbH", ["de"]), "bert": ("Weißgerber Optik GmbH", ["de"]),
             "yann": ("Optronique SAS", ["fr"]), "zoe": ("Zéphyr Drones SAS", ["fr"]),
             "cleo": ("Cap Onde SAS", ["fr", "en"])}
    c = {key: make_participant(key, event, name=name, languages=languages)[1]
         for key, (name, languages) in langs.items()}
    ines = add_interpreter(event, organizer, "Ines Dolmetsch", ["de", "fr"])
    return event, c, ines


def add_interpreter(event, organizer, name, languages, slots=None, email=""):
    data = interpreters.InterpreterData(name, languages, [s.id for s in (
        event.slots if slots is None else slots)], email)
    saved, _change = interpreters.save_interpreter(event, data, None, organizer, True)
    db.session.commit()
    return saved


def login(client, key):
    response = client.post("/auth/login", data={"email": f"{key}@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302


def generate_now(event, organizer):
    run = generation.start_generation(event, organizer, 5)
    unit_of_work.commit()
    db.session.expire_all()
    return run


def check_rules(event):
    """Every scheduled meeting against the engine's rules, given all the others."""
    built = engine_adapter.build_instance(event)
    seats = board.Board.load(event).seats
    for meeting_id, seat in seats.items():
        meeting = db.session.get(MeetingRequest, meeting_id)
        others = [s for i, s in seats.items() if i != meeting_id]
        assert breaches(built.instance, others, seat.a, seat.b, seat.slot, seat.table,
                        seat.interpreter, interpreter_asked=meeting.interpreter_wanted) == ()


def test_generation_assigns_interpreters_within_the_rules(trip, organizer):
    event, c, ines = trip
    needing = [agree(event, c["anna"], c["yann"]), agree(event, c["anna"], c["zoe"]),
               agree(event, c["bert"], c["yann"]), agree(event, c["bert"], c["zoe"])]
    plain = agree(event, c["anna"], c["bert"])
    asked = agree(event, c["yann"], c["zoe"], interpreter_wanted=True)
    generate_now(event, organizer)
    for meeting in needing + [asked]:
        assert meeting.slot_id is not None and meeting.interpreter_id == ines.id
    assert plain.slot_id is not None and plain.interpreter_id is None
    assert len({m.slot_id for m in needing + [asked]}) == 5  # one meeting at a time
    check_rules(event)
    assert interpreters.loads(event)[0].meetings == 5


def test_a_meeting_without_an_interpreter_says_so(trip, organizer):
    event, c, ines = trip
    interpreters.delete_interpreter(event, ines, organizer, True)
    db.session.commit()
    meeting = agree(event, c["anna"], c["yann"])
    generate_now(event, organizer)
    assert meeting.slot_id is None and meeting.unscheduled_code == "no_interpreter"
    with force_locale("de"):
        assert "Dolmetscher" in meeting.why_unscheduled
    with force_locale("en"):
        assert meeting.why_unscheduled.startswith("no interpreter")


def test_interpreter_working_slots_limit_the_schedule(trip, organizer):
    event, c, ines = trip
    data = interpreters.InterpreterData(ines.name, ines.languages, [slot_at(event, "20:40").id])
    interpreters.save_interpreter(event, data, ines, organizer, True)
    db.session.commit()
    meeting = agree(event, c["anna"], c["yann"])
    generate_now(event, organizer)
    assert meeting.slot_id == slot_at(event, "20:40").id and meeting.interpreter_id == ines.id


def test_move_refused_when_the_interpreter_is_busy(trip, organizer):
    event, c, ines = trip
    first = agree(event, c["anna"], c["yann"])
    second = agree(event, c["bert"], c["zoe"])
    edits.move(event, first, slot_at(event, "18:00"), None)
    assert first.interpreter_id == ines.id  # chosen for it: they share no language
    with pytest.raises(ScheduleError, match="Ines Dolmetsch is already in another meeting"):
        edits.move(event, second, slot_at(event, "18:00"), None, ines)
    with pytest.raises(ScheduleError, match="need an interpreter"):
        edits.move(event, second, slot_at(event, "18:00"), None)
    edits.move(event, second, slot_at(event, "18:20"), None)
    assert second.interpreter_id == ines.id
    check_rules(event)


def test_move_refused_when_the_interpreter_does_not_work_then(trip, organizer):
    event, c, ines = trip
    paul = add_interpreter(event, organizer, "Paul Traduction", ["en", "fr", "de"],
                           slots=[slot_at(event, "18:00")])
    meeting = agree(event, c["anna"], c["yann"])
    with pytest.raises(ScheduleError, match="Paul Traduction does not work at"):
        edits.move(event, meeting, slot_at(event, "20:00"), None, paul)
    with pytest.raises(ScheduleError, match="does not speak a language of each side"):
        english = add_interpreter(event, organizer, "Eve English", ["en", "es"])
        edits.move(event, meeting, slot_at(event, "20:00"), None, english)


def test_reserved_places_are_honoured(trip, organizer):
    event, c, _ines = trip
    booth = table(event, "T3")
    interpreters.reserve(event, booth, c["cleo"], organizer)
    db.session.commit()
    theirs = [agree(event, c["cleo"], c["yann"]), agree(event, c["cleo"], c["zoe"])]
    others = [agree(event, c["yann"], c["zoe"]), agree(event, c["anna"], c["bert"])]
    generate_now(event, organizer)
    assert all(m.table_id == booth.id for m in theirs)
    assert all(m.slot_id is not None and m.table_id != booth.id for m in others)
    check_rules(event)
    with pytest.raises(ScheduleError, match="Table T3 is reserved for Cap Onde SAS"):
        edits.move(event, others[1], slot_at(event, "21:00"), booth)
    with pytest.raises(ScheduleError, match="meets only at its reserved place, T3"):
        edits.move(event, theirs[0], slot_at(event, "21:00"), table(event, "T1"))
    edits.move(event, theirs[0], slot_at(event, "21:00"), None)  # its booth, chosen for it
    assert theirs[0].table_id == booth.id


def test_interpreter_crud_pages(client, trip):
    event, _c, ines = trip
    login(client, "organizer")
    base = f"/events/{event.id}/interpreters"
    page = client.get(base)
    assert page.status_code == 200 and "Ines Dolmetsch" in page.text
    slots = [str(s.id) for s in event.slots[:4]]
    response = client.post(base, data={"name": "Paul Traduction", "languages": ["en", "fr"],
                                       "slots": slots, "email": ""})
    assert response.status_code == 302
    paul = db.session.scalar(db.select(Interpreter).filter_by(name="Paul Traduction"))
    assert paul.languages == ["en", "fr"] and len(paul.slots) == 4
    refused = client.post(base, data={"name": "Solo", "languages": ["fr"], "slots": slots})
    assert refused.status_code == 400 and "at least two languages" in refused.text
    unknown = client.post(base, data={"name": "Anon", "languages": ["de", "fr"],
                                      "email": "nobody@example.com"})
    assert unknown.status_code == 400 and "No account has the email" in unknown.text
    edit = client.post(f"{base}/{paul.id}/edit", data={"name": "Paul T.", "languages":
                                                       ["en", "fr", "de"], "slots": slots})
    assert edit.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interpreter, paul.id).name == "Paul T."
    paul_id = paul.id
    assert client.post(f"{base}/{paul_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Interpreter, paul_id) is None
    assert client.get(f"{base}/{ines.id}/plan").status_code == 200
    assert client.get(f"/events/{event.id}/places").status_code == 200


def test_interpreter_pages_refuse_participants_and_other_events(client, trip, make_event,
                                                                organizer):
    event, _c, ines = trip
    other = make_event(name="Another evening")
    login(client, "anna")
    for url in (f"/events/{event.id}/interpreters", f"/events/{event.id}/places",
                f"/events/{event.id}/interpreters/{ines.id}/plan"):
        assert client.get(url).status_code == 404, url  # not on the team
    client.post("/auth/logout")
    login(client, "organizer")
    assert client.get(f"/events/{other.id}/interpreters/{ines.id}/plan").status_code == 404
    assert client.get(f"/events/{other.id}/interpreters/{ines.id}/edit").status_code == 404
    assert client.get(f"/events/{event.id}/interpreting").status_code == 404  # not one


def test_removing_working_slots_asks_and_notifies(client, trip, organizer):
    event, c, ines = trip
    meeting = agree(event, c["anna"], c["yann"])
    edits.move(event, meeting, slot_at(event, "18:00"), None)
    publishing.publish(event)
    unit_of_work.commit()
    login(client, "organizer")
    url = f"/events/{event.id}/interpreters/{ines.id}/edit"
    later = [str(s.id) for s in event.slots[1:]]
    form = {"name": ines.name, "languages": ines.languages, "slots": later}
    asked = client.post(url, data=form)
    assert asked.status_code == 409 and "Feinwerk Enz GmbH – Optronique SAS" in asked.text
    db.session.expire_all()
    assert db.session.get(MeetingRequest, meeting.id).interpreter_id == ines.id  # unsaved
    done = client.post(url, data=form | {"confirm": "yes"})
    assert done.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert meeting.slot_id is None and meeting.unscheduled_code == "interpreter_off"
    told = db.session.scalars(db.select(Notification).filter_by(
        kind="meeting_unscheduled", request_id=meeting.id)).all()
    assert len(told) == 2  # one member of each company


def test_removing_a_table_with_meetings_asks_refuses_locked_and_notifies(client, trip,
                                                                         organizer):
    event, c, _ines = trip
    meeting = agree(event, c["anna"], c["bert"])
    edits.move(event, meeting, slot_at(event, "18:00"), table(event, "T3"))
    locked = agree(event, c["yann"], c["zoe"])
    edits.move(event, locked, slot_at(event, "18:20"), table(event, "T3"))
    edits.set_locked(event, locked, True)
    publishing.publish(event)
    unit_of_work.commit()
    data = events.EventData(name=event.name, venue=event.venue, city=event.city,
                            timezone=event.timezone, description="",
                            windows=_windows(event), tables=parse_tables("T1-T2"))
    changes = events.update_event(event, data, confirmed=False)
    assert changes.needs_confirmation and {m.id for m in changes.affected} == {meeting.id,
                                                                              locked.id}
    with pytest.raises(events.EventError, match="locked meeting"):
        events.update_event(event, data, confirmed=True)
    db.session.rollback()
    edits.set_locked(event, locked, False)
    unit_of_work.commit()
    events.update_event(event, data, confirmed=True)
    unit_of_work.commit()
    db.session.expire_all()
    for m in (meeting, locked):
        m = db.session.get(MeetingRequest, m.id)
        assert m.slot_id is None and m.unscheduled_code == "table_removed"
        assert "T3" in m.why_unscheduled
    told = db.session.scalars(db.select(Notification).filter_by(
        kind="meeting_unscheduled")).all()
    assert len(told) == 4


def test_table_removal_asks_on_the_edit_page(client, trip):
    event, c, _ines = trip
    meeting = agree(event, c["anna"], c["bert"])
    edits.move(event, meeting, slot_at(event, "18:00"), table(event, "T3"))
    unit_of_work.commit()
    login(client, "organizer")
    page = client.get(f"/organizer/events/{event.id}/edit")
    form = _form_fields(page.text)
    form["tables"] = "T1\nT2"
    asked = client.post(f"/organizer/events/{event.id}/edit", data=form)
    assert asked.status_code == 409
    assert "Feinwerk Enz GmbH – Weißgerber Optik GmbH" in asked.text
    db.session.expire_all()
    assert db.session.get(MeetingRequest, meeting.id).table_id is not None
    assert client.post(f"/organizer/events/{event.id}/edit",
                       data=form | {"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingRequest, meeting.id).table_id is None


def test_pages_show_interpreters(client, trip, organizer, make_user, monkeypatch):
    event, c, ines = trip
    account = make_user("ines@example.com", name="Ines")
    data = interpreters.InterpreterData(ines.name, ines.languages, [s.id for s in event.slots],
                                        "ines@example.com")
    interpreters.save_interpreter(event, data, ines, organizer, True)
    meeting = agree(event, c["anna"], c["yann"])
    edits.move(event, meeting, slot_at(event, "18:00"), None)
    unit_of_work.commit()
    login(client, "organizer")
    grid = client.get(f"/events/{event.id}/schedule")
    assert f'data-interpreter-row="{ines.id}"' in grid.text and "slot-fill" in grid.text
    assert "Ines Dolmetsch" in client.get(f"/events/{event.id}/schedule/print/tables").text
    dashboard = client.get(f"/organizer/events/{event.id}/dashboard")
    assert 'id="interpreter-load"' in dashboard.text and "1 of 9 slots" in dashboard.text
    plan = client.get(f"/events/{event.id}/interpreters/{ines.id}/plan")
    assert "Feinwerk Enz GmbH" in plan.text and "Optronique SAS" in plan.text
    every = client.get(f"/events/{event.id}/interpreters/plans")
    assert every.status_code == 200 and f'data-plan="{ines.id}"' in every.text
    client.post("/auth/logout")
    login(client, "ines")
    assert 'id="interpreting"' in client.get(f"/events/{event.id}").text
    own = client.get(f"/events/{event.id}/interpreting")
    assert own.status_code == 200 and "Optronique SAS" not in own.text  # not published yet
    assert client.get(f"/events/{event.id}/interpreting.ics").status_code == 404
    publishing.publish(event)
    unit_of_work.commit()
    own = client.get(f"/events/{event.id}/interpreting")
    assert "Optronique SAS" in own.text
    ics = client.get(f"/events/{event.id}/interpreting.ics")
    assert ics.status_code == 200 and b"Interpreting: Feinwerk Enz GmbH" in ics.data
    client.post("/auth/logout")
    login(client, "anna")
    agenda = client.get(f"/events/{event.id}/agenda")
    assert "Interpreter: Ines Dolmetsch" in agenda.text
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 11, 19, 17, 50))
    assert "Interpreter: Ines Dolmetsch" in client.get(f"/events/{event.id}/now").text
    assert b"Interpreter: Ines Dolmetsch" in client.get(f"/events/{event.id}/agenda.ics").data
    assert client.get(f"/events/{event.id}/interpreting").status_code == 404
    assert account.id != c["anna"].id


def test_request_can_ask_for_an_interpreter(client, trip):
    event, c, _ines = trip
    login(client, "anna")
    response = client.post(f"/events/{event.id}/companies/{c['cleo'].id}/request",
                           data={"note": "Lenses", "interpreter": "y"})
    assert response.status_code == 302
    sent = db.session.scalar(db.select(MeetingRequest).filter_by(recipient_id=c["cleo"].id))
    assert sent.interpreter_wanted
    assert 'id="interpreter-wanted"' in client.get(response.location).text


def test_organizer_marks_interpreter_wanted(client, trip):
    event, c, _ines = trip
    meeting = agree(event, c["yann"], c["cleo"])
    login(client, "organizer")
    url = f"/events/{event.id}/schedule/meetings/{meeting.id}/interpreter"
    assert client.post(url, data={"wanted": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(MeetingRequest, meeting.id).interpreter_wanted


def _windows(event):
    from matchmaker.events.definition import Window, parse_breaks
    return [Window(w.day, w.start, w.end, w.slot_minutes,
                   parse_breaks(", ".join(f"{a}-{b}" for a, b in w.breaks), w.slot_minutes))
            for w in event.windows]


def _form_fields(html: str) -> dict:
    """The edit form's fields as the page fills them (inputs, selects, textareas)."""
    import re
    from html import unescape
    fields = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        fields[name] = unescape(value)
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html,
                                  re.S):
        fields[name] = unescape(value)
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"', body) or re.search(
            r'<option[^>]*value="([^"]*)"[^>]*selected', body)
        if chosen:
            fields[name] = unescape(chosen.group(1))
    fields.pop("confirm", None)
    return fields


def test_a_place_that_breaks_a_locked_meeting_is_refused(trip, organizer):
    event, c, _ines = trip
    meeting = agree(event, c["anna"], c["bert"])
    edits.move(event, meeting, slot_at(event, "18:00"), table(event, "T3"))
    edits.set_locked(event, meeting, True)
    with pytest.raises(ScheduleError, match="locked meeting of Feinwerk Enz GmbH"):
        interpreters.reserve(event, table(event, "T3"), c["cleo"], organizer)
    with pytest.raises(ScheduleError, match="Unlock or move it first"):
        interpreters.reserve(event, table(event, "T1"), c["anna"], organizer)
    interpreters.reserve(event, table(event, "T3"), c["anna"], organizer)  # its own: fine
    assert table(event, "T3").reserved_for_id == c["anna"].id


def test_swap_keeps_interpreters_within_the_rules(trip, organizer):
    event, c, ines = trip
    first = agree(event, c["anna"], c["yann"])
    second = agree(event, c["bert"], c["cleo"])
    edits.move(event, first, slot_at(event, "18:00"), None)
    edits.move(event, second, slot_at(event, "18:20"), None)
    edits.swap(event, first, second)
    assert first.slot_id == slot_at(event, "18:20").id and first.interpreter_id == ines.id
    assert second.slot_id == slot_at(event, "18:00").id and second.interpreter_id == ines.id
    check_rules(event)


# --- an interpreter leaves: another takes the meeting over, or it comes off ---------------------

def _scheduled(event, a, b, at):
    """An agreed meeting on the grid at ``at``, given an interpreter by the board's choice."""
    meeting = agree(event, a, b)
    edits.move(event, meeting, slot_at(event, at), None)
    return meeting


def _without(event, hhmm):
    """The slot ids an interpreter keeps when they stop working at ``hhmm``."""
    return [str(s.id) for s in event.slots if s.starts_at.strftime("%H:%M") != hhmm]


def _edit(client, event, interpreter, slots, confirm=False, languages=None):
    data = {"name": interpreter.name, "languages": languages or interpreter.languages,
            "slots": slots}
    return client.post(f"/events/{event.id}/interpreters/{interpreter.id}/edit",
                       data=data | ({"confirm": "yes"} if confirm else {}),
                       follow_redirects=confirm)


def _told(meeting, kind):
    return db.session.scalars(db.select(Notification).filter_by(kind=kind,
                                                                request_id=meeting.id)).all()


def test_a_free_interpreter_takes_the_meeting_over(client, trip, organizer, make_user, outbox):
    event, c, ines = trip
    make_user("paul@example.com", name="Paul")
    paul = add_interpreter(event, organizer, "Paul Traduction", ["de", "fr"],
                           email="paul@example.com")
    meeting = _scheduled(event, c["anna"], c["yann"], "18:00")
    assert meeting.interpreter_id == ines.id
    place, version = (meeting.slot_id, meeting.table_id), meeting.schedule_version
    publishing.publish(event)
    unit_of_work.commit()
    login(client, "organizer")
    asked = _edit(client, event, ines, _without(event, "18:00"))
    assert asked.status_code == 409
    assert "1 meeting gets another interpreter (Paul Traduction)" in asked.text
    assert "0 meetings come off the schedule" in asked.text and "Save and reassign" in asked.text
    db.session.expire_all()
    assert db.session.get(MeetingRequest, meeting.id).interpreter_id == ines.id  # unsaved
    done = _edit(client, event, ines, _without(event, "18:00"), confirm=True)
    assert "1 meeting gets another interpreter (Paul Traduction); 0 meetings come off the " \
           "schedule." in done.text
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert (meeting.slot_id, meeting.table_id) == place and meeting.interpreter_id == paul.id
    assert meeting.schedule_version == version + 1 and meeting.unscheduled_code == ""
    assert len(_told(meeting, "meeting_moved")) == 2 and not _told(meeting, "meeting_unscheduled")
    assert any("Interpreter: Paul Traduction" in m for m in outbox.messages()[-2:])
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="interpreter_reassigned"))
    assert entry.target_id == meeting.id and entry.event_id == event.id
    assert (entry.details["from"], entry.details["to"]) == ("Ines Dolmetsch", "Paul Traduction")
    assert "Optronique SAS" in client.get(f"/events/{event.id}/interpreters/{paul.id}/plan").text
    assert "Optronique SAS" not in client.get(
        f"/events/{event.id}/interpreters/{ines.id}/plan").text
    client.post("/auth/logout")
    login(client, "paul")
    assert "Optronique SAS" in client.get(f"/events/{event.id}/interpreting").text
    check_rules(event)


def test_a_meeting_comes_off_when_nobody_else_may_interpret(client, trip, organizer):
    event, c, ines = trip
    meeting = _scheduled(event, c["anna"], c["yann"], "18:00")
    add_interpreter(event, organizer, "Eve English", ["en", "es"])  # no German, no French
    add_interpreter(event, organizer, "Olga Later", ["de", "fr"], slots=event.slots[1:])
    paul = add_interpreter(event, organizer, "Paul Traduction", ["de", "fr"])
    busy = _scheduled(event, c["bert"], c["zoe"], "18:00")  # Ines is taken: Paul serves it
    assert busy.interpreter_id == paul.id
    publishing.publish(event)
    unit_of_work.commit()
    login(client, "organizer")
    asked = _edit(client, event, ines, _without(event, "18:00"))
    assert asked.status_code == 409 and "0 meetings get another interpreter" in asked.text
    assert "1 meeting comes off the schedule" in asked.text and "Save and take them off" in \
        asked.text
    done = _edit(client, event, ines, _without(event, "18:00"), confirm=True)
    assert "0 meetings get another interpreter; 1 meeting comes off the schedule." in done.text
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert meeting.slot_id is None and meeting.unscheduled_code == "interpreter_off"
    assert len(_told(meeting, "meeting_unscheduled")) == 2
    assert db.session.get(MeetingRequest, busy.id).interpreter_id == paul.id
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="meeting_taken_off"))


def test_a_meeting_that_needs_no_interpreter_keeps_its_place_without_one(client, trip):
    event, c, ines = trip
    meeting = _scheduled(event, c["anna"], c["yann"], "18:00")
    assert meeting.interpreter_id == ines.id
    c["yann"].languages = ["fr", "de"]  # Yann's profile now says he speaks German too
    unit_of_work.commit()
    login(client, "organizer")
    asked = _edit(client, event, ines, _without(event, "18:00"))
    assert "0 meetings come off the schedule" in asked.text
    assert "1 meeting keeps its place without one: its two sides share a language" in asked.text
    _edit(client, event, ines, _without(event, "18:00"), confirm=True)
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert meeting.slot_id is not None and meeting.interpreter_id is None
    check_rules(event)


def test_two_meetings_in_one_slot_compete_for_the_one_free_interpreter(client, trip,
                                                                        organizer):
    """An interpreter is in one meeting per slot (the database holds to it), so two meetings
    of one slot lose theirs in two changes: the first takes the free interpreter, the second
    finds them busy. Within one change, a stand-in chosen is busy for the rest."""
    event, c, ines = trip
    olga = add_interpreter(event, organizer, "Olga Dolmetsch", ["de", "fr"])
    first = _scheduled(event, c["anna"], c["yann"], "18:00")
    second = _scheduled(event, c["bert"], c["zoe"], "18:00")
    assert (first.interpreter_id, second.interpreter_id) == (ines.id, olga.id)
    paul = add_interpreter(event, organizer, "Paul Traduction", ["de", "fr"])
    grid = board.Board.load(event)
    assert grid.stand_in(second, olga) == paul
    assert grid.stand_in(second, olga, (board.seat_of(first, first.slot, first.table,
                                                      paul),)) is None
    login(client, "organizer")
    assert _edit(client, event, ines, _without(event, "18:00"), confirm=True).status_code == 200
    asked = client.post(f"/events/{event.id}/interpreters/{olga.id}/delete")
    assert asked.status_code == 409 and "1 meeting comes off the schedule" in asked.text
    assert "0 meetings get another interpreter" in asked.text
    assert client.post(f"/events/{event.id}/interpreters/{olga.id}/delete",
                       data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    first, second = (db.session.get(MeetingRequest, m.id) for m in (first, second))
    assert first.slot_id is not None and first.interpreter_id == paul.id
    assert second.slot_id is None and second.unscheduled_code == "interpreter_off"
    check_rules(event)


def test_a_locked_meeting_gets_another_interpreter_instead_of_refusing(client, trip,
                                                                       organizer):
    event, c, ines = trip
    meeting = _scheduled(event, c["anna"], c["yann"], "18:00")
    edits.set_locked(event, meeting, True)
    paul = add_interpreter(event, organizer, "Paul Traduction", ["de", "fr"])
    login(client, "organizer")
    asked = client.post(f"/events/{event.id}/interpreters/{ines.id}/delete")
    assert asked.status_code == 409 and "1 meeting gets another interpreter" in asked.text
    assert "Remove and reassign" in asked.text
    done = client.post(f"/events/{event.id}/interpreters/{ines.id}/delete",
                       data={"confirm": "yes"}, follow_redirects=True)
    assert "Ines Dolmetsch is removed." in done.text
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert meeting.locked and meeting.slot_id == slot_at(event, "18:00").id
    assert meeting.interpreter_id == paul.id
    assert not _told(meeting, "meeting_moved")  # not published: nobody is told yet


def test_a_locked_meeting_nobody_else_may_interpret_refuses(client, trip, organizer):
    event, c, ines = trip
    meeting = _scheduled(event, c["anna"], c["yann"], "18:00")
    edits.set_locked(event, meeting, True)
    add_interpreter(event, organizer, "Olga Later", ["de", "fr"], slots=event.slots[1:])
    login(client, "organizer")
    asked = _edit(client, event, ines, _without(event, "18:00"))
    assert asked.status_code == 409 and "1 meeting comes off the schedule" in asked.text
    assert "unlock or move them first" in asked.text
    refused = _edit(client, event, ines, _without(event, "18:00"), confirm=True)
    assert "would be left without an interpreter" in refused.text
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert meeting.interpreter_id == ines.id and meeting.slot_id is not None
    assert len(db.session.get(Interpreter, ines.id).slots) == len(event.slots)


def test_both_figures_in_german_and_french(trip, organizer):
    event, c, ines = trip
    _scheduled(event, c["anna"], c["yann"], "18:00")
    _scheduled(event, c["bert"], c["zoe"], "18:20")
    add_interpreter(event, organizer, "Paul Traduction", ["de", "fr"],
                    slots=[slot_at(event, "18:00")])
    change = interpreters.plan_change(event, ines, None)
    assert len(change.reassigned) == 1 and len(change.taken_off) == 1
    with force_locale("en"):
        assert change_figures(change) == ["1 meeting gets another interpreter (Paul Traduction)",
                                          "1 meeting comes off the schedule"]
    with force_locale("de"):
        assert change_figures(change) == [
            "1 Treffen bekommt einen anderen Dolmetscher (Paul Traduction)",
            "1 Treffen wird aus dem Plan genommen"]
    with force_locale("fr"):
        assert change_figures(change) == [
            "1 rendez-vous reçoit un autre interprète (Paul Traduction)",
            "1 rendez-vous est retiré du planning"]


# --- an interpreter's languages change: the same plan, by the same rules -----------------------

def _every_slot(event):
    return [str(s.id) for s in event.slots]


def test_a_language_change_hands_meetings_over_or_takes_them_off(client, trip, organizer):
    """Ines drops French: the German–French meetings she serves are no longer hers (the
    engine's language rule), the German–French/English one stays with her in English."""
    event, c, ines = trip
    handed = _scheduled(event, c["anna"], c["yann"], "18:00")
    kept = _scheduled(event, c["bert"], c["cleo"], "18:20")
    off = _scheduled(event, c["bert"], c["zoe"], "18:40")
    paul = add_interpreter(event, organizer, "Paul Traduction", ["de", "fr"],
                           slots=[slot_at(event, "18:00")])
    add_interpreter(event, organizer, "Eve English", ["de", "en"])  # no French either
    publishing.publish(event)
    unit_of_work.commit()
    login(client, "organizer")
    asked = _edit(client, event, ines, _every_slot(event), languages=["de", "en"])
    assert asked.status_code == 409
    assert "1 meeting gets another interpreter (Paul Traduction)" in asked.text
    assert "1 meeting comes off the schedule" in asked.text
    assert "Weißgerber Optik GmbH – Zéphyr Drones SAS" in asked.text
    assert "Weißgerber Optik GmbH – Cap Onde SAS" not in asked.text
    db.session.expire_all()
    assert db.session.get(Interpreter, ines.id).languages == ["de", "fr"]  # unsaved
    done = _edit(client, event, ines, _every_slot(event), confirm=True, languages=["de", "en"])
    assert "1 meeting gets another interpreter (Paul Traduction); 1 meeting comes off the " \
           "schedule." in done.text
    db.session.expire_all()
    handed, kept, off = (db.session.get(MeetingRequest, m.id) for m in (handed, kept, off))
    assert handed.slot_id == slot_at(event, "18:00").id and handed.interpreter_id == paul.id
    assert kept.slot_id == slot_at(event, "18:20").id and kept.interpreter_id == ines.id
    assert off.slot_id is None and off.unscheduled_code == "interpreter_language"
    with force_locale("en"):
        assert off.why_unscheduled == "its interpreter Ines Dolmetsch no longer speaks a " \
                                      "language of each side"
    with force_locale("de"):
        assert "spricht nicht mehr" in off.why_unscheduled
    with force_locale("fr"):
        assert "ne parle plus" in off.why_unscheduled
    assert len(_told(handed, "meeting_moved")) == 2 and len(_told(off, "meeting_unscheduled")) == 2
    assert not _told(kept, "meeting_moved") and not _told(kept, "meeting_unscheduled")
    actions = {e.target_id: e.action for e in db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.action.in_(("interpreter_reassigned", "meeting_taken_off"))))}
    assert actions == {handed.id: "interpreter_reassigned", off.id: "meeting_taken_off"}
    assert db.session.get(Interpreter, ines.id).languages == ["de", "en"]
    check_rules(event)


def test_a_language_change_refused_by_a_locked_meeting_nobody_else_may_interpret(trip,
                                                                               organizer):
    event, c, ines = trip
    meeting = _scheduled(event, c["anna"], c["yann"], "18:00")
    edits.set_locked(event, meeting, True)
    unit_of_work.commit()
    data = interpreters.InterpreterData(ines.name, ["de", "en"], [s.id for s in event.slots])
    saved, change = interpreters.save_interpreter(event, data, ines, organizer, False)
    assert saved is None and change.locked == [meeting]
    with pytest.raises(ScheduleError, match="would be left without an interpreter"):
        interpreters.save_interpreter(event, data, ines, organizer, True)
    db.session.rollback()
    assert ines.languages == ["de", "fr"] and meeting.interpreter_id == ines.id


def test_slots_and_languages_are_judged_together(trip, organizer):
    """One plan for both: a meeting lost to a dropped slot says so, one lost to a language
    says that; a meeting fine under both stays."""
    event, c, ines = trip
    slot_lost = _scheduled(event, c["anna"], c["yann"], "18:00")
    language_lost = _scheduled(event, c["bert"], c["zoe"], "18:20")
    kept = _scheduled(event, c["anna"], c["cleo"], "18:40")
    data = interpreters.InterpreterData(ines.name, ["de", "en"],
                                        [s.id for s in event.slots[1:]])
    change = interpreters.plan_change(event, ines, data)
    assert [m.id for m in change.affected] == [slot_lost.id, language_lost.id]
    assert change.reasons == {slot_lost.id: "interpreter_off",
                              language_lost.id: "interpreter_language"}
    assert kept.id not in change.reasons


def test_a_language_change_that_keeps_every_meeting_saves_without_asking(client, trip):
    event, c, ines = trip
    meetings = [_scheduled(event, c["anna"], c["yann"], "18:00"),
                _scheduled(event, c["bert"], c["cleo"], "18:20")]
    unit_of_work.commit()
    login(client, "organizer")
    done = _edit(client, event, ines, _every_slot(event), languages=["de", "fr", "en"])
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Interpreter, ines.id).languages == ["de", "en", "fr"]
    for meeting in meetings:
        meeting = db.session.get(MeetingRequest, meeting.id)
        assert meeting.slot_id is not None and meeting.interpreter_id == ines.id
    assert not db.session.scalars(db.select(Notification)).all()


def test_interpreters_and_places_wait_while_the_generator_runs(client, trip, organizer):
    event, c, ines = trip
    db.session.add(ScheduleRun(event_id=event.id, status="running", time_limit=10,
                               heartbeat_at=utcnow()))
    db.session.commit()
    data = interpreters.InterpreterData(ines.name, ["de", "fr", "en"],
                                        [s.id for s in event.slots])
    for change in (lambda: interpreters.save_interpreter(event, data, ines, organizer, True),
                   lambda: interpreters.save_interpreter(event, data, None, organizer, True),
                   lambda: interpreters.delete_interpreter(event, ines, organizer, True),
                   lambda: interpreters.reserve(event, table(event, "T3"), c["cleo"],
                                                organizer)):
        with pytest.raises(ScheduleError, match="generator is running"):
            change()
    login(client, "organizer")
    refused = _edit(client, event, ines, _every_slot(event), languages=["de", "fr", "en"])
    assert refused.status_code == 400 and "The generator is running" in refused.text
    removed = client.post(f"/events/{event.id}/interpreters/{ines.id}/delete",
                          data={"confirm": "yes"}, follow_redirects=True)
    assert "The generator is running" in removed.text
    db.session.expire_all()
    assert db.session.get(Interpreter, ines.id).languages == ["de", "fr"]
    assert table(event, "T3").reserved_for_id is None
