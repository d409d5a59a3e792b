"""Learning what this community values: a logistic regression over pair features, refitted
per event, that re-ranks the pairs.

Two sources of labelled pairs, both deterministic:

* the network of known partners, self-supervised: a seeded fifth of the known partnerships
  (at most MAX_HIDDEN) is hidden, the network signals are computed on the rest, and the
  model learns to rank each hidden partner above seeded random non-partners of the same
  company (a logistic regression on feature differences: one company's list is what is
  ranked). It weighs the signals for this community (in one, activity says most; in
  another, the texts) instead of fixed weights chosen for none. Texts written together (a
  past project's abstract in each partner's profile) are kept out of what it learns from
  the texts;
* the event's own feedback (``EventSignals``): requests accepted or declined, "not
  interested" marks, meetings held and their ratings; with demand (requests received) as a
  further feature, so that the model learns which kinds of partner get accepted by whom.

Features of a pair (a, b) (``FEATURES``): the text score (offers meeting needs, look-alikes
pushed down), partners of partners (Adamic–Adar, log-scaled), b's activity (log of its
partners), from feedback b's demand, community: how alike the two needs are (research
partners bid for the same calls; at a trade fair the feedback may well teach a negative
weight), short walks from a to b over the network (personalised PageRank), partners of a's
look-alikes (does b work with companies whose profiles resemble a's?) and resemblance (the
whole profiles' cosine when b is among a's closest look-alikes). The pair's score is the
model's logit squashed into (0, 1), in the same order as its probability; a feature it does
not weigh is not computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from .network import MAX_CONSORTIUM, Network, adjacency, shared_passage_counts

#: Least labelled pairs of each class to fit a model on; below it the fixed blend stays.
MIN_PAIRS = 20
#: Least share of the hidden partnerships to learn the texts' weights from (besides
#: MIN_PAIRS; see ``fit_from_network``): the few that share no abstract where nearly all do
#: are an odd lot (on the teams formed over time with all abstracts per profile, 29 of 1,696
#: taught the texts a negative weight: recall@10 0.203, without the texts' features 0.211,
#: from those sharing under WRITTEN_SHARE instead 0.220).
MIN_TEXT_SHARE = 0.1
#: Least weight of a standardised feature (logit per standard deviation) that is used.
MIN_WEIGHT = 0.05
#: Most known partnerships hidden to learn from (a fifth of them up to this): enough for a few
#: weights, and the fit of a large network stays short.
MAX_HIDDEN = 5000
#: Least weight of activity, as a share of the strongest network feature's, in the model
#: learned from the known partnerships (``_popularity_prior``). Measured, recall@10 without →
#: with it: teams formed over time (benchmarks/debian_releases.py; a model fitted on the
#: truth weighs activity 0.45 against walks 1.0) 0.228 → 0.242 given the known partners, 0.134
#: → 0.142 given none; with all abstracts per profile 0.213 → 0.223 given none; projects split
#: at random 0.230 → 0.222 (their new partners as local as the old) and 0.178 → 0.176.
POPULARITY_PRIOR = 0.5
#: Random non-partners drawn per partnership as negatives.
NEGATIVES_PER_POSITIVE = 5
_SEED = 2016
#: New partners share no abstract (their project is new), so the texts' features are learned
#: from hidden partnerships whose profiles share no long passage. A network inferred from
#: shared passages has none such, and named partners in profiles made of all their projects
#: few: there from those whose shared passages are below this share
#: of the shorter profile's (a consortium member with many past projects resembles a partner
#: mostly by its other work, which a new partner's profile can too). Measured on the Debian
#: projects set (benchmarks/debian_projects.py), recall@10: known partners given, 0.219 with
#: this share alone → 0.230 sharing nothing; none given, 0.143 → 0.174 with this share
#: (40 abstracts per profile), 0.072 → 0.096 (12), 0.199 → 0.200 (all).
WRITTEN_SHARE = 0.4


@dataclass(frozen=True)
class EventSignals:
    """What happened at the event, by company id.

    ``requests``: (sender, recipient, status) with status "pending", "accepted" or
    "declined". ``not_interested``: (company, other) marks. ``meetings``: (a, b, rating)
    of meetings held, rating 1–5 or None when not rated.
    """

    requests: Sequence[tuple[str, str, str]] = ()
    not_interested: Sequence[tuple[str, str]] = ()
    meetings: Sequence[tuple[str, str, float | None]] = ()


@dataclass(frozen=True)
class PairModel:
    """A fitted logistic regression over standardised pair features (``FEATURES``)."""

    coef: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray
    network: Network
    demand: np.ndarray  # per company, log(1 + requests received); zeros without feedback

    def scores(self, matcher, text: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Scores in (0, 1) for ``rows`` against everybody, given their text scores, in the
        order of the model's probabilities: the logit's softsign, since the logistic of a
        float32 logit is 1.0 from 17 up, and a list of ties ranks by position. Only the
        features the model weighs are computed; float32 like the text scores (a float64
        weight would make every product float64, twice the work)."""
        weights = (self.coef / self.scale).astype(np.float32)
        logit = text * weights[0]
        for feature, weight in zip(FEATURES[1:], weights[1:], strict=True):
            if weight:
                values = _ROW_FEATURES[feature](matcher, self, rows)
                values *= weight
                logit += values
        logit += np.float32(self.intercept - float(self.mean @ weights))
        return _softsign(logit)


def _softsign(logit: np.ndarray) -> np.ndarray:
    """(1 + x / (1 + |x|)) / 2 in place: monotone into (0, 1), and far from 1 until x is
    in the millions."""
    denominator = np.abs(logit)
    denominator += 1.0
    logit /= denominator
    logit += 1.0
    logit *= 0.5
    return logit


#: The features of a pair (a, b), in the model's order.
FEATURES = ("text", "partners_of_partners", "activity", "demand", "need_alike", "walks",
            "partners_of_look_alikes", "resemblance")
#: Features that the profiles' texts make: learned only from partnerships whose texts were not
#: written together (see ``fit_from_network``).
TEXT_FEATURES = ("text", "need_alike", "partners_of_look_alikes", "resemblance")
#: Features that never make a partner less likely (see ``_monotone_fit``).
MONOTONE = ("partners_of_partners", "activity", "walks", "partners_of_look_alikes")


def _community(matcher, model, rows):
    return matcher.need_sketch[rows] @ matcher.need_sketch.T


def _partners_of_partners(matcher, model, rows):
    pop = model.network.partners_of_partners(rows)
    return np.log1p(pop, out=pop)


def _per_column(values):
    """A feature of the other company alone: one row, broadcast against ``rows``."""
    return lambda matcher, model, rows: values(model)[None, :].astype(np.float32)


_ROW_FEATURES = {
    "partners_of_partners": _partners_of_partners,
    "activity": _per_column(lambda model: model.network.activity),
    "demand": _per_column(lambda model: model.demand),
    "need_alike": _community,
    "walks": lambda matcher, model, rows: model.network.walks(rows),
    "partners_of_look_alikes": lambda matcher, model, rows: model.network.partners_of(
        matcher.look_alikes(model.network.degree > 0)[1], rows),
    "resemblance": lambda matcher, model, rows: matcher.look_alikes(
        model.network.degree > 0)[0][rows].toarray(),
}


def _features(matcher, network: Network, demand, rows, cols, partnered=None,
              names=FEATURES) -> np.ndarray:
    """The pairs' features ``names`` (columns in FEATURES order; the others 0) on
    ``network``; look-alikes are sought among ``partnered`` (the model's network's companies
    with partners; by default ``network``'s)."""
    partnered = network.degree > 0 if partnered is None else partnered
    out = np.zeros((len(rows), len(FEATURES)), dtype=np.float32)
    for j, name in enumerate(FEATURES):
        if name in names:
            out[:, j] = _pair_feature(name, matcher, network, demand, partnered, rows, cols)
    return out


def _pair_feature(name: str, matcher, network: Network, demand, partnered, rows, cols):
    """One feature of the pairs (rows[i], cols[i])."""
    match name:
        case "text":
            return matcher.text_of_pairs(rows, cols)
        case "partners_of_partners":
            return np.log1p(network.partners_of_partners_of_pairs(rows, cols))
        case "activity":
            return network.activity[cols]
        case "demand":
            return demand[cols]
        case "need_alike":
            return matcher.need_alike(rows, cols)
        case "walks":
            return network.walks_of_pairs(rows, cols)
        case "partners_of_look_alikes":
            return network.partners_of_pairs(matcher.look_alikes(partnered)[1], rows, cols)
        case "resemblance":
            return np.asarray(matcher.look_alikes(partnered)[0][rows, cols]).ravel()
    raise ValueError(name)


def _fit(features: np.ndarray, labels: np.ndarray, weights: np.ndarray, network, demand):
    if min((labels == 1).sum(), (labels == 0).sum()) < MIN_PAIRS:
        return None
    mean, scale = features.mean(axis=0), features.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    model.fit((features - mean) / scale, labels, sample_weight=weights)
    return PairModel(_weighed(model.coef_[0]), float(model.intercept_[0]), mean, scale, network,
                     demand)


def _negatives(n: int, graph: sp.csr_matrix, rows: np.ndarray, rng: np.random.Generator):
    """Per row, NEGATIVES_PER_POSITIVE random others that are not its partners."""
    out_rows, out_cols, owners = [], [], []
    for owner, row in enumerate(rows.tolist()):
        partners = set(graph[row].indices.tolist())
        for col in rng.integers(n, size=NEGATIVES_PER_POSITIVE).tolist():
            if col != row and col not in partners:
                out_rows.append(row)
                out_cols.append(col)
                owners.append(owner)
    as_array = partial(np.array, dtype=np.intp)
    return as_array(out_rows), as_array(out_cols), as_array(owners)


def fit_from_network(matcher) -> PairModel | None:
    """Self-supervised on the known partnerships (see the module's docstring).

    Partners whose profiles were written together (a past project's abstract in both) resemble
    each other because of that very partnership, which a new partner does not: such pairs
    would teach the model that resemblance finds partners. So the texts' features are learned
    only from hidden partnerships whose profiles share no long passage, or, in a network
    inferred from shared passages or where too few share none, little of them
    (``WRITTEN_SHARE``); when too few are left, the model does without them (the network's
    features are learned from all)."""
    graph = matcher.known
    n = graph.shape[0]
    upper = sp.triu(graph, k=1).tocoo()
    edges = sorted(zip(upper.row.tolist(), upper.col.tolist(), strict=True))
    if len(edges) < 2 * MIN_PAIRS:
        return None
    rng = np.random.default_rng(_SEED)
    hide = min(max(MIN_PAIRS, len(edges) // 5), MAX_HIDDEN)
    drawn = rng.choice(len(edges), size=hide, replace=False)
    hidden = [edges[i] for i in sorted(drawn.tolist())]
    hidden_set = set(hidden)
    seen = Network(adjacency(n, [e for e in edges if e not in hidden_set]))
    apart = _written_apart(matcher, hidden)
    names = FEATURES
    if apart is not None:
        hidden = apart
    else:
        names = tuple(f for f in FEATURES if f not in TEXT_FEATURES)
    columns = np.array([FEATURES.index(f) for f in names])
    rows = np.array([a for a, b in hidden] + [b for a, b in hidden], dtype=np.intp)
    cols = np.array([b for a, b in hidden] + [a for a, b in hidden], dtype=np.intp)
    neg_rows, neg_cols, owners = _negatives(n, graph, rows, rng)
    demand = np.zeros(n, dtype=np.float32)
    partnered = matcher.network.degree > 0
    positive = _features(matcher, seen, demand, rows, cols, partnered, names)
    negative = _features(matcher, seen, demand, neg_rows, neg_cols, partnered, names)
    # Ranked within a row (a partner above a non-partner of the same company): what
    # matters is the order of one company's list, not scores across companies.
    differences = (positive[owners] - negative)[:, columns]
    scale = np.ones(len(FEATURES))
    scale[columns] = differences.std(axis=0)
    scale[scale == 0] = 1.0
    coef = np.zeros(len(FEATURES))
    coef[columns] = _monotone_fit(differences / scale[columns], [FEATURES[c] for c in columns])
    _popularity_prior(coef)
    # Centred on random pairs: a typical pair's logit is 0, the best far from the squash's ends.
    return PairModel(_weighed(coef), 0.0, negative.mean(axis=0), scale, matcher.network, demand)


def _monotone_fit(differences: np.ndarray, names: list[str]) -> np.ndarray:
    """Weights ranking each positive above its negative (rows of ``differences``). A
    network feature weighed below zero is dropped and the rest refitted: more partners in
    common, more activity, nearer on the network never make a partner less likely, and
    such a weight only plays one of these near-twins off against another."""
    coef = np.zeros(len(names))
    used = np.ones(len(names), dtype=bool)
    while used.any():
        model = LogisticRegression(C=1.0, fit_intercept=False, max_iter=1000)
        model.fit(np.r_[differences[:, used], -differences[:, used]],
                  np.r_[np.ones(len(differences)), np.zeros(len(differences))])
        coef[:] = 0.0
        coef[used] = model.coef_[0]
        wrong = [j for j, name in enumerate(names) if name in MONOTONE and coef[j] < 0]
        if not wrong:
            break
        used[wrong] = False
    return coef


def _popularity_prior(coef: np.ndarray) -> None:
    """Activity weighs at least POPULARITY_PRIOR of the strongest network feature, in place.
    The partnerships hidden to learn from are old ones, more local than the ones that form
    next (new partners come more often from the most active, whom the walks and partners of
    partners reach anyway among old ties): fitted on them, the model drops activity."""
    network = [FEATURES.index(name) for name in MONOTONE]
    activity = FEATURES.index("activity")
    coef[activity] = max(coef[activity], POPULARITY_PRIOR * coef[network].max())


def _weighed(coef: np.ndarray) -> np.ndarray:
    """The weights of standardised features, those below MIN_WEIGHT taken as 0: they move
    no ranking, and a feature weighed 0 is not computed."""
    return np.where(np.abs(coef) < MIN_WEIGHT, 0.0, coef)


def _written_apart(matcher, hidden: list[tuple[int, int]]) -> list[tuple[int, int]] | None:
    """The ``hidden`` partnerships whose texts may teach the texts' weights: those sharing no
    long passage, or, in a network inferred from shared passages or where those are too few
    (MIN_PAIRS, MIN_TEXT_SHARE), those sharing less than WRITTEN_SHARE; None when these are
    too few as well."""
    written = _written_together(matcher)
    enough = max(MIN_PAIRS, MIN_TEXT_SHARE * len(hidden))
    if not matcher.known_inferred:
        apart = [e for e in hidden if e not in written]
        if len(apart) >= enough:
            return apart
    apart = [e for e in hidden if written.get(e, 0.0) < WRITTEN_SHARE]
    return apart if len(apart) >= enough else None


def _written_together(matcher) -> dict[tuple[int, int], float]:
    """Pairs of profiles that share long passages (word for word): the share of the shorter
    profile's passages that they share."""
    texts = [f"{p.description}\n{p.offers}\n{p.seeks}" for p in matcher.profiles]
    shared, sizes = shared_passage_counts(texts, MAX_CONSORTIUM, MAX_CONSORTIUM)
    return {(a, b): count / min(sizes[a], sizes[b]) for (a, b), count in shared.items()}


def fit_from_signals(matcher, signals: EventSignals) -> PairModel | None:
    """From the event's feedback; None when there is too little of it."""
    index = matcher.index
    labelled: dict[tuple[int, int], tuple[float, float]] = {}  # pair → (label, weight)

    def mark(a: str, b: str, label: float, weight: float) -> None:
        if a in index and b in index and a != b:
            labelled[index[a], index[b]] = (label, weight)

    received = np.zeros(len(matcher.profiles), dtype=np.float32)
    for sender, recipient, status in signals.requests:
        if recipient in index:
            received[index[recipient]] += 1
        if status == "accepted":
            mark(sender, recipient, 1.0, 1.0)
        elif status == "declined":
            mark(sender, recipient, 0.0, 1.0)
        else:
            mark(sender, recipient, 1.0, 0.5)  # interest shown, not yet answered
    for company, other in signals.not_interested:
        mark(company, other, 0.0, 1.0)
    edges = [(index[a], index[b]) for a, b, _ in signals.meetings if a in index and b in index]
    for a, b, rating in signals.meetings:
        good = rating is None or rating >= 3
        mark(a, b, 1.0 if good else 0.0, 1.0 if rating is None else abs(rating - 2.5) / 1.25)
        mark(b, a, 1.0 if good else 0.0, 1.0 if rating is None else abs(rating - 2.5) / 1.25)
    graph = (matcher.known + adjacency(len(matcher.profiles), edges)).sign().tocsr()
    network = Network(graph.astype(np.float32))
    demand = np.log1p(received)
    positives = np.array([pair for pair, (label, _) in labelled.items() if label], dtype=np.intp)
    if len(positives):  # unlabelled random pairs: what nobody asked for
        neg_rows, neg_cols, _ = _negatives(len(matcher.profiles), graph, positives[:, 0],
                                        np.random.default_rng(_SEED))
        for row, col in zip(neg_rows.tolist(), neg_cols.tolist(), strict=True):
            labelled.setdefault((row, col), (0.0, 0.2))
    if not labelled:
        return None
    pairs = np.array(sorted(labelled), dtype=np.intp)
    labels = np.array([labelled[tuple(p)][0] for p in pairs.tolist()])
    weights = np.array([labelled[tuple(p)][1] for p in pairs.tolist()])
    features = _features(matcher, network, demand, pairs[:, 0], pairs[:, 1])
    return _fit(features, labels, weights, network, demand)
