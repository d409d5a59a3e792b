"""``seed-demo`` brings a living event: vetted participants and requests in every state."""

from matchmaker.models import Event, MeetingRequest, Registration, RequestStatus


def test_the_demo_event_is_alive_and_seeded_once(runner, db, client, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert "Demo event" not in again.output
    event = db.session.scalar(db.select(Event))
    assert event.name == "Milipol networking evening" and event.city == "Paris"
    assert len(event.slots) == 9 and len(event.tables) == 33  # T1-T30 and three booths
    statuses = [r.status for r in db.session.scalars(db.select(Registration))]
    assert statuses.count("approved") >= 35 and 1 <= statuses.count("pending") <= 5
    assert {r.status for r in db.session.scalars(db.select(MeetingRequest))} == \
        {status.value for status in RequestStatus}

    client.post("/auth/login", data={
        "email": "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example",
        "password": app.config["DEMO_PASSWORD"]})
    directory = client.get(f"/events/{event.id}/companies?q=voltigeur")
    assert directory.status_code == 200 and b"Voltigeur Drones SAS" in directory.data
    mine = client.get(f"/events/{event.id}/requests").data.decode()
    assert "Optronique de l&#39;Iroise SAS" in mine


def test_the_demo_event_is_a_delegation_trip(runner, db, client, app):
    from matchmaker.pairing import pairing_of

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(db.select(Event))
    assert [g.name for g in event.groups] == ["Delegation Pforzheim", "French hosts",
                                              "Public bodies"]
    pairing = pairing_of(event.id)
    delegation, hosts, public = (g.id for g in event.groups)
    assert not pairing.groups_may_meet(delegation, delegation)
    assert pairing.groups_may_meet(delegation, hosts) and pairing.groups_may_meet(public, hosts)
    bad = [(m.sender.name, m.recipient.name, m.status) for m in db.session.scalars(
        db.select(MeetingRequest)) if not pairing.may_meet(m.sender_id, m.recipient_id)]
    assert bad == []
    client.post("/auth/login", data={
        "email": "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example",
        "password": app.config["DEMO_PASSWORD"]})
    directory = client.get(f"/events/{event.id}/companies?q=gmbh").get_data(as_text=True)
    assert "Trautwein" not in directory  # another delegation company


def test_the_demo_programme_has_a_full_tour_with_a_waiting_list(runner, db, client, app):
    from matchmaker.models import ProgramItem

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(db.select(Event))
    tour = db.session.scalar(db.select(ProgramItem).filter_by(
        title="Guided fair tour: cyber and critical infrastructure"))
    assert tour.places_left == 0 and len(tour.waiting) == 2
    assert not {s.company_id for s in tour.signups} & {w.company_id for w in tour.waiting}
    client.post("/auth/login", data={
        "email": "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example",
        "password": app.config["DEMO_PASSWORD"]})
    page = client.get(f"/events/{event.id}/programme").get_data(as_text=True)
    assert "Guided fair tour: cyber and critical infrastructure" in page
    assert "Auf die Warteliste" in page  # Sabine reads German; her company may join the list
