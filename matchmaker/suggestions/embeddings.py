"""Cached sentence vectors of company profiles, so that matching never waits for the encoder.

A profile's (description, offers, seeks) are embedded when it is saved, and in one batch for
bulk work (the demo seed, imports). Without the optional encoder nothing is stored and the
matcher falls back to TF-IDF and tags."""

from __future__ import annotations

import hashlib

import numpy as np
from flask import current_app

from ..engine.embedding import (
    DIM,
    EMBEDDED_FIELDS,
    ENCODER_ID,
    embed_profile_texts,
    embed_texts,
)
from ..engine.embedding import encoder_available as _encoder_installed
from ..extensions import db
from ..models import Company, CompanyEmbedding, Opportunity


def encoder_enabled() -> bool:
    return bool(current_app.config["USE_ENCODER"]) and _encoder_installed()


def _texts(company: Company) -> tuple[str, str, str]:
    return tuple(getattr(company, field) or "" for field in EMBEDDED_FIELDS)


def _digest(texts: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()


def _is_current(company: Company) -> bool:
    cached = company.embedding
    return (cached is not None and cached.model == ENCODER_ID
            and cached.text_digest == _digest(_texts(company)))


def refresh_embeddings(companies: list[Company]) -> int:
    """Embed the companies whose texts changed since their vectors were made (on save).

    Returns how many were embedded (0 when the encoder is not installed)."""
    stale = [c for c in companies if not _is_current(c)]
    if not stale or not encoder_enabled():
        return 0
    vectors = embed_profile_texts([_texts(c) for c in stale])
    for company, matrix in zip(stale, vectors, strict=True):
        cached = company.embedding or CompanyEmbedding(company=company)
        cached.model = ENCODER_ID
        cached.text_digest = _digest(_texts(company))
        cached.vectors = np.ascontiguousarray(matrix, dtype=np.float32).tobytes()
        db.session.add(cached)
    db.session.flush()
    return len(stale)


def vectors_of(company: Company) -> np.ndarray | None:
    """The cached (3, DIM) matrix, or None when missing or made from older texts."""
    if not _is_current(company):
        return None
    matrix = np.frombuffer(company.embedding.vectors, dtype=np.float32)
    return matrix.reshape(len(EMBEDDED_FIELDS), DIM)


def company_vector(company: Company) -> np.ndarray | None:
    """One vector for searching a profile: the mean of its stored (description, offers,
    seeks) rows, or None."""
    matrix = vectors_of(company)
    return None if matrix is None else matrix.mean(axis=0)


# ---- offers and requests (marketplace items) -------------------------------------------------


def _item_digest(item: Opportunity) -> str:
    return hashlib.sha256(f"{ENCODER_ID}\x1f{item.search_text}".encode()).hexdigest()


def refresh_item_vectors(items: list[Opportunity]) -> int:
    """Embed the items whose title or text changed since their vector was made (on save,
    in one batch for imports and the demo); 0 without the encoder."""
    stale = [i for i in items if i.vector is None or i.vector_digest != _item_digest(i)]
    if not stale or not encoder_enabled():
        return 0
    vectors = embed_texts([i.search_text for i in stale])
    for item, row in zip(stale, vectors, strict=True):
        item.vector = np.ascontiguousarray(row, dtype=np.float32).tobytes()
        item.vector_digest = _item_digest(item)
    db.session.flush()
    return len(stale)


def item_vector(item: Opportunity) -> np.ndarray | None:
    """The stored vector of the item's current text, or None."""
    if item.vector is None or item.vector_digest != _item_digest(item):
        return None
    return np.frombuffer(item.vector, dtype=np.float32)


def stored_vectors(rows: list[np.ndarray | None]):
    """A ``vectors(texts)`` callable for the engine's search and item matching that answers
    with the stored rows, or None when any is missing (then the engine does without the
    encoder rather than encoding on a page view)."""
    if not rows or any(r is None for r in rows) or not encoder_enabled():
        return None
    matrix = np.stack(rows)
    return lambda texts: matrix if len(texts) == len(matrix) else None


def query_vectors(query: str, rows: list[np.ndarray | None]):
    """For a search: the query's vector (one short text, encoded now: it is read, never
    stored) on top of the stored rows; None when any row is missing."""
    if not rows or any(r is None for r in rows) or not encoder_enabled():
        return None
    matrix = np.stack(rows)
    return lambda texts: np.vstack([embed_texts([query]), matrix])
