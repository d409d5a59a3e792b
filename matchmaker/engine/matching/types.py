"""What goes into and comes out of the matcher: frozen dataclasses, no behaviour beyond
rendering reasons, so that the web layer and the CLI can store, compare and translate them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from .text import fold


class ItemKind(StrEnum):
    OFFER = "offer"
    REQUEST = "request"


@dataclass(frozen=True)
class Opportunity:
    """One published offer or request of a company (a cooperation opportunity)."""

    id: str
    kind: ItemKind
    title: str
    text: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Profile:
    """A company as the matcher sees it.

    ``embeddings`` are optional precomputed sentence vectors of shape (3, dim) for
    (description, offers, seeks), as made by ``embedding.embed_profile_texts``.
    ``group``: its participant group ("" when the event has none). ``known``: ids of the
    companies it already knows (past partners; the relation is taken both ways): never
    suggested, and the network the matcher learns from. ``opportunities``: its items.
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
    group: str = ""
    known: tuple[str, ...] = ()
    opportunities: tuple[Opportunity, ...] = ()


class ReasonKind(StrEnum):
    """Why two companies should meet, seen from the reader's side."""

    THEY_MEET_YOUR_NEED = "they_meet_your_need"
    YOU_MEET_THEIR_NEED = "you_meet_their_need"
    SHARED_TAGS = "shared_tags"
    YOUR_REQUEST_MEETS_THEIR_OFFER = "your_request_meets_their_offer"
    THEIR_REQUEST_MEETS_YOUR_OFFER = "their_request_meets_your_offer"


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
        ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER: ("Your request meets their offer",) * 2,
        ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER: ("Their request meets your offer",) * 2,
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
        ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER: (
            ("Ihre Anfrage trifft das Angebot des Partners",) * 2
        ),
        ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER: (
            ("Die Anfrage des Partners trifft Ihr Angebot",) * 2
        ),
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
        ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER: ("Votre demande rencontre leur offre",) * 2,
        ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER: ("Leur demande rencontre votre offre",) * 2,
    },
}
LANGUAGES = tuple(_PHRASES)

#: With evidence, after the kind's phrase: the offer's and the need's phrases, quoted.
_EVIDENCE = {
    "en": "«{offer}» ↔ «{need}»",
    "de": "«{offer}» ↔ «{need}»",
    "fr": "« {offer} » ↔ « {need} »",
}
#: Items: the two titles quoted within the sentence.
_ITEMS = {
    "en": {
        ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER: (
            "Your request «{need}» meets their offer «{offer}»"
        ),
        ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER: (
            "Their request «{need}» meets your offer «{offer}»"
        ),
    },
    "de": {
        ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER: (
            "Ihre Anfrage «{need}» trifft das Angebot des Partners «{offer}»"
        ),
        ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER: (
            "Die Anfrage des Partners «{need}» trifft Ihr Angebot «{offer}»"
        ),
    },
    "fr": {
        ReasonKind.YOUR_REQUEST_MEETS_THEIR_OFFER: (
            "Votre demande « {need} » rencontre leur offre « {offer} »"
        ),
        ReasonKind.THEIR_REQUEST_MEETS_YOUR_OFFER: (
            "Leur demande « {need} » rencontre votre offre « {offer} »"
        ),
    },
}


@dataclass(frozen=True)
class Reason:
    """One structured reason: tag ids, the words of an offer that meet a need, and the
    evidence quoted as written, ``phrases`` = (the offer's phrase, the need's phrase), or
    for the item kinds the offer's and the request's titles.

    Kept structured (not text) so that each reader gets it in their own language.
    """

    kind: ReasonKind
    tags: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()

    def render(self, lang: str = "en", tag_label: Callable[[str, str], str] | None = None) -> str:
        """A short phrase in ``lang`` (en, de or fr; anything else falls back to English).

        ``tag_label(tag_id, lang)`` translates tag ids, e.g. ``Taxonomy.label``. With
        evidence, the phrases are quoted and the tags follow in brackets, by their label in
        ``lang``; the loose words are left out (they may be another language's).
        """
        lang = lang if lang in _PHRASES else "en"
        labels = [tag_label(t, lang) if tag_label else t for t in self.tags]
        phrases = _PHRASES[lang][self.kind]
        separator = " : " if lang == "fr" else ": "
        if self.phrases:
            offer, need = self.phrases
            if self.kind in _ITEMS[lang]:
                text = _ITEMS[lang][self.kind].format(offer=offer, need=need)
            else:
                text = phrases[0] + separator + _EVIDENCE[lang].format(offer=offer, need=need)
            return f"{text} ({', '.join(labels)})" if labels else text
        items = list({fold(item): item for item in reversed([*labels, *self.words])}.values())[::-1]
        if not items:
            return phrases[1]
        return phrases[0] + separator + ", ".join(items)


@dataclass(frozen=True)
class Suggestion:
    """A suggested counterpart for one company, best first in a list."""

    id: str
    score: float
    reasons: tuple[Reason, ...] = ()
    already_meeting: bool = False
    known: bool = False  # a partner it already knows: shown as such, never suggested
