"""Search across languages, for the directory and the marketplace: "thermal" finds the French
"caméras thermiques".

A query meets a document in three ways, summed: character n-grams (inflection, compounds,
names), taxonomy tags (the query's words are looked up among the keywords of every
language, a word also matching the start of a keyword's word — "thermal" names "thermal
camera" and so the tag that "caméras thermiques" infers), and, when vectors are given, the
multilingual encoder's cosine. A number in the query meets the codes that hold it ("4569"
finds "STANAG 4569").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import normalize

from .features import char_tfidf
from .tags import infer_tags, keyword_index
from .text import STOPWORDS, content_words, fold, tokens

#: Weights of the three signals (n-grams, tags, encoder); rescaled without the encoder.
_CHAR, _TAGS, _ENCODER = 0.4, 0.3, 0.3
#: Below this a document is not a hit.
MIN_SCORE = 0.05
#: A number in a query is part of a code sought ("4569" finds "STANAG 4569"), though not a
#: word of a profile.
_NUMBER = re.compile(r"\b\d{3,}\b")


@dataclass(frozen=True)
class Document:
    """Something to find: a profile or an opportunity, its text and declared tags."""

    id: str
    text: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    tags: tuple[str, ...] = ()  # the tags through which the query met it


def query_tags(query: str, taxonomy) -> set[str]:
    """The tags a (short) query speaks of: those its text infers, and those with a keyword
    whose words start with one of the query's words (at least four letters)."""
    found = {tag for tag, _ in infer_tags(query, taxonomy)}
    words = [fold(w) for w in tokens(query) if len(w) >= 4 and fold(w) not in STOPWORDS]
    if not words:
        return found
    index = keyword_index(taxonomy)
    keywords = [*(((k,), v) for k, v in index.words.items()), *index.phrases.items()]
    for parts, tags in keywords:
        if any(part.startswith(word) for word in words for part in parts):
            found.update(tags)
    return found


def search(
    query: str,
    documents: Sequence[Document],
    taxonomy,
    vectors: Callable[[Sequence[str]], np.ndarray | None] | None = None,
    limit: int = 20,
) -> list[Hit]:
    """The documents that meet ``query``, best first (at most ``limit``).

    ``vectors(texts)``: L2-normalised sentence vectors (e.g. ``VectorCache.embed``), or None.
    """
    asked = [f for _, f in content_words(query)] + _NUMBER.findall(query)
    if not documents or not asked:
        return []
    texts = [d.text for d in documents]
    words = [asked, *([f for _, f in content_words(t)] for t in texts)]
    char = char_tfidf(words, max_df=1.0)
    scores = _CHAR * (char[1:] @ char[0].T).toarray().ravel()
    wanted = query_tags(query, taxonomy)
    tags_of = [set(d.tags) | {t for t, _ in infer_tags(d.text, taxonomy)} for d in documents]
    met = [tuple(sorted(wanted & tags, key=taxonomy.sort_key)) for tags in tags_of]
    if wanted:
        scores += _TAGS * np.array([len(m) / len(wanted) for m in met])
    weight = _CHAR + _TAGS
    rows = vectors([query, *texts]) if vectors is not None else None
    if rows is not None:
        rows = normalize(rows)
        scores += _ENCODER * np.clip(rows[1:] @ rows[0], 0.0, 1.0)
        weight += _ENCODER
    scores /= weight
    order = np.argsort(-scores, kind="stable")[:limit]
    return [Hit(documents[i].id, round(float(scores[i]), 3), met[i])
            for i in order if scores[i] >= MIN_SCORE]
