"""Text normalisation shared by the vectorisers, tag inference and reasons.

Profiles mix German, French and English. Accents and case are folded so that "Gehäuse" and
"gehause", "sécurité" and "securite" meet; function words and the words every profile uses
to say it is looking for something ("Kunden", "clients", "partners") are dropped, because
they make every seeker resemble every other seeker. Codes that mix letters and digits
("5G", "C4ISR", "MIL-STD-810G", "EN 1627", a call's "SU-DRS01-2018") are words of their own:
split into their letters alone they would say "axis" for "5-axis" and nothing for "5G".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_STOPWORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "more",
        "most",
        "new",
        "not",
        "of",
        "on",
        "or",
        "our",
        "other",
        "over",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "up",
        "us",
        "was",
        "we",
        "were",
        "which",
        "while",
        "who",
        "will",
        "with",
        "within",
        "you",
        "your",
        "customers",
        "customer",
        "clients",
        "client",
        "partner",
        "partners",
        "supplier",
        "suppliers",
        "market",
        "markets",
        "looking",
        "seek",
        "seeking",
        "need",
        "needs",
        "offer",
        "offers",
        "makers",
        "maker",
        "companies",
        "company",
        "aber",
        "alle",
        "als",
        "am",
        "an",
        "auch",
        "auf",
        "aus",
        "bei",
        "bis",
        "das",
        "dass",
        "dem",
        "den",
        "der",
        "des",
        "die",
        "durch",
        "ein",
        "eine",
        "einem",
        "einen",
        "einer",
        "eines",
        "es",
        "für",
        "fur",
        "gegen",
        "hat",
        "im",
        "in",
        "ist",
        "mit",
        "nach",
        "neue",
        "neuen",
        "neuer",
        "nicht",
        "noch",
        "oder",
        "ohne",
        "sich",
        "sie",
        "sind",
        "so",
        "über",
        "uber",
        "um",
        "und",
        "uns",
        "unser",
        "unsere",
        "unseren",
        "unserer",
        "von",
        "vor",
        "wie",
        "wir",
        "zu",
        "zum",
        "zur",
        "kunden",
        "kunde",
        "partner",
        "partnern",
        "lieferanten",
        "lieferant",
        "suchen",
        "suche",
        "markt",
        "marktes",
        "sowie",
        "rund",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "est",
        "il",
        "ils",
        "la",
        "le",
        "les",
        "leur",
        "leurs",
        "nos",
        "notre",
        "nous",
        "ou",
        "par",
        "pas",
        "plus",
        "pour",
        "qui",
        "que",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "un",
        "une",
        "vos",
        "votre",
        "à",
        "a",
        "l",
        "d",
        "qu",
        "s",
        "n",
        "clients",
        "client",
        "partenaire",
        "partenaires",
        "fournisseur",
        "fournisseurs",
        "nouveaux",
        "nouvelles",
        "nouveau",
        "nouvelle",
        "marché",
        "marchés",
        "recherchons",
        "cherchons",
        "cherche",
        "recherche",
        "besoin",
    ]
)
_TOKEN = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
#: A standard's name and number ("EN 1627", "IEC 62443-3-3", "STANAG 4569"), or else a run of
#: letters and digits joined by hyphens, or by dots before a digit ("2012.1.5").
_RUN = re.compile(r"\b[A-Z]{2,8}[ \u00a0]\d{3,6}(?:[-:.]\d+)*\b|[^\W_]+(?:(?:-|\.(?=\d))[^\W_]+)*",
                  re.UNICODE)
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1 << 17)
def fold(text: str) -> str:
    """Lower-case and strip accents (ß becomes ss), keeping only the base letters."""
    text = text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


STOPWORDS = frozenset(fold(w) for w in _STOPWORDS)


def tokens(text: str) -> list[str]:
    """Original-case words of ``text``: runs of two or more letters, and before those of a
    code the code itself (a run of letters and digits with both, whole: "MIL-STD-810G",
    then "MIL", "STD"; a standard's "EN 1627", then "EN"); numbers alone are left out."""
    if not _DIGIT.search(text or ""):
        return _TOKEN.findall(text or "")
    out = []
    for run in _RUN.findall(text):
        if run.isalpha():  # most runs are a plain word: no regex needed
            if len(run) > 1:
                out.append(run)
            continue
        if _DIGIT.search(run) and _LETTER.search(run):
            out.append(run)
        out.extend(_TOKEN.findall(run))
    return out


def carries_meaning(folded: str) -> bool:
    """Whether a folded token is a content word: a code, or three letters or more that are
    not a function word."""
    return (len(folded) >= 3 or _DIGIT.search(folded) is not None) and folded not in STOPWORDS


def content_words(text: str) -> list[tuple[str, str]]:
    """(surface form, folded form) of the words that carry meaning, in order, unique."""
    seen: dict[str, str] = {}
    for word in tokens(text):
        folded = fold(word)
        if folded not in seen and carries_meaning(folded):
            seen[folded] = word
    return [(surface, folded) for folded, surface in seen.items()]


def clean(text: str) -> str:
    """Folded content words joined by spaces: what the vectorisers see."""
    return " ".join(folded for _, folded in content_words(text))


@lru_cache(maxsize=1 << 17)
def link_keys(folded: str) -> frozenset[str]:
    """Keys under which two words count as forms of one another, across inflection and
    compounds: the word's first five and six letters (its stem: "anodisation", "anodiser";
    "laser", "laserschweissen") and its inner six-letter pieces ("gehaus" in
    "aluminiumgehausen"); word endings are left out because endings like "-ation" are shared
    by unrelated words. Related words share a key, which is a cheap set intersection."""
    if len(folded) < 5:
        return frozenset((folded,))
    inner = (folded[i : i + 6] for i in range(1, len(folded) - 6))
    return frozenset((folded[:5], folded[:6], *inner))
