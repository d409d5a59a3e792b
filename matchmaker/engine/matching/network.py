"""Who already works with whom: the network signals of a community.

The graph's edges are known partners (``Profile.known``: past projects, an import's "we know
them") and, once the event runs, accepted requests and meetings held. Two signals generalise
across communities and are what link prediction has long relied on: partners of partners
(Adamic–Adar: a common partner counts more when it has few partners) and activity (how many
partners a company has, log-scaled: popular companies are popular for a reason, but one
more partner says less and less).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp

from .text import content_words

#: A passage shared word for word is a trace of shared history (a joint project's abstract)
#: when it is long and only a few profiles carry it (boilerplate is carried by many).
MIN_PASSAGE_WORDS = 12
MAX_SHARING = 8
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")


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
    MIN_PASSAGE_WORDS content words, shared by at most MAX_SHARING texts."""
    holders: dict[bytes, set[int]] = defaultdict(set)
    for i, text in enumerate(texts):
        for sentence in _SENTENCE.split(text or ""):
            if sentence.count(" ") < MIN_PASSAGE_WORDS - 1:
                continue
            words = [folded for _, folded in content_words(sentence)]
            if len(words) >= MIN_PASSAGE_WORDS:
                holders[hashlib.blake2b(" ".join(words).encode(), digest_size=12).digest()].add(i)
    pairs = set()
    for group in holders.values():
        if 2 <= len(group) <= MAX_SHARING:
            members = sorted(group)
            pairs.update((a, b) for k, a in enumerate(members) for b in members[k + 1 :])
    return sorted(pairs)


class Network:
    """Partners-of-partners and activity of one graph, for blocks of rows at a time."""

    def __init__(self, graph: sp.csr_matrix):
        self.graph = graph
        self.degree = np.asarray(graph.sum(axis=1)).ravel().astype(np.float32)
        weight = 1.0 / np.log(np.maximum(self.degree, 2.0))  # Adamic–Adar
        self._weighted = (sp.diags(weight.astype(np.float32)) @ graph).tocsr()
        self.activity = np.log1p(self.degree)
        top = self.activity.max(initial=0.0)
        self.activity_share = self.activity / top if top > 0 else self.activity

    @property
    def empty(self) -> bool:
        return self.graph.nnz == 0

    def partners_of_partners(self, rows) -> np.ndarray:
        """Adamic–Adar scores of ``rows`` against everybody, dense float32."""
        return (self.graph[rows] @ self._weighted).toarray().astype(np.float32, copy=False)
