"""Why two companies should meet: the tags and offer words that meet a need.

Suggesting for everybody explains a hundred thousand pairs, too many for set intersections in
Python. So at fit every profile's tags and link keys become rows of sparse incidence matrices
(tag columns in taxonomy order; an offer's key holds the position of its first word), and the
intersections of a batch of pairs are one element-wise product of gathered rows. Python only
assembles the reasons.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import scipy.sparse as sp

from .features import sparse_rows
from .phrases import ClauseVectors, best_pair
from .text import link_keys
from .types import Reason, ReasonKind

_MAX_WORDS = 4
#: A direction's share of the pair's need scores from which it is a reason without evidence.
_STRONG = 0.4

Words = Sequence[tuple[str, str]]


class Explainer:
    """The reasons of pairs of one event's profiles.

    Per profile: ``declared`` tags; ``need_tags`` (inferred from seeks) and ``offer_tags``
    (declared or inferred from the offer); content words (surface, folded) of the seeks
    and of the offer.
    """

    def __init__(
        self,
        taxonomy,
        declared: Sequence[Collection[str]],
        need_tags: Sequence[Collection[str]],
        offer_tags: Sequence[Collection[str]],
        seek_words: Sequence[Words],
        offer_words: Sequence[Words],
        seek_texts: Sequence[str] = (),
        offer_texts: Sequence[str] = (),
        clause_vectors: ClauseVectors | None = None,
    ):
        self._taxonomy = taxonomy
        self._seek_texts, self._offer_texts = seek_texts, offer_texts
        self._clause_vectors = clause_vectors
        used = {t for rows in (declared, need_tags, offer_tags) for row in rows for t in row}
        self._tags = np.array(sorted(used, key=taxonomy.sort_key), dtype=object)
        columns = {t: j for j, t in enumerate(self._tags)}
        self._declared, self._need_tags, self._offer_tags = (
            sparse_rows([{columns[t]: 1 for t in row} for row in rows], len(columns), np.int32)
            for rows in (declared, need_tags, offer_tags)
        )
        keys = _LinkKeys()
        seeks, offers = keys.of(seek_words), keys.of(offer_words)
        self._seek_keys, self._offer_keys = keys.incidence(seeks), keys.incidence(offers)
        self._seek_keys.data[:] = 1
        self._words = np.array([s for words in offer_words for s, _ in words], dtype=object)
        self._word_before = np.cumsum([0, *map(len, offer_words)]) - 1  # positions from 1

    def explain(self, rows, cols, strong, encode: bool = True) -> list[tuple[Reason, ...]]:
        """Why each ``cols[i]`` is suggested to ``rows[i]``, the stronger direction of need
        first; ``strong`` holds the pairs' rows of ``strengths``. ``encode=False``: the
        evidence from words and tags only, not from clause vectors (which take a second, cold,
        per thousand clauses)."""
        vectors = self._clause_vectors if encode else None
        theirs = self._met_needs(rows, cols)
        ours = self._met_needs(cols, rows)
        shared = self._tag_tuples(self._declared, self._declared, rows, cols)
        made = _Made()
        found = []
        for row, col, *pair in zip(rows.tolist(), cols.tolist(), strong.tolist(), theirs, ours,
                                   shared, strict=True):
            found.append(_reasons(made, *pair, lambda a, b: self.evidence(a, b, vectors)
                                  if self._seek_texts else (), row, col))
        return found

    def evidence(self, seeker: int, offerer: int, vectors=None) -> tuple[str, ...]:
        """(offer phrase, need phrase) where the offerer's offer meets the seeker's need;
        () when no phrase pair meets."""
        return best_pair(self._seek_texts[seeker], self._offer_texts[offerer],
                         self._taxonomy, vectors) or ()

    def _met_needs(self, seekers: np.ndarray, offerers: np.ndarray) -> list[tuple]:
        """Per pair, the offerer's tags (in taxonomy order) and words (at most four, in text
        order) that meet the seeker's need; a word is named by the first offer word of a
        shared key."""
        tags = self._tag_tuples(self._need_tags, self._offer_tags, seekers, offerers)
        hits = _common(self._seek_keys, self._offer_keys, seekers, offerers)
        pair = np.repeat(np.arange(len(seekers)), np.diff(hits.indptr))
        width = int(hits.data.max(initial=0)) + 1
        # distinct (pair, word position), sorted; then each pair's first _MAX_WORDS
        pair, position = np.divmod(np.unique(pair * width + hits.data), width)
        first = np.arange(len(pair)) - np.searchsorted(pair, pair) < _MAX_WORDS
        pair, position = pair[first], position[first]
        words = self._words[self._word_before[offerers[pair]] + position]
        indptr = np.searchsorted(pair, np.arange(len(seekers) + 1))
        return list(zip(tags, _tuples(words, indptr), strict=True))

    def _tag_tuples(self, a, b, rows, cols) -> list[tuple[str, ...]]:
        common = _common(a, b, rows, cols)
        return _tuples(self._tags[common.indices], common.indptr)


def strengths(gain: np.ndarray, give: np.ndarray) -> np.ndarray:
    """Per pair (last axis of 3): is their offer's share of the need scores strong, is ours,
    and does ours lead. Computed in the scores' float32, as the thresholds were chosen."""
    total = gain + give
    total[total == 0] = 1.0
    theirs, ours = gain / total, give / total
    return np.stack([theirs >= _STRONG, ours >= _STRONG, ours > theirs], axis=-1)


def _reasons(made: _Made, strong, theirs, ours, shared, evidence, row, col) -> tuple[Reason, ...]:
    """``evidence(seeker, offerer)`` quotes the phrases that meet."""
    they_strong, you_strong, you_first = strong
    found = []
    if theirs[0] or theirs[1] or they_strong:
        found.append(made[0, *theirs, evidence(row, col)])
    if ours[0] or ours[1] or you_strong:
        found.append(made[1, *ours, evidence(col, row)])
    if you_first:
        found.reverse()
    if shared:
        found.append(made[2, shared, (), ()])
    return tuple(found)


class _Made(dict):
    """Reasons by (kind's index, tags, words), each made once: pairs repeat them, and every
    object made is one more for the garbage collector to trace, which costs more than
    making it (100,000 suggestions hold a few thousand distinct reasons)."""

    def __missing__(self, key: tuple[int, tuple[str, ...], tuple[str, ...], tuple]) -> Reason:
        kind, tags, words, phrases = key
        reason = self[key] = Reason(_KINDS[kind], tags, words, phrases)
        return reason


_KINDS = (ReasonKind.THEY_MEET_YOUR_NEED, ReasonKind.YOU_MEET_THEIR_NEED, ReasonKind.SHARED_TAGS)


class _LinkKeys:
    """Link keys numbered across texts; each distinct word's keys are looked up once."""

    def __init__(self):
        self.ids: dict[str, int] = {}
        self._of_word: dict[str, tuple[int, ...]] = {}

    def of(self, texts: Sequence[Words]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Every (key id, 1 + word position) of the texts, flat, and their count per text."""
        keys: list[int] = []
        positions: list[int] = []
        sizes = []
        for words in texts:
            start = len(keys)
            for position, (_, folded) in enumerate(words, start=1):
                found = self._of_word.get(folded)
                if found is None:
                    found = self._of_word[folded] = self._number(link_keys(folded))
                keys.extend(found)
                positions.extend([position] * len(found))
            sizes.append(len(keys) - start)
        return np.array(keys, dtype=np.int64), np.array(positions, dtype=np.int32), sizes

    def incidence(self, flat: tuple[np.ndarray, np.ndarray, list[int]]) -> sp.csr_matrix:
        """Texts × keys: 1 + the position of the first word of the text with the key."""
        keys, positions, sizes = flat
        width = len(self.ids)
        text = np.repeat(np.arange(len(sizes)), sizes)
        pairs, first = np.unique(text * width + keys, return_index=True)
        text, key = np.divmod(pairs, width)
        indptr = np.searchsorted(text, np.arange(len(sizes) + 1))
        return sp.csr_matrix((positions[first], key, indptr), shape=(len(sizes), width))

    def _number(self, keys) -> tuple[int, ...]:
        return tuple(self.ids.setdefault(key, len(self.ids)) for key in keys)


def _common(a: sp.csr_matrix, b: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray):
    """Row i: the columns that ``a[rows[i]]`` and ``b[cols[i]]`` share, with ``b``'s values
    (``a`` is 0/1), in column order."""
    out = a[rows].multiply(b[cols]).tocsr()
    out.sort_indices()
    return out


def _tuples(items: np.ndarray, indptr: np.ndarray) -> list[tuple]:
    """``items`` cut into tuples at ``indptr``, as the rows of a CSR matrix."""
    items, bounds = items.tolist(), indptr.tolist()
    return [tuple(items[a:b]) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
