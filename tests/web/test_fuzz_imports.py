"""Hypothesis fuzzes the organizer's imports (ASVS V5, V12 file upload): the companies
spreadsheet (CSV in any delimiter and encoding, XLSX), the profiles JSON and the denied-party
list. Whatever the file, the answer is a page (a report or a reason) or a redirect, never a
500; a refused import writes nothing, and an accepted one writes every row."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from werkzeug.datastructures import MultiDict

from matchmaker.exchange import services
from matchmaker.models import Company, DeniedParty, ImportUpload, User
from tests.web.test_fuzz_forms import GARBAGE, NASTY, after_post, snapshot

FUZZ_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
HEADERS = ["Company", "Country", "Email", "Contact", "City", "Website", "Phone", "Size",
           "Languages", "Tags", "Certifications", "Dual use", "Military", "Licences",
           "Language", "Description", "Offers", "Seeks"]
# Existing accounts the rows may name: a member of another company, an organizer.
EMAILS = ["new.one@fuzz.example", "new.two@fuzz.example", "member@example.com",
          "organizer@example.com", "not-an-email", "a@b", ""]
CELLS = {
    "Company": ["Acme SAS", "ACME sas", "Präzision Enz GmbH", "Member Corp", "", "Ünïcödé ✓"],
    "Country": ["FR", "DE", "France", "Frankreich", "XX", "Germny", ""],
    "Website": ["acme.example", "https://acme.example", "not a url", ""],
    "Size": ["1-9", "50-249", "huge", ""],
    "Languages": ["de, fr", "Deutsch; Französisch", "klingon", ""],
    "Tags": ["du.6", "du.2; ml.16", "xx.1", ""],
    "Certifications": ["ISO 9001", "EN 9100, ISO 27001", "made-up", ""],
    "Dual use": ["yes", "nein", "oui", "maybe", ""],
    "Military": ["no", "1", "x", "perhaps", ""],
    "Language": ["de", "FR", "en-GB", "tlh", ""],
}


@pytest.fixture
def event(make_event, make_user, make_company, auth):
    member = make_user("member@example.com")
    make_company(member, name="Member Corp")
    event = make_event()
    auth.login("organizer@example.com")
    return event


def cell(header: str) -> st.SearchStrategy:
    """Mostly what such a column holds (valid or not), sometimes anything."""
    plausible = st.sampled_from(CELLS.get(header, ["Optronique", "Lyon", "Ünïcödé ✓"]))
    if header == "Email":
        plausible = st.one_of(st.sampled_from(EMAILS), st.from_regex(
            r"[a-z]{4}@fuzz\.example", fullmatch=True), st.from_regex(
            r"[a-z]{4}@fuzz\.example", fullmatch=True))
    return st.one_of(plausible, plausible, plausible, st.sampled_from(NASTY), GARBAGE)


@st.composite
def tables(draw) -> list[list[str]]:
    """A header line from the usual names (the required ones, or strays and repeats) and rows
    of cells."""
    stray = st.one_of(st.sampled_from(HEADERS), st.text(max_size=12))
    if draw(st.booleans()):
        headers = ["Company", "Country", "Email", *draw(st.lists(
            st.sampled_from(HEADERS[3:]), max_size=5, unique=True))]
    else:
        headers = draw(st.lists(stray, min_size=1, max_size=10))
    rows = draw(st.lists(st.tuples(*(cell(h) for h in headers)).map(list), max_size=6))
    return [headers, *rows]


def csv_bytes(table, delimiter: str, quoting: int, encoding: str) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, quoting=quoting,
               escapechar="\\" if quoting == csv.QUOTE_NONE else None).writerows(table)
    return text.getvalue().encode(encoding, errors="replace")


CSV_FILES = st.one_of(
    st.builds(csv_bytes, tables(), st.sampled_from([",", ";", "\t", "|"]),
              st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE]),
              st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"])),
    st.binary(max_size=3_000),  # anything at all
    st.builds(lambda head, body: head + body, st.sampled_from(
        [b"Company,Country,Email\n", b"Company;Country;Email\r\n", b"\xef\xbb\xbf", b"PK\x03\x04",
         b"\"Company,\"Country\nA,\"FR", b"Company,Country,Email\n" + b"x" * 5000 + b"\x00"]),
        st.binary(max_size=500)),
    st.builds(lambda n: ("Company,Country,Email\n" + "A,FR,a@b.example\n" * n).encode(),
              st.sampled_from([5_001, 6_000])),  # more rows than allowed
    st.builds(lambda n: (",".join(f"c{i}" for i in range(n)) + "\n").encode() * 2,
              st.sampled_from([201, 1_000])),  # more columns than allowed
    st.builds(lambda size: b"Company,Country,Email\nA,FR," + b"a" * size + b"@b.example\n",
              st.sampled_from([10_000, 200_000])),  # a huge cell
)


def xlsx_bytes(table) -> bytes:
    book = Workbook()
    for row in table:
        # openpyxl refuses the control characters XML cannot hold; drop them
        book.active.append([re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
                            for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_FILES = st.one_of(
    st.builds(xlsx_bytes, tables()),
    st.builds(lambda data, cut: data[:cut], st.builds(xlsx_bytes, tables()),
              st.integers(0, 2_000)),  # a truncated workbook
    st.builds(lambda head, body: head + body, st.just(b"PK\x03\x04"), st.binary(max_size=500)),
)


def post_file(client, url: str, content: bytes, filename: str, **fields):
    return client.post(url, data={"file": (io.BytesIO(content), filename), **fields},
                       content_type="multipart/form-data")


# --- the companies spreadsheet -------------------------------------------------------------

def check_and_confirm(client, db, event, token: str) -> None:
    """The check page renders; the confirmation imports every row or writes nothing."""
    base = f"/organizer/events/{event.id}/import/{token}"
    assert client.get(base).status_code < 500
    upload = db.session.scalar(db.select(ImportUpload).filter_by(token=token))
    table, report = services.check(upload)
    before = snapshot(db)
    response = client.post(f"{base}/confirm", data={"approve": "y"})
    assert response.status_code < 500
    refused, _logged_in = after_post(client)
    if not report.ok:
        assert response.status_code >= 400 or refused
        assert snapshot(db) == before, "a refused import wrote something"
        return
    assert response.status_code == 302 and not refused
    emails = set(db.session.scalars(db.select(User.email)))
    names = {name.lower() for name in db.session.scalars(db.select(Company.name))}
    for row in report.rows:
        assert row.clean["contact_email"] in emails and row.clean["name"].lower() in names


def upload_and_import(client, db, event, content: bytes, filename: str) -> None:
    before = snapshot(db)
    response = post_file(client, f"/organizer/events/{event.id}/import", content, filename)
    assert response.status_code < 500
    if response.status_code != 302:  # refused with a reason: nothing stored
        assert response.status_code == 400
        assert snapshot(db) == before
        return
    check_and_confirm(client, db, event, re.search(r"/import/([\w-]+)$",
                                                   response.location).group(1))


def test_random_csv_files_are_imported_whole_or_refused_whole(client, db, event):
    @FUZZ_SETTINGS
    @given(content=CSV_FILES, filename=st.sampled_from(["c.csv", "c.txt", "C.CSV", "c"]))
    def import_csv(content, filename):
        upload_and_import(client, db, event, content, filename)

    import_csv()


def test_random_workbooks_are_imported_whole_or_refused_whole(client, db, event):
    @FUZZ_SETTINGS
    @given(content=XLSX_FILES)
    def import_xlsx(content):
        upload_and_import(client, db, event, content, "c.xlsx")

    import_xlsx()


def test_random_column_mappings_never_fail(client, db, event):
    token = re.search(r"/import/([\w-]+)$", post_file(
        client, f"/organizer/events/{event.id}/import",
        b"Company,Country,Email,City\nAcme SAS,FR,new.one@fuzz.example,Lyon\n",
        "c.csv").location).group(1)
    fields = [f"map_{key}" for key in services.importer.FIELD_KEYS]

    @FUZZ_SETTINGS
    @given(mapping=st.lists(st.tuples(st.sampled_from(fields), st.one_of(
        st.sampled_from(["Company", "Country", "Email", "City", ""]), GARBAGE)), max_size=8))
    def post_mapping(mapping):
        base = f"/organizer/events/{event.id}/import/{token}"
        assert client.post(base, data=MultiDict(mapping)).status_code < 500
        if not db.session.scalar(db.select(ImportUpload.imported_at).filter_by(token=token)):
            check_and_confirm(client, db, event, token)

    post_mapping()


# --- the profiles JSON ---------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=20), st.sampled_from(NASTY)),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4),
    max_leaves=20)
TEXT_OR_JUNK = st.one_of(st.sampled_from(["Acme SAS", "Member Corp", "FR", "Germany", "XX"]),
                         st.sampled_from(NASTY), JSON_VALUES)


@st.composite
def profiles_documents(draw):
    """The interchange format with random values, missing keys and wrong types."""
    company = st.fixed_dictionaries({}, optional={
        "id": st.one_of(st.text(max_size=6), JSON_VALUES),
        "name": TEXT_OR_JUNK, "country": TEXT_OR_JUNK, "description": TEXT_OR_JUNK,
        "offers": TEXT_OR_JUNK, "seeks": TEXT_OR_JUNK,
        "languages": st.one_of(st.lists(st.sampled_from(["de", "fr", "xx", "\x00"])),
                               JSON_VALUES),
        "tags": st.one_of(st.lists(st.sampled_from(["du.6", "ml.16", "xx.1", ""])), JSON_VALUES),
    })
    fine = st.fixed_dictionaries({
        "id": st.text(min_size=1, max_size=6).filter(str.strip),
        "name": st.one_of(st.sampled_from(["Acme SAS", "Member Corp", "Präzision"]),
                          st.text(min_size=1, max_size=30)),
        "country": st.sampled_from(["FR", "DE", "France", "Deutschland"])},
        optional={"description": st.text(max_size=50), "tags": st.lists(
            st.sampled_from(["du.6", "ml.16"]), unique=True)})
    return draw(st.one_of(
        st.fixed_dictionaries({"companies": st.lists(fine, max_size=4,
                                                      unique_by=lambda c: c["id"])}),
        st.fixed_dictionaries({"companies": st.lists(st.one_of(company, JSON_VALUES),
                                                      max_size=4)}),
        JSON_VALUES))


PROFILE_FILES = st.one_of(
    profiles_documents().map(lambda doc: json.dumps(doc).encode()),
    profiles_documents().map(lambda doc: json.dumps(doc, ensure_ascii=False).encode(
        "utf-8", errors="surrogatepass")),
    st.binary(max_size=1_000),
    st.sampled_from([b"", b"{", b"[]", b"null", b"\xef\xbb\xbf{}", b'{"companies": 1}',
                     b"\xff\xfe{\x00}\x00",
                     b'{"companies": [{"id": "1", "name": "A\\u0000", "country": "FR"}]}',
                     b'{"companies": [' + b"[" * 5_000 + b"]}"]),  # the last: nested too deep
)


def test_random_profiles_json_is_imported_whole_or_refused_whole(client, db, event):
    url = f"/organizer/events/{event.id}/import-profiles"

    @FUZZ_SETTINGS
    @given(content=PROFILE_FILES)
    def import_profiles(content):
        before = snapshot(db)
        response = post_file(client, url, content, "profiles.json", approve="y")
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert snapshot(db) == before, "a refused import wrote something"
            return
        names = {name.lower() for name in db.session.scalars(db.select(Company.name))}
        for company in json.loads(content.decode("utf-8-sig"))["companies"]:
            assert company["name"].strip()[:160].lower() in names

    import_profiles()


# --- the denied-party list -----------------------------------------------------------------

def test_random_denied_party_lists_replace_the_list_or_change_nothing(client, db, event):
    @FUZZ_SETTINGS
    @given(content=st.one_of(CSV_FILES, st.builds(
        csv_bytes, st.lists(st.lists(st.one_of(st.sampled_from(["name", "country", "Name"]),
                                               GARBAGE), min_size=1, max_size=3), min_size=1,
                            max_size=5),
        st.sampled_from([",", ";", "\t"]), st.just(csv.QUOTE_MINIMAL), st.just("utf-8"))))
    def upload_list(content):
        before = snapshot(db)
        response = post_file(client, "/organizer/screening", content, "list.csv")
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert snapshot(db) == before
        else:
            assert db.session.scalar(db.select(db.func.count(DeniedParty.id))) > 0

    upload_list()


# --- the external check's verdicts -----------------------------------------------------------

VERDICT_HEADERS = ["Registration ID", "registration_id", "Verdict", "verdict", "Note",
                   "check_reference", "company_name"]
VERDICT_WORDS = ["approved", "Rejected", "needs_info", "needs info", "genehmigt", "refusé",
                 "maybe", ""]


@st.composite
def verdict_tables(draw, ids: list[int]) -> list[list[str]]:
    headers = draw(st.one_of(
        st.just(["registration_id", "verdict", "note"]),
        st.lists(st.one_of(st.sampled_from(VERDICT_HEADERS), st.text(max_size=10)),
                 min_size=1, max_size=5)))
    cell = st.one_of(st.sampled_from([str(i) for i in ids] + ["0", "-1", "999999", "1e3"]),
                     st.sampled_from(VERDICT_WORDS),
                     st.sampled_from(["ID check failed", "Who owns you?", ""]),
                     st.sampled_from(NASTY), GARBAGE)
    rows = draw(st.lists(st.lists(cell, min_size=len(headers), max_size=len(headers)),
                         max_size=5))
    return [headers, *rows]


@st.composite
def fine_verdicts(draw, ids: list[int]) -> list[list[str]]:
    """A file a checker would send back: each registration once, a note with every verdict."""
    chosen = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    return [["registration_id", "verdict", "note"],
            *([str(i), draw(st.sampled_from(["approved", "rejected", "needs_info"])),
               "Checked."] for i in chosen)]


def test_random_verdict_files_are_applied_whole_or_refused_whole(client, db, event,
                                                                 make_participant):
    from matchmaker.models import Registration, RegistrationStatus
    from matchmaker.vetting import checks

    ids = []
    for key in ("vera", "otto", "ines"):
        _, company = make_participant(key, event, status=RegistrationStatus.PENDING)
        ids.append(db.session.scalar(db.select(Registration.id).filter_by(
            company_id=company.id)))
    db.session.commit()
    url = f"/organizer/events/{event.id}/vetting/check"
    applied = []  # rows of the files that were applied

    @FUZZ_SETTINGS
    @given(content=st.one_of(
        st.builds(csv_bytes, fine_verdicts(ids), st.just(","), st.just(csv.QUOTE_MINIMAL),
                  st.just("utf-8")),
        st.builds(csv_bytes, verdict_tables(ids), st.sampled_from([",", ";", "\t"]),
                  st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
                  st.sampled_from(["utf-8", "cp1252", "utf-16"])),
        st.builds(xlsx_bytes, verdict_tables(ids)).map(lambda b: (b, "v.xlsx")),
        st.binary(max_size=1_000)))
    def import_verdicts(content):
        content, filename = content if isinstance(content, tuple) else (content, "v.csv")
        try:
            report = checks.check_verdicts(event, filename, content)
        except checks.FileProblem:
            report = None
        db.session.rollback()  # the check read rows only: nothing of the test's is lost
        before = snapshot(db)
        response = post_file(client, url, content, filename)
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert report is None or not report.ok, response.get_data(as_text=True)[-3000:]
            assert snapshot(db) == before, "a refused verdict file changed something"
            return
        assert report is not None and report.ok
        applied.append(len(report.rows))
        db.session.expire_all()
        for row in report.rows:
            assert db.session.get(Registration, row.clean["registration"].id).status == \
                row.clean["verdict"].value

    import_verdicts()
    assert any(applied), "no generated file was ever applied: the strategy misses the point"
