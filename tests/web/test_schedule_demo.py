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
    agreed = db.session.scalars(db.select(MeetingRequest).filter_by(status="accepted")).all()
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
