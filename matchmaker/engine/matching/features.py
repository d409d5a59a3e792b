"""Character n-gram TF-IDF built per distinct word instead of per text.

An event's texts reuse a small vocabulary, so the n-grams of each distinct word are made
once and a text's counts are the sparse product (texts × words)(words × n-grams). The
matrix equals scikit-learn's ``TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
sublinear_tf=True, max_df=…)`` on the words joined by spaces, bit for bit, except that its
columns are in order of first appearance rather than alphabetical (no one reads the
vocabulary; rows keep scikit-learn's order of entries, so that their norms sum alike).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfTransformer

_NGRAMS = range(3, 6)


def char_tfidf(texts: Sequence[Sequence[str]], max_df: float) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows of the words' 3–5-letter n-grams; n-grams found in more
    than ``max_df`` of the texts are dropped; all-zero when no n-gram is left."""
    counts = _counts(texts)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    kept = np.flatnonzero(df <= max_df * len(texts))
    if not len(kept):
        return sp.csr_matrix((len(texts), 1), dtype=np.float32)
    return TfidfTransformer(sublinear_tf=True).fit_transform(counts[:, kept]).tocsr()


def _counts(texts: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """n-gram counts per text (float32), columns numbered in order of first appearance."""
    words: dict[str, int] = {}
    text_words = [[words.setdefault(w.lower(), len(words)) for w in text] for text in texts]
    grams: dict[str, int] = {}
    word_grams = [Counter(grams.setdefault(g, len(grams)) for g in _char_wb(w)) for w in words]
    per_text = sparse_rows([Counter(row) for row in text_words], len(words))
    per_word = sparse_rows(word_grams, len(grams))
    counts = (per_text @ per_word).tocsr()
    counts.sort_indices()
    return counts


def sparse_rows(rows: list[dict[int, int]], width: int, dtype=np.float32) -> sp.csr_matrix:
    """A CSR matrix (indices sorted) whose row i holds ``rows[i]``: column → value."""
    indptr = np.cumsum([0, *map(len, rows)])
    indices = np.fromiter(chain.from_iterable(rows), dtype=np.int32, count=indptr[-1])
    data = np.fromiter(chain.from_iterable(map(dict.values, rows)), dtype, indptr[-1])
    out = sp.csr_matrix((data, indices, indptr), shape=(len(rows), width))
    out.sort_indices()
    return out


def _char_wb(word: str) -> Iterable[str]:
    """The padded word's n-grams in scikit-learn's ``char_wb`` order (a short word once)."""
    padded = f" {word} "
    for n in _NGRAMS:
        if len(padded) <= n:
            yield padded
            return
        for start in range(len(padded) - n + 1):
            yield padded[start : start + n]
