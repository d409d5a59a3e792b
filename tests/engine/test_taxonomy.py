"""Unit tests for the capability taxonomy (data contract of DESIGN.md) and the demo companies."""

import copy
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from matchmaker.engine.errors import InputError
from matchmaker.engine.taxonomy import (
    Family,
    Tag,
    Taxonomy,
    UnknownTagError,
    load_taxonomy,
    parse_taxonomy,
)

LANGS = ("en", "de", "fr")
DEMO = Path(__file__).resolve().parents[2] / "matchmaker" / "demo" / "companies.json"
CERTIFICATIONS = {
    "ISO 9001",
    "EN 9100",
    "AQAP 2110",
    "ISO 27001",
    "ISO 13485",
    "ISO 14001",
    "IATF 16949",
    "NATO AQAP 2310",
    "ISO 45001",
}
SIZES = {"1-9", "10-49", "50-249", "250-999", "1000+"}
CI = [
    "ci.energy",
    "ci.transport",
    "ci.banking",
    "ci.financial-market",
    "ci.health",
    "ci.drinking-water",
    "ci.waste-water",
    "ci.digital-infrastructure",
    "ci.public-administration",
    "ci.space",
    "ci.food",
]
SG = [
    "sg.perimeter",
    "sg.video-surveillance",
    "sg.access-control",
    "sg.cybersecurity",
    "sg.cbrne",
    "sg.protective-equipment",
    "sg.communications",
    "sg.drones",
    "sg.counter-drone",
    "sg.forensics",
    "sg.crisis-management",
    "sg.border",
    "sg.training",
    "sg.vehicles",
]
EXPECTED_IDS = CI + [f"du.{i}" for i in range(10)] + [f"ml.{i}" for i in range(1, 23)] + SG


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="module")
def raw() -> dict:
    text = resources.files("matchmaker.engine").joinpath("data/taxonomy.json").read_text("utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def companies() -> list[dict]:
    return json.loads(DEMO.read_text("utf-8"))["companies"]


# --- taxonomy data ------------------------------------------------------------------------------


def test_load_is_cached(tax):
    assert load_taxonomy() is tax


def test_families_and_counts(tax):
    assert tax.languages == LANGS
    assert [f.id for f in tax.families] == ["ci", "du", "ml", "sg"]
    counts = {family.id: len(tags) for family, tags in tax.tags_by_family()}
    assert counts == {"ci": 11, "du": 10, "ml": 22, "sg": 14}
    assert len(tax.tags) == len(tax) == 57


def test_ids_are_the_stable_ones_in_order(tax):
    assert [t.id for t in tax.tags] == EXPECTED_IDS


def test_ids_unique_and_prefixed(tax):
    ids = [t.id for t in tax.tags]
    assert len(ids) == len(set(ids))
    for tag in tax.tags:
        assert tag.id.startswith(tag.family + ".")
        assert re.fullmatch(r"[a-z]{2}\.[a-z0-9-]+", tag.id)


def test_labels_in_every_language(tax):
    for item in (*tax.families, *tax.tags):
        for lang in LANGS:
            label = item.labels[lang]
            assert label.strip() == label and label, (item.id, lang)
            assert len(label) <= 60, (item.id, lang, label)


def test_french_and_german_labels_are_translated(tax):
    assert tax.label("ci.health", "de") == "Gesundheit"
    assert tax.label("ci.health", "fr") == "Santé"
    assert tax.label("sg.counter-drone", "de") == "Drohnenabwehr"
    assert tax.family_of("du.6").label("fr") == "Biens à double usage"


def test_keywords_in_every_language(tax):
    for tag in tax.tags:
        for lang in LANGS:
            words = tag.keywords[lang]
            assert isinstance(words, tuple)
            assert 5 <= len(words) <= 10, (tag.id, lang, len(words))
            assert len(set(words)) == len(words), (tag.id, lang)
            for word in words:
                assert word == word.lower() == word.strip() and word, (tag.id, lang, word)


def test_keywords_mostly_distinct_across_tags(tax):
    # A keyword shared by several tags cannot tell them apart during inference.
    for lang in LANGS:
        owners: dict[str, list[str]] = {}
        for tag in tax.tags:
            for word in tag.keywords[lang]:
                owners.setdefault(word, []).append(tag.id)
        shared = {w: ids for w, ids in owners.items() if len(ids) > 1}
        assert len(shared) <= 3, (lang, shared)


def test_raw_file_shape(raw):
    assert list(raw) == ["languages", "families"]
    for family in raw["families"]:
        assert set(family) == {"id", "labels", "tags"}
        for tag in family["tags"]:
            assert set(tag) == {"id", "labels", "keywords"}


# --- API ----------------------------------------------------------------------------------------


def test_contains_and_get(tax):
    assert "ml.10" in tax
    assert "ml.23" not in tax
    assert 42 not in tax
    tag = tax.get("sg.drones")
    assert isinstance(tag, Tag)
    assert tag.family == "sg"
    assert tax.family_of("sg.drones").id == "sg"
    with pytest.raises(UnknownTagError, match="'ml.0'"):
        tax.get("ml.0")


def test_unknown_tag_error_is_input_error():
    assert issubclass(UnknownTagError, InputError)
    assert issubclass(UnknownTagError, ValueError)


def test_validate_dedupes_in_order(tax):
    assert tax.validate(["sg.drones", "du.6", "sg.drones", "ci.energy"]) == [
        "sg.drones",
        "du.6",
        "ci.energy",
    ]
    assert tax.validate([]) == []
    assert tax.validate(iter(["ml.1"])) == ["ml.1"]


def test_validate_names_first_unknown_id(tax):
    with pytest.raises(UnknownTagError) as info:
        tax.validate(["du.6", "du.42", "xx.1"])
    assert str(info.value) == "unknown tag id 'du.42'"


def test_validate_rejects_a_bare_string(tax):
    with pytest.raises(TypeError):
        tax.validate("du.6")


def test_sort_key_follows_taxonomy_order(tax):
    assert tax.sort_key("ml.2") < tax.sort_key("ml.10")
    assert sorted(["ml.10", "sg.border", "ml.2", "ci.food", "du.9"], key=tax.sort_key) == [
        "ci.food",
        "du.9",
        "ml.2",
        "ml.10",
        "sg.border",
    ]
    assert sorted(["zz.9", "ml.10"], key=tax.sort_key) == ["ml.10", "zz.9"]


def test_label_fallback_to_english(tax):
    assert tax.label("ml.10", "it") == tax.label("ml.10", "en")
    assert tax.get("ml.21").label("xx") == "Software"
    assert tax.families[0].label("es") == "Critical infrastructure"
    with pytest.raises(UnknownTagError):
        tax.label("ml.99", "en")


def test_objects_are_frozen_and_hashable(tax):
    tag = tax.get("du.3")
    with pytest.raises(AttributeError):
        tag.id = "du.4"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tag.labels["en"] = "x"  # type: ignore[index]
    assert len({tag, tax.get("du.3"), *tax.tags}) == 57
    assert isinstance(tax.families[0], Family)


def test_tags_by_family_returns_fresh_lists(tax):
    groups = tax.tags_by_family()
    groups[0][1].clear()
    assert len(tax.tags_by_family()[0][1]) == 11


# --- shape validation on load -------------------------------------------------------------------


def _broken(raw, mutate):
    data = copy.deepcopy(raw)
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["families"][0]["tags"][0]["labels"].pop("fr"), "no 'fr' label"),
        (lambda d: d["families"][1]["tags"][2]["keywords"].pop("de"), "no 'de' keywords"),
        (lambda d: d["families"][1]["tags"][2]["keywords"]["en"].append("Laser"), "lower-case"),
        (lambda d: d["families"][2]["tags"][1].update(id="ml.1"), "duplicate id 'ml.1'"),
        (lambda d: d["families"][3]["tags"][0].update(id="ci.fence"), "must start with 'sg.'"),
        (lambda d: d["families"][0]["labels"].update(de=""), "no 'de' label"),
        (lambda d: d.update(families={}), "'families' must be a list"),
    ],
)
def test_parse_rejects_malformed_files(raw, mutate, message):
    with pytest.raises(InputError, match=re.escape(message)):
        parse_taxonomy(_broken(raw, mutate))


def test_parse_accepts_the_packaged_file(raw):
    assert [t.id for t in parse_taxonomy(raw).tags] == EXPECTED_IDS


# --- demo companies -----------------------------------------------------------------------------


def test_demo_companies_fields(companies):
    required = {
        "key",
        "name",
        "city",
        "country",
        "website",
        "size",
        "languages",
        "description",
        "offers",
        "seeks",
        "certifications",
        "tags",
        "contact",
    }
    assert len(companies) >= 40
    for c in companies:
        assert required <= set(c), c.get("key")
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c["key"]), c["key"]
        assert c["country"] in {"DE", "FR"}
        assert c["size"] in SIZES
        assert c["website"] == f"https://{c['key']}.example"
        assert c["languages"] and set(c["languages"]) <= set(LANGS)
        for field in ("name", "city", "description", "offers", "seeks"):
            assert c[field].strip(), (c["key"], field)
        assert set(c["certifications"]) <= CERTIFICATIONS, c["key"]
        contact = c["contact"]
        assert contact["name"].strip()
        assert re.fullmatch(rf"[a-z-]+\.[a-z-]+@{re.escape(c['key'])}\.example", contact["email"])
        assert contact["phone"].startswith("+49 " if c["country"] == "DE" else "+33 ")


def test_demo_companies_unique_keys_and_names(companies):
    keys = [c["key"] for c in companies]
    names = [c["name"] for c in companies]
    assert len(keys) == len(set(keys))
    assert len(names) == len(set(names))


def test_demo_companies_tags_are_valid(tax, companies):
    for c in companies:
        assert tax.validate(c["tags"]) == c["tags"], c["key"]
        assert 3 <= len(c["tags"]) <= 6, c["key"]


def test_demo_mix_of_countries(companies):
    countries = [c["country"] for c in companies]
    assert countries.count("DE") >= 20
    assert countries.count("FR") >= 15
