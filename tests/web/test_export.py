"""Event exports: contents, formats, never an unapproved company, always logged; screening and
the discussion level of a meeting."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from matchmaker.models import AuditEntry, MeetingRequest, RegistrationStatus

PENDING = RegistrationStatus.PENDING


@pytest.fixture
def setup(db, make_event, make_participant, auth):
    event = make_event()
    _alice, alpha = make_participant("alice", event, name="Alpha SAS")
    _bruno, beta = make_participant("bruno", event, name="Beta GmbH", country="DE")
    _carl, hidden = make_participant("carl", event, status=PENDING, name="Hidden Pending AG")
    slot, table = event.slots[0], event.tables[2]
    agreed = MeetingRequest(event_id=event.id, sender_id=alpha.id, recipient_id=beta.id,
                            status="accepted", open_pair_key=MeetingRequest.pair_key(alpha.id,
                                                                                    beta.id),
                            slot_id=slot.id, table_id=table.id, note="=cmd|' /C calc'!A0")
    secret = MeetingRequest(event_id=event.id, sender_id=hidden.id, recipient_id=alpha.id,
                            status="pending", open_pair_key=MeetingRequest.pair_key(alpha.id,
                                                                                   hidden.id))
    db.session.add_all([agreed, secret])
    db.session.commit()
    auth.login("organizer@example.com")
    return event, agreed


def get(client, event, what, fmt):
    return client.post(f"/organizer/events/{event.id}/export/{what}.{fmt}")


def test_csv_exports_hold_approved_companies_only(client, db, setup):
    event, _agreed = setup
    response = get(client, event, "companies", "csv")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert 'filename="milipol-networking-evening-companies.csv"' in \
        response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Alpha SAS", "Beta GmbH"]
    assert "alice@example.com" in rows[0]["contacts"]
    requests = get(client, event, "requests", "csv").data.decode("utf-8-sig")
    assert "Hidden" not in requests and "accepted" in requests
    assert "'=cmd" in requests  # no formula injection into Excel


def test_schedule_exports_in_three_formats_with_table_sheets(client, setup):
    event, agreed = setup
    document = json.loads(get(client, event, "schedule", "json").data)
    assert document["schedule"] == [{
        "meeting_id": agreed.id, "day": "2026-11-19", "start": "2026-11-19T18:00+01:00",
        "end": "2026-11-19T18:20+01:00",
        "table": "T3", "company_a": "Alpha SAS", "country_a": "DE", "company_b": "Beta GmbH",
        "country_b": "DE", "discussion_level": "public", "locked": False, "interpreter": ""}]
    xlsx = get(client, event, "schedule", "xlsx")
    assert xlsx.content_type.startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(xlsx.data))
    assert workbook.sheetnames == ["Schedule", "Table T3"]
    assert list(workbook["Table T3"].iter_rows(values_only=True))[1][5] == "Alpha SAS"
    everything = load_workbook(io.BytesIO(get(client, event, "all", "xlsx").data))
    assert everything.sheetnames[:3] == ["Companies", "Requests", "Schedule"]
    text = "".join(str(c) for ws in everything for row in ws.iter_rows(values_only=True)
                   for c in row)
    assert "Hidden" not in text
    profiles = json.loads(get(client, event, "profiles", "json").data)
    assert [c["name"] for c in profiles["companies"]] == ["Alpha SAS", "Beta GmbH"]


def test_exports_are_logged_and_for_organizers_only(client, db, setup, auth):
    event, _ = setup
    get(client, event, "companies", "xlsx")
    entry = db.session.scalar(db.select(AuditEntry).filter_by(action="export"))
    assert entry.details == {"what": "companies", "format": "xlsx", "rows": 2}
    assert entry.actor_label == "organizer@example.com" and entry.event_id == event.id
    assert get(client, event, "nothing", "csv").status_code == 404
    assert get(client, event, "all", "csv").status_code == 404
    auth.logout()
    auth.login("alice@example.com")  # not on the event's team
    assert get(client, event, "companies", "csv").status_code == 404


def test_denied_party_matches_are_flagged_in_the_vetting_queue(client, db, make_event,
                                                              make_participant, auth):
    from pathlib import Path

    event = make_event()
    make_participant("olga", event, status=PENDING, name="Optronique Lyon SARL", country="FR")
    make_participant("kim", event, status=PENDING, name="Pyongyang Trading", country="KP")
    make_participant("fine", event, status=PENDING, name="Harmless Widgets GmbH", country="DE")
    auth.login("organizer@example.com")
    data = (Path(__file__).parent.parent / "data" / "denied_parties_eu.csv").read_bytes()
    response = client.post("/organizer/screening", data={"file": (io.BytesIO(data), "eu.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.post("/organizer/screening", data={"file": (io.BytesIO(b""), "x.csv")},
                       content_type="multipart/form-data").status_code == 400
    page = client.get(f"/organizer/events/{event.id}/registrations").data.decode()
    assert "Possible denied-party match: “Optronique Lyon” (FR), score 100%" in page
    assert "Country on the denied-party list" in page
    assert page.count("screening-hit") == 2
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="denied_parties_uploaded"))


def test_both_sides_see_the_discussion_level(client, db, setup, auth):
    event, agreed = setup
    auth.logout()
    auth.login("alice@example.com")
    response = client.post(f"/requests/{agreed.id}/discussion-level", data={"level": "licence"})
    assert response.status_code == 302
    assert client.post(f"/requests/{agreed.id}/discussion-level",
                       data={"level": "secret"}).status_code == 303
    auth.logout()
    auth.login("bruno@example.com")
    page = client.get(f"/requests/{agreed.id}").data.decode()
    assert "Export licence required" in page
    db.session.refresh(agreed)
    assert agreed.discussion_level == "licence"
