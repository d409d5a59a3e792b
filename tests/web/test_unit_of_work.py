"""One transaction per request: a refused or failed change leaves nothing behind, emails and
other side effects leave only after the commit (in one job), a hanging SMTP server never holds
up a click, and page views write nothing."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from matchmaker import jobs
from matchmaker.extensions import db
from matchmaker.models import MeetingBooking, Registration, RegistrationStatus, ScheduleRun, utcnow
from matchmaker.schedule import edits, runs
from matchmaker.schedule.errors import ScheduleError
from tests.conftest import PASSWORD
from tests.web.test_schedule import agree, slot_at, table


def login(client, email):
    assert client.post("/auth/login", data={"email": email, "password": PASSWORD}) \
        .status_code == 302


@pytest.fixture
def placed(make_event, make_participant):
    event = make_event(tables="T1-T3")
    _u, anna = make_participant("anna", event, name="Feinwerk Enz GmbH")
    _u, yann = make_participant("yann", event, name="Optronique SAS")
    meeting = agree(event, anna, yann)
    edits.move(event, meeting, slot_at(event, "18:20"), table(event, "T1"))
    db.session.commit()
    return event, meeting


def seats(meeting):
    db.session.expire_all()
    return sorted(b.slot_id for b in db.session.scalars(
        db.select(MeetingBooking).filter_by(request_id=meeting.id)))


# --- all or nothing ------------------------------------------------------------------------

def test_a_refusal_after_the_first_write_leaves_nothing(client, placed, monkeypatch):
    event, meeting = placed
    before = (meeting.slot_id, meeting.table_id, seats(meeting))

    def refuse(*_args):  # after clear_places has deleted the seats and flushed
        raise ScheduleError("refused half-way")

    monkeypatch.setattr(edits, "set_place", refuse)
    login(client, "organizer@example.com")
    response = client.post(f"/events/{event.id}/schedule/meetings/{meeting.id}/move",
                           data={"slot": slot_at(event, "19:00").id,
                                 "table": table(event, "T2").id})
    assert response.status_code == 409  # the view caught it and answered with the message
    db.session.refresh(meeting)
    assert (meeting.slot_id, meeting.table_id, seats(meeting)) == before


def test_a_crash_after_the_first_write_leaves_nothing(client, placed, monkeypatch):
    event, meeting = placed
    before = (meeting.slot_id, meeting.table_id, seats(meeting))
    monkeypatch.setattr(edits, "set_place", lambda *_args: 1 / 0)
    login(client, "organizer@example.com")
    with pytest.raises(ZeroDivisionError):  # TESTING propagates it; users get the 500 page
        client.post(f"/events/{event.id}/schedule/meetings/{meeting.id}/move",
                    data={"slot": slot_at(event, "19:00").id, "table": table(event, "T2").id})
    db.session.refresh(meeting)
    assert (meeting.slot_id, meeting.table_id, seats(meeting)) == before


def test_bulk_approval_is_one_transaction_and_one_job(app, client, make_event, make_participant,
                                                      outbox, monkeypatch):
    event = make_event()
    for i in range(50):
        make_participant(f"p{i}", event, status=RegistrationStatus.PENDING, name=f"P{i} GmbH")
    ids = [r.id for r in db.session.scalars(db.select(Registration).filter_by(event_id=event.id))]
    login(client, "organizer@example.com")
    happened = []
    real_enqueue = jobs.enqueue

    tests_own = db.session()

    def count_commit(session):
        if session is not tests_own:  # the test's own work is committed before the request
            happened.append("commit")

    def count_enqueue(func, *args, **kwargs):
        happened.append(f"enqueue {func.__name__}")
        return real_enqueue(func, *args, **kwargs)

    monkeypatch.setattr(jobs, "enqueue", count_enqueue)
    sa_event.listen(Session, "after_commit", count_commit)
    try:
        response = client.post(f"/organizer/events/{event.id}/registrations",
                               data={"ids": ids, "approve": "Approve"})
    finally:
        sa_event.remove(Session, "after_commit", count_commit)
    assert response.status_code == 302
    # The request commits once, then hands its 50 emails to one job (which commits its own).
    assert happened[:2] == ["commit", "enqueue run_effects"]
    assert happened.count("enqueue run_effects") == 1
    assert db.session.scalar(db.select(db.func.count(Registration.id)).filter_by(
        event_id=event.id, status="approved")) == 50
    assert len(outbox.emails()) == 50


def test_nothing_is_sent_for_a_change_that_rolls_back(app, outbox):
    from matchmaker import mail, unit_of_work

    unit_of_work.after_commit(mail.deliver, "someone@example.com", "Hello", "Body")
    unit_of_work.rollback()
    unit_of_work.commit()
    assert outbox.emails() == []
    unit_of_work.after_commit(mail.deliver, "someone@example.com", "Hello", "Body")
    unit_of_work.commit()
    assert len(outbox.emails()) == 1


# --- a hanging mail server -----------------------------------------------------------------

class HangingSmtp:
    """Accepts connections on loopback and never says a word until released."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connected, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        self.server.settimeout(30)
        try:
            connection, _ = self.server.accept()
        except OSError:
            return
        self.connected.set()
        self.release.wait(30)  # bounded: the test ends it long before
        connection.close()

    def close(self):
        self.release.set()
        self.server.close()
        self.thread.join(5)


@pytest.fixture
def hanging_smtp():
    smtp = HangingSmtp()
    yield smtp
    smtp.close()


@pytest.fixture
def app_config(request):
    if "hanging_smtp" not in request.fixturenames:
        return {}
    port = request.getfixturevalue("hanging_smtp").port
    return {"JOBS": "thread", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
            "MAIL_USE_TLS": False, "MAIL_SUPPRESS_SEND": False}


def test_a_hanging_smtp_server_does_not_hold_up_the_click(client, placed, make_user,
                                                          hanging_smtp):
    make_user("user@example.com")
    response = client.post("/auth/forgot", data={"email": "user@example.com"})
    assert response.status_code == 302
    assert not hanging_smtp.release.is_set()  # answered while the server still says nothing
    assert hanging_smtp.connected.wait(10)  # and the email job did go to it, in the background


def test_a_reset_answers_alike_for_known_and_unknown_emails(client, make_user, hanging_smtp):
    make_user("user@example.com")

    def timed(email):
        started = time.perf_counter()
        response = client.post("/auth/forgot", data={"email": email})
        return response.status_code, time.perf_counter() - started

    (known_status, known), (unknown_status, unknown) = timed("user@example.com"), \
        timed("nobody@example.com")
    assert known_status == unknown_status == 302
    # Before the outbox, the known email waited for SMTP (here: for ever); now neither does.
    assert known < unknown + 1.0


# --- page views never write ----------------------------------------------------------------

def test_a_page_view_that_writes_is_caught(app, client, make_user, monkeypatch):
    make_user("user@example.com")
    login(client, "user@example.com")

    def writing_index():
        from flask_login import current_user

        current_user.name = "Changed by a page view"
        db.session.flush()
        return "written"

    monkeypatch.setitem(app.view_functions, "main.index", writing_index)
    with pytest.raises(RuntimeError, match="wrote to the database"):
        client.get("/")


# --- a schedule run whose worker died --------------------------------------------------------

def test_a_run_without_a_heartbeat_is_lost_and_blocks_nothing(client, placed, app):
    event, meeting = placed
    stale = utcnow().replace(year=2020)
    run = ScheduleRun(event_id=event.id, status="running", time_limit=10, heartbeat_at=stale)
    db.session.add(run)
    db.session.commit()
    assert runs.active_run(event) is None and runs.is_lost(run)
    assert runs.run_state(run) == "failed"
    login(client, "organizer@example.com")
    page = client.get(f"/events/{event.id}/schedule/runs/{run.id}").get_data(as_text=True)
    assert "stopped without finishing" in page and "Start again" in page
    moved = client.post(f"/events/{event.id}/schedule/meetings/{meeting.id}/move",
                        data={"slot": slot_at(event, "19:00").id, "table": 0})
    assert moved.status_code == 302  # manual changes are not held up by the dead run
    retry = client.post(f"/events/{event.id}/schedule/generate", data={"time_limit": 5})
    assert retry.status_code == 302
    db.session.expire_all()
    assert db.session.get(ScheduleRun, run.id).status == "failed"  # recorded when replaced
