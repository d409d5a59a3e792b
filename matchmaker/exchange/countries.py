"""Country names in English, German or French (or ISO codes) to ISO 3166 alpha-2 codes."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale
from rapidfuzz import fuzz, process

from ..choices import _NOT_COUNTRIES

LANGUAGES = ("en", "de", "fr")
# Common ways of writing a country that Babel's names do not cover.
ALIASES = {"uk": "GB", "great britain": "GB", "england": "GB", "usa": "US", "u.s.a.": "US",
           "u.s.": "US", "america": "US", "holland": "NL", "deutschland": "DE",
           "brd": "DE", "czechia": "CZ", "tchequie": "CZ", "grossbritannien": "GB",
           "großbritannien": "GB", "grande-bretagne": "GB", "grande bretagne": "GB"}


def fold(text: str) -> str:
    """Lower case without accents or extra spaces: "Frankreich " -> "frankreich"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
                names.setdefault(fold(name), code)
    for alias, code in ALIASES.items():
        names.setdefault(fold(alias), code)
    return names


@cache
def _codes() -> frozenset[str]:
    return frozenset(_names().values())


def resolve(value: str) -> tuple[str | None, str | None]:
    """(ISO code, None) when the value is a code or a known name; (None, best guess) else."""
    key = fold(value)
    if len(key) == 2 and key.upper() in _codes():
        return key.upper(), None
    code = _names().get(key)
    if code:
        return code, None
    best = process.extractOne(key, list(_names()), scorer=fuzz.WRatio, score_cutoff=70)
    return None, (_names()[best[0]] if best else None)


def english_name(code: str) -> str:
    return Locale.parse("en").territories.get(code, code)
