"""Meeting requests: the life cycle, the rules, expiry, idempotency, notifications, threads."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from matchmaker.models import MeetingRequest, Notification, RequestMessage, utcnow
from tests.conftest import shown, translated


@pytest.fixture
def evening(make_event, make_participant):
    """An event with three approved companies: Alice (DE), Bob (FR, French-speaking), Carl."""
    event = make_event()
    _, alice = make_participant("alice", event, name="Alice GmbH")
    _, bob = make_participant("bob", event, name="Bob SAS", locale="fr", country="FR")
    _, carl = make_participant("carl", event, name="Carl AG")
    return event, alice, bob, carl


def send(client, event, company, note="We should talk about lasers."):
    return client.post(f"/events/{event.id}/companies/{company.id}/request", data={"note": note})


def requests_between(db, a, b):
    return db.session.scalars(db.select(MeetingRequest).where(
        MeetingRequest.sender_id.in_([a.id, b.id]),
        MeetingRequest.recipient_id.in_([a.id, b.id]))).all()


def login_as(auth, key):
    auth.logout()
    auth.login(f"{key}@example.com")


def test_request_then_accept_makes_an_agreed_meeting(client, auth, evening, db, outbox):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    response = send(client, event, bob)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data
    assert b"Your request has been sent to Bob SAS." in page
    (request,) = requests_between(db, alice, bob)
    assert (request.status, request.note) == ("pending", "We should talk about lasers.")

    login_as(auth, "bob")
    mine = client.get(f"/events/{event.id}/requests").data.decode()
    assert "Alice GmbH" in mine and "We should talk about lasers." in mine
    accepted = client.post(f"/requests/{request.id}/accept", follow_redirects=True)
    # Bob reads French.
    assert shown("fr", "Meeting agreed. The organizer will place it in the schedule.") \
        in accepted.get_data(as_text=True)
    db.session.refresh(request)
    assert request.status == "accepted" and request.responded_at is not None
    assert request.open_pair_key == MeetingRequest.pair_key(alice.id, bob.id)

    subjects = [m["Subject"] for m in outbox.emails()]
    # Bob reads French, Alice English.
    assert subjects == [translated("fr", "%(company)s would like to meet you",
                                   company="Alice GmbH"),
                        "Bob SAS accepted your meeting request"]


def test_emails_are_written_in_the_recipients_language(client, auth, evening, monkeypatch):
    from matchmaker.notifications import services as notifications

    sent = []
    monkeypatch.setattr(notifications, "send_email",
                        lambda to, subject, template, locale, **ctx: sent.append((to, locale)))
    event, _, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    assert sent == [("bob@example.com", "fr")]


@pytest.mark.parametrize(("action", "by", "status", "notice"), [
    ("decline", "bob", "declined", ("alice", "declined")),
    ("withdraw", "alice", "withdrawn", ("bob", "withdrawn")),
])
def test_decline_and_withdraw_close_the_request_and_free_the_pair(
    client, auth, evening, db, action, by, status, notice
):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    login_as(auth, by)
    response = client.post(f"/requests/{request.id}/{action}", data={"reason": "Wrong sector."})
    assert response.status_code == 302
    db.session.refresh(request)
    assert (request.status, request.open_pair_key) == (status, None)
    who, kind = notice
    user_id = db.session.scalar(sa.text("SELECT id FROM users WHERE email = :e"),
                                {"e": f"{who}@example.com"})
    assert db.session.scalar(db.select(Notification.kind).filter_by(user_id=user_id).order_by(
        Notification.id.desc()).limit(1)) == kind
    login_as(auth, "alice")
    send(client, event, bob)  # the pair may try again
    assert len(requests_between(db, alice, bob)) == 2


def test_either_side_can_cancel_an_agreed_meeting(client, auth, evening, db, outbox):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    login_as(auth, "bob")
    client.post(f"/requests/{request.id}/accept")
    login_as(auth, "alice")
    response = client.post(f"/requests/{request.id}/cancel", data={"reason": "Flight moved."},
                           follow_redirects=True)
    assert b"The meeting is cancelled." in response.data
    db.session.refresh(request)
    assert (request.status, request.reason, request.open_pair_key) == \
        ("cancelled", "Flight moved.", None)
    assert outbox.emails()[-1]["Subject"] == translated("fr", "%(company)s cancelled your meeting",
                                                        company="Alice GmbH")


@pytest.mark.parametrize(("action", "by"), [
    ("accept", "alice"), ("decline", "alice"), ("withdraw", "bob"), ("cancel", "bob"),
])
def test_only_the_right_side_can_act(client, auth, evening, db, action, by):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    login_as(auth, by)
    response = client.post(f"/requests/{request.id}/{action}", follow_redirects=True)
    page = response.data.decode()
    lang = "fr" if by == "bob" else "en"
    refusals = (shown(lang, "Only the companies concerned can do this."),
                shown(lang, "This request is %(status)s now; nothing was changed.",
                      status=shown(lang, "pending")))
    assert any(refusal in page for refusal in refusals)
    db.session.refresh(request)
    assert request.status == "pending"


def test_a_double_click_changes_nothing(client, auth, evening, db, outbox):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    again = send(client, event, bob)
    assert b"already have an open request" in client.get(again.headers["Location"]).data
    (request,) = requests_between(db, alice, bob)
    login_as(auth, "bob")
    client.post(f"/requests/{request.id}/accept")
    second = client.post(f"/requests/{request.id}/accept", follow_redirects=True)
    assert shown("fr", "Nothing changed: this was done already.") in second.get_data(as_text=True)
    late_decline = client.post(f"/requests/{request.id}/decline", follow_redirects=True)
    assert shown("fr", "This request is %(status)s now; nothing was changed.",
                 status=shown("fr", "agreed")) in late_decline.get_data(as_text=True)
    assert len(outbox.emails()) == 2  # one request, one acceptance


def test_requesting_someone_who_asked_you_first_agrees_the_meeting(client, auth, evening, db):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    login_as(auth, "bob")
    response = send(client, event, alice)
    assert shown("fr", "%(name)s had asked to meet you too: the meeting is agreed.",
                 name="Alice GmbH") in client.get(response.headers["Location"]).get_data(
                     as_text=True)
    (request,) = requests_between(db, alice, bob)
    assert request.status == "accepted"


def test_the_database_refuses_a_second_open_request_for_a_pair(app, evening, db):
    event, alice, bob, _ = evening
    key = MeetingRequest.pair_key(alice.id, bob.id)
    db.session.add(MeetingRequest(event_id=event.id, sender_id=alice.id, recipient_id=bob.id,
                                  open_pair_key=key))
    db.session.commit()
    db.session.add(MeetingRequest(event_id=event.id, sender_id=bob.id, recipient_id=alice.id,
                                  open_pair_key=key, status="accepted"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Closed requests (NULL key) never collide.
    db.session.add_all([MeetingRequest(event_id=event.id, sender_id=bob.id, recipient_id=alice.id,
                                       status="declined") for _ in range(2)])
    db.session.commit()


def test_you_cannot_request_your_own_company(client, auth, evening):
    event, alice, _, _ = evening
    auth.login("alice@example.com")
    response = send(client, event, alice)
    assert b"your own company" in client.get(response.headers["Location"]).data


def test_the_cap_on_open_requests(client, auth, make_event, make_participant, db):
    event = make_event(max_open_requests=1)
    make_participant("alice", event)
    companies = [make_participant(k, event)[1] for k in ("bob", "carl")]
    auth.login("alice@example.com")
    send(client, event, companies[0])
    blocked = client.post(f"/events/{event.id}/companies/{companies[1].id}/request",
                          data={"note": "hi"}, follow_redirects=True)
    assert b"1 open requests, the most this event allows" in blocked.data
    assert db.session.scalar(db.select(db.func.count(MeetingRequest.id))) == 1


def test_the_cap_on_meetings_blocks_sending_and_accepting(
    client, auth, make_event, make_participant, db
):
    event = make_event(max_meetings_per_company=1)
    _, alice = make_participant("alice", event)
    _, bob = make_participant("bob", event)
    _, carl = make_participant("carl", event)
    auth.login("carl@example.com")
    send(client, event, bob)  # Carl → Bob, pending
    login_as(auth, "alice")
    send(client, event, bob)  # Alice → Bob
    login_as(auth, "bob")
    first = requests_between(db, alice, bob)[0]
    client.post(f"/requests/{first.id}/accept")
    from_carl = requests_between(db, carl, bob)[0]
    blocked = client.post(f"/requests/{from_carl.id}/accept", follow_redirects=True)
    assert b"Your company has reached the maximum of 1 meetings" in blocked.data
    db.session.refresh(from_carl)
    assert from_carl.status == "pending"
    login_as(auth, "alice")
    refused = client.post(f"/events/{event.id}/companies/{carl.id}/request",
                          data={"note": ""}, follow_redirects=True)
    assert b"Your company has reached the maximum of 1 meetings" in refused.data


def expire_now(db, request):
    request.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()


def test_overdue_requests_read_as_expired_and_the_command_records_it(
        client, auth, make_event, make_participant, db, outbox, runner):
    event = make_event(request_expiry_hours=48)
    _, alice = make_participant("alice", event)
    _, bob = make_participant("bob", event)
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    assert request.expires_at - utcnow() > timedelta(hours=47)
    expire_now(db, request)
    page = client.get(f"/events/{event.id}/requests").data.decode()
    assert "expired" in page  # shown as expired at once, though a page view writes nothing
    db.session.refresh(request)
    assert request.status == "pending" and request.state == "expired"
    login_as(auth, "bob")
    refused = client.post(f"/requests/{request.id}/accept", follow_redirects=True)
    assert b"This request has expired." in refused.data
    db.session.refresh(request)
    assert request.status == "pending"  # the refusal wrote nothing either

    assert runner.invoke(args=["expire-requests"]).output.startswith("1 request(s) expired")
    db.session.refresh(request)
    assert (request.status, request.open_pair_key) == ("expired", None)
    subjects = {m["Subject"] for m in outbox.emails()}
    assert {"A meeting request with Alice SAS expired",
            "A meeting request with Bob SAS expired"} <= subjects


def test_the_expire_command(runner, make_event, make_participant, db):
    from matchmaker.meetings import services

    event = make_event(request_expiry_hours=1)
    _, alice = make_participant("alice", event)
    _, bob = make_participant("bob", event)
    request = MeetingRequest(event_id=event.id, sender_id=alice.id, recipient_id=bob.id,
                             open_pair_key=MeetingRequest.pair_key(alice.id, bob.id),
                             expires_at=utcnow() - timedelta(hours=2))
    db.session.add(request)
    db.session.commit()
    result = runner.invoke(args=["expire-requests"])
    assert "1 request(s) expired." in result.output
    db.session.refresh(request)
    assert request.status == "expired"
    assert services.expire_due() == 0


def test_contact_details_appear_once_the_meeting_is_agreed(client, auth, evening, db):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    company_page = f"/events/{event.id}/companies/{bob.id}"
    assert b"bob@example.com" not in client.get(company_page).data
    send(client, event, bob)
    assert b"bob@example.com" not in client.get(company_page).data
    (request,) = requests_between(db, alice, bob)
    login_as(auth, "bob")
    client.post(f"/requests/{request.id}/accept")
    login_as(auth, "alice")
    page = client.get(company_page).data.decode()
    assert "bob@example.com" in page and "+49 7231 123456" in page


def test_my_requests_lists_incoming_outgoing_and_agreed(client, auth, evening, db):
    event, alice, bob, carl = evening
    auth.login("bob@example.com")
    send(client, event, alice)
    login_as(auth, "carl")
    send(client, event, alice)
    login_as(auth, "alice")
    send(client, event, carl)  # mutual: agreed with Carl
    page = client.get(f"/events/{event.id}/requests").data.decode()
    incoming = page[page.index('id="incoming"'):page.index('id="outgoing"')]
    agreed = page[page.index('id="agreed"'):page.index('id="closed"')]
    assert "Bob SAS" in incoming and "Carl AG" in agreed


# --- threads ----------------------------------------------------------------------------

def test_both_sides_write_while_open_and_organizers_read(client, auth, evening, db, organizer):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    client.post(f"/requests/{request.id}/messages", data={"body": "Booth B12 works for us."})
    login_as(auth, "bob")
    page = client.post(f"/requests/{request.id}/messages", data={"body": "See you there."},
                       follow_redirects=True).data.decode()
    assert "Booth B12 works for us." in page and "See you there." in page
    login_as(auth, "organizer")
    page = client.get(f"/requests/{request.id}").data.decode()
    assert "See you there." in page and 'name="body"' not in page
    assert client.post(f"/requests/{request.id}/messages", data={"body": "x"},
                       follow_redirects=True).status_code == 200
    assert db.session.scalar(db.select(db.func.count(RequestMessage.id))) == 2


def test_no_messages_once_the_request_is_closed(client, auth, evening, db):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    client.post(f"/requests/{request.id}/withdraw")
    response = client.post(f"/requests/{request.id}/messages", data={"body": "Hello?"},
                           follow_redirects=True)
    assert b"The conversation is closed" in response.data
    assert db.session.scalar(db.select(db.func.count(RequestMessage.id))) == 0


def test_an_empty_or_long_message_is_refused(client, auth, evening, db):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    (request,) = requests_between(db, alice, bob)
    for body in ("", "x" * 1001):
        response = client.post(f"/requests/{request.id}/messages", data={"body": body})
        assert response.status_code == 400
    assert client.post(f"/events/{event.id}/companies/{bob.id}/request",
                       data={"note": "x" * 601}).status_code in (302, 400)


# --- notifications ----------------------------------------------------------------------

def test_badge_list_and_reading(client, auth, evening, db):
    event, alice, bob, _ = evening
    auth.login("alice@example.com")
    send(client, event, bob)
    login_as(auth, "bob")
    home = client.get("/").data.decode()
    assert 'text-bg-danger ms-1">1<' in home
    listing = client.get("/notifications/").data.decode()
    assert shown("fr", "%(company)s would like to meet you", company="Alice GmbH") in listing
    notification = db.session.scalar(db.select(Notification))
    opened = client.post(f"/notifications/{notification.id}/open")
    assert opened.headers["Location"].endswith(f"/requests/{notification.request_id}")
    assert 'text-bg-danger ms-1">' not in client.get("/").data.decode()
    login_as(auth, "carl")
    assert client.post(f"/notifications/{notification.id}/open").status_code == 404
    assert client.post("/notifications/read").status_code == 302


def test_company_names_in_notifications_are_escaped(client, auth, evening, db):
    event, alice, bob, _ = evening
    alice.name = '<script>alert("x")</script> GmbH'
    db.session.commit()
    auth.login("alice@example.com")
    send(client, event, bob)
    login_as(auth, "bob")
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "<script>alert" not in listing
    assert "&lt;script&gt;" in listing
