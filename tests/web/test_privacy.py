"""Data download and account deletion, end to end."""

import json

from matchmaker.models import (
    AuditEntry,
    Company,
    MeetingRequest,
    Notification,
    Registration,
    RequestMessage,
    User,
)
from tests.conftest import PASSWORD


def _request(db, event, a, b, status):
    r = MeetingRequest(event_id=event.id, sender_id=a.id, recipient_id=b.id, status=status,
                       open_pair_key=MeetingRequest.pair_key(a.id, b.id)
                       if status in ("pending", "accepted") else None, note=f"{a.name} note")
    db.session.add(r)
    db.session.commit()
    return r


def test_the_download_holds_my_data_and_not_others(client, db, auth, make_event,
                                                   make_participant):
    event = make_event()
    alice, alpha = make_participant("alice", event, name="Alpha SAS")
    bruno, beta = make_participant("bruno", event, name="Beta GmbH")
    r = _request(db, event, alpha, beta, "accepted")
    db.session.add_all([RequestMessage(request_id=r.id, company_id=alpha.id, author_id=alice.id,
                                       body="hello from alice"),
                        RequestMessage(request_id=r.id, company_id=beta.id, author_id=bruno.id,
                                       body="bruno's secret reply")])
    db.session.commit()
    auth.login("alice@example.com")
    assert client.get("/account/data").status_code == 200
    response = client.post("/account/data.json")
    assert response.status_code == 200 and response.content_type.startswith("application/json")
    document = json.loads(response.data)
    assert document["account"]["email"] == "alice@example.com"
    assert document["company"]["name"] == "Alpha SAS"
    assert document["meeting_requests"][0]["counterpart"] == "Beta GmbH"
    assert [m["body"] for m in document["messages_written"]] == ["hello from alice"]
    text = response.data.decode()
    assert "bruno@example.com" not in text and "secret reply" not in text
    assert "password_hash" not in text and alice.password_hash not in text
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="data_downloaded"))


def test_deleting_the_last_member_removes_the_company_and_tells_the_others(
        client, db, auth, outbox, make_event, make_participant):
    event = make_event()
    _alice, alpha = make_participant("alice", event, name="Alpha SAS")
    _bruno, beta = make_participant("bruno", event, name="Beta GmbH")
    _carl, gamma = make_participant("carl", event, name="Gamma AG")
    pending = _request(db, event, alpha, beta, "pending")
    agreed = _request(db, event, gamma, alpha, "accepted")
    untouched = _request(db, event, beta, gamma, "accepted")
    alpha_id, beta_id, pending_id, agreed_id, untouched_id = (
        alpha.id, beta.id, pending.id, agreed.id, untouched.id)
    auth.login("alice@example.com")
    refused = client.post("/account/delete", data={"password": "wrong", "confirm": "y"})
    assert refused.status_code == 400 and "The password is not correct." in refused.data.decode()
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 400
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(db.select(User).filter_by(email="alice@example.com")) is None
    assert db.session.get(Company, alpha_id) is None
    assert db.session.scalar(db.select(Registration).filter_by(company_id=alpha_id)) is None
    db.session.expunge_all()
    assert db.session.get(MeetingRequest, pending_id) is None
    assert db.session.get(MeetingRequest, agreed_id) is None
    assert db.session.get(MeetingRequest, untouched_id).status == "accepted"
    assert db.session.get(Company, beta_id).name == "Beta GmbH"
    notices = db.session.scalars(db.select(Notification).filter_by(kind="partner_left")).all()
    assert sorted(n.user_id for n in notices) == \
        sorted(db.session.scalars(db.select(User.id).where(
            User.email.in_(["bruno@example.com", "carl@example.com"]))))
    assert {n.counterpart for n in notices} == {"Alpha SAS"}
    mails = outbox.messages()
    assert sum("Alpha SAS left Matchmaker" in m for m in mails) == 2
    assert client.get("/account/data").status_code == 302  # logged out
    auth.login("bruno@example.com")
    listing = client.get("/notifications/").data.decode()
    assert "Alpha SAS left Matchmaker" in listing
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="company_deleted"))


def test_a_colleague_keeps_the_company(client, db, auth, make_event, make_participant,
                                       make_user):
    event = make_event()
    _alice, alpha = make_participant("alice", event, name="Alpha SAS")
    _bruno, beta = make_participant("bruno", event, name="Beta GmbH")
    colleague = make_user("zoe@example.com")
    colleague.company_id = alpha.id
    db.session.commit()
    pending = _request(db, event, alpha, beta, "pending")
    auth.login("zoe@example.com")
    assert client.post("/account/delete",
                       data={"password": PASSWORD, "confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Company, alpha.id) is not None
    assert db.session.get(MeetingRequest, pending.id).status == "pending"


def test_the_only_admin_cannot_delete_their_account(client, db, auth, make_user):
    make_user("root@example.com", role="admin")
    auth.login("root@example.com")
    response = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})
    assert response.status_code == 400 and "only administrator" in response.data.decode()
