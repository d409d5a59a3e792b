"""The profiles interchange format: parsing, one-line errors, and the suggestions document."""

from __future__ import annotations

import json

import pytest

from matchmaker.engine.errors import InputError
from matchmaker.engine.matching import Reason, ReasonKind, Suggestion
from matchmaker.engine.profiles_io import load_profiles, parse_profiles, suggestions_document
from matchmaker.engine.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def doc(*companies):
    return {"companies": list(companies)}


def test_parses_all_fields(taxonomy):
    (profile,) = parse_profiles(
        doc(
            {
                "id": "c1",
                "name": "Enz",
                "country": "DE",
                "languages": ["de", "en"],
                "description": "d",
                "offers": "o",
                "seeks": "s",
                "tags": ["du.6", "sg.drones"],
            }
        ),
        taxonomy,
    )
    assert (profile.id, profile.name, profile.country) == ("c1", "Enz", "DE")
    assert profile.languages == ("de", "en") and profile.tags == ("du.6", "sg.drones")
    assert (profile.description, profile.offers, profile.seeks) == ("d", "o", "s")
    assert profile.embeddings is None


def test_optional_fields_default_to_empty(taxonomy):
    (profile,) = parse_profiles(doc({"id": "c1", "name": "Enz"}), taxonomy)
    assert profile.tags == () and profile.seeks == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "expected an object with a 'companies' list"),
        ({"companies": {}}, "'companies' must be a list"),
        (doc({"id": "c1", "name": "A"}, {"id": "c2"}), "companies[1]: missing field 'name'"),
        (doc("c1"), "companies[0]: expected an object"),
        (doc({"id": "", "name": "A"}), "companies[0]: field 'id' must be a non-empty string"),
        (doc({"id": "c1", "name": 3}), "companies[0]: field 'name' must be a string"),
        (
            doc({"id": "c1", "name": "A", "tags": "du.6"}),
            "companies[0]: field 'tags' must be a list of strings",
        ),
        (doc({"id": "c7", "name": "A"}, {"id": "c7", "name": "B"}), "duplicate company id 'c7'"),
        (doc({"id": "c1", "name": "A", "tags": ["du.42"]}), "companies[0]: unknown tag id 'du.42'"),
    ],
)
def test_errors_are_one_line_and_name_the_problem(taxonomy, raw, message):
    with pytest.raises(InputError) as error:
        parse_profiles(raw, taxonomy)
    assert str(error.value) == message


def test_invalid_json_and_unreadable_files(taxonomy, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"companies": [', encoding="utf-8")
    with pytest.raises(InputError, match=r"^invalid JSON: .*\(line 1, column 16\)$"):
        load_profiles(bad, taxonomy)
    with pytest.raises(InputError, match="cannot read"):
        load_profiles(tmp_path / "missing.json", taxonomy)


def test_suggestions_document_shape(taxonomy):
    reason = Reason(ReasonKind.THEY_MEET_YOUR_NEED, tags=("du.2",), words=("Harteloxal",))
    out = suggestions_document(
        {"c1": [Suggestion("c7", 0.81234, (reason,))], "c7": []}, taxonomy.label
    )
    assert out == {
        "suggestions": {
            "c1": [
                {
                    "id": "c7",
                    "score": 0.812,
                    "reasons": [
                        f"Their offer meets your need: {taxonomy.label('du.2', 'en')}, Harteloxal"
                    ],
                }
            ],
            "c7": [],
        }
    }
    json.dumps(out)


def test_groups_may_meet_known_and_opportunities(taxonomy):
    from matchmaker.engine.matching import ItemKind
    from matchmaker.engine.profiles_io import parse_document

    document = parse_document(
        {
            "groups": [{"id": "d", "name": "Delegation"}, {"id": "h", "name": "Hosts"}],
            "may_meet": [["d", "h"], ["h", "h"]],
            "companies": [
                {"id": "c1", "name": "A", "group": "d", "known": ["c2", "c2"],
                 "opportunities": [{"id": "o1", "kind": "request", "title": "Gehäuse",
                                    "text": "Eloxierte Gehäuse", "tags": ["du.2"]}]},
                {"id": "c2", "name": "B", "group": "h"},
            ],
        },
        taxonomy,
    )
    first = document.profiles[0]
    assert document.groups == {"d": "Delegation", "h": "Hosts"}
    assert document.may_meet == (("d", "h"), ("h", "h"))
    assert (first.group, first.known) == ("d", ("c2",))
    (item,) = first.opportunities
    assert (item.id, item.kind, item.title) == ("o1", ItemKind.REQUEST, "Gehäuse")
    assert item.tags == ("du.2",)


def test_without_groups_everybody_may_meet(taxonomy):
    from matchmaker.engine.profiles_io import parse_document

    document = parse_document(doc({"id": "c1", "name": "A"}), taxonomy)
    assert document.groups == {} and document.may_meet is None


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"id": "o1", "kind": "sale", "title": "T"}, "field 'kind' must be 'offer' or 'request'"),
        ({"id": "o1", "kind": "offer"}, "field 'title' must be a non-empty string"),
        ({"id": "o1", "kind": "offer", "title": "T", "tags": ["du.42"]}, "unknown tag id"),
    ],
)
def test_bad_opportunities_name_the_item(taxonomy, item, message):
    with pytest.raises(InputError, match="companies\\[0\\].opportunities\\[0\\]: ") as error:
        parse_profiles(doc({"id": "c1", "name": "A", "opportunities": [item]}), taxonomy)
    assert message in str(error.value)
