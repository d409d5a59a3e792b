"""Day-of operations: checking attendees in and out again, marking meetings held, no-show or
running late, bumping a late meeting (and every refusal, with nothing half-written), the live
grid, who may see what, and the audit entries."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from matchmaker import dates
from matchmaker.extensions import db
from matchmaker.models import (
    AuditEntry,
    CheckIn,
    MeetingRequest,
    Notification,
    Registration,
    RegistrationStatus,
    utcnow,
)
from matchmaker.schedule import edits, publishing
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree, slot_at, table

EVENING_DAY = datetime(2026, 11, 19)


@pytest.fixture
def app_config():
    return {"JOBS": "sync"}


@pytest.fixture
def at(monkeypatch):
    """Set the venue's clock to ``hh:mm`` on the evening."""

    def set_clock(hhmm: str) -> None:
        hours, minutes = map(int, hhmm.split(":"))
        moment = EVENING_DAY + timedelta(hours=hours, minutes=minutes)
        monkeypatch.setattr(dates, "event_now", lambda _event: moment)

    return set_clock


@pytest.fixture
def world(make_event, make_participant):
    """anna–yann at 18:20 T1 (published), anna–zoe at 19:00 T2, yann–zoe agreed without a
    place; a pending company and a second event with its own participant."""
    event = make_event(tables="T1-T3")
    users, companies = {}, {}
    for key, name in (("anna", "Feinwerk Enz GmbH"), ("yann", "Optronique SAS"),
                      ("zoe", "Zéphyr Drones SAS")):
        users[key], companies[key] = make_participant(key, event, name=name)
    users["late"], _late = make_participant("late", event, status=RegistrationStatus.PENDING,
                                            name="Late Comer GmbH")
    other = make_event(name="Eurosatory evening")
    users["stranger"], _stranger = make_participant("stranger", other, name="Stranger AG")
    meeting = agree(event, companies["anna"], companies["yann"])
    edits.move(event, meeting, slot_at(event, "18:20"), table(event, "T1"))
    later = agree(event, companies["anna"], companies["zoe"])
    edits.move(event, later, slot_at(event, "19:00"), table(event, "T2"))
    loose = agree(event, companies["yann"], companies["zoe"])
    publishing.publish(event, notify=False)
    return dict(event=event, meeting=meeting, later=later, loose=loose, users=users,
                companies=companies, other=other)


def login(client, key):
    response = client.post("/auth/login", data={"email": f"{key}@example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302


def base(event) -> str:
    return f"/organizer/events/{event.id}/day-of"


def audit_entries(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(db.select(AuditEntry).filter_by(action=action)
                                   .order_by(AuditEntry.id)))


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


# --- check-in ------------------------------------------------------------------------------

def test_check_in_and_undo_count_time_and_audit(client, world):
    event, anna = world["event"], world["users"]["anna"]
    login(client, "organizer")
    listing = page(client, base(event))
    assert "Feinwerk Enz GmbH" in listing and "Zéphyr Drones SAS" in listing
    assert "Late Comer GmbH" not in listing  # not approved: not expected
    assert 'data-stat="checked-in">0 / 3<' in listing

    response = client.post(f"{base(event)}/attendees/{anna.id}/check-in")
    assert response.status_code == 302 and response.location.endswith(f"#attendee-{anna.id}")
    row = db.session.scalar(db.select(CheckIn).filter_by(user_id=anna.id))
    assert row.event_id == event.id and row.checked_in_by_id is not None
    assert abs(row.checked_in_at - utcnow()) < timedelta(minutes=1)
    listing = page(client, base(event))
    assert "Anna (Feinwerk Enz GmbH) is checked in." in listing
    assert 'data-stat="checked-in">1 / 3<' in listing
    assert 'data-stat="companies-in">1 / 3<' in listing
    paris = (row.checked_in_at + timedelta(hours=1)).strftime("%H:%M")  # CET in November
    assert f"Checked in at {paris}" in listing

    again = client.post(f"{base(event)}/attendees/{anna.id}/check-in")
    assert again.status_code == 302
    assert "Anna was already checked in." in page(client, base(event))
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 1

    assert client.post(f"{base(event)}/attendees/{anna.id}/undo").status_code == 302
    assert "The check-in of Anna is undone." in page(client, base(event))
    assert db.session.scalar(db.select(CheckIn).filter_by(user_id=anna.id)) is None
    client.post(f"{base(event)}/attendees/{anna.id}/undo")
    assert "Anna was not checked in." in page(client, base(event))

    checked, undone = audit_entries("attendee_checked_in"), audit_entries("check_in_undone")
    assert len(checked) == 1 and len(undone) == 1
    assert checked[0].target_label == "anna@example.com"
    assert checked[0].event_id == event.id and checked[0].actor_label == "organizer@example.com"
    assert checked[0].details == {"company": "Feinwerk Enz GmbH"}


def test_search_and_filter_keep_their_place(client, world):
    event, users = world["event"], world["users"]
    login(client, "organizer")
    client.post(f"{base(event)}/attendees/{users['yann'].id}/check-in")
    found = page(client, f"{base(event)}?q=optronique")
    assert "yann@example.com" in found and "anna@example.com" not in found
    assert "yann@example.com" in page(client, f"{base(event)}?q=YANN@")
    checked_in = page(client, f"{base(event)}?show=in")
    assert "yann@example.com" in checked_in and "zoe@example.com" not in checked_in
    waiting = page(client, f"{base(event)}?show=waiting")
    assert "yann@example.com" not in waiting and "zoe@example.com" in waiting
    assert "No attendee matches this search." in page(client, f"{base(event)}?q=nobody-here")
    assert "anna@example.com" in page(client, f"{base(event)}?show=bogus")  # back to all
    # The button sends the search along: the organizer lands on the same filtered list.
    response = client.post(f"{base(event)}/attendees/{users['zoe'].id}/check-in",
                           data={"q": "zéphyr", "show": "waiting"})
    assert "q=z%C3%A9phyr" in response.location and "show=waiting" in response.location


def test_only_attendees_of_approved_companies_can_be_checked_in(client, world, make_user):
    event, users = world["event"], world["users"]
    colleague = make_user("colleague@example.com", name="Not Attending")
    colleague.company_id = world["companies"]["anna"].id
    db.session.commit()
    login(client, "organizer")
    for user_id in (users["late"].id, users["stranger"].id, colleague.id, 999_999):
        assert client.post(f"{base(event)}/attendees/{user_id}/check-in").status_code == 404
        assert client.post(f"{base(event)}/attendees/{user_id}/undo").status_code == 404
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 0
    assert audit_entries("attendee_checked_in") == []


def test_empty_states(client, make_event):
    event = make_event(name="Empty evening")
    login(client, "organizer")
    assert "Nobody to check in yet" in page(client, base(event))
    assert "No scheduled meetings" in page(client, f"{base(event)}/meetings")


# --- marking meetings ----------------------------------------------------------------------

def mark(client, event, meeting, status):
    return client.post(f"{base(event)}/meetings/{meeting.id}/mark", data={"status": status})


def test_mark_held_no_show_late_and_clear(client, world, at):
    event, meeting = world["event"], world["meeting"]
    at("18:25")
    login(client, "organizer")
    response = mark(client, event, meeting, "held")
    assert response.status_code == 302 and response.location.endswith(f"#meeting-{meeting.id}")
    db.session.refresh(meeting)
    assert meeting.day_status == "held" and meeting.day_status_at is not None
    assert "Feinwerk Enz GmbH and Optronique SAS: Held." in page(client,
                                                                 f"{base(event)}/meetings")

    mark(client, event, meeting, "no_show_recipient")
    listing = page(client, f"{base(event)}/meetings")
    assert "No-show: Optronique SAS" in listing
    mark(client, event, meeting, "no_show_both")
    mark(client, event, meeting, "late")
    db.session.refresh(meeting)
    assert meeting.day_status == "late"
    mark(client, event, meeting, "")
    db.session.refresh(meeting)
    assert meeting.day_status == "" and meeting.day_status_at is None

    statuses = [e.details["status"] for e in audit_entries("meeting_marked")]
    assert statuses == ["held", "no_show_recipient", "no_show_both", "late", "cleared"]
    assert audit_entries("meeting_marked")[0].details["meeting"] == \
        "Feinwerk Enz GmbH – Optronique SAS"
    assert audit_entries("meeting_marked")[0].target_id == meeting.id


def test_mark_refusals_change_nothing(client, world, at):
    event, later, loose = world["event"], world["later"], world["loose"]
    at("18:25")
    login(client, "organizer")
    early = mark(client, event, later, "held")
    assert early.status_code == 409
    assert "The meeting at 19:00 has not begun yet." in early.get_data(as_text=True)
    unplaced = mark(client, event, loose, "held")
    assert unplaced.status_code == 409
    assert "Only a scheduled meeting can be marked." in unplaced.get_data(as_text=True)
    bogus = mark(client, event, world["meeting"], "exploded")
    assert bogus.status_code == 400
    assert "Choose held, no-show or running late." in bogus.get_data(as_text=True)
    for meeting in (later, loose, world["meeting"]):
        db.session.refresh(meeting)
        assert meeting.day_status == ""
    assert audit_entries("meeting_marked") == []


# --- bumping a late meeting ----------------------------------------------------------------

def bump(client, event, meeting, slot_id=0):
    return client.post(f"{base(event)}/meetings/{meeting.id}/bump", data={"slot": slot_id})


def test_bump_to_the_first_later_slot_that_works_tells_both_companies(client, world, at):
    event, meeting = world["event"], world["meeting"]
    at("18:25")
    login(client, "organizer")
    mark(client, event, meeting, "late")
    listing = page(client, f"{base(event)}/meetings")
    assert f'id="bump-{meeting.id}"' in listing and ">18:40</option>" in listing
    version = meeting.schedule_version

    response = bump(client, event, meeting)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.slot.starts_at.strftime("%H:%M") == "18:40"
    assert meeting.table.name == "T1" and meeting.day_status == ""
    assert meeting.schedule_version == version + 1
    assert "is moved to 18:40 at table T1. Both companies are told." in page(
        client, f"{base(event)}/meetings")
    told = db.session.scalars(db.select(Notification).filter_by(kind="meeting_moved",
                                                                request_id=meeting.id)).all()
    assert {n.user_id for n in told} == {world["users"]["anna"].id, world["users"]["yann"].id}
    entry, = audit_entries("meeting_bumped")
    assert entry.details == {"meeting": "Feinwerk Enz GmbH – Optronique SAS",
                             "from": "18:20 T1", "to": "18:40 T1"}


def test_bump_to_a_chosen_slot(client, world, at):
    event, meeting = world["event"], world["meeting"]
    at("18:25")
    login(client, "organizer")
    mark(client, event, meeting, "late")
    assert bump(client, event, meeting, slot_at(event, "20:20").id).status_code == 302
    db.session.refresh(meeting)
    assert meeting.slot.starts_at.strftime("%H:%M") == "20:20"


def assert_unchanged(meeting, slot="18:20", table_name="T1"):
    db.session.expire_all()
    meeting = db.session.get(MeetingRequest, meeting.id)
    assert meeting.slot.starts_at.strftime("%H:%M") == slot and meeting.table.name == table_name
    assert meeting.day_status == "late"
    assert audit_entries("meeting_bumped") == []
    assert db.session.scalars(db.select(Notification).filter_by(kind="meeting_moved")).all() \
        == []


def test_bump_refusals_name_the_rule_and_change_nothing(client, world, at):
    event, meeting = world["event"], world["meeting"]
    at("18:25")
    login(client, "organizer")
    not_late = bump(client, event, meeting)
    assert not_late.status_code == 409
    assert "Mark the meeting as running late before bumping it." in not_late.get_data(
        as_text=True)
    mark(client, event, meeting, "late")
    for hhmm in ("18:00", "18:20"):  # not later
        earlier = bump(client, event, meeting, slot_at(event, hhmm).id)
        assert earlier.status_code == 409
        assert "Choose a slot after 18:20 that has not begun yet." in earlier.get_data(
            as_text=True)
    busy = bump(client, event, meeting, slot_at(event, "19:00").id)  # anna meets zoe then
    assert busy.status_code == 409
    assert "Feinwerk Enz GmbH already has a meeting at 19:00." in busy.get_data(as_text=True)
    foreign = world["other"].slots[-1]
    assert bump(client, event, meeting, foreign.id).status_code == 400
    assert_unchanged(meeting)


def test_bump_refused_when_a_later_slot_has_begun(client, world, at):
    event, meeting = world["event"], world["meeting"]
    at("18:25")
    login(client, "organizer")
    mark(client, event, meeting, "late")
    at("18:45")  # 18:40 is under way: the first slot offered is 19:20 (anna meets zoe at 19:00)
    refused = bump(client, event, meeting, slot_at(event, "18:40").id)
    assert refused.status_code == 409
    assert bump(client, event, meeting).status_code == 302
    db.session.refresh(meeting)
    assert meeting.slot.starts_at.strftime("%H:%M") == "19:20"


def test_bump_refused_when_no_later_slot_works(client, world, at):
    event, meeting = world["event"], world["meeting"]
    registration = db.session.scalar(db.select(Registration).filter_by(
        event_id=event.id, company_id=world["companies"]["yann"].id))
    registration.available_slots = [s for s in event.slots
                                    if s.starts_at.strftime("%H:%M") <= "18:20"]
    db.session.commit()
    at("18:25")
    login(client, "organizer")
    mark(client, event, meeting, "late")
    assert "data-no-bump" in page(client, f"{base(event)}/meetings")
    refused = bump(client, event, meeting)
    assert refused.status_code == 409
    assert "No later slot has both companies and a table free." in refused.get_data(
        as_text=True)
    chosen = bump(client, event, meeting, slot_at(event, "18:40").id)
    assert "Optronique SAS is not available at 18:40." in chosen.get_data(as_text=True)
    assert_unchanged(meeting)


def test_bump_refused_for_a_locked_meeting_or_without_a_free_table(client, world, at,
                                                                   make_participant):
    event, meeting = world["event"], world["meeting"]
    at("18:25")
    login(client, "organizer")
    mark(client, event, meeting, "late")
    edits.set_locked(event, meeting, True)
    locked = bump(client, event, meeting, slot_at(event, "18:40").id)
    assert locked.status_code == 409
    assert "is locked. Unlock it first." in locked.get_data(as_text=True)
    edits.set_locked(event, meeting, False)
    at_1840 = slot_at(event, "18:40")
    for n, name in enumerate(("T1", "T2", "T3")):  # every table taken at 18:40
        _u, a = make_participant(f"fill{n}a", event, name=f"Fill {n} A")
        _u, b = make_participant(f"fill{n}b", event, name=f"Fill {n} B")
        edits.move(event, agree(event, a, b), at_1840, table(event, name))
    full = bump(client, event, meeting, at_1840.id)
    assert full.status_code == 409
    assert "Every table is taken at 18:40." in full.get_data(as_text=True)
    assert_unchanged(meeting)


# --- the live grid and the meetings page ---------------------------------------------------

def test_the_grid_shows_the_live_state(client, world, at):
    event, meeting, users = world["event"], world["meeting"], world["users"]
    login(client, "organizer")
    at("17:00")
    quiet = page(client, f"/events/{event.id}/schedule")
    assert "On the evening:" not in quiet and "dayof-now" not in quiet
    at("18:25")
    client.post(f"{base(event)}/attendees/{users['anna'].id}/check-in")
    mark(client, event, meeting, "held")
    grid = page(client, f"/events/{event.id}/schedule")
    assert "On the evening:" in grid  # the legend
    assert 'aria-current="time">18:20 <span class="badge dayof-now">' in grid
    cell = grid.split(f'id="meeting-{meeting.id}"')[0].rsplit("<td", 1)[1]
    assert "is-held" in cell and "is-now" in cell
    shown = grid.split(f'id="meeting-{meeting.id}"')[1].split("</td>")[0]
    assert 'data-day-status="held"' in shown and "Held" in shown
    assert 'aria-label="checked in"' in shown and 'aria-label="not checked in yet"' in shown
    mark(client, event, meeting, "no_show_recipient")
    grid = page(client, f"/events/{event.id}/schedule")
    shown = grid.split(f'id="meeting-{meeting.id}"')[1].split("</td>")[0]
    assert 'aria-label="did not come"' in shown and "is-no-show" in grid


def test_meetings_page_groups_by_slot_and_marks_now(client, world, at):
    event, meeting, later = world["event"], world["meeting"], world["later"]
    at("18:25")
    login(client, "organizer")
    listing = page(client, f"{base(event)}/meetings")
    current = listing.split(f'id="slot-{meeting.slot_id}"')[0].rsplit("<section", 1)[1]
    assert "is-now" in current
    assert f'href="#slot-{meeting.slot_id}"' in listing
    row = listing.split(f'id="meeting-{later.id}"')[1].split("</tr>")[0]
    assert "Not begun yet" in row and "/mark" not in row
    row = listing.split(f'id="meeting-{meeting.id}"')[1].split("</tr>")[0]
    assert f"/meetings/{meeting.id}/mark" in row and "/bump" not in row
    assert 'data-stat="unmarked">2<' in listing


# --- who may see and do what ---------------------------------------------------------------

def day_of_urls(world):
    event, meeting, anna = world["event"], world["meeting"], world["users"]["anna"]
    gets = [base(event), f"{base(event)}/meetings"]
    posts = [f"{base(event)}/attendees/{anna.id}/check-in",
             f"{base(event)}/attendees/{anna.id}/undo",
             f"{base(event)}/meetings/{meeting.id}/mark",
             f"{base(event)}/meetings/{meeting.id}/bump"]
    return gets, posts


def test_participants_get_404_and_anonymous_users_log_in(client, world):
    gets, posts = day_of_urls(world)
    for url in gets + posts:
        response = client.open(url, method="GET" if url in gets else "POST")
        assert response.status_code == 302 and "/auth/login" in response.location, url
    login(client, "anna")  # not on the event's team: its day-of pages do not exist for her
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, data={"status": "held", "slot": 0}).status_code == 404, url
    assert db.session.scalar(db.select(db.func.count(CheckIn.id))) == 0


def test_changes_are_post_only_and_foreign_ids_are_404(client, world, at):
    event, other = world["event"], world["other"]
    at("18:25")
    login(client, "organizer")
    _gets, posts = day_of_urls(world)
    for url in posts:
        assert client.get(url).status_code == 405, url
    foreign_meeting = f"{base(other)}/meetings/{world['meeting'].id}"
    assert mark(client, other, world["meeting"], "held").status_code == 404
    assert client.post(f"{foreign_meeting}/bump", data={"slot": 0}).status_code == 404
    assert client.post(f"{base(other)}/attendees/{world['users']['anna'].id}/check-in") \
        .status_code == 404
    assert client.get("/organizer/events/999999/day-of").status_code == 404
    assert client.post(f"{base(event)}/meetings/999999/mark",
                       data={"status": "held"}).status_code == 404


def test_participants_never_see_check_ins(client, world):
    event, users = world["event"], world["users"]
    login(client, "organizer")
    client.post(f"{base(event)}/attendees/{users['yann'].id}/check-in")
    overview = page(client, f"/events/{event.id}")
    assert f'href="{base(event)}"' in overview  # the organizer's Day-of tab
    client.post("/auth/logout")
    login(client, "anna")
    for url in (f"/events/{event.id}", f"/events/{event.id}/agenda",
                f"/events/{event.id}/companies/{world['companies']['yann'].id}"):
        shown = page(client, url)
        assert "checked in" not in shown.lower() and "day-of" not in shown, url
