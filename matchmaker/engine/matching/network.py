"""Who already works with whom: the network signals of a community.

The graph's edges are known partners (``Profile.known``: past projects, an import's "we know
them") and, once the event runs, accepted requests and meetings held. The signals generalise
across communities and are what link prediction has long relied on: partners of partners
(Adamic–Adar: a common partner counts more when it has few partners), short walks
(personalised PageRank: how likely a few steps from partner to partner lead from a to b, so
that longer chains count too), partners of look-alikes (b works with companies whose profiles
resemble a's) and activity (how many partners a company has, log-scaled: popular companies
are popular for a reason, but one more partner says less and less).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from ..embedding import SENTENCE_BREAK
from .text import content_words

#: A passage shared word for word is a trace of shared history (a joint project's abstract)
#: when it is long and only a few profiles carry it (boilerplate is carried by many). Eight
#: content words, measured on the Debian projects set against its known partnerships: 3,498
#: pairs found, 96.6 % of them partners, 64.9 % of the partnerships (twelve words: 3,039, 97.9 %,
#: 57.1 %), and recall@10 without known partners 0.168 → 0.177.
MIN_PASSAGE_WORDS = 8
MAX_SHARING = 8
#: A larger group counts when it shares at least two passages and no one else carries them:
#: a research consortium (often 10-30 partners) carries its whole abstract, while a stock
#: sentence is carried by a different set of profiles each time. Beyond this, boilerplate.
MAX_CONSORTIUM = 50
#: Personalised PageRank: the walk's chance to restart at its company at each step, and the
#: steps walked (few: the scores of a block of companies stay sparse products).
RESTART = 0.3
WALK_STEPS = 3
#: Rows of walks computed at a time.
_WALK_BLOCK = 256


def adjacency(n: int, edges: Iterable[tuple[int, int]]) -> sp.csr_matrix:
    """Symmetric 0/1 float32 adjacency of ``n`` nodes, without self-loops."""
    pairs = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    if not pairs:
        return sp.csr_matrix((n, n), dtype=np.float32)
    a, b = np.array(sorted(pairs)).T
    data = np.ones(2 * len(a), dtype=np.float32)
    out = sp.csr_matrix((data, (np.r_[a, b], np.r_[b, a])), shape=(n, n))
    out.sort_indices()
    return out


def known_edges(profiles: Sequence, index: Mapping[str, int]) -> list[tuple[int, int]]:
    """Edges of ``Profile.known`` (ids outside the event are ignored)."""
    return [(i, index[other]) for i, p in enumerate(profiles) for other in p.known
            if other in index]


def shared_passages(texts: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs of texts that share a long passage word for word: profiles written from the same
    past projects (or by related firms) know each other. Passages are sentences of at least
    MIN_PASSAGE_WORDS content words, shared by at most MAX_SHARING texts, or by at most
    MAX_CONSORTIUM texts that share at least two such passages with nobody else."""
    return sorted(shared_passage_counts(texts)[0])


def shared_passage_counts(
    texts: Sequence[str], max_sharing: int = MAX_SHARING, max_group: int = MAX_CONSORTIUM
) -> tuple[Counter[tuple[int, int]], list[int]]:
    """The long passages (as in ``shared_passages``) each pair of texts shares, and each
    text's number of distinct long passages."""
    holders: dict[bytes, set[int]] = defaultdict(set)
    sizes = []
    passages: dict[str, bytes | None] = {}  # sentence → its digest: shared ones recur
    for i, text in enumerate(texts):
        mine = set()
        for sentence in SENTENCE_BREAK.split(text or ""):
            if sentence.count(" ") < MIN_PASSAGE_WORDS - 1:
                continue
            if sentence not in passages:
                passages[sentence] = _passage(sentence)
            if passages[sentence] is not None:
                mine.add(passages[sentence])
        for passage in mine:
            holders[passage].add(i)
        sizes.append(len(mine))
    groups = Counter(frozenset(group) for group in holders.values() if len(group) >= 2)
    pairs: Counter[tuple[int, int]] = Counter()
    for group, passages in groups.items():
        if len(group) <= max_sharing or (passages >= 2 and len(group) <= max_group):
            members = sorted(group)
            pairs.update({(a, b): passages for k, a in enumerate(members)
                          for b in members[k + 1 :]})
    return pairs, sizes


def _passage(sentence: str) -> bytes | None:
    """The digest of a sentence's content words when they are MIN_PASSAGE_WORDS or more."""
    words = [folded for _, folded in content_words(sentence)]
    if len(words) < MIN_PASSAGE_WORDS:
        return None
    return hashlib.blake2b(" ".join(words).encode(), digest_size=12).digest()


class Network:
    """The signals of one graph, for blocks of rows at a time or for single pairs."""

    def __init__(self, graph: sp.csr_matrix):
        self.graph = graph
        self.degree = np.asarray(graph.sum(axis=1)).ravel().astype(np.float32)
        weight = 1.0 / np.log(np.maximum(self.degree, 2.0))  # Adamic–Adar
        self._weighted = (sp.diags(weight.astype(np.float32)) @ graph).tocsr()
        self._weighted_t = (graph @ sp.diags(weight.astype(np.float32))).tocsr()  # its columns
        step = 1.0 / np.maximum(self.degree, 1.0)
        self._step = (sp.diags(step.astype(np.float32)) @ graph).tocsr()
        self.activity = np.log1p(self.degree)
        top = self.activity.max(initial=0.0)
        self.activity_share = self.activity / top if top > 0 else self.activity

    @property
    def empty(self) -> bool:
        return self.graph.nnz == 0

    def partners_of_partners(self, rows) -> np.ndarray:
        """Adamic–Adar scores of ``rows`` against everybody, dense float32."""
        return (self.graph[rows] @ self._weighted).toarray().astype(np.float32, copy=False)

    def partners_of_partners_of_pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Adamic–Adar scores of the pairs (rows[i], cols[i])."""
        return _row_dots(self.graph[rows], self._weighted_t[cols])

    def walks(self, rows) -> np.ndarray:
        """Personalised PageRank of ``rows`` against everybody (WALK_STEPS steps, restart
        RESTART; the start itself left out) times the number of companies, so that 1 is
        an average company's share whatever the event's size: log(1e-3 + that), float32."""
        n = self.graph.shape[0]
        here = self._step[rows]
        out = np.zeros(here.shape, dtype=np.float32)
        stay = 1.0
        for step in range(WALK_STEPS):
            stay *= 1.0 - RESTART
            if step:
                here = here @ self._step
            out += np.float32(RESTART * stay) * here.toarray()
        out *= np.float32(n)
        out += np.float32(1e-3)
        return np.log(out, out=out)

    def walks_of_pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """``walks`` of the pairs (rows[i], cols[i]), a block of distinct rows at a time."""
        out = np.empty(len(rows), dtype=np.float32)
        distinct, where = np.unique(rows, return_inverse=True)
        for start in range(0, len(distinct), _WALK_BLOCK):
            block = distinct[start : start + _WALK_BLOCK]
            mine = np.flatnonzero((where >= start) & (where < start + len(block)))
            out[mine] = self.walks(block)[where[mine] - start, cols[mine]]
        return out

    def partners_of(self, similar: sp.csr_matrix, rows) -> np.ndarray:
        """Partners of look-alikes: per row of ``rows``, against everybody, the sum of its
        look-alikes' resemblance (``similar``, sparse) over those that are b's partners;
        log(1 + that), float32."""
        out = (similar[rows] @ self.graph).toarray().astype(np.float32, copy=False)
        return np.log1p(out, out=out)

    def partners_of_pairs(self, similar: sp.csr_matrix, rows, cols) -> np.ndarray:
        """``partners_of`` of the pairs (rows[i], cols[i])."""
        return np.log1p(_row_dots(similar[rows], self.graph[cols]))


def _row_dots(a: sp.csr_matrix, b: sp.csr_matrix) -> np.ndarray:
    """Row i: the dot product of a's and b's rows i, float32."""
    return np.asarray(a.multiply(b).sum(axis=1), dtype=np.float32).ravel()
