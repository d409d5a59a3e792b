"""Caps on what one upload or one profile may hold: a spreadsheet is read only up to its row
limit, and a profile carries at most MAX_TAGS capability tags, whichever way it arrives."""

import io
import json

import pytest
from openpyxl import Workbook

from matchmaker.choices import MAX_TAGS
from matchmaker.engine.taxonomy import load_taxonomy
from matchmaker.exchange.importer import guess_mapping, validate
from matchmaker.exchange.tables import MAX_ROWS, FileProblem, read_table
from matchmaker.models import Company
from tests.conftest import PROFILE

HEADER = "name,country,email\n"
ROW = "Firma {i} GmbH,DE,contact{i}@example.com\n"
# A field beyond the csv module's limit: reading it raises csv.Error ("malformed").
POISON = '"' + "x" * 200_000 + '",DE,x@example.com\n'


def csv_bytes(rows: int, tail: str = "") -> bytes:
    return (HEADER + "".join(ROW.format(i=i) for i in range(rows)) + tail).encode()


def test_a_csv_over_the_row_limit_is_refused_without_reading_the_rest(app):
    with pytest.raises(FileProblem, match=f"more than {MAX_ROWS} rows"):
        read_table("big.csv", csv_bytes(MAX_ROWS + 1, tail=POISON))
    with pytest.raises(FileProblem, match="malformed"):  # the poison does bite when reached
        read_table("small.csv", csv_bytes(10, tail=POISON))


def test_a_csv_at_the_limit_with_trailing_blank_lines_is_read(app):
    table = read_table("full.csv", csv_bytes(MAX_ROWS, tail=",,\n" * 3000 + "\n" * 3000))
    assert len(table.rows) == MAX_ROWS
    last = MAX_ROWS - 1
    assert table.rows[-1] == [f"Firma {last} GmbH", "DE", f"contact{last}@example.com"]


def workbook(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def data_rows(count: int) -> list[list[str]]:
    return [[f"Firma {i} GmbH", "DE", f"contact{i}@example.com"] for i in range(count)]


def test_an_xlsx_row_after_a_long_blank_stretch_is_not_silently_dropped(app):
    header = [["name", "country", "email"]]
    blank = [["", "", ""]] * 2000
    with pytest.raises(FileProblem, match=f"more than {MAX_ROWS} rows"):
        read_table("gap.xlsx", workbook(header + data_rows(4000) + blank + data_rows(1)))
    table = read_table("tail.xlsx", workbook(header + data_rows(4000) + blank))
    assert len(table.rows) == 4000


# --- capability tags -----------------------------------------------------------------------

def tag_ids(count: int) -> list[str]:
    return [tag.id for tag in load_taxonomy().tags[:count]]


def test_the_profile_form_refuses_more_than_max_tags(client, make_user, auth, db):
    make_user()
    auth.login()
    response = client.post("/companies/new", data={**PROFILE, "tags": tag_ids(MAX_TAGS + 1)})
    assert response.status_code == 400
    assert f"at most {MAX_TAGS} capability tags; this one has {MAX_TAGS + 1}" in \
        response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 0
    response = client.post("/companies/new", data={**PROFILE, "tags": tag_ids(MAX_TAGS)})
    assert response.status_code == 302
    assert len(db.session.scalar(db.select(Company)).tags) == MAX_TAGS


def test_the_profile_service_refuses_more_than_max_tags(app, make_user, make_company):
    from matchmaker.companies.services import ProfileError

    with pytest.raises(ProfileError, match=f"at most {MAX_TAGS}") as refused:
        make_company(make_user(), tags=tag_ids(MAX_TAGS + 1))
    assert refused.value.field == "tags"


def test_a_spreadsheet_row_with_too_many_tags_is_reported(app):
    table = read_table("tags.csv", (
        "name,country,email,tags\n"
        f'Firma A GmbH,DE,a@example.com,"{", ".join(tag_ids(MAX_TAGS + 1))}"\n'
        f'Firma B GmbH,DE,b@example.com,"{", ".join(tag_ids(MAX_TAGS))}"\n').encode())
    report = validate(table, guess_mapping(table.headers))
    assert [(line, message) for line, message in report.errors] == [
        (2, f"A company can have at most {MAX_TAGS} capability tags; this one has "
            f"{MAX_TAGS + 1}.")]


def test_a_profiles_json_with_too_many_tags_is_refused(client, db, make_event, organizer, auth):
    event = make_event()
    auth.login("organizer@example.com")
    document = {"companies": [{"id": "c1", "name": "Optronique Lyon SAS", "country": "FR",
                               "languages": ["fr"], "description": "", "offers": "", "seeks": "",
                               "tags": tag_ids(MAX_TAGS + 1)}]}
    response = client.post(f"/organizer/events/{event.id}/import-profiles",
                           data={"file": (io.BytesIO(json.dumps(document).encode()), "p.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert f"at most {MAX_TAGS} capability tags" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Company.id))) == 0


def test_a_profiles_json_over_the_row_limit_is_refused(client, db, make_event, organizer, auth):
    event = make_event()
    auth.login("organizer@example.com")
    company = {"id": "c", "name": "", "country": "FR", "languages": [], "description": "",
               "offers": "", "seeks": "", "tags": []}
    document = {"companies": [{**company, "id": f"c{i}", "name": f"Firma {i}"}
                              for i in range(MAX_ROWS + 1)]}
    response = client.post(f"/organizer/events/{event.id}/import-profiles",
                           data={"file": (io.BytesIO(json.dumps(document).encode()), "p.json")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert f"more than {MAX_ROWS} companies" in response.get_data(as_text=True)
