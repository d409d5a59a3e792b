"""Network signals of known partnerships: short walks, partners of look-alikes, and the
learned model's guard against texts written together."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from matchmaker.engine.matching import Matcher, learn
from matchmaker.engine.matching.learn import FEATURES, TEXT_FEATURES
from matchmaker.engine.matching.matcher import LOOK_ALIKES
from matchmaker.engine.matching.network import Network, adjacency

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from matching_gen import generate  # noqa: E402

PATH = [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_walks_rank_nearer_companies_higher_and_leave_far_ones_at_the_floor():
    walks = Network(adjacency(6, PATH)).walks(np.array([0]))[0]
    assert walks[1] > walks[2] > np.log(1e-3)
    assert walks[3] > np.log(1e-3)  # three steps away: reached
    assert walks[4] == pytest.approx(np.log(1e-3))  # four steps: not walked
    assert walks[5] == pytest.approx(np.log(1e-3))  # no path at all


def test_walks_of_pairs_are_the_rows_walks():
    network = Network(adjacency(6, PATH + [(0, 5), (5, 3)]))
    rows, cols = np.array([3, 0, 3, 5, 0]), np.array([0, 4, 1, 2, 2])
    full = network.walks(np.arange(6))
    assert network.walks_of_pairs(rows, cols) == pytest.approx(full[rows, cols])
    aa = network.partners_of_partners(np.arange(6))
    assert network.partners_of_partners_of_pairs(rows, cols) == pytest.approx(aa[rows, cols])


def test_partners_of_look_alikes_count_the_look_alikes_partners_by_resemblance():
    network = Network(adjacency(5, [(1, 2), (1, 3)]))
    similar = sp.csr_matrix(([0.5, 0.25], ([0, 0], [1, 4])), shape=(5, 5), dtype=np.float32)
    row = network.partners_of(similar, np.array([0]))[0]
    assert row[2] == pytest.approx(np.log1p(0.5)) and row[3] == pytest.approx(np.log1p(0.5))
    assert row[1] == 0 and row[4] == 0  # the look-alikes themselves are not their partners
    pairs = network.partners_of_pairs(similar, np.array([0, 0]), np.array([2, 4]))
    assert pairs == pytest.approx([np.log1p(0.5), 0.0])


@pytest.fixture(scope="module")
def profiles():
    return generate(60, seed=3)


def test_look_alikes_are_the_closest_profiles_among_those_asked(profiles):
    twin = replace(profiles[1], id="twin", name="Twin")
    matcher = Matcher(encoder=False).fit([*profiles, twin])
    everybody = np.ones(len(matcher.profiles), dtype=bool)
    overall, among = matcher.look_alikes(everybody)
    assert (overall != among).nnz == 0
    assert overall[1].indices.size == min(LOOK_ALIKES, 60) and 1 not in overall[1].indices
    assert overall[1].toarray()[0].argmax() == matcher.index["twin"]
    without_twin = everybody.copy()
    without_twin[matcher.index["twin"]] = False
    overall, among = matcher.look_alikes(without_twin)
    assert matcher.index["twin"] in overall[1].indices
    assert matcher.index["twin"] not in among[1].indices
    assert among[1].indices.size == min(LOOK_ALIKES, 59)


ABSTRACT = ("The {0} consortium develops a resilient framework protecting critical energy "
            "infrastructure of the {0} region against combined cyber and physical attacks.")
SYLLABLES = ("ka", "lo", "mi", "nu", "re", "sa", "ti", "vo")
PLACES = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]


OWN_WORK = ("Our {0} laboratory also tests thermal cameras for border guards, coast guards "
            "and mountain rescue teams. It trains {0} police forces in handling drones over "
            "crowds, stadiums, airports and railway stations.")


def projects(shared: bool, own_work: bool = False):
    """Sixty past projects of two partners each, known to each other (no other path links
    them); ``shared``: both profiles are the project's abstract, as profiles made of past
    projects are, else each a short line naming the project's place; ``own_work``: each
    profile has two sentences of its own besides."""
    out = []
    for i, p in enumerate(generate(120, seed=5)):
        place = PLACES[i // 2]
        text = ABSTRACT.format(place) if shared else f"Project {place}."
        if own_work:
            text += " " + OWN_WORK.format(PLACES[100 + i])
        out.append(replace(p, known=(f"s{i ^ 1}",), description=text, offers="", seeks=""))
    return out


def text_weights(matcher) -> list[float]:
    weights = dict(zip(FEATURES, matcher.pair_model.coef, strict=True))
    return [weights[f] for f in TEXT_FEATURES]


def test_texts_written_together_are_found():
    matcher = Matcher(encoder=False).fit(projects(shared=True))
    assert set(learn._written_together(matcher)) == {(i, i + 1) for i in range(0, 120, 2)}
    assert not learn._written_together(Matcher(encoder=False).fit(projects(shared=False)))


def test_texts_written_together_teach_the_model_nothing(monkeypatch):
    guarded = Matcher(encoder=False).fit(projects(shared=True))
    assert text_weights(guarded) == [0.0] * len(TEXT_FEATURES)
    monkeypatch.setattr(learn, "_written_together", lambda matcher: {})
    unguarded = Matcher(encoder=False).fit(projects(shared=True))
    assert max(text_weights(unguarded)) > 0.5  # the shared abstract would rank partners


def test_a_few_partners_apart_among_many_written_together_teach_the_texts_nothing(monkeypatch):
    """Where nearly every partnership shares an abstract, the few that share none are an odd
    lot (short abstracts): under a tenth of them teach nothing. Those that share little of
    their profiles (below WRITTEN_SHARE) teach instead, as in a network inferred from the
    passages; when they are too few as well, nothing does."""
    from types import SimpleNamespace

    hidden = [(i, i + 1000) for i in range(250)]
    named = SimpleNamespace(known_inferred=False)
    for apart, share, taught in ((20, 0.5, None), (30, 0.5, hidden[:30]), (20, 0.1, hidden)):
        monkeypatch.setattr(learn, "_written_together",
                            lambda matcher, a=apart, s=share: dict.fromkeys(hidden[a:], s))
        assert learn._written_apart(named, hidden) == taught


def test_named_partners_that_all_share_an_abstract_teach_as_inferred_ones():
    """New partners share no abstract (their project is new): where enough named partners
    share no passage, only those teach the texts' weights (the test above). Where every one
    shares an abstract that is a third of each profile, the profiles are made of many
    projects, and the pairs teach as those of a network inferred from the passages do."""
    named = Matcher(encoder=False).fit(projects(shared=True, own_work=True))
    assert not named.known_inferred
    inferred = Matcher(encoder=False).fit(
        [replace(p, known=()) for p in projects(shared=True, own_work=True)])
    assert inferred.known_inferred and inferred.known.nnz == named.known.nnz
    assert max(text_weights(named)) > 0.5 and max(text_weights(inferred)) > 0.5
