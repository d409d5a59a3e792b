"""The demo event comes with a generated, published schedule, so a newcomer sees agendas."""

from matchmaker.models import Event, MeetingRequest
from matchmaker.schedule import queries, runs


def test_demo_event_has_a_published_schedule(runner, db, client, app):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(db.select(Event))
    assert event.schedule_published_at is not None
    run = runs.latest_run(event)
    assert run.status == "done" and run.scheduled >= 40 and run.unscheduled == 0
    assert runs.quality(run) > 99
    agreed = db.session.scalars(db.select(MeetingRequest).filter_by(  # not last year's trip
        event_id=event.id, status="accepted")).all()
    assert agreed and all(queries.is_scheduled(m) for m in agreed)
    assert any(m.sender_important for m in agreed)

    client.post("/auth/login", data={
        "email": "sabine.lindenmaier@lindenmaier-oberflaechentechnik.example",
        "password": app.config["DEMO_PASSWORD"]})
    agenda = client.get(f"/events/{event.id}/agenda").get_data(as_text=True)
    assert "Voltigeur Drones SAS" in agenda  # the page speaks German: check links, not words
    assert f"/events/{event.id}/agenda.ics" in agenda
    assert "Market workshop" in agenda  # the delegation's programme sits in between
    assert client.get(f"/events/{event.id}/agenda.ics").status_code == 200


def test_demo_schedule_has_interpreters_and_booths(runner, db, client, app):
    from matchmaker.models import Interpreter

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(db.select(Event))
    interpreters = db.session.scalars(db.select(Interpreter)).all()
    assert sorted(tuple(i.languages) for i in interpreters) == [("de", "fr"), ("de", "fr"),
                                                                 ("en", "fr")]
    agreed = db.session.scalars(db.select(MeetingRequest).filter_by(  # not last year's trip
        event_id=event.id, status="accepted")).all()
    assert sum(m.interpreter_id is not None for m in agreed) >= 10
    booths = {t.id: t.reserved_for_id for t in event.tables if t.reserved_for_id}
    assert len(booths) == 3
    at_booths = [m for m in agreed if m.table_id in booths]
    assert at_booths and all(booths[m.table_id] in (m.sender_id, m.recipient_id)
                             for m in at_booths)
    client.post("/auth/login", data={"email": "interpreter@matchmaker.example",
                                     "password": app.config["DEMO_PASSWORD"]})
    own = client.get(f"/events/{event.id}/interpreting")
    assert own.status_code == 200 and "data-meeting=" in own.get_data(as_text=True)
