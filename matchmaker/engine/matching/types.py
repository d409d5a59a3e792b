"""What goes into and comes out of the matcher: frozen dataclasses, no behaviour beyond
rendering reasons, so that the web layer and the CLI can store, compare and translate them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .text import fold


@dataclass(frozen=True, eq=False)
class Profile:
    """A company as the matcher sees it.

    ``embeddings`` are optional precomputed sentence vectors of shape (3, dim) for
    (description, offers, seeks), as made by ``embedding.embed_profile_texts``.
    """

    id: str
    name: str
    country: str = ""
    languages: tuple[str, ...] = ()
    description: str = ""
    offers: str = ""
    seeks: str = ""
    tags: tuple[str, ...] = ()
    embeddings: np.ndarray | None = field(default=None, repr=False)


class ReasonKind(StrEnum):
    """Why two companies should meet, seen from the reader's side."""

    THEY_MEET_YOUR_NEED = "they_meet_your_need"
    YOU_MEET_THEIR_NEED = "you_meet_their_need"
    SHARED_TAGS = "shared_tags"


_PHRASES = {
    "en": {
        ReasonKind.THEY_MEET_YOUR_NEED: (
            "Their offer meets your need",
            "Their offer is close to what you seek",
        ),
        ReasonKind.YOU_MEET_THEIR_NEED: (
            "Your offer meets their need",
            "Your offer is close to what they seek",
        ),
        ReasonKind.SHARED_TAGS: ("Shared capabilities", "Shared capabilities"),
    },
    "de": {
        ReasonKind.THEY_MEET_YOUR_NEED: (
            "Das Angebot des Partners deckt Ihren Bedarf",
            "Das Angebot des Partners passt zu Ihrer Suche",
        ),
        ReasonKind.YOU_MEET_THEIR_NEED: (
            "Ihr Angebot deckt den Bedarf des Partners",
            "Ihr Angebot passt zur Suche des Partners",
        ),
        ReasonKind.SHARED_TAGS: ("Gemeinsame Kompetenzen", "Gemeinsame Kompetenzen"),
    },
    "fr": {
        ReasonKind.THEY_MEET_YOUR_NEED: (
            "Leur offre répond à votre besoin",
            "Leur offre est proche de ce que vous cherchez",
        ),
        ReasonKind.YOU_MEET_THEIR_NEED: (
            "Votre offre répond à leur besoin",
            "Votre offre est proche de ce qu'ils cherchent",
        ),
        ReasonKind.SHARED_TAGS: ("Compétences communes", "Compétences communes"),
    },
}
LANGUAGES = tuple(_PHRASES)


@dataclass(frozen=True)
class Reason:
    """One structured reason: tag ids and the words of an offer that meet a need.

    Kept structured (not text) so that each reader gets it in their own language.
    """

    kind: ReasonKind
    tags: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def render(self, lang: str = "en", tag_label: Callable[[str, str], str] | None = None) -> str:
        """A short phrase in ``lang`` (en, de or fr; anything else falls back to English).

        ``tag_label(tag_id, lang)`` translates tag ids, e.g. ``Taxonomy.label``.
        """
        phrases = _PHRASES.get(lang, _PHRASES["en"])[self.kind]
        labels = [tag_label(t, lang) if tag_label else t for t in self.tags]
        items = list({fold(item): item for item in reversed([*labels, *self.words])}.values())[::-1]
        if not items:
            return phrases[1]
        separator = " : " if lang == "fr" else ": "
        return phrases[0] + separator + ", ".join(items)


@dataclass(frozen=True)
class Suggestion:
    """A suggested counterpart for one company, best first in a list."""

    id: str
    score: float
    reasons: tuple[Reason, ...] = ()
    already_meeting: bool = False
