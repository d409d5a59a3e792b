"""Learning from the event: the self-supervised network model and the feedback model."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from matchmaker.engine.matching import Matcher
from matchmaker.engine.matching.learn import EventSignals

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from matching_gen import generate  # noqa: E402


@pytest.fixture(scope="module")
def profiles():
    return generate(60, seed=3)


def rank_of(matcher, company_id, other_id):
    ranked = [s.id for s in matcher.suggest(company_id, len(matcher.profiles))]
    return ranked.index(other_id) if other_id in ranked else len(ranked)


def test_a_network_of_known_partners_fits_a_model_and_ranks_by_it(profiles):
    # s0 and s1 are everybody's partners: the model learns that activity predicts partners.
    hubs = {"s0", "s1"}
    known = [replace(p, known=tuple(sorted(hubs - {p.id}))) if i % 2 else p
             for i, p in enumerate(profiles)]
    matcher = Matcher(encoder=False).fit(known)
    text_only = Matcher(encoder=False).fit(profiles)
    assert matcher.pair_model is not None
    loners = [p.id for p in known if not p.known and p.id not in hubs]
    with_model = [rank_of(matcher, c, h) for c in loners for h in hubs]
    without = [rank_of(text_only, c, h) for c in loners for h in hubs]
    assert np.median(with_model) <= 1 and np.mean(with_model) < np.mean(without) / 3
    again = Matcher(encoder=False).fit(known)
    assert matcher.pair_scores(np.arange(5))[0].tolist() == again.pair_scores(
        np.arange(5))[0].tolist()


def test_without_known_partners_there_is_no_model(profiles):
    assert Matcher(encoder=False).fit(profiles).pair_model is None


def test_feedback_lifts_the_kind_of_partner_that_gets_accepted(profiles):
    matcher = Matcher(encoder=False).fit(profiles)
    before = rank_of(matcher, "s2", "s9")
    accepted = [(p.id, "s9", "accepted") for p in profiles[10:40]]
    declined = [(p.id, q.id, "declined") for p, q in zip(profiles[10:40], profiles[20:50],
                                                          strict=True) if q.id != "s9"]
    matcher.learn(EventSignals(requests=accepted + declined))
    assert matcher.pair_model is not None
    assert rank_of(matcher, "s2", "s9") < max(before, 1)


def test_too_little_feedback_changes_nothing(profiles):
    matcher = Matcher(encoder=False).fit(profiles)
    before = [s.id for s in matcher.suggest("s2", 10)]
    matcher.learn(EventSignals(requests=[("s3", "s9", "accepted")], meetings=[("s2", "s4", 5)]))
    assert matcher.pair_model is None
    assert [s.id for s in matcher.suggest("s2", 10)] == before


ABSTRACT = ("The consortium develops a resilient framework protecting critical energy "
            "infrastructure against combined cyber and physical attacks across European grids.")


def test_profiles_sharing_a_long_passage_are_taken_to_know_each_other(profiles):
    from matchmaker.engine.matching.network import shared_passages

    texts = [ABSTRACT, "Other words. " + ABSTRACT, "Certified to ISO 9001.", "Short. Text."]
    assert shared_passages(texts) == [(0, 1)]
    pair = [replace(profiles[0], description=ABSTRACT), replace(profiles[1], description=ABSTRACT)]
    matcher = Matcher(encoder=False).fit([*pair, *profiles[2:]])
    assert matcher.known[0, 1] == 1
    assert "s1" not in {s.id for s in matcher.suggest_all(59)["s0"]}
    named = [replace(pair[0], known=("s5",)), *pair[1:], *profiles[2:]]
    assert Matcher(encoder=False).fit(named).known[0, 1] == 0  # named partners win
    assert Matcher(encoder=False, infer_history=False).fit([*pair, *profiles[2:]]).known.nnz == 0


def test_a_large_consortium_is_known_by_its_whole_abstract_not_by_one_stock_sentence():
    """Research consortia often have 10-30 partners: all of them carry the project's abstract.
    A single sentence carried by as many profiles is boilerplate, and so is anything carried
    by more than MAX_CONSORTIUM."""
    from matchmaker.engine.matching.network import MAX_CONSORTIUM, MAX_SHARING, shared_passages

    second = ("Field trials at three European ports validate the detection of hazardous "
              "cargo with mobile neutron sensors, drones and shared situational awareness.")
    places = [f"{a}{b}ville" for a in "bcdfghjk" for b in "lmnprstvwz"]
    own = [f"Our firm also builds secure radio links for police forces, fire brigades, border "
           f"guards and ambulance services around {place}." for place in places]
    size = MAX_SHARING + 4
    consortium = [f"{own[n]}\n{ABSTRACT} {second}" for n in range(size)]
    assert shared_passages(consortium) == [(a, b) for a in range(size) for b in range(a + 1, size)]
    assert shared_passages([f"{own[n]}\n{ABSTRACT}" for n in range(size)]) == []
    crowd = [f"{own[n]}\n{ABSTRACT} {second}" for n in range(MAX_CONSORTIUM + 1)]
    assert shared_passages(crowd) == []


def test_written_together_means_the_shared_passages_are_much_of_a_profile(profiles):
    """Partners that share one abstract among many of their own resemble each other by their
    other work: their texts may teach the model; a profile made of the shared text may not."""
    from matchmaker.engine.matching.learn import WRITTEN_SHARE, _written_together
    from matchmaker.engine.matching.network import shared_passage_counts

    own = [f"Project {word} builds sensor networks for tunnels, bridges, dams, harbours, "
           f"airports and railway stations across {word} regions of Europe." for word in
           ("alpine", "coastal", "northern", "eastern", "urban")]
    texts = ["\n".join([ABSTRACT, *own[:3]]), "\n".join([ABSTRACT, *own[3:]]), ABSTRACT]
    shared, sizes = shared_passage_counts(texts, 50)
    assert sizes == [4, 3, 1]
    assert shared == {(0, 1): 1, (0, 2): 1, (1, 2): 1}
    profiles = [replace(p, description=t, offers="", seeks="")
                for p, t in zip(profiles, texts)] + profiles[3:]
    written = _written_together(Matcher(encoder=False).fit(profiles))
    assert {pair: written[pair] for pair in written if pair[0] < 3} == {
        (0, 1): 1 / 3, (0, 2): 1.0, (1, 2): 1.0}
    assert {pair for pair, share in written.items() if share >= WRITTEN_SHARE and pair[0] < 3} \
        == {(0, 2), (1, 2)}


def test_a_confident_model_still_ranks_its_best_pairs_apart():
    """The logistic of a float32 logit is 1.0 from 17 up: a model weighing its features
    heavily would tie all its best pairs (a list of ties ranks by position, which cost the
    large consortia most of their recall in a trial). Scores stay in (0, 1), in the logits'
    order."""
    from matchmaker.engine.matching.learn import FEATURES, PairModel

    weights = np.zeros(len(FEATURES))
    weights[FEATURES.index("text")] = 50.0
    model = PairModel(weights, 0.0, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), None,
                      np.zeros(4, dtype=np.float32))
    text = np.array([[-1.0, 0.0, 0.9, 0.95, 1.0]], dtype=np.float32)
    scores = model.scores(None, text, np.array([0]))[0]
    assert np.all(np.diff(scores) > 0)
    assert scores[1] == 0.5 and scores[0] > 0.0 and scores[-1] < 1.0


def test_activity_keeps_a_share_of_the_strongest_network_weight():
    """Learned from old partnerships, more local than new ones, the model drops activity;
    a popularity prior keeps it at POPULARITY_PRIOR of the strongest network feature."""
    from matchmaker.engine.matching.learn import FEATURES, POPULARITY_PRIOR, _popularity_prior

    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index("walks")], coef[FEATURES.index("resemblance")] = 4.0, 9.0
    _popularity_prior(coef)
    assert coef[FEATURES.index("activity")] == POPULARITY_PRIOR * 4.0
    coef[FEATURES.index("activity")] = 3.5
    _popularity_prior(coef)
    assert coef[FEATURES.index("activity")] == 3.5


def test_a_network_feature_never_counts_against_a_partner():
    """Walks and activity are near-twins: a plain fit may weigh one against the other (on a
    network of large consortia that ranked partners at a third of what popularity finds);
    a feature that can only make a partner likelier is dropped instead and the rest refitted."""
    from sklearn.linear_model import LogisticRegression

    from matchmaker.engine.matching.learn import _monotone_fit

    rng = np.random.default_rng(1)
    activity = rng.normal(size=400)  # says nothing by itself
    differences = np.c_[activity, activity + rng.normal(1.0, 0.5, size=400)]
    plain = LogisticRegression(fit_intercept=False).fit(
        np.r_[differences, -differences], np.r_[np.ones(400), np.zeros(400)]).coef_[0]
    assert plain[0] < 0 < plain[1]
    activity_weight, walks_weight = _monotone_fit(differences, ["activity", "walks"])
    assert activity_weight == 0 and walks_weight > 0
    need_weight, _ = _monotone_fit(differences, ["need_alike", "walks"])
    assert need_weight < 0  # a text feature may count against (competitors)
