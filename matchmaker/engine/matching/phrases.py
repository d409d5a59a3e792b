"""Evidence for a reason: the short phrase of one side's offer and the phrase of the other
side's need that meet, quoted as written.

Texts are cut into clauses at punctuation and at "and/und/et/…", each clause trimmed of the
function words at its ends (no "and the" fragments). A need clause and an offer clause meet
by shared word stems (``link_keys``: inflection and German compounds), by a taxonomy tag
both speak of (its keywords are in three languages) and, when clause vectors are given, by
the multilingual encoder's cosine (a German need and a French offer sharing no word).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from .tags import matched_keywords
from .text import STOPWORDS, fold, link_keys, tokens

#: Longest quoted phrase, in words: a phrase, not a paragraph.
MAX_WORDS = 7
#: Below this a clause pair is no evidence (encoder cosine; stems and tags add up to 1, a
#: shared tag alone is not enough: a tag is broad).
MIN_EVIDENCE = 0.35
#: The encoder's cosine from which two clauses say the same across languages.
MIN_COSINE = 0.5
#: Word evidence from which the encoder is not asked (it costs most of a cold run's time).
SURE = 0.6
_SPLIT = re.compile(
    r"[,;:.!?()\[\]\n•·/]+|\s[-–—]\s|\s(?:and|or|und|oder|sowie|et|ou|as well as)\s",
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


def _is_content(word: str) -> bool:
    letters = tokens(word)
    return bool(letters) and any(fold(w) not in STOPWORDS and len(w) >= 3 for w in letters)


@lru_cache(maxsize=1 << 15)
def _keys(clause: str) -> frozenset[str]:
    words = (fold(w) for w in tokens(clause))
    return frozenset(k for w in words if w not in STOPWORDS and len(w) >= 3 for k in link_keys(w))


@lru_cache(maxsize=1 << 14)
def _features(text: str, taxonomy) -> tuple[tuple[str, ...], list, list]:
    """A text's clauses with their link keys and tags, made once per text (texts repeat
    across pairs: each profile is in many)."""
    found = clauses(text)
    tags = [frozenset(matched_keywords(c, taxonomy)) if taxonomy is not None else frozenset()
            for c in found]
    return found, [_keys(c) for c in found], tags


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
    needs, need_keys, need_tags = _features(need_text or "", taxonomy)
    offers, offer_keys, offer_tags = _features(offer_text or "", taxonomy)
    if not needs or not offers:
        return None
    offer_sides = list(zip(offer_keys, offer_tags, strict=True))
    evidence = np.array(
        [[min(1.0, 0.8 * len(keys & other_keys) / max(1, min(len(keys), len(other_keys)))
              + 0.3 * (not tags.isdisjoint(other_tags)))
          for other_keys, other_tags in offer_sides]
         for keys, tags in zip(need_keys, need_tags, strict=True)],
        dtype=np.float32,
    )
    if vectors is not None and evidence.max() < SURE:  # the words say it: no encoding
        rows = vectors([*needs, *offers])
        if rows is not None:
            cosine = rows[: len(needs)] @ rows[len(needs) :].T
            cosine[cosine < MIN_COSINE] = 0.0  # short unrelated phrases come close to 0.4
            np.maximum(evidence, cosine, out=evidence)
    i, j = np.unravel_index(int(np.argmax(evidence)), evidence.shape)
    if evidence[i, j] < MIN_EVIDENCE:
        return None
    return offers[j], needs[i]
