"""Staged vetting: questions and answers, the transitions and the refused ones, revocation
with its cancellations and notices, visibility of asked and revoked companies, and the
external check's export and all-or-nothing verdict import."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from matchmaker.models import (
    AuditEntry,
    MeetingBooking,
    MeetingRequest,
    Notification,
    Registration,
    RegistrationMessage,
    RegistrationStatus,
)
from matchmaker.schedule import edits
from matchmaker.vetting.checks import legal_form
from tests.web.test_schedule import agree, slot_at, table

S = RegistrationStatus


@pytest.fixture
def applied(make_event, make_participant, db):
    """An event, an approved host and an applicant awaiting a decision."""
    event = make_event()
    make_participant("host", event, name="Host SAS")
    user, company = make_participant("alice", event, status=S.PENDING,
                                     name="Alice Optik GmbH")
    registration = db.session.scalar(db.select(Registration).filter_by(company_id=company.id))
    return event, registration, company


def url(event, registration, action=""):
    base = f"/organizer/events/{event.id}/registrations/{registration.id}"
    return f"{base}/{action}" if action else base


def state(db, registration) -> str:
    db.session.expire_all()
    return db.session.get(Registration, registration.id).status


def ask(client, auth, event, registration, question="Which export licences do you hold?"):
    auth.login("organizer@example.com")
    response = client.post(url(event, registration, "ask"), data={"question": question})
    auth.logout()
    return response


def test_the_organizer_asks_the_company_answers_and_the_organizer_approves(
    client, auth, db, applied, outbox
):
    event, registration, company = applied
    auth.login("organizer@example.com")
    page = client.get(url(event, registration)).data.decode()
    assert "Alice Optik GmbH" in page and "No questions so far." in page
    response = client.post(url(event, registration, "ask"),
                           data={"question": "Which export licences do you hold?"})
    assert response.status_code == 302
    assert state(db, registration) == "needs_info"
    question_mail = outbox.messages()[-1]
    assert "asks about your registration" in question_mail
    assert "Which export licences do you hold?" in question_mail
    assert "/register#thread" in question_mail
    queue = client.get(f"/organizer/events/{event.id}/registrations?status=needs_info")
    assert "Alice Optik GmbH" in queue.data.decode()
    auth.logout()

    auth.login("alice@example.com")
    asked = db.session.scalar(db.select(Notification).filter_by(kind="registration_needs_info"))
    opened = client.post(f"/notifications/{asked.id}/open")
    assert opened.location.endswith(f"/events/{event.id}/register#thread")
    own = client.get(f"/events/{event.id}/register").data.decode()
    assert "Needs more information" in own and "Which export licences do you hold?" in own
    assert 'id="answer-form"' in own
    assert "Read and answer the question" in client.get(f"/events/{event.id}").data.decode()
    answered = client.post(f"/events/{event.id}/registration/answer",
                           data={"answer": "BAFA licence 123 for optics."})
    assert answered.status_code == 302
    assert state(db, registration) == "pending"
    assert "answered your question" in outbox.messages()[-1]
    notice = db.session.scalar(db.select(Notification).filter_by(kind="registration_answered"))
    assert notice.counterpart == "Alice Optik GmbH"
    thread = client.get(f"/events/{event.id}/register").data.decode()
    assert "BAFA licence 123 for optics." in thread and 'id="answer-form"' not in thread
    auth.logout()

    auth.login("organizer@example.com")
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.location.endswith(f"/organizer/events/{event.id}/registrations?status=pending")
    detail = client.get(url(event, registration)).data.decode()
    assert detail.index("Which export licences") < detail.index("BAFA licence 123")
    assert client.post(url(event, registration, "decide"),
                       data={"approve": "Approve"}).status_code == 302
    assert state(db, registration) == "approved"
    messages = db.session.scalars(db.select(RegistrationMessage)
                                  .order_by(RegistrationMessage.id)).all()
    assert [(m.from_organizer, m.author_name) for m in messages] == [
        (True, "Olivia Organizer"), (False, "Alice")]
    actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"registration_needs_info", "registration_answered",
            "registration_approved"} <= actions


def test_invalid_transitions_are_refused_with_a_message(client, auth, db, applied):
    event, registration, company = applied
    auth.login("organizer@example.com")
    revoke = client.post(url(event, registration, "revoke"),
                         data={"revoke_reason": "Security check failed."})
    assert revoke.status_code == 409 and b"Only an approved registration" in revoke.data
    empty = client.post(url(event, registration, "ask"), data={"question": "  "})
    assert empty.status_code == 400 and b"Write the question" in empty.data
    client.post(url(event, registration, "decide"), data={"approve": "Approve"})
    asked = client.post(url(event, registration, "ask"), data={"question": "Anything?"})
    assert asked.status_code == 409 and b"awaiting a decision" in asked.data
    no_reason = client.post(url(event, registration, "revoke"), data={"revoke_reason": ""})
    assert no_reason.status_code == 400
    assert client.post(url(event, registration, "revoke"),
                       data={"revoke_reason": "Security check failed."}).status_code == 302
    reject = client.post(url(event, registration, "decide"),
                         data={"reject": "Reject", "reason": "No."})
    assert reject.status_code == 409 and "is not possible for: Alice Optik GmbH" in \
        reject.data.decode()
    bulk = client.post(f"/organizer/events/{event.id}/registrations",
                       data={"ids": [registration.id], "reject": "Reject", "reason": "No."})
    assert bulk.status_code == 409 and b"is not possible for" in bulk.data
    assert state(db, registration) == "revoked"
    auth.logout()

    auth.login("alice@example.com")  # nothing asked: nothing to answer
    answer = client.post(f"/events/{event.id}/registration/answer", data={"answer": "Hi"})
    assert answer.status_code == 409 and b"no open question" in answer.data
    assert state(db, registration) == "revoked"


def test_the_answer_needs_text_and_a_registration(client, auth, db, applied, make_participant,
                                                  make_event):
    event, registration, company = applied
    ask(client, auth, event, registration)
    auth.login("alice@example.com")
    empty = client.post(f"/events/{event.id}/registration/answer", data={"answer": ""})
    assert empty.status_code == 303
    assert b"Write your answer." in client.get(empty.location).data
    assert state(db, registration) == "needs_info"
    other = make_event(name="Other event")
    assert client.post(f"/events/{other.id}/registration/answer",
                       data={"answer": "x"}).status_code == 404


def test_other_events_registrations_are_not_found(client, auth, applied, make_event):
    event, registration, company = applied
    other = make_event(name="Other event")
    auth.login("organizer@example.com")
    assert client.get(url(other, registration)).status_code == 404
    assert client.post(url(other, registration, "ask"),
                       data={"question": "x"}).status_code == 404


def test_an_asked_company_is_told_to_answer_and_stays_invisible(
    client, auth, db, applied, make_participant
):
    event, registration, company = applied
    ask(client, auth, event, registration)
    auth.login("alice@example.com")
    waiting = client.get(f"/events/{event.id}/companies")
    assert waiting.status_code == 403
    assert b"answer the question on your registration page" in waiting.data
    assert f"/events/{event.id}/register#thread".encode() in waiting.data
    auth.logout()
    auth.login("host@example.com")
    directory = client.get(f"/events/{event.id}/companies").data.decode()
    assert "Alice Optik GmbH" not in directory
    assert client.get(f"/events/{event.id}/companies/{company.id}").status_code == 404


def test_revoking_cancels_requests_and_meetings_and_tells_everyone(
    client, auth, db, make_event, make_participant, outbox
):
    event = make_event(tables="T1-T3")
    _, revoked = make_participant("rogue", event, name="Rogue Ltd")
    _, host = make_participant("host", event, name="Host SAS")
    _, third = make_participant("third", event, name="Third GmbH")
    meeting = agree(event, revoked, host)
    edits.move(event, meeting, slot_at(event, "18:20"), table(event, "T1"))
    db.session.commit()
    pending = MeetingRequest(event_id=event.id, sender_id=third.id, recipient_id=revoked.id,
                             open_pair_key=MeetingRequest.pair_key(third.id, revoked.id))
    db.session.add(pending)
    db.session.commit()
    registration = db.session.scalar(db.select(Registration).filter_by(company_id=revoked.id))
    auth.login("organizer@example.com")
    detail = client.get(url(event, registration)).data.decode()
    assert "Its 2 open requests and meetings are cancelled" in detail
    assert "data-confirm=" in detail
    response = client.post(url(event, registration, "revoke"),
                           data={"revoke_reason": "The ID check failed."})
    assert response.status_code == 302
    flash = client.get(response.location).data.decode()
    assert "2 requests or meetings were cancelled" in flash
    db.session.expire_all()
    assert state(db, registration) == "revoked"
    for request in (meeting, pending):
        request = db.session.get(MeetingRequest, request.id)
        assert (request.status, request.open_pair_key, request.reason_code) == (
            "cancelled", None, "registration_revoked")
    assert db.session.get(MeetingRequest, meeting.id).table_id is None
    assert db.session.scalars(db.select(MeetingBooking)).all() == []
    mails = outbox.messages()
    assert any("The organizer cancelled your meeting with Rogue Ltd" in m
               and "The organizer revoked the registration of Rogue Ltd." in m for m in mails)
    assert sum("cancelled your meeting with Rogue Ltd" in m for m in mails) == 2  # host, third
    revoked_mail = next(m for m in mails if m.startswith("Your approval for"))
    assert "The ID check failed." in revoked_mail
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="registration_revoked"))
    assert entry.details["cancelled"] == 2 and entry.target_label == "Rogue Ltd"
    auth.logout()

    auth.login("host@example.com")
    assert "Rogue Ltd" not in client.get(f"/events/{event.id}/companies").data.decode()
    assert client.get(f"/events/{event.id}/companies/{revoked.id}").status_code == 404
    auth.logout()
    auth.login("rogue@example.com")
    assert client.get(f"/events/{event.id}/companies").status_code == 404
    own = client.get(f"/events/{event.id}/register").data.decode()
    assert "Revoked" in own and "The ID check failed." in own


def test_the_queue_filters_and_counts_every_state(client, auth, db, applied, make_participant):
    event, registration, company = applied
    ask(client, auth, event, registration)
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/registrations?status=needs_info")
    text = page.data.decode()
    assert "Alice Optik GmbH" in text and "Host SAS" not in text
    assert "Needs more information" in text and "Revoked" in text
    assert "Details and questions" in text
    empty = client.get(f"/organizer/events/{event.id}/registrations?status=revoked")
    assert b"No registration has this status." in empty.data


# --- the external check ------------------------------------------------------------------

def test_legal_forms_are_read_from_the_name():
    assert legal_form("Alice Optik GmbH") == "GmbH"
    assert legal_form("Kraft GmbH & Co. KG") == "GmbH & Co. KG"
    assert legal_form("Pavois Protection SAS") == "SAS"
    assert legal_form("Nagoldtal Optik") == ""


def test_applicants_export_for_the_check(client, auth, db, applied):
    event, registration, company = applied
    auth.login("organizer@example.com")
    page = client.get(f"/organizer/events/{event.id}/vetting/check").data.decode()
    assert "1 registration awaits a decision" in page
    assert client.get(f"/organizer/events/{event.id}/vetting/applicants.csv").status_code == 405
    response = client.post(f"/organizer/events/{event.id}/vetting/applicants.csv")
    assert response.status_code == 200 and "attachment" in response.headers[
        "Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["registration_id"], row["company_name"], row["legal_form"], row["country"],
            row["contact_email"], row["check_reference"]) == (
        str(registration.id), "Alice Optik GmbH", "GmbH", "DE", "alice@example.com", "")
    workbook = client.post(f"/organizer/events/{event.id}/vetting/applicants.xlsx")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert [c.value for c in sheet[1]][:3] == ["registration_id", "company_name", "legal_form"]
    assert client.post(f"/organizer/events/{event.id}/vetting/applicants.json").status_code \
        == 404
    exports = db.session.scalars(db.select(AuditEntry).filter_by(action="export")).all()
    assert [e.details["format"] for e in exports] == ["csv", "xlsx"]


def upload(client, event, text: str, filename="verdicts.csv"):
    return client.post(f"/organizer/events/{event.id}/vetting/check",
                       data={"file": (io.BytesIO(text.encode()), filename)},
                       content_type="multipart/form-data")


def test_verdicts_are_imported_whole_or_refused_with_a_line_report(
    client, auth, db, make_event, make_participant, outbox
):
    event = make_event()
    ids = {}
    for key in ("anna", "bert", "cleo"):
        _, company = make_participant(key, event, status=S.PENDING)
        ids[key] = db.session.scalar(db.select(Registration.id).filter_by(
            company_id=company.id))
    approved_id = db.session.scalar(db.select(Registration.id).filter_by(
        company_id=make_participant("dora", event)[1].id))
    auth.login("organizer@example.com")
    bad = (f"Registration ID;Verdict;Note\n{ids['anna']};approved;\n"
           f"{ids['bert']};rejected;\n999999;approved;\n{ids['cleo']};maybe;\n"
           f"{approved_id};needs_info;What is this?\n{ids['anna']};approved;\n")
    refused = upload(client, event, bad)
    assert refused.status_code == 400
    report = refused.data.decode()
    assert "Nothing was changed" in report
    assert "Row 3:" in report and "needs a note" in report
    assert "Row 4:" in report and "is not a registration of this event" in report
    assert "Row 5:" in report and "not “maybe”" in report
    assert "Row 6:" in report and "is not possible" in report
    assert "Row 7:" in report and "is in line 2 already" in report
    db.session.expire_all()
    assert {db.session.get(Registration, i).status for i in ids.values()} == {"pending"}
    assert outbox.messages() == []

    good = (f"registration_id,verdict,note,check_reference\n{ids['anna']},Approved,,REF-1\n"
            f"{ids['bert']},rejected,ID check failed,REF-2\n"
            f"{ids['cleo']},needs_info,Please send your export licence number.,REF-3\n")
    response = upload(client, event, good)
    assert response.status_code == 302
    flash = client.get(response.location).data.decode()
    assert "1 approved, 1 rejected, 1 asked for more information" in flash
    db.session.expire_all()
    assert [db.session.get(Registration, ids[k]).status for k in ("anna", "bert", "cleo")] == [
        "approved", "rejected", "needs_info"]
    cleo = db.session.get(Registration, ids["cleo"])
    assert cleo.messages[0].body == "Please send your export licence number."
    assert db.session.get(Registration, ids["bert"]).reason == "ID check failed"
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="vetting_import"))
    assert entry.details == {"rows": 3, "approved": 1, "rejected": 1, "needs_info": 1}
    assert len(outbox.messages()) == 3


def test_unreadable_or_incomplete_verdict_files_are_refused(client, auth, db, applied):
    event, registration, company = applied
    auth.login("organizer@example.com")
    assert upload(client, event, "", "v.csv").status_code == 400
    wrong = upload(client, event, "a,b\n1,2\n", "v.csv")
    assert wrong.status_code == 400 and "needs a column" in wrong.data.decode()
    assert upload(client, event, "x", "v.pdf").status_code == 400
    assert client.post(f"/organizer/events/{event.id}/vetting/check").status_code == 400
    assert state(db, registration) == "pending"


def test_the_demo_event_shows_questions_an_answer_and_a_revocation(runner, db):
    from matchmaker.models import Company, Event

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    event = db.session.scalar(db.select(Event))
    by_name = {r.company.name: r for r in db.session.scalars(
        db.select(Registration).filter_by(event_id=event.id))}
    statuses = [r.status for r in by_name.values()]
    assert statuses.count("needs_info") == 2 and statuses.count("revoked") == 1
    answered = by_name["Vérident Biométrie SAS"]
    assert answered.status == "pending"
    assert [m.from_organizer for m in answered.messages] == [True, False]
    revoked = db.session.scalar(db.select(Company).filter_by(name="Calanque Alerte SAS"))
    called_off = db.session.scalars(db.select(MeetingRequest).filter_by(
        reason_code="registration_revoked")).all()
    assert called_off and all(revoked.id in (m.sender_id, m.recipient_id) for m in called_off)


def test_the_thread_is_in_the_data_download_and_loses_a_deleted_authors_name(
    client, auth, db, applied, make_user
):
    from tests.conftest import PASSWORD

    event, registration, company = applied
    colleague = make_user("bea@example.com", name="Bea")
    colleague.company_id = company.id
    db.session.commit()
    ask(client, auth, event, registration)
    auth.login("bea@example.com")
    client.post(f"/events/{event.id}/registration/answer", data={"answer": "None at all."})
    document = client.post("/account/data.json").get_json()
    thread = document["registrations"][0]["questions_and_answers"]
    assert [(m["from"], m["body"], m["written_by_you"]) for m in thread] == [
        ("organizer", "Which export licences do you hold?", False),
        ("company", "None at all.", True)]
    assert client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"}) \
        .status_code == 302
    db.session.expire_all()
    answer = db.session.scalars(db.select(RegistrationMessage)).all()[-1]
    assert (answer.body, answer.author_id, answer.author_name) == ("None at all.", None, "")


def test_the_queue_asks_several_applicants_at_once_or_none(client, auth, db, make_event,
                                                          make_participant, outbox):
    event = make_event()
    ids = []
    for key in ("anna", "bert"):
        _, company = make_participant(key, event, status=S.PENDING)
        ids.append(db.session.scalar(db.select(Registration.id).filter_by(
            company_id=company.id)))
    _, host = make_participant("host", event, name="Host SAS")
    host_id = db.session.scalar(db.select(Registration.id).filter_by(company_id=host.id))
    auth.login("organizer@example.com")
    queue = client.get(f"/organizer/events/{event.id}/registrations").data.decode()
    assert 'id="ask-many"' in queue
    ask_url = f"/organizer/events/{event.id}/registrations/ask"
    refused = client.post(ask_url, data={"ids": [*ids, host_id], "question": "Owners?"})
    assert refused.status_code == 409 and "not: Host SAS" in refused.data.decode()
    empty = client.post(ask_url, data={"ids": ids, "question": ""})
    assert empty.status_code == 400 and b"Write the question" in empty.data
    none = client.post(ask_url, data={"question": "Owners?"})
    assert none.status_code == 400 and b"Select at least one registration." in none.data
    db.session.expire_all()
    assert {db.session.get(Registration, i).status for i in ids} == {"pending"}
    assert outbox.messages() == []
    response = client.post(ask_url, data={"ids": ids, "question": "Who owns your company?"})
    assert response.status_code == 302 and response.location.endswith("status=needs_info")
    assert b"2 companies are asked for more information." in client.get(
        response.location).data
    db.session.expire_all()
    assert [db.session.get(Registration, i).status for i in ids] == ["needs_info"] * 2
    assert len(outbox.messages()) == 2
