"""Importing companies and contacts from real CSV/XLSX files (tests/data/), all or nothing."""

import io
import re
from pathlib import Path

import pytest

from matchmaker.exchange.importer import FIELD_KEYS
from matchmaker.models import (
    AuditEntry,
    Company,
    EventMember,
    ImportMapping,
    ImportUpload,
    Registration,
    RegistrationStatus,
    User,
)

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def event(make_event, organizer, auth):
    event = make_event()
    auth.login("organizer@example.com")
    return event


def upload(client, event, name, content=None):
    data = {"file": (io.BytesIO(content if content is not None else (DATA / name).read_bytes()),
                     name)}
    return client.post(f"/organizer/events/{event.id}/import", data=data,
                       content_type="multipart/form-data")


def token_of(response):
    return re.search(r"/import/([\w-]+)$", response.headers["Location"]).group(1)


def confirm(client, event, token, approve=False):
    return client.post(f"/organizer/events/{event.id}/import/{token}/confirm",
                       data={"approve": "y"} if approve else {})


@pytest.mark.parametrize("name", ["import_comma_utf8.csv", "import_semicolon_bom.csv",
                                  "import_semicolon_cp1252.csv", "import_good.xlsx"])
def test_a_good_file_imports_companies_contacts_and_invitations(client, db, event, outbox,
                                                                name):
    response = upload(client, event, name)
    assert response.status_code == 302
    token = token_of(response)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = page.data.decode()
    assert "All 4 rows are fine" in text and "new company" in text
    done = confirm(client, event, token)
    assert done.status_code == 302
    companies = {c.name: c for c in db.session.scalars(db.select(Company))}
    assert set(companies) == {"Optronique Lyon SAS", "Präzision Enz GmbH", "Sécurité Périmètre SA"}
    optronique = companies["Optronique Lyon SAS"]
    assert optronique.country == "FR" and optronique.tags == ["du.6", "sg.video-surveillance"]
    assert optronique.dual_use_items is True and optronique.size == "50-249"
    assert companies["Präzision Enz GmbH"].country == "DE"
    assert {m.email for m in optronique.members} == {"marie@optronique.example",
                                                     "paul@optronique.example"}
    registrations = db.session.scalars(db.select(Registration)).all()
    assert len(registrations) == 3
    assert {r.status for r in registrations} == {RegistrationStatus.PENDING.value}
    assert all(len(r.available_slots) == len(event.slots) for r in registrations)
    invitations = outbox.messages()
    assert len(invitations) == 4 and all("invited" in m for m in invitations)
    assert db.session.scalar(db.select(AuditEntry).filter_by(action="import")) is not None


def test_companies_a_co_organizer_imports_are_theirs(client, db, event, make_user, auth):
    co = make_user("co@example.com", name="Cora Cluster")
    db.session.add(EventMember(event_id=event.id, user_id=co.id, role="co_organizer",
                               countries=["FR"], group_ids=[]))
    db.session.commit()
    auth.logout()
    auth.login("co@example.com")
    confirm(client, event, token_of(upload(client, event, "import_comma_utf8.csv")))
    assert {r.responsible_id for r in db.session.scalars(db.select(Registration))} == {co.id}


def test_the_owners_imports_follow_the_teams_rules(client, db, event):
    confirm(client, event, token_of(upload(client, event, "import_comma_utf8.csv")))
    assert {r.responsible_id for r in db.session.scalars(db.select(Registration))} == {None}


def test_reimporting_updates_instead_of_duplicating(client, db, event, outbox):
    confirm(client, event, token_of(upload(client, event, "import_comma_utf8.csv")))
    changed = (DATA / "import_comma_utf8.csv").read_text().replace("Lyon,marie", "Grenoble,marie")
    token = token_of(upload(client, event, "again.csv", changed.encode()))
    assert "update" in client.get(f"/organizer/events/{event.id}/import/{token}").data.decode()
    assert confirm(client, event, token, approve=True).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 3
    assert db.session.scalar(db.select(db.func.count(User.id))) == 5  # 4 contacts + organizer
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 3
    company = db.session.scalar(db.select(Company).filter_by(name="Optronique Lyon SAS"))
    db.session.refresh(company)
    assert company.city == "Grenoble"
    assert len(outbox.messages()) == 4  # nobody invited twice


def test_approving_on_import(client, db, event):
    confirm(client, event, token_of(upload(client, event, "import_good.xlsx")), approve=True)
    statuses = set(db.session.scalars(db.select(Registration.status)))
    assert statuses == {RegistrationStatus.APPROVED.value}


@pytest.mark.parametrize("name", ["import_errors.csv", "import_errors.xlsx"])
def test_errors_are_reported_line_by_line_and_nothing_is_written(client, db, event, outbox,
                                                                 make_participant, name):
    make_participant("ida")  # an existing company stays as it is
    token = token_of(upload(client, event, name))
    page = client.get(f"/organizer/events/{event.id}/import/{token}")
    text = page.data.decode()
    assert "Row 2:</strong> unknown country “Frankriech”, did you mean FR (France)?" in text
    assert "Row 3:</strong> “not-an-email” is not a valid email address." in text
    assert "Row 3:</strong> unknown tag id &#39;du.99&#39;" in text
    assert "Row 4:</strong> Company name is missing." in text
    assert "Row 5:</strong> Employees must be one of" in text
    assert "Row 5:</strong> Dual-use items must be yes or no, not “maybe”." in text
    assert ("Row 5:</strong> marie@optronique.example is listed for “Optronique Lyon SAS” "
            "too") in text
    response = confirm(client, event, token)
    assert response.status_code == 400
    assert "Nothing was imported" in response.data.decode()
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 1
    assert db.session.scalar(db.select(db.func.count(Registration.id))) == 0
    assert outbox.messages() == []


@pytest.mark.parametrize("name, message", [
    ("import_empty.csv", "The file is empty."),
    ("import_header_only.csv", "The file has a header line but no data rows."),
    ("import_duplicate_headers.csv", "The column “Company” appears twice"),
    ("import_not_a_workbook.xlsx", "The file is not a readable Excel workbook (.xlsx)."),
    ("import_workbook_named.csv", "This file is an Excel workbook, not CSV"),
    ("profiles_good.json", "Upload a CSV or XLSX file"),
])
def test_unreadable_files_are_refused_with_a_reason(client, db, event, name, message):
    response = upload(client, event, name)
    assert response.status_code == 400
    assert message in response.data.decode()
    assert db.session.scalar(db.select(db.func.count(ImportUpload.id))) == 0


def test_a_missing_required_column_must_be_mapped(client, db, event):
    token = token_of(upload(client, event, "import_no_email_column.csv"))
    text = client.get(f"/organizer/events/{event.id}/import/{token}").data.decode()
    assert "Choose the column for “Contact email”." in text
    assert confirm(client, event, token).status_code == 400
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 0


def test_the_mapping_is_chosen_and_remembered_per_event(client, db, event):
    token = token_of(upload(client, event, "import_comma_utf8.csv"))
    form = {f"map_{k}": "" for k in FIELD_KEYS}
    form.update(map_name="Company", map_country="Country", map_contact_email="Email",
                map_city="Contact")  # a deliberate odd choice, to see it remembered
    assert client.post(f"/organizer/events/{event.id}/import/{token}",
                       data=form).status_code == 302
    saved = db.session.scalar(db.select(ImportMapping).filter_by(event_id=event.id))
    assert saved.mapping["city"] == "Contact" and "tags" not in saved.mapping
    second = token_of(upload(client, event, "import_comma_utf8.csv"))
    assert db.session.scalar(db.select(ImportUpload).filter_by(token=second)).mapping[
        "city"] == "Contact"


def test_too_large_uploads_get_a_friendly_413(client, event, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(client, event, "big.csv", b"Company,Country\n" + b"A,FR\n" * 500)
    assert response.status_code == 413
    assert "The upload is larger than allowed." in response.data.decode()


def test_uploads_are_kept_server_side_and_scoped(client, db, event, make_event, auth,
                                                 make_participant):
    token = token_of(upload(client, event, "import_comma_utf8.csv"))
    other = make_event(name="Other")
    assert client.get(f"/organizer/events/{other.id}/import/{token}").status_code == 404
    assert client.get(f"/organizer/events/{event.id}/import/not-a-token").status_code == 404
    auth.logout()
    make_participant("eve")
    auth.login("eve@example.com")
    assert client.get(f"/organizer/events/{event.id}/import/{token}").status_code == 404
    assert confirm(client, event, token).status_code == 404


def test_profiles_json_import_and_errors(client, db, event):
    def post(name):
        return client.post(f"/organizer/events/{event.id}/import-profiles",
                           data={"file": (io.BytesIO((DATA / name).read_bytes()), name),
                                 "approve": "y"}, content_type="multipart/form-data")

    refused = post("profiles_unknown_tag.json")
    assert refused.status_code == 400
    assert "unknown tag id &#39;xx.1&#39;" in refused.data.decode()
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 0
    bad = client.post(f"/organizer/events/{event.id}/import-profiles",
                      data={"file": (io.BytesIO(b"{nope"), "x.json")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and "not valid JSON" in bad.data.decode()
    assert post("profiles_good.json").status_code == 302
    assert post("profiles_good.json").status_code == 302  # again: updates
    names = set(db.session.scalars(db.select(Company.name)))
    assert names == {"Optronique Lyon SAS", "Neue Firma GmbH"}
    assert set(db.session.scalars(db.select(Registration.status))) == {"approved"}
