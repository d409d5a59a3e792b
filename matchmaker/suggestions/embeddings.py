"""Cached sentence vectors of company profiles, so that matching never waits for the encoder.

A profile's (description, offers, seeks) are embedded when it is saved, and in one batch for
bulk work (the demo seed, imports). Without the optional encoder nothing is stored and the
matcher falls back to TF-IDF and tags."""

from __future__ import annotations

import hashlib

import numpy as np
from flask import current_app

from ..engine.embedding import DIM, EMBEDDED_FIELDS, ENCODER_ID, embed_profile_texts
from ..engine.embedding import encoder_available as _encoder_installed
from ..extensions import db
from ..models import Company, CompanyEmbedding


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
