"""Participant groups and the who-meets-whom matrix: every place that enforces it."""

import pytest

from matchmaker.events import groups
from matchmaker.extensions import db
from matchmaker.meetings import services as meetings
from matchmaker.models import (
    AuditEntry,
    Event,
    GroupPairing,
    MeetingRequest,
    Notification,
    Registration,
    RequestStatus,
)
from matchmaker.pairing import pairing_of
from matchmaker.schedule import edits, engine_adapter
from matchmaker.schedule.errors import ScheduleError
from matchmaker.suggestions import services as suggestions
from matchmaker.unit_of_work import commit
from tests.conftest import shown


def agree(event, a, b) -> MeetingRequest:
    meeting = MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id,
                             status=RequestStatus.ACCEPTED.value,
                             open_pair_key=MeetingRequest.pair_key(a.id, b.id))
    db.session.add(meeting)
    db.session.commit()
    return meeting


@pytest.fixture
def trip(make_event, make_participant, organizer):
    """A delegation trip: two delegation companies, a host, and a public body shown to all
    that meets the hosts only."""
    event = make_event()
    delegation = groups.add_group(event, groups.GroupData("Delegation Pforzheim"), organizer)
    hosts = groups.add_group(event, groups.GroupData("French hosts", open_for_registration=False),
                             organizer)
    public = groups.add_group(event, groups.GroupData("Public bodies", shown_to_all=True),
                              organizer)
    groups.set_matrix(event, {(delegation.id, hosts.id), (hosts.id, public.id)}, organizer,
                      confirmed=True)
    commit()
    companies = {
        "anna": make_participant("anna", event, name="Feinwerk Enz GmbH", group=delegation)[1],
        "bert": make_participant("bert", event, name="Weißgerber Optik GmbH",
                                 group=delegation, locale="de")[1],
        "yann": make_participant("yann", event, name="Optronique SAS", locale="fr",
                                 group=hosts)[1],
        "paul": make_participant("paul", event, name="Business France", group=public)[1],
    }
    return event, companies, {"delegation": delegation, "hosts": hosts, "public": public}


def _registration(event, company) -> Registration:
    return db.session.scalar(db.select(Registration).filter_by(event_id=event.id,
                                                               company_id=company.id))


def send(client, event, company):
    return client.post(f"/events/{event.id}/companies/{company.id}/request",
                       data={"note": "Shall we meet?"})


def test_an_event_without_groups_lets_everyone_meet(make_event, make_participant):
    event = make_event()
    _, a = make_participant("a", event)
    _, b = make_participant("b", event)
    pairing = pairing_of(event.id)
    assert not pairing.active and pairing.may_meet(a.id, b.id)
    assert pairing.visible_groups(a.id) is None


def test_the_first_group_takes_every_registration(make_event, make_participant, organizer):
    event = make_event()
    _, a = make_participant("a", event)
    group = groups.add_group(event, groups.GroupData("Everyone"), organizer)
    assert _registration(event, a).group_id == group.id
    assert pairing_of(event.id).may_meet(a.id, a.id)  # a new group may meet itself


def test_directory_lists_only_groups_the_company_may_meet(client, auth, trip):
    event, c, _ = trip
    auth.login("anna@example.com")
    page = client.get(f"/events/{event.id}/companies").get_data(as_text=True)
    assert "Optronique SAS" in page and "Business France" in page  # a host; shown to all
    assert "Weißgerber Optik GmbH" not in page  # the other delegation company
    assert page.count("not-requestable") == 1  # the public body: visible, not requestable


def test_a_company_of_a_forbidden_group_cannot_be_seen_or_requested(client, auth, trip):
    event, c, _ = trip
    auth.login("anna@example.com")
    assert client.get(f"/events/{event.id}/companies/{c['bert'].id}").status_code == 404
    assert send(client, event, c["bert"]).status_code == 404
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 0


def test_a_visible_but_forbidden_company_refuses_requests_with_a_reason(client, auth, trip):
    event, c, _ = trip
    auth.login("anna@example.com")
    page = client.get(f"/events/{event.id}/companies/{c['paul'].id}").get_data(as_text=True)
    assert 'id="not-requestable"' in page and "Shall we meet" not in page
    response = send(client, event, c["paul"])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The organizer has not planned meetings between your group and Public bodies" in page
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 0


def test_requests_between_groups_that_may_meet_go_through(client, auth, trip):
    event, c, _ = trip
    auth.login("anna@example.com")
    assert send(client, event, c["yann"]).status_code == 302
    (request,) = db.session.scalars(db.select(MeetingRequest)).all()
    assert (request.sender_id, request.recipient_id) == (c["anna"].id, c["yann"].id)


def test_accepting_is_refused_when_the_groups_may_no_longer_meet(trip, make_user):
    event, c, g = trip
    pending = MeetingRequest(event_id=event.id, sender_id=c["bert"].id,
                             recipient_id=c["anna"].id,
                             open_pair_key=MeetingRequest.pair_key(c["anna"].id, c["bert"].id))
    db.session.add(pending)
    db.session.commit()
    viewer = meetings.Viewer(c["anna"].members[0], event, _registration(event, c["anna"]))
    with pytest.raises(meetings.RequestError):
        meetings.accept(pending, viewer)


def test_group_caps_replace_the_events(client, auth, trip, organizer, make_participant):
    event, c, g = trip
    groups.update_group(event, g["delegation"], groups.GroupData(
        "Delegation Pforzheim", max_open_requests=1), organizer)
    _, other_host = make_participant("hugo", event, name="Hôtes SA", group=g["hosts"])
    auth.login("anna@example.com")
    send(client, event, c["yann"])
    response = send(client, event, other_host)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your company has 1 open requests" in page


def test_suggestions_never_pair_groups_that_may_not_meet(trip):
    event, c, _ = trip
    for key in ("anna", "bert"):
        names = {s.company.id for s in suggestions.suggestions_for(event.id, c[key].id, 10, "en")}
        assert names <= {c["yann"].id}
    matrix = suggestions.match_matrix(event.id, 5, "en")
    pairing = pairing_of(event.id)
    assert all(pairing.may_meet(p.a.id, p.b.id) for p in matrix.pairs)
    ids = [company.id for company in matrix.companies]
    for i, a in enumerate(ids):
        for j, b in enumerate(ids):
            if not pairing.may_meet(a, b):
                assert matrix.strengths[i][j] == 0


def test_the_engine_is_never_handed_a_forbidden_pair(trip):
    event, c, _ = trip
    allowed = agree(event, c["anna"], c["yann"])
    forbidden = agree(event, c["anna"], c["bert"])  # e.g. agreed before the matrix changed
    built = engine_adapter.build_instance(event)
    assert [m.id for m in built.requests] == [allowed.id]
    assert built.excluded[forbidden.id] == ("groups_may_not_meet", {})


def test_a_manual_move_cannot_place_a_forbidden_pair(trip):
    event, c, _ = trip
    forbidden = agree(event, c["anna"], c["bert"])
    with pytest.raises(ScheduleError, match="groups that may not meet"):
        edits.move(event, forbidden, event.slots[0], None)


def test_changing_the_matrix_asks_first_then_cancels_with_notice(client, auth, trip, organizer):
    event, c, g = trip
    agree(event, c["anna"], c["yann"])
    db.session.add(MeetingRequest(event_id=event.id, sender_id=c["bert"].id,
                                  recipient_id=c["yann"].id,
                                  open_pair_key=MeetingRequest.pair_key(c["bert"].id,
                                                                        c["yann"].id)))
    db.session.commit()
    auth.login("organizer@example.com")
    hosts_public = "-".join(str(i) for i in sorted((g["hosts"].id, g["public"].id)))
    asked = client.post(f"/organizer/events/{event.id}/groups/matrix",
                        data={"pairs": [hosts_public]})
    assert asked.status_code == 409
    page = asked.get_data(as_text=True)
    assert "1 pending request between groups" in page and "1 agreed meeting between" in page
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id)).filter_by(
        status="cancelled")) == 0
    done = client.post(f"/organizer/events/{event.id}/groups/matrix",
                       data={"pairs": [hosts_public], "confirm": "yes"}, follow_redirects=True)
    assert "2 requests or meetings were cancelled and both sides told." in done.get_data(
        as_text=True)
    cancelled = db.session.scalars(db.select(MeetingRequest)).all()
    assert {(m.status, m.reason_code) for m in cancelled} == {("cancelled",
                                                               "group_matrix_changed")}
    assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(
        kind="meeting_cancelled")) == 4  # both sides of both
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="group_matrix_changed")
                              .order_by(AuditEntry.id.desc()).limit(1))
    assert entry.details["cancelled"] == 2
    assert entry.details["pairs"] == [["French hosts", "Public bodies"]]


def test_the_cancelled_notice_is_worded_in_the_readers_language(client, auth, trip):
    event, c, g = trip
    meeting = agree(event, c["bert"], c["yann"])
    groups.set_matrix(event, set(), c["bert"].members[0], confirmed=True)
    commit()
    auth.login("yann@example.com")  # reads French
    page = client.get(f"/requests/{meeting.id}").get_data(as_text=True)
    assert shown("fr", "The organizer no longer plans meetings between these groups.") in page


def test_moving_companies_between_groups_asks_when_it_cancels(client, auth, trip):
    event, c, g = trip
    agree(event, c["anna"], c["yann"])
    auth.login("organizer@example.com")
    data = {"ids": [_registration(event, c["yann"]).id], "group": g["delegation"].id}
    asked = client.post(f"/organizer/events/{event.id}/registrations/group", data=data)
    assert asked.status_code == 409 and "1 agreed meeting" in asked.get_data(as_text=True)
    assert _registration(event, c["yann"]).group_id == g["hosts"].id
    done = client.post(f"/organizer/events/{event.id}/registrations/group",
                       data=data | {"confirm": "yes"}, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "1 registration moved to “Delegation Pforzheim”." in page
    assert "1 request or meeting was cancelled and both sides told." in page
    db.session.expire_all()
    assert _registration(event, c["yann"]).group_id == g["delegation"].id
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="group_assigned")
                             .order_by(AuditEntry.id.desc()).limit(1)).details == {
        "group": "Delegation Pforzheim"}


def test_registration_offers_the_open_groups_only(client, auth, trip, make_user, make_company,
                                                  db):
    event, _, g = trip
    user = make_user("new@example.com", name="New")
    make_company(user, name="Neu GmbH")
    auth.login("new@example.com")
    page = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert "Delegation Pforzheim" in page and "French hosts" not in page
    base = {"attendees": [user.id], "slots": [s.id for s in event.slots]}
    assert client.post(f"/events/{event.id}/register", data=base).status_code == 400
    closed = client.post(f"/events/{event.id}/register", data=base | {"group": g["hosts"].id})
    assert closed.status_code == 400
    assert client.post(f"/events/{event.id}/register",
                       data=base | {"group": g["delegation"].id}).status_code == 302
    registration = db.session.scalar(db.select(Registration).join(Registration.company)
                                     .filter_by(name="Neu GmbH"))
    assert registration.group_id == g["delegation"].id


def test_organizer_manages_groups_with_validation(client, auth, make_event, organizer):
    event = make_event()
    auth.login("organizer@example.com")
    empty = client.get(f"/organizer/events/{event.id}/groups").get_data(as_text=True)
    assert "No groups: everyone may meet everyone" in empty
    assert client.post(f"/organizer/events/{event.id}/groups", data={"name": ""}).status_code \
        == 400
    added = client.post(f"/organizer/events/{event.id}/groups",
                        data={"name": "Delegation", "open_for_registration": "y"},
                        follow_redirects=True)
    assert "The group “Delegation” is added." in added.get_data(as_text=True)
    again = client.post(f"/organizer/events/{event.id}/groups", data={"name": "delegation"})
    assert again.status_code == 400
    assert "The event has a group of that name already." in again.get_data(as_text=True)
    (group,) = db.session.scalars(db.select(Event).filter_by(id=event.id)).one().groups
    edited = client.post(f"/organizer/events/{event.id}/groups/{group.id}/edit",
                         data={"name": "Delegation Pforzheim", "max_meetings": "6"},
                         follow_redirects=True)
    assert "The group “Delegation Pforzheim” is saved." in edited.get_data(as_text=True)
    db.session.refresh(group)
    assert (group.max_meetings, group.open_for_registration) == (6, False)
    assert client.post(f"/organizer/events/{event.id}/groups/{group.id}/delete").status_code \
        == 302
    assert db.session.scalar(db.select(db.func.count(GroupPairing.event_id))) == 0


def test_a_group_with_companies_is_not_removed(client, auth, trip):
    event, _, g = trip
    auth.login("organizer@example.com")
    page = client.post(f"/organizer/events/{event.id}/groups/{g['delegation'].id}/delete",
                       follow_redirects=True).get_data(as_text=True)
    assert "Move the companies of “Delegation Pforzheim” to another group first." in page
    assert groups.group_of(event, g["delegation"].id) is not None


def test_another_events_group_answers_404(client, auth, trip, make_event):
    event, _, g = trip
    other = make_event(name="Another evening")
    auth.login("organizer@example.com")
    assert client.get(f"/organizer/events/{other.id}/groups/{g['hosts'].id}/edit").status_code \
        == 404


def test_participants_cannot_manage_groups(client, auth, trip):
    event, _, g = trip
    auth.login("anna@example.com")
    assert client.get(f"/organizer/events/{event.id}/groups").status_code in (403, 404)
    assert client.post(f"/organizer/events/{event.id}/groups/matrix",
                       data={"pairs": []}).status_code in (403, 404)


def test_the_delegation_trip_template(client, auth, organizer):
    from tests.web.test_events import event_form

    auth.login("organizer@example.com")
    assert client.post("/organizer/events/new",
                       data=event_form(template="delegation_trip")).status_code == 302
    event = db.session.scalar(db.select(Event))
    assert [g.name for g in event.groups] == ["Delegation", "Hosts"]
    delegation, hosts = event.groups
    pairing = pairing_of(event.id)
    assert pairing.allowed == {tuple(sorted((delegation.id, hosts.id)))}


# --- imports and exports -------------------------------------------------------------------

GROUPED_CSV = ("company,country,email,group\n"
               "Acme SAS,FR,a@acme.example,French hosts\n"
               "Enz GmbH,DE,b@enz.example,delegation pforzheim\n")


def _import_csv(client, event, content: str):
    import io
    import re

    posted = client.post(f"/organizer/events/{event.id}/import",
                         data={"file": (io.BytesIO(content.encode()), "companies.csv")},
                         content_type="multipart/form-data")
    token = re.search(r"/import/([\w-]+)$", posted.headers["Location"]).group(1)
    return client.post(f"/organizer/events/{event.id}/import/{token}/confirm",
                       data={"approve": "y"})


def test_the_company_import_puts_each_company_in_its_group(client, auth, trip):
    event, _, g = trip
    auth.login("organizer@example.com")
    assert _import_csv(client, event, GROUPED_CSV).status_code == 302
    by_name = dict(db.session.execute(db.select(Registration).join(Registration.company)
                                      .with_only_columns(db.text("companies.name"),
                                                         Registration.group_id)).all())
    assert by_name["Acme SAS"] == g["hosts"].id and by_name["Enz GmbH"] == g["delegation"].id


def test_the_company_import_refuses_unknown_or_missing_groups(client, auth, trip):
    event, _, _ = trip
    auth.login("organizer@example.com")
    refused = _import_csv(client, event, GROUPED_CSV.replace("French hosts", "Pirates")
                          .replace("delegation pforzheim", ""))
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert page.count("name one of the event&#39;s groups") == 2
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 4  # nothing added


def test_a_group_column_for_an_event_without_groups_is_refused(client, auth, make_event):
    event = make_event()
    auth.login("organizer@example.com")
    refused = _import_csv(client, event, GROUPED_CSV)
    assert refused.status_code == 400
    assert "the event has no group “French hosts”" in refused.get_data(as_text=True)


def test_profiles_json_import_takes_groups(client, auth, trip):
    import io
    import json

    event, _, g = trip
    auth.login("organizer@example.com")
    document = {"groups": [{"id": "hosts", "name": "French hosts"}],
                "may_meet": [["hosts", "hosts"]],
                "companies": [{"id": "x", "name": "Lyon Optique SAS", "country": "FR",
                               "group": "hosts"},
                              {"id": "y", "name": "Nowhere Ltd", "country": "GB",
                               "group": "pirates"}]}

    def post(doc):
        return client.post(f"/organizer/events/{event.id}/import-profiles",
                           data={"file": (io.BytesIO(json.dumps(doc).encode()), "p.json"),
                                 "approve": "y"}, content_type="multipart/form-data")

    refused = post(document)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "companies[1]" in text and "pirates" in text
    document["companies"].pop()
    assert post(document).status_code == 302
    registration = db.session.scalar(db.select(Registration).join(Registration.company)
                                     .where(db.text("companies.name = 'Lyon Optique SAS'")))
    assert registration.group_id == g["hosts"].id


def test_exports_carry_the_groups_and_the_matrix(client, auth, trip):
    import json

    event, c, g = trip
    auth.login("organizer@example.com")
    sheet = client.post(f"/organizer/events/{event.id}/export/companies.csv").get_data(
        as_text=True)
    assert sheet.splitlines()[0].endswith(",group")
    assert any(line.startswith(f"{c['anna'].id},") and line.endswith(",Delegation Pforzheim")
               for line in sheet.splitlines())
    profiles = json.loads(client.post(f"/organizer/events/{event.id}/export/profiles.json")
                          .data)
    assert {x["name"] for x in profiles["groups"]} == {"Delegation Pforzheim", "French hosts",
                                                      "Public bodies"}
    delegation, hosts = f"g{g['delegation'].id}", f"g{g['hosts'].id}"
    assert [delegation, hosts] in profiles["may_meet"]
    assert {x["group"] for x in profiles["companies"] if x["name"] == "Feinwerk Enz GmbH"} \
        == {delegation}


def test_the_dashboard_breaks_meetings_down_by_group(client, auth, trip):
    event, c, _ = trip
    agree(event, c["anna"], c["yann"])
    agree(event, c["yann"], c["paul"])
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/dashboard").get_data(as_text=True)
    assert "Delegation Pforzheim ↔ French hosts</th><td class=\"text-end\">1" in page
    assert "French hosts ↔ Public bodies</th><td class=\"text-end\">1" in page
    delegation_row = page.split('<tr class="group-row"><th scope="row">Delegation Pforzheim')[1]
    assert delegation_row.split("</tr>")[0].count("Weißgerber Optik GmbH") == 1  # no meeting


def test_directory_filters_offer_only_what_the_company_is_shown(client, auth, trip,
                                                                make_participant):
    event, _, g = trip
    make_participant("ivo", event, name="Torino Meccanica SpA", country="IT",
                     group=g["delegation"])
    auth.login("anna@example.com")
    page = client.get(f"/events/{event.id}/companies").get_data(as_text=True)
    assert 'value="IT"' not in page
    auth.logout()
    auth.login("yann@example.com")  # a host meets the delegation
    assert 'value="IT"' in client.get(f"/events/{event.id}/companies").get_data(as_text=True)


def test_the_match_matrix_names_groups_and_counts_pairs_by_group(client, auth, trip):
    event, _, _ = trip
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/matches").get_data(as_text=True)
    assert 'id="pairs-by-group"' in page
    assert "Delegation Pforzheim ↔ Delegation Pforzheim" not in page
    matrix = suggestions.match_matrix(event.id, 5, "en")
    assert {(a, b) for a, b, _ in matrix.by_group} <= {
        ("Delegation Pforzheim", "French hosts"), ("French hosts", "Public bodies")}
    assert matrix.group_of[trip[1]["anna"].id] == "Delegation Pforzheim"
