"""The fast paths of the matcher against their plain definitions: TF-IDF built per word,
N computed once in blocks (on a second thread), reasons built in batches."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matchmaker.engine.matching import Matcher, ReasonKind
from matchmaker.engine.matching import matcher as matcher_module
from matchmaker.engine.matching.features import char_tfidf
from matchmaker.engine.matching.text import content_words, link_keys
from matchmaker.engine.profiles_io import parse_profiles
from matchmaker.engine.taxonomy import load_taxonomy

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "matching_eval.json"


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


@pytest.fixture(scope="module")
def profiles(taxonomy):
    return parse_profiles(json.loads(EVAL_SET.read_text(encoding="utf-8")), taxonomy)


@pytest.fixture(scope="module")
def fitted(taxonomy, profiles):
    return Matcher(taxonomy, encoder=False).fit(profiles)


def test_char_tfidf_equals_scikit_learn_up_to_column_order():
    texts = [["aluminiumgehausen", "anodisation"], ["ab", "drone", "drone"], [], ["dronen"]]
    ours = char_tfidf(texts, max_df=0.6)
    options = {"analyzer": "char_wb", "ngram_range": (3, 5), "sublinear_tf": True}
    theirs = TfidfVectorizer(max_df=0.6, **options).fit_transform([" ".join(t) for t in texts])
    assert ours.shape == theirs.shape
    assert np.allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-6)
    assert not char_tfidf([[], []], max_df=1.0).nnz


def test_suggest_all_in_small_blocks_agrees_with_suggest(taxonomy, profiles, monkeypatch):
    monkeypatch.setattr(matcher_module, "_BLOCK", 7)
    monkeypatch.setattr(matcher_module, "_NEED_BLOCK", 10)
    matcher = Matcher(taxonomy, encoder=False).fit(profiles)
    everybody = matcher.suggest_all(5)
    assert everybody == {p.id: matcher.suggest(p.id, 5) for p in profiles}


def test_batch_reasons_are_the_set_intersections(fitted, profiles, taxonomy):
    by_id = {p.id: (i, p) for i, p in enumerate(profiles)}
    for company_id, suggestions in fitted.suggest_all(8).items():
        row, company = by_id[company_id]
        for suggestion in suggestions:
            col, other = by_id[suggestion.id]
            shared = in_order(taxonomy, set(company.tags) & set(other.tags))
            expected = {
                ReasonKind.THEY_MEET_YOUR_NEED: met_need(fitted, (row, company), (col, other)),
                ReasonKind.YOU_MEET_THEIR_NEED: met_need(fitted, (col, other), (row, company)),
                ReasonKind.SHARED_TAGS: (shared, ()),
            }
            for reason in suggestion.reasons:
                assert (reason.tags, reason.words) == expected[reason.kind]
            kinds = {reason.kind for reason in suggestion.reasons}
            assert kinds >= {kind for kind, found in expected.items() if any(found)}


def met_need(matcher, seeker, offerer):
    """The offerer's tags and first words (by link key) that meet the seeker's need."""
    (s, seeking), (o, offering) = seeker, offerer
    tags = matcher.need_tags[s].keys() & matcher.offer_tags[o].keys()
    words = content_words(f"{offering.offers} {offering.description}")
    first: dict[str, int] = {}
    for i, (_, folded) in enumerate(words):
        for key in link_keys(folded):
            first.setdefault(key, i)
    wanted = {key for _, folded in content_words(seeking.seeks) for key in link_keys(folded)}
    chosen = sorted({first[key] for key in wanted & first.keys()})[:4]
    return in_order(matcher.taxonomy, tags), tuple(words[i][0] for i in chosen)


def in_order(taxonomy, tags):
    return tuple(sorted(tags, key=taxonomy.sort_key))
