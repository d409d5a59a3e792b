"""Event teams: the team page, invitations (expiry, single use, revoke), roles, responsibility,
and per-event organizer rights."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker import unit_of_work
from matchmaker.models import (
    AuditEntry,
    EventMember,
    Invitation,
    Registration,
    RegistrationStatus,
    TeamRole,
    User,
    utcnow,
)

NEW_PASSWORD = "violet lantern harbour 77 quietly"


@pytest.fixture
def event(make_event):
    return make_event(name="Milipol delegation trip")


@pytest.fixture
def as_owner(organizer, auth):
    auth.login("organizer@example.com")
    return organizer


def add(client, event, email, role="co_organizer"):
    return client.post(f"/organizer/events/{event.id}/team", data={"email": email, "role": role})


def invitation_path(outbox) -> str:
    link = outbox.last_link()
    assert "/invitations/" in link
    return link[link.index("/invitations/"):]


def member(db, event, email) -> EventMember | None:
    user = db.session.scalar(db.select(User).filter_by(email=email))
    return None if user is None else db.session.scalar(
        db.select(EventMember).filter_by(event_id=event.id, user_id=user.id))


def test_the_creator_owns_the_event_and_sees_the_team_page(client, as_owner, event, db):
    assert member(db, event, "organizer@example.com").role == TeamRole.OWNER
    page = client.get(f"/organizer/events/{event.id}/team")
    assert page.status_code == 200
    assert "Olivia Organizer" in page.get_data(as_text=True)


def test_an_unknown_address_gets_an_invitation_naming_event_and_inviter(client, as_owner, event,
                                                                        outbox, db):
    response = add(client, event, "Claire@Chamber.example")
    assert response.status_code == 302
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.email == "claire@chamber.example" and invitation.role == "co_organizer"
    assert invitation.expires_at - utcnow() > timedelta(days=6)
    text = outbox.messages()[-1]
    assert "Milipol delegation trip" in text and "Olivia Organizer" in text
    assert "7 days" in text
    page = client.get(f"/organizer/events/{event.id}/team").get_data(as_text=True)
    assert "claire@chamber.example" in page  # listed as open, revocable


def test_accepting_an_invitation_creates_the_account_and_lands_on_the_event(
        client, as_owner, event, outbox, auth, db):
    add(client, event, "claire@chamber.example")
    path = invitation_path(outbox)
    auth.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert "Milipol delegation trip" in page.get_data(as_text=True)
    short = client.post(path, data={"name": "Claire", "password": "short", "confirm": "short"})
    assert short.status_code == 400
    response = client.post(path, data={"name": "Claire Chambre", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    assert member(db, event, "claire@chamber.example").role == TeamRole.CO_ORGANIZER
    # logged in, and the event's organizer pages are theirs now
    assert client.get(f"/organizer/events/{event.id}/registrations").status_code == 200
    assert client.get(f"/events/{event.id}/schedule").status_code == 200
    assert client.get(f"/organizer/events/{event.id}/team").status_code == 403
    # single use
    auth.logout()
    again = client.get(path)
    assert again.status_code == 302 and "/auth/login" in again.headers["Location"]


def test_a_vetter_lands_on_the_vetting_queue(client, as_owner, event, outbox, auth):
    add(client, event, "vera@cluster.example", role="vetter")
    path = invitation_path(outbox)
    auth.logout()
    response = client.post(path, data={"name": "Vera", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.headers["Location"].endswith(f"/organizer/events/{event.id}/registrations")
    assert client.get(f"/events/{event.id}/schedule").status_code == 403
    assert client.post(f"/organizer/events/{event.id}/export/all.xlsx").status_code == 403
    assert client.get(f"/organizer/events/{event.id}/dashboard").status_code == 403


def test_expired_and_revoked_invitations_do_not_work(client, as_owner, event, outbox, auth, db):
    add(client, event, "late@example.com")
    late = invitation_path(outbox)
    add(client, event, "revoked@example.com")
    revoked = invitation_path(outbox)
    first, second = db.session.scalars(db.select(Invitation).order_by(Invitation.id)).all()
    first.expires_at = utcnow() - timedelta(minutes=1)
    response = client.post(f"/organizer/events/{event.id}/team/invitations/{second.id}/revoke")
    assert response.status_code == 302
    assert db.session.get(Invitation, second.id).revoked_at is not None
    auth.logout()
    for path in (late, revoked):
        answer = client.get(path)
        assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
        posted = client.post(path, data={"name": "X", "password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})
        assert posted.status_code == 302
    assert db.session.scalar(db.select(User).filter_by(email="late@example.com")) is None
    assert client.get("/invitations/not-a-token").status_code == 302


def test_an_existing_account_is_added_at_once_and_told(client, as_owner, event, make_user,
                                                      outbox, db):
    make_user("known@example.com", name="Known Person")
    add(client, event, "known@example.com", role="vetter")
    assert member(db, event, "known@example.com").role == TeamRole.VETTER
    assert "Milipol delegation trip" in outbox.messages()[-1]
    assert add(client, event, "known@example.com").status_code == 400  # on the team already


def test_an_invited_existing_account_logs_in_to_accept(app, client, event, make_user, auth,
                                                      db, organizer, outbox):
    from matchmaker.teams import services

    make_user("later@example.com", name="Later")
    with app.test_request_context():
        invitation = services.invite(event, "later@example.com", TeamRole.CO_ORGANIZER,
                                     organizer)
        unit_of_work.commit()  # the email goes out after the commit
    path = invitation_path(outbox)
    answer = client.get(path)
    assert "/auth/login" in answer.headers["Location"]  # log in first
    auth.login("later@example.com")
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    assert member(db, event, "later@example.com").role == TeamRole.CO_ORGANIZER
    assert db.session.get(Invitation, invitation.id).used_at is not None


def test_roles_change_and_members_leave_audited_and_an_owner_always_remains(
        client, as_owner, event, make_user, db):
    make_user("co@example.com", name="Cora")
    add(client, event, "co@example.com")
    co_id = member(db, event, "co@example.com").id
    owner_id = member(db, event, "organizer@example.com").id

    def role_of(member_id):
        return db.session.scalar(db.select(EventMember.role).filter_by(id=member_id))

    client.post(f"/organizer/events/{event.id}/team/{co_id}/role",
                data={f"m{co_id}-role": "vetter"})
    assert role_of(co_id) == "vetter"
    # the only owner can neither step down nor leave
    refused = client.post(f"/organizer/events/{event.id}/team/{owner_id}/role",
                          data={f"m{owner_id}-role": "vetter"}, follow_redirects=True)
    assert "needs an owner" in refused.get_data(as_text=True)
    assert role_of(owner_id) == "owner"
    client.post(f"/organizer/events/{event.id}/team/{owner_id}/remove")
    assert role_of(owner_id) == "owner"
    client.post(f"/organizer/events/{event.id}/team/{co_id}/remove")
    assert role_of(co_id) is None
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"team_member_added", "team_role_changed", "team_member_removed"} <= actions


def test_a_co_organizer_cannot_manage_the_team_and_sees_only_their_events(
        client, event, make_event, make_user, auth, db):
    other = make_event(name="Someone else's fair")
    co = make_user("co@example.com", name="Cora", role="organizer")
    db.session.add(EventMember(event_id=event.id, user_id=co.id, role="co_organizer",
                               countries=[], group_ids=[]))
    db.session.flush()
    auth.login("co@example.com")
    assert client.get(f"/organizer/events/{event.id}/team").status_code == 403
    assert client.get(f"/organizer/events/{other.id}/registrations").status_code == 404
    listing = client.get("/events/").get_data(as_text=True)
    assert "Milipol delegation trip" in listing and "Someone else" not in listing


def test_team_page_of_another_event_is_404_and_bad_ids_are_404(client, as_owner, event,
                                                               make_event, db):
    assert client.post(f"/organizer/events/{event.id}/team/999999/remove").status_code == 404
    assert client.post(
        f"/organizer/events/{event.id}/team/invitations/999999/revoke").status_code == 404
    assert add(client, event, "not an email").status_code == 400


# --- responsibility -----------------------------------------------------------------------

@pytest.fixture
def co_by_country(event, make_user, db):
    co = make_user("co@example.com", name="Cora Cluster", locale="de")
    db.session.add(EventMember(event_id=event.id, user_id=co.id, role="co_organizer",
                               countries=["DE"], group_ids=[]))
    db.session.flush()
    return co


def test_the_responsible_co_organizer_is_told_when_one_of_theirs_registers(
        client, event, co_by_country, make_participant, auth, outbox):
    user, company = make_participant("neu", country="DE")
    auth.login("neu@example.com")
    response = client.post(f"/events/{event.id}/register", data={
        "attendees": [user.id], "slots": [s.id for s in event.slots]})
    assert response.status_code == 302
    to_cora = [m for m in outbox.emails() if m["To"] == "co@example.com"]
    assert len(to_cora) == 1
    assert company.name in to_cora[0]["Subject"]


def test_nobody_is_told_about_a_company_nobody_is_responsible_for(
        client, event, co_by_country, make_participant, auth, outbox):
    user, _company = make_participant("loin", country="FR")
    auth.login("loin@example.com")
    client.post(f"/events/{event.id}/register", data={
        "attendees": [user.id], "slots": [s.id for s in event.slots]})
    assert not [m for m in outbox.emails() if m["To"] == "co@example.com"]


def test_the_vetting_queue_shows_theirs_first_and_only_theirs_on_request(
        client, event, co_by_country, make_participant, auth):
    make_participant("aaa", event, status=RegistrationStatus.PENDING, name="Aaa SARL",
                     country="FR")
    make_participant("zzz", event, status=RegistrationStatus.PENDING, name="Zzz GmbH",
                     country="DE")
    auth.login("co@example.com")
    page = client.get(f"/organizer/events/{event.id}/registrations").get_data(as_text=True)
    assert page.index("Zzz GmbH") < page.index("Aaa SARL")  # theirs first
    assert "mine-marker" in page
    mine = client.get(f"/organizer/events/{event.id}/registrations?mine=1").get_data(
        as_text=True)
    assert "Zzz GmbH" in mine and "Aaa SARL" not in mine


def test_responsibility_by_group_and_by_hand(client, as_owner, event, co_by_country,
                                            make_participant, db):
    from matchmaker.events import groups as event_groups

    _, company = make_participant("hand", event, status=RegistrationStatus.PENDING,
                                  country="FR")
    group = event_groups.add_group(event, event_groups.GroupData(name="Chamber members"),
                                   as_owner)
    registration = db.session.scalar(db.select(Registration).filter_by(company_id=company.id))
    co = member(db, event, "co@example.com")
    response = client.post(f"/organizer/events/{event.id}/team/{co.id}/responsibility",
                           data={f"r{co.id}-countries": ["DE", "AT"],
                                 f"r{co.id}-groups": [group.id]})
    assert response.status_code == 302
    saved = db.session.get(EventMember, co.id)
    assert saved.group_ids == [group.id] and saved.countries == ["AT", "DE"]
    response = client.post(
        f"/organizer/events/{event.id}/registrations/{registration.id}/responsible",
        data={"responsible": co.user_id})
    assert response.status_code == 302
    assert db.session.get(Registration, registration.id).responsible_id == co.user_id
    # a person off the team is refused
    client.post(f"/organizer/events/{event.id}/registrations/{registration.id}/responsible",
                data={"responsible": 999})
    assert db.session.get(Registration, registration.id).responsible_id == co.user_id
    # the figures per co-organizer count the company as theirs
    page = client.get(f"/organizer/events/{event.id}/team").get_data(as_text=True)
    assert "Cora Cluster" in page


def test_figures_per_team_member(event, co_by_country, make_participant, db):
    from matchmaker.teams import services

    make_participant("de1", event, country="DE")
    make_participant("de2", event, status=RegistrationStatus.PENDING, country="DE")
    make_participant("fr1", event, country="FR")
    rows = {row["member"].user.email: row for row in services.figures(event)}
    assert rows["co@example.com"]["companies"] == 2
    assert rows["co@example.com"]["approved"] == 1
    assert rows["organizer@example.com"]["companies"] == 0


# --- import invitations ---------------------------------------------------------------------

def test_import_invitations_name_event_and_inviter_and_last_days(app, event, organizer, db,
                                                                 outbox, client):
    from matchmaker.teams import services

    user = User(email="contact@import.example", name="Imported Contact", password_hash=None)
    db.session.add(user)
    db.session.flush()
    with app.test_request_context():
        services.invite_account(user, event, organizer)
        unit_of_work.commit()  # the email goes out after the commit
    text = outbox.messages()[-1]
    assert "Milipol delegation trip" in text and "Olivia Organizer" in text
    assert "colleague" not in text
    path = invitation_path(outbox)
    invitation = db.session.scalar(db.select(Invitation).filter_by(user_id=user.id))
    assert invitation.expires_at - utcnow() > timedelta(days=6)
    response = client.post(path, data={"name": "Imported Contact", "password": NEW_PASSWORD,
                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.post(path, data={"name": "X", "password": NEW_PASSWORD,
                                   "confirm": NEW_PASSWORD}).status_code == 302
    assert db.session.get(Invitation, invitation.id).used_at is not None
    client.post("/auth/logout")
    assert client.post("/auth/login", data={"email": "contact@import.example",
                                            "password": NEW_PASSWORD}).status_code == 302


def test_the_demo_trip_has_a_team_of_two_co_organizers_and_a_vetter(runner, db, client, auth):
    from matchmaker.demo.event import EVENT_NAME
    from matchmaker.models import Event

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0
    assert "carla.kern@cluster-pforzheim.example" in result.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # again: nothing doubled
    event = db.session.scalar(db.select(Event).filter_by(name=EVENT_NAME))
    roles = sorted(db.session.scalars(db.select(EventMember.role).filter_by(event_id=event.id)))
    assert roles == ["co_organizer", "co_organizer", "owner", "vetter"]
    auth.login("carla.kern@cluster-pforzheim.example", "demo-password-2026")
    queue = client.get(f"/organizer/events/{event.id}/registrations?status=pending&mine=1")
    text = queue.get_data(as_text=True)
    assert "Dietlinger Leichtbau GmbH" in text  # a delegation company awaiting vetting
    assert "Vérident Biométrie SAS" not in text  # the chamber's


def test_companies_registering_through_a_recruiting_link_are_the_recruiters(
        client, event, make_user, make_participant, auth, outbox, db):
    from matchmaker.teams import services

    co = make_user("co@example.com", name="Cora Cluster")
    member_row = EventMember(event_id=event.id, user_id=co.id, role="co_organizer",
                             countries=[], group_ids=[])
    db.session.add(member_row)
    db.session.flush()
    auth.login("organizer@example.com")
    with client.application.test_request_context():
        link = services.recruiting_link(member_row)
    assert link in client.get(f"/organizer/events/{event.id}/team").get_data(as_text=True)
    auth.logout()
    path = link[link.index("/events/"):]
    # anonymous: remembered, then on to the event (which asks for the login)
    assert client.get(path).headers["Location"].endswith(f"/events/{event.id}")
    user, company = make_participant("recruit", country="IT")
    auth.login("recruit@example.com")
    client.post(f"/events/{event.id}/register", data={
        "attendees": [user.id], "slots": [s.id for s in event.slots]})
    registration = db.session.scalar(db.select(Registration).filter_by(company_id=company.id))
    assert registration.responsible_id == co.id
    assert [m for m in outbox.emails() if m["To"] == "co@example.com"]
    # a forged link credits nobody
    assert services.recruiter_of(event.id, "forged") is None
    assert services.recruiter_of(event.id + 1, path.rsplit("/", 1)[1]) is None
