"""Events: definition with generated slots and tables, registration, vetting, directory."""

from datetime import date, datetime, time

import pytest

from matchmaker import dates
from matchmaker.events.definition import (
    DefinitionError,
    Window,
    format_tables,
    generate_slots,
    parse_breaks,
    parse_tables,
)
from matchmaker.models import Event, MeetingRequest, Registration, RegistrationStatus
from tests.conftest import shown
from tests.web.conftest import EVENT_DAY

PENDING, REJECTED = RegistrationStatus.PENDING, RegistrationStatus.REJECTED


def event_form(**overrides) -> dict:
    data = {
        "name": "Milipol networking evening", "venue": "Paris Nord Villepinte", "city": "Paris",
        "timezone": "Europe/Paris", "description": "Bilateral meetings.",
        "windows-0-day": "2026-11-19", "windows-0-start": "18:00", "windows-0-end": "21:30",
        "windows-0-slot_minutes": "20", "windows-0-breaks": "19:40-20:00",
        "tables": "T1-T30\nBooth Optronique | Hall 5A", "max_meetings_per_company": "8",
        "max_open_requests": "10", "request_expiry_hours": "48",
    }
    return {**data, **overrides}


# --- the definition, pure ---------------------------------------------------------------

def test_an_evening_is_cut_into_slots_around_the_break():
    window = Window(EVENT_DAY, time(18), time(21, 30), 20, parse_breaks("19:40", 20))
    starts = [start.strftime("%H:%M") for start, _ in generate_slots(window)]
    assert starts == ["18:00", "18:20", "18:40", "19:00", "19:20", "20:00", "20:20", "20:40",
                      "21:00"]


def test_a_slot_touching_a_break_starts_after_it():
    window = Window(EVENT_DAY, time(9), time(11), 30, parse_breaks("09:45-10:00", 30))
    assert [(s.time(), e.time()) for s, e in generate_slots(window)] == [
        (time(9), time(9, 30)), (time(10), time(10, 30)), (time(10, 30), time(11))]


@pytest.mark.parametrize("text", ["7pm", "20:00-19:00", "25:00"])
def test_bad_breaks_are_refused(text):
    with pytest.raises(DefinitionError):
        parse_breaks(text, 20)


def test_table_ranges_expand_and_fold_back():
    tables = parse_tables("T1-T30\nBooth Optronique | Hall 5A, B12\nLounge")
    assert [name for name, _ in tables][:3] == ["T1", "T2", "T3"]
    assert len(tables) == 32 and tables[30] == ("Booth Optronique", "Hall 5A, B12")
    assert format_tables(tables) == "T1-T30\nBooth Optronique | Hall 5A, B12\nLounge"
    with pytest.raises(DefinitionError):
        parse_tables("T1\nT1")


# --- create and edit --------------------------------------------------------------------

@pytest.fixture
def as_organizer(organizer, auth):
    auth.login("organizer@example.com")
    return organizer


def test_organizer_creates_an_event_and_sees_its_slots_and_tables(client, as_organizer, db):
    response = client.post("/organizer/events/new", data=event_form())
    assert response.status_code == 302
    event = db.session.scalar(db.select(Event))
    assert (event.max_meetings_per_company, event.max_open_requests,
            event.request_expiry_hours) == (8, 10, 48)
    assert len(event.slots) == 9 and event.slots[0].starts_at == datetime(2026, 11, 19, 18)
    assert [t.name for t in event.tables][-2:] == ["T30", "Booth Optronique"]
    page = client.get(response.headers["Location"]).data.decode()
    assert "The event is created with 9 slots." in page
    assert "18:00\u2009–\u200918:20" in page and "19:40–20:00" in page  # slot; break
    assert "Booth Optronique" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "This field is required"),
    ("windows-0-day", "", "Add at least one meeting window"),
    ("windows-0-end", "17:00", "Must be after the start"),
    ("windows-0-slot_minutes", "", "Needed when the row has a date"),
    ("windows-0-breaks", "at seven", "Write a break as 19:40-20:00"),
    ("windows-0-breaks", "22:00-22:30", "Breaks must lie inside the window"),
    ("tables", "T1\nT1", "names must be unique"),
    ("timezone", "Mars/Olympus", "Not a valid choice"),
    ("max_open_requests", "0", "Number must be"),
])
def test_bad_event_input_is_shown_at_the_field(client, as_organizer, db, field, value, message):
    response = client.post("/organizer/events/new", data=event_form(**{field: value}))
    assert response.status_code == 400
    assert message in response.data.decode()
    assert db.session.scalar(db.select(db.func.count(Event.id))) == 0


def test_overlapping_windows_are_refused(client, as_organizer):
    response = client.post("/organizer/events/new", data=event_form(**{
        "windows-1-day": "2026-11-19", "windows-1-start": "21:00", "windows-1-end": "22:00",
        "windows-1-slot_minutes": "20"}))
    assert response.status_code == 400
    assert b"Meeting windows overlap" in response.data


def test_two_windows_on_two_days(client, as_organizer, db):
    client.post("/organizer/events/new", data=event_form(**{
        "windows-1-day": "2026-11-20", "windows-1-start": "10:00", "windows-1-end": "12:00",
        "windows-1-slot_minutes": "30"}))
    event = db.session.scalar(db.select(Event))
    assert len(event.slots) == 9 + 4
    assert event.days == [date(2026, 11, 19), date(2026, 11, 20)]


def test_coming_events_are_listed_soonest_first_and_past_ones_after(
        client, make_event, make_participant, auth, monkeypatch):
    def evening(day):
        return Window(day, time(18), time(20), 20, ())

    names = ["Past trip 2025", "Spring fair", "Winter evening", "Last month"]
    for name, day in zip(names, [date(2025, 11, 19), date(2027, 3, 2), date(2026, 12, 9),
                                 date(2026, 11, 19)], strict=True):
        make_event(name=name, windows=(evening(day),))
    make_participant("alice")
    monkeypatch.setattr(dates, "event_now", lambda _event: datetime(2026, 12, 4, 9))
    auth.login("alice@example.com")
    for url in ("/", "/events/"):
        page = client.get(url).get_data(as_text=True)
        places = [page.index(name) for name in
                  ("Winter evening", "Spring fair", "Last month", "Past trip 2025")]
        assert places == sorted(places), url


def test_participants_cannot_create_or_edit_events(client, make_participant, make_event, auth):
    event = make_event()
    make_participant("alice", event)
    auth.login("alice@example.com")
    assert client.get("/organizer/events/new").status_code == 403
    # not on the event's team: the event's staff pages do not exist for them
    assert client.post(f"/organizer/events/{event.id}/edit", data=event_form()).status_code == 404


def test_editing_without_registrations_just_saves(client, as_organizer, make_event, db):
    event = make_event()
    response = client.post(f"/organizer/events/{event.id}/edit",
                           data=event_form(**{"windows-0-slot_minutes": "30"}))
    assert response.status_code == 302
    db.session.expire_all()
    assert [s.starts_at.strftime("%H:%M") for s in event.slots][:2] == ["18:00", "18:30"]


def test_a_change_that_drops_slots_people_use_asks_first_and_keeps_meetings(
    client, as_organizer, make_event, make_participant, db
):
    event = make_event()
    _, a = make_participant("alice", event)
    _, b = make_participant("bob", event)
    db.session.add(MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id,
                                  status="accepted", open_pair_key=f"{a.id}-{b.id}"))
    db.session.commit()
    shorter = event_form(**{"windows-0-end": "21:00"})  # drops the 21:00 slot

    asked = client.post(f"/organizer/events/{event.id}/edit", data=shorter)
    assert asked.status_code == 409
    page = asked.data.decode()
    assert "1 slot goes away" in page and "21:00" in page
    assert "2 registered companies lose availability" in page
    assert "1 agreed meeting stays agreed" in page
    db.session.expire_all()
    assert len(event.slots) == 9  # nothing changed yet

    confirmed = client.post(f"/organizer/events/{event.id}/edit", data={**shorter,
                                                                      "confirm": "yes"})
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert len(event.slots) == 8
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id)).filter_by(
        status="accepted")) == 1
    registration = db.session.scalar(db.select(Registration).filter_by(company_id=a.id))
    assert len(registration.available_slots) == 8


def test_new_slots_join_the_availability_of_companies_available_all_evening(
    client, as_organizer, make_event, make_participant, db
):
    event = make_event()
    make_participant("alice", event)
    response = client.post(f"/organizer/events/{event.id}/edit",
                           data=event_form(**{"windows-0-end": "22:10"}))
    assert response.status_code == 302
    db.session.expire_all()
    registration = db.session.scalar(db.select(Registration))
    assert len(registration.available_slots) == len(event.slots) == 11


def test_tables_that_stay_keep_their_rows(client, as_organizer, make_event, db):
    event = make_event(tables="T1-T3")
    first_id = event.tables[0].id
    client.post(f"/organizer/events/{event.id}/edit", data=event_form(tables="T1-T2\nVIP | Hall 1"))
    db.session.expire_all()
    assert [(t.name, t.note) for t in event.tables] == [("T1", ""), ("T2", ""), ("VIP", "Hall 1")]
    assert event.tables[0].id == first_id


# --- registration -----------------------------------------------------------------------

def test_registration_defaults_to_every_member_and_every_slot(client, make_event, make_user,
                                                              make_company, auth, db):
    event = make_event()
    user = make_user("alice@example.com", name="Alice")
    make_company(user, name="Alice SAS")
    auth.login("alice@example.com")
    page = client.get(f"/events/{event.id}/register").data.decode()
    assert page.count('name="slots"') == 9 and page.count("checked") == 9 + 1

    slot_ids = [s.id for s in event.slots][:3]
    response = client.post(f"/events/{event.id}/register",
                           data={"attendees": [user.id], "slots": slot_ids})
    assert response.status_code == 302
    registration = db.session.scalar(db.select(Registration))
    assert registration.status == PENDING
    assert [s.id for s in registration.available_slots] == slot_ids
    assert registration.attendees == [user]
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Awaiting approval" in page and "available in 3 slots" in page


def test_registration_needs_an_attendee_and_a_slot(client, make_event, make_participant, auth):
    event = make_event()
    make_participant("alice")
    auth.login("alice@example.com")
    response = client.post(f"/events/{event.id}/register", data={"submit": "Save"})
    assert response.status_code == 400
    assert b"Choose at least one person" in response.data
    assert b"Tick at least one slot" in response.data


def test_someone_without_a_company_is_sent_to_create_one(client, make_event, make_user, auth):
    event = make_event()
    make_user("solo@example.com")
    auth.login("solo@example.com")
    response = client.get(f"/events/{event.id}/register")
    assert response.status_code == 302 and response.headers["Location"].endswith("/companies/new")


# --- vetting ----------------------------------------------------------------------------

def test_organizer_approves_in_bulk_and_rejects_with_a_reason(
    client, as_organizer, make_event, make_participant, auth, db
):
    event = make_event()
    regs = [make_participant(k, event, status=PENDING)[1] for k in ("alice", "bob", "carl")]
    queue = client.get(f"/organizer/events/{event.id}/registrations").data.decode()
    assert all(company.name in queue for company in regs)
    ids = [r.id for r in db.session.scalars(db.select(Registration).order_by(Registration.id))]

    response = client.post(f"/organizer/events/{event.id}/registrations",
                           data={"ids": ids[:2], "approve": "Approve"})
    assert response.status_code == 302
    refused = client.post(f"/organizer/events/{event.id}/registrations",
                          data={"ids": ids[2:], "reject": "Reject", "reason": ""})
    assert refused.status_code == 400 and b"Tell the company why" in refused.data
    client.post(f"/organizer/events/{event.id}/registrations",
                data={"ids": ids[2:], "reject": "Reject", "reason": "Not in the sector."})
    db.session.expire_all()
    statuses = [r.status for r in db.session.scalars(db.select(Registration)
                                                      .order_by(Registration.id))]
    assert statuses == ["approved", "approved", "rejected"]

    auth.logout()
    auth.login("carl@example.com")
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Not approved" in page and "Not in the sector." in page


def test_deciding_needs_a_selection(client, as_organizer, make_event):
    event = make_event()
    response = client.post(f"/organizer/events/{event.id}/registrations", data={"approve": "1"})
    assert response.status_code == 400


def test_a_rejected_company_that_changes_its_registration_asks_again(
    client, make_event, make_participant, auth, db
):
    event = make_event()
    user, _ = make_participant("alice", event, status=REJECTED)
    auth.login("alice@example.com")
    client.post(f"/events/{event.id}/register",
                data={"attendees": [user.id], "slots": [event.slots[0].id]})
    registration = db.session.scalar(db.select(Registration))
    db.session.refresh(registration)
    assert registration.status == PENDING and registration.reason == ""


def test_rejecting_an_approved_company_closes_its_open_requests(
    organizer, make_event, make_participant, db
):
    from matchmaker.events import services

    event = make_event()
    _, a = make_participant("alice", event)
    _, b = make_participant("bob", event)
    request = MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id,
                             open_pair_key=MeetingRequest.pair_key(a.id, b.id))
    db.session.add(request)
    db.session.commit()
    registration = db.session.scalar(db.select(Registration).filter_by(company_id=b.id))
    services.decide(event, [registration.id], approve=False, reason="Export rules.",
                    organizer=organizer)
    assert (request.status, request.open_pair_key) == ("cancelled", None)


def test_a_company_withdraws_and_its_requests_and_meetings_are_called_off(
    client, make_event, make_participant, auth, db
):
    event = make_event()
    _, a = make_participant("alice", event)
    _, b = make_participant("bob", event, name="Bob SAS")
    _, c = make_participant("carol", event)
    agreed = MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id,
                            status="accepted", open_pair_key=MeetingRequest.pair_key(a.id, b.id))
    pending = MeetingRequest(event_id=event.id, sender_id=c.id, recipient_id=b.id,
                             open_pair_key=MeetingRequest.pair_key(b.id, c.id))
    db.session.add_all([agreed, pending])
    db.session.commit()
    auth.login("bob@example.com")
    assert b"Withdraw from this event" in client.get(f"/events/{event.id}/register").data
    response = client.post(f"/events/{event.id}/withdraw", follow_redirects=True)
    assert "2 requests or meetings were cancelled" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Registration).filter_by(company_id=b.id)) is None
    for meeting_request in (agreed, pending):
        db.session.refresh(meeting_request)
        assert (meeting_request.status, meeting_request.open_pair_key) == ("cancelled", None)
    from matchmaker.models import AuditEntry, Notification
    assert db.session.scalar(db.select(AuditEntry.action).filter_by(
        action="registration_withdrawn", target_id=b.id)) == "registration_withdrawn"
    told = db.session.scalars(db.select(Notification.user_id).filter_by(kind="cancelled")).all()
    assert sorted(told) == sorted(u.id for u in (a.members + c.members))
    # Bob can no longer see the directory; withdrawing twice finds nothing to withdraw.
    assert client.get(f"/events/{event.id}/companies").status_code in (403, 404)
    assert client.post(f"/events/{event.id}/withdraw").status_code == 404


def test_withdrawing_needs_a_registration_and_a_post(client, make_event, make_participant, auth):
    event, other = make_event(), make_event(name="Other evening")
    make_participant("alice", other)
    auth.login("alice@example.com")
    assert client.post(f"/events/{event.id}/withdraw").status_code == 404
    assert client.get(f"/events/{other.id}/withdraw").status_code == 405


# --- directory --------------------------------------------------------------------------

@pytest.fixture
def directory_event(make_event, make_participant):
    event = make_event()
    make_participant("viewer", event, name="Viewer GmbH", country="DE")
    make_participant("opt", event, name="Optronique SAS", country="FR", languages=["fr", "en"],
                     offers="Thermal cameras and lasers.", tags=["du.6", "sg.video-surveillance"])
    make_participant("drone", event, name="Aérodrone", country="FR", languages=["fr"],
                     offers="Counter-drone radar.", tags=["sg.counter-drone"],
                     certifications=["AQAP 2110"])
    make_participant("enz", event, name="Feinwerk Enz", country="DE", languages=["de"],
                     offers="Precision turning to EN 9100.", tags=["du.2"])
    make_participant("late", event, status=PENDING, name="Pending Lasers", country="FR")
    return event


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["Aérodrone", "Feinwerk Enz", "Optronique SAS"]),
    ("q=thermal", ["Optronique SAS"]),
    ("q=LASER", ["Optronique SAS"]),
    ("q=9100", ["Feinwerk Enz", "Optronique SAS"]),  # in its offer; certified (the default)
    ("q=AQAP+2110", ["Aérodrone"]),
    ("tag=sg.counter-drone", ["Aérodrone"]),
    ("country=FR", ["Aérodrone", "Optronique SAS"]),
    ("language=de", ["Feinwerk Enz"]),
    ("language=en&country=FR", ["Optronique SAS"]),
    ("sort=country", ["Feinwerk Enz", "Aérodrone", "Optronique SAS"]),
    ("tag=not.a.tag&sort=bogus&page=x", ["Aérodrone", "Feinwerk Enz", "Optronique SAS"]),
])
def test_directory_search_filters_and_sorting(client, auth, directory_event, query, expected):
    auth.login("viewer@example.com")
    response = client.get(f"/events/{directory_event.id}/companies?{query}")
    assert response.status_code == 200
    page = response.data.decode()
    found = [name for name in ("Aérodrone", "Feinwerk Enz", "Optronique SAS", "Viewer GmbH",
                               "Pending Lasers") if f">{name}</a>" in page]
    assert sorted(found, key=page.index) == expected


def test_a_search_lists_its_best_hits_first_unless_a_sort_is_chosen(client, auth, make_event,
                                                                      make_participant):
    event = make_event()
    make_participant("viewer", event)
    make_participant("zeta", event, name="Zeta Armour", offers="STANAG 4569 armour.")
    make_participant("alpha", event, name="Alpha Doors",
                     offers="Security doors and gates for embassies; STANAG 4569 advice.")
    auth.login("viewer@example.com")

    def listed(query):
        page = client.get(f"/events/{event.id}/companies?{query}").get_data(as_text=True)
        return sorted((n for n in ("Alpha Doors", "Zeta Armour") if f">{n}</a>" in page),
                      key=page.index), page

    found, page = listed("q=4569")
    assert found == ["Zeta Armour", "Alpha Doors"]
    assert '<option value="relevance" selected>' in page
    assert listed("q=4569&sort=name")[0] == ["Alpha Doors", "Zeta Armour"]
    assert listed("q=4569&sort=relevance")[0] == ["Zeta Armour", "Alpha Doors"]
    found, page = listed("sort=relevance")  # no search: no relevance, by name
    assert found == ["Alpha Doors", "Zeta Armour"] and 'value="relevance"' not in page


def test_directory_pages_and_empty_states(client, auth, make_event, make_participant):
    event = make_event()
    make_participant("viewer", event)
    auth.login("viewer@example.com")
    assert b"No other participants yet" in client.get(f"/events/{event.id}/companies").data
    for n in range(13):
        make_participant(f"c{n:02d}", event, name=f"Company {n:02d}")
    first = client.get(f"/events/{event.id}/companies").data.decode()
    assert "13 companies" in first and "Company 11" in first and "Company 12" not in first
    second = client.get(f"/events/{event.id}/companies?page=2").data.decode()
    assert "Company 12" in second
    assert b"No company matches" in client.get(f"/events/{event.id}/companies?q=zzz").data


def test_the_tag_filter_is_grouped_by_family(client, auth, directory_event):
    auth.login("viewer@example.com")
    page = client.get(f"/events/{directory_event.id}/companies").data.decode()
    assert page.count("<optgroup") == 4


def test_company_page_shows_profile_and_request_button_but_no_contacts(
    client, auth, directory_event, db
):
    from matchmaker.models import Company

    optronique = db.session.scalar(db.select(Company).filter_by(name="Optronique SAS"))
    auth.login("viewer@example.com")
    page = client.get(f"/events/{directory_event.id}/companies/{optronique.id}").data.decode()
    assert "Thermal cameras and lasers." in page and "Request a meeting" in page
    assert "opt@example.com" not in page and "+49 7231 123456" not in page
    assert "Shown once you have agreed to meet." in page


# --- programme --------------------------------------------------------------------------

def program_form(**overrides) -> dict:
    data = {"title": "Networking dinner", "place": "Le Grand Café", "day": "2026-11-19",
            "start": "20:40", "end": "21:30", "description": "Seated dinner.",
            "for_everyone": "y"}
    return {**data, **overrides}


def test_programme_items_for_everyone_or_chosen_companies(
    client, as_organizer, make_event, make_participant, auth, db
):
    from matchmaker.events import services

    event = make_event()
    _, alice = make_participant("alice", event)
    _, bob = make_participant("bob", event)
    assert client.post(f"/organizer/events/{event.id}/program",
                       data=program_form()).status_code == 302
    workshop = program_form(title="Market workshop France", start="18:00", end="18:40",
                            companies=[alice.id])
    del workshop["for_everyone"]
    assert client.post(f"/organizer/events/{event.id}/program", data=workshop).status_code == 302
    page = client.get(f"/organizer/events/{event.id}/program").data.decode()
    assert "Networking dinner" in page and "Market workshop France" in page

    registrations = {r.company_id: r for r in db.session.scalars(db.select(Registration))}
    free = [s.starts_at.strftime("%H:%M") for s in services.meeting_slots(registrations[alice.id])]
    assert free == ["18:40", "19:00", "19:20", "20:00", "20:20"]
    assert len(services.meeting_slots(registrations[bob.id])) == 7

    auth.logout()
    auth.login("bob@example.com")
    page = client.get(f"/events/{event.id}").data.decode()
    assert "Networking dinner" in page and "Market workshop France" not in page
    grid = client.get(f"/events/{event.id}/register").data.decode()
    assert grid.count('title="Networking dinner"') == 2  # the two slots it covers


@pytest.mark.parametrize(("overrides", "message"), [
    ({"end": "20:00"}, "Must be after the start"),
    ({"for_everyone": ""}, "Choose the companies, or make it for everyone"),
    ({"title": ""}, "This field is required"),
])
def test_bad_programme_items_are_refused(client, as_organizer, make_event, overrides, message):
    event = make_event()
    response = client.post(f"/organizer/events/{event.id}/program",
                           data=program_form(**overrides))
    assert response.status_code == 400 and message in response.data.decode()


def test_editing_a_programme_item_warns_of_scheduled_meetings_at_its_new_time(
    client, as_organizer, make_event, make_participant, db
):
    from matchmaker.models import MeetingTable, ProgramItem, Slot

    event, other = make_event(), make_event("Other evening")
    _, a = make_participant("alice", event)
    _, b = make_participant("bob", event)
    client.post(f"/organizer/events/{event.id}/program", data=program_form())
    item = db.session.scalar(db.select(ProgramItem))
    first_slot = db.session.scalar(db.select(Slot).filter_by(event_id=event.id)
                                   .order_by(Slot.starts_at))
    table = db.session.scalar(db.select(MeetingTable).filter_by(event_id=event.id))
    db.session.add(MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id,
                                  status="accepted", slot_id=first_slot.id, table_id=table.id,
                                  open_pair_key=MeetingRequest.pair_key(a.id, b.id)))
    db.session.commit()
    url = f"/organizer/events/{event.id}/program/{item.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Networking dinner"' in page and 'value="20:40"' in page
    assert client.get(f"/organizer/events/{other.id}/program/{item.id}/edit").status_code == 404
    assert client.post(url, data=program_form(end="18:00")).status_code == 400
    response = client.post(url, data=program_form(title="Aperitif", start="18:00", end="18:30"),
                           follow_redirects=True)
    assert "1 scheduled meeting is at the same time" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert (item.title, item.starts_at.strftime("%H:%M")) == ("Aperitif", "18:00")
    assert db.session.scalar(db.select(db.func.count(ProgramItem.id))) == 1


def test_removing_a_programme_item(client, as_organizer, make_event, db):
    from matchmaker.models import ProgramItem

    event, other = make_event(), make_event("Other evening")
    client.post(f"/organizer/events/{event.id}/program", data=program_form())
    item = db.session.scalar(db.select(ProgramItem))
    assert client.post(f"/organizer/events/{other.id}/program/{item.id}/delete").status_code \
        == 404
    assert client.post(f"/organizer/events/{event.id}/program/{item.id}/delete").status_code \
        == 302
    assert db.session.scalar(db.select(db.func.count(ProgramItem.id))) == 0


def test_the_edit_form_shows_the_definition_as_entered(client, as_organizer, make_event):
    event = make_event(tables="T1-T30\nBooth Optronique | Hall 5A", max_open_requests=4)
    page = client.get(f"/organizer/events/{event.id}/edit").data.decode()
    assert 'value="2026-11-19"' in page and 'value="18:00"' in page and 'value="21:30"' in page
    assert 'value="19:40-20:00"' in page and 'value="4"' in page
    assert "T1-T30\nBooth Optronique | Hall 5A</textarea>" in page


def test_companies_hear_of_the_decision_in_their_language(
    client, as_organizer, make_event, make_participant, auth, db, outbox, monkeypatch
):
    from matchmaker.models import Notification
    from matchmaker.notifications import services as notifications

    event = make_event()
    make_participant("alice", event, status=PENDING)
    make_participant("bruno", event, status=PENDING, locale="fr")
    ids = [r.id for r in db.session.scalars(db.select(Registration).order_by(Registration.id))]
    client.post(f"/organizer/events/{event.id}/registrations",
                data={"ids": ids[:1], "approve": "Approve"})
    locales = []
    real_send = notifications.send_email
    monkeypatch.setattr(notifications, "send_email",
                        lambda *a, **kw: (locales.append(kw["locale"]), real_send(*a, **kw)))
    client.post(f"/organizer/events/{event.id}/registrations",
                data={"ids": ids[1:], "reject": "Reject", "reason": "Export rules."})
    assert locales == ["fr"]
    approved, rejected = outbox.messages()
    assert approved.startswith("Your company is approved for Milipol networking evening")
    assert "Export rules." in rejected
    auth.logout()
    auth.login("bruno@example.com")
    notice = db.session.scalar(db.select(Notification).filter_by(kind="registration_rejected"))
    listing = client.get("/notifications/").data.decode()
    assert shown("fr", "Your registration for %(company)s was not approved",
                 company="Milipol networking evening") in listing
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.headers["Location"].endswith(f"/events/{event.id}")
