"""Evidence for a reason: the short phrase of one side's offer and the phrase of the other
side's need that meet, quoted as written.

Texts are cut into clauses at punctuation (not at the dot of "2.5 mm" or "SEC-2012.1.5") and
at "and/und/et/…", each clause trimmed of the function words at its ends (no "and the"
fragments). A need clause and an offer clause meet by shared word stems (``link_keys``:
inflection and German compounds), by a taxonomy tag both speak of (its keywords are in three
languages) and, when clause vectors are given, by the multilingual encoder's cosine (a German
need and a French offer sharing no word).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .tags import matched_keywords
from .text import carries_meaning, fold, link_keys, tokens

#: Longest quoted phrase, in words: a phrase, not a paragraph.
MAX_WORDS = 7
#: Below this a clause pair is no evidence (encoder cosine; stems and tags add up to 1, a
#: shared tag alone is not enough: a tag is broad).
MIN_EVIDENCE = 0.35
#: The encoder's cosine from which two clauses say the same across languages.
MIN_COSINE = 0.5
#: Word evidence from which the encoder is not asked (it costs most of a cold run's time).
SURE = 0.6
#: Most clauses of one text the encoder compares: a profile's fields (3,000 characters in the
#: web forms) have fewer; a consortium member's dozens of abstracts have thousands, whose
#: encoding would cost a cold run minutes.
MAX_ENCODED_CLAUSES = 150
_SPLIT = re.compile(
    r"(?:[,;:!?()\[\]\n•·/]|\.(?!\d))+|\s[-–—]\s|\s(?:and|or|und|oder|sowie|et|ou|as well as)\s",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")

#: texts → L2-normalised rows, or None; used to compare clauses across languages.
ClauseVectors = Callable[[Sequence[str]], np.ndarray | None]


@lru_cache(maxsize=1 << 15)
def clauses(text: str) -> tuple[str, ...]:
    """The text's clauses, trimmed of function words at both ends and cut to MAX_WORDS;
    clauses without a content word are dropped."""
    out = []
    for piece in _SPLIT.split(text or ""):
        words = _trimmed(_trimmed(_WORD.findall(piece))[:MAX_WORDS])
        if words:
            out.append(" ".join(words).strip(" '\"«»-"))
    return tuple(dict.fromkeys(c for c in out if c))


def _trimmed(words: list[str]) -> list[str]:
    """Without the function words at either end."""
    start, stop = 0, len(words)
    while start < stop and not _is_content(words[start]):
        start += 1
    while stop > start and not _is_content(words[stop - 1]):
        stop -= 1
    return words[start:stop]


@lru_cache(maxsize=1 << 16)
def _is_content(word: str) -> bool:
    return any(carries_meaning(fold(w)) for w in tokens(word))


@lru_cache(maxsize=1 << 15)
def _keys(clause: str) -> frozenset[str]:
    words = (fold(w) for w in tokens(clause))
    return frozenset(k for w in words if carries_meaning(w) for k in link_keys(w))


@lru_cache(maxsize=1 << 14)
def _features(text: str, taxonomy) -> tuple[tuple[str, ...], _Incidence, np.ndarray, _Incidence]:
    """A text's clauses, their link keys with each clause's number of keys, and their tags;
    made once per text (texts repeat across pairs: each profile is in many)."""
    found = clauses(text)
    keys = [_keys(c) for c in found]
    tags = [matched_keywords(c, taxonomy) if taxonomy is not None else () for c in found]
    return found, _Incidence(keys), np.array([len(k) for k in keys]), _Incidence(tags)


class _Incidence:
    """Which strings each clause holds, as (clause, hashed string) pairs (64-bit digests:
    stable across processes, and two texts' tens of thousands of keys collide with odds
    of about 1 in 10^10)."""

    def __init__(self, rows: Sequence[Iterable[str]]):
        self.n = len(rows)
        pairs = {(i, _digest(k)) for i, row in enumerate(rows) for k in row}
        clause = np.fromiter((i for i, _ in pairs), dtype=np.intp, count=len(pairs))
        values = np.fromiter((v for _, v in pairs), dtype=np.int64, count=len(pairs))
        # Sorted distinct strings, and a clause × string matrix by columns (sliced per pair).
        self.distinct, column = np.unique(values, return_inverse=True)
        data = np.ones(len(pairs), dtype=np.float32)
        self.matrix = sp.csc_matrix((data, (clause, column)), shape=(self.n, len(self.distinct)))

    def shared(self, other: _Incidence) -> np.ndarray:
        """How many strings each clause shares with each of ``other``'s: (n, other.n)."""
        common, mine, theirs = np.intersect1d(self.distinct, other.distinct, assume_unique=True,
                                              return_indices=True)
        if not len(common):
            return np.zeros((self.n, other.n), dtype=np.float32)
        return (self.matrix[:, mine] @ other.matrix[:, theirs].T).toarray()


@lru_cache(maxsize=1 << 16)
def _digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True)


def _encoded(n: int) -> np.ndarray:
    """Which of a text's n clauses the encoder compares: all of a profile's (at most about
    MAX_ENCODED_CLAUSES), evenly spaced ones of a longer text (its words are all compared)."""
    return np.unique(np.linspace(0, n - 1, min(n, MAX_ENCODED_CLAUSES)).astype(np.intp))


def best_pair(
    need_text: str,
    offer_text: str,
    taxonomy=None,
    vectors: ClauseVectors | None = None,
) -> tuple[str, str] | None:
    """(offer phrase, need phrase) that meet best, or None when nothing meets."""
    if vectors is None:
        return _best_pair_by_words(need_text, offer_text, taxonomy)
    return _best_pair(need_text, offer_text, taxonomy, vectors)


@lru_cache(maxsize=1 << 16)
def _best_pair_by_words(need_text: str, offer_text: str, taxonomy) -> tuple[str, str] | None:
    """Without vectors, memoised: a popular offer meets many needs that read alike."""
    return _best_pair(need_text, offer_text, taxonomy, None)


def _best_pair(need_text, offer_text, taxonomy, vectors) -> tuple[str, str] | None:
    needs, need_keys, need_counts, need_tags = _features(need_text or "", taxonomy)
    offers, offer_keys, offer_counts, offer_tags = _features(offer_text or "", taxonomy)
    if not needs or not offers:
        return None
    shared = need_keys.shared(offer_keys)
    shared /= np.maximum(1, np.minimum.outer(need_counts, offer_counts))
    shared *= 0.8
    shared += 0.3 * (need_tags.shared(offer_tags) > 0)
    evidence = np.minimum(shared, 1.0, out=shared)
    if vectors is not None and evidence.max() < SURE:  # the words say it: no encoding
        need_at, offer_at = _encoded(len(needs)), _encoded(len(offers))
        rows = vectors([*(needs[i] for i in need_at), *(offers[j] for j in offer_at)])
        if rows is not None:
            cosine = rows[: len(need_at)] @ rows[len(need_at) :].T
            cosine[cosine < MIN_COSINE] = 0.0  # short unrelated phrases come close to 0.4
            block = np.ix_(need_at, offer_at)
            evidence[block] = np.maximum(evidence[block], cosine)
    i, j = np.unravel_index(int(np.argmax(evidence)), evidence.shape)
    if evidence[i, j] < MIN_EVIDENCE:
        return None
    return offers[j], needs[i]
