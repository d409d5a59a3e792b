"""Search across languages for the directory and the marketplace, through the engine's
``search``: "thermal" finds the French "caméras thermiques".

The engine also counts a document that meets the query only through a broad tag ("thermal"
names the family "sensors and lasers", and so does a radar): in a list a person reads, that
is noise. A hit is kept when its text meets the query (n-grams, or the encoder's cosine) or
when it carries more than half of the tags the query names."""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.matching import Document, Hit, search
from ..engine.matching.search import query_tags
from ..engine.taxonomy import load_taxonomy
from .embeddings import query_vectors

#: The engine's weights of n-grams, tags and encoder (``engine.matching.search``).
_TAGS, _TEXT_ONLY_WEIGHT, _WITH_ENCODER_WEIGHT = 0.3, 0.7, 1.0
#: Least share of the score that the text itself must bring.
TEXT_EVIDENCE = 0.03


def find(query: str, documents: Sequence[Document], rows: list, limit: int) -> list[Hit]:
    """The documents that meet ``query``, best first; ``rows``: their stored vectors (None
    where missing: then no encoder at all, rather than encoding on a page view)."""
    taxonomy = load_taxonomy()
    vectors = query_vectors(query, rows)
    hits = search(query, documents, taxonomy, vectors, limit=limit)
    wanted = query_tags(query, taxonomy)
    weight = _WITH_ENCODER_WEIGHT if vectors is not None else _TEXT_ONLY_WEIGHT
    kept = []
    for hit in hits:
        share = len(hit.tags) / len(wanted) if wanted else 0.0
        text = hit.score - _TAGS * share / weight
        if text >= TEXT_EVIDENCE or share > 0.5:
            kept.append(hit)
    return kept
