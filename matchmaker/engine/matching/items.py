"""Offers and requests as items (cooperation opportunities): which published request meets
which published offer, item to item, the reason quoting both titles.

An item pair is scored as a profile pair's one direction is: character n-grams of title and
text, the tags (declared, or inferred from the text), and the encoder's cosine when there
are vectors. Only requests meet offers, never a company's own items, and never across
groups that may not meet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from .features import char_tfidf
from .tags import infer_tags
from .text import content_words
from .types import ItemKind, Opportunity, Profile, Reason, ReasonKind

_CHAR, _TAGS, _ENCODER = 0.35, 0.25, 0.4
MIN_SCORE = 0.05


@dataclass(frozen=True)
class ItemSuggestion:
    """For the reader: their item ``theirs`` of company ``company`` meets ``yours``."""

    company: str
    yours: str
    theirs: str
    score: float
    reason: Reason


@dataclass(frozen=True)
class _Item:
    company: int
    item: Opportunity

    @property
    def text(self) -> str:
        return f"{self.item.title}. {self.item.text}"


class ItemMatcher:
    """Fit on one event's profiles (their ``opportunities``), then ask per company."""

    def __init__(self, taxonomy, vectors: Callable[[Sequence[str]], np.ndarray | None] | None
                 = None):
        self.taxonomy = taxonomy
        self.vectors = vectors

    def fit(self, profiles: Sequence[Profile], may_meet=None) -> ItemMatcher:
        """``may_meet``: unordered group pairs as ``Matcher.fit`` takes them (None: all)."""
        self.profiles = list(profiles)
        self.items = [_Item(i, item) for i, p in enumerate(self.profiles)
                      for item in p.opportunities]
        allowed = None if may_meet is None else {frozenset(pair) for pair in may_meet}
        self._allowed = allowed
        self.scores = self._scores() if self.items else np.zeros((0, 0), dtype=np.float32)
        return self

    def _scores(self) -> np.ndarray:
        """Item × item: how well column's offer meets row's request (0 otherwise)."""
        words = [[f for _, f in content_words(it.text)] for it in self.items]
        char = char_tfidf(words, max_df=1.0)
        total = _CHAR * (char @ char.T).toarray()
        tags = self._tag_matrix()
        total += _TAGS * (tags @ tags.T).toarray()
        weight = _CHAR + _TAGS
        rows = self.vectors([it.text for it in self.items]) if self.vectors else None
        if rows is not None:
            rows = normalize(rows)
            total += _ENCODER * np.clip(rows @ rows.T, 0.0, 1.0)
            weight += _ENCODER
        total /= weight
        request = np.array([it.item.kind is ItemKind.REQUEST for it in self.items])
        company = np.array([it.company for it in self.items])
        meets = request[:, None] & ~request[None, :] & (company[:, None] != company[None, :])
        if self._allowed is not None:
            groups = [self.profiles[i].group for i in company.tolist()]
            meets &= np.array([[frozenset((a, b)) in self._allowed for b in groups]
                               for a in groups])
        return np.where(meets, total, 0.0).astype(np.float32)

    def _tag_matrix(self) -> sp.csr_matrix:
        columns: dict[str, int] = {}
        rows, cols, data = [], [], []
        for i, it in enumerate(self.items):
            tags = dict(infer_tags(it.text, self.taxonomy)) | dict.fromkeys(it.item.tags, 1.0)
            for tag, score in tags.items():
                rows.append(i)
                cols.append(columns.setdefault(tag, len(columns)))
                data.append(score)
        shape = (len(self.items), max(1, len(columns)))
        return normalize(sp.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float32))

    def suggest(self, company_id: str, k: int = 5) -> list[ItemSuggestion]:
        """The best item pairs where the company's request meets another's offer, or its
        offer meets another's request, best first."""
        mine = [j for j, it in enumerate(self.items)
                if self.profiles[it.company].id == company_id]
        found = []
        for j in mine:
            is_request = self.items[j].item.kind is ItemKind.REQUEST
            row = self.scores[j] if is_request else self.scores[:, j]
            for other in np.flatnonzero(row >= MIN_SCORE).tolist():
                found.append((float(row[other]), j, other, is_request))
        found.sort(key=lambda f: (-f[0], f[1], f[2]))
        return [self._suggestion(*f) for f in found[:k]]

    def _suggestion(self, score, yours, theirs, your_request) -> ItemSuggestion:
        mine, other = self.items[yours], self.items[theirs]
        request, offer = (mine, other) if your_request else (other, mine)
        kind = (ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER if your_request
                else ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER)
        tags = tuple(sorted(set(request.item.tags) & set(offer.item.tags),
                            key=self.taxonomy.sort_key))
        reason = Reason(kind, tags, (), (offer.item.title, request.item.title))
        return ItemSuggestion(self.profiles[other.company].id, mine.item.id, other.item.id,
                              round(score, 3), reason)
