"""Tag inference: which taxonomy tags a text speaks of, through the taxonomy's keywords in
German, French and English. Tags are language-free, so a French need and a German offer that
infer the same tag meet even when they share no word."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .text import fold, tokens


@dataclass(frozen=True)
class KeywordIndex:
    """Folded keywords of one taxonomy.

    ``words``: single-word keyword → tag ids; ``phrases``: multi-word keyword → tag ids;
    ``weights``: keyword → 1/(number of its tags), since a shared keyword says less.
    """

    words: dict[str, tuple[str, ...]]
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    weights: dict[str, float]
    heads: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    longest: int = 0  # the longest keyword or head: no longer piece of a word can be one
    _word_cache: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def keywords_in_word(self, word: str) -> tuple[str, ...]:
        """The keywords and phrase heads that name a folded word (memoised: vocabularies repeat)."""
        hit = self._word_cache.get(word)
        if hit is None:
            hit = tuple(k for k in _candidates(word, self.longest)
                        if k in self.words or k in self.heads)
            self._word_cache[word] = hit
        return hit


def _candidates(word: str, longest: int):
    """Every keyword shape that ``keyword_matches`` accepts for ``word``, up to ``longest``
    letters: without the bound a 20,000-letter "word" would take minutes (quadratic)."""
    yield word
    for end in range(4, min(len(word), longest + 1)):
        yield word[:end]
    for start in range(1, len(word) - 5):
        for end in range(start + 6, min(len(word), start + longest) + 1):
            yield word[start:end]


def keyword_matches(keyword: str, word: str) -> bool:
    """Whether a folded keyword names a folded word, allowing inflection and compounds.

    Short keywords (acronyms like "uav") must be the whole word; longer ones may start the
    word ("drone" → "drones") or, from six letters, sit inside a German compound
    ("gehause" in "aluminiumgehausen").
    """
    if len(keyword) <= 3:
        return word == keyword
    return word.startswith(keyword) or (len(keyword) >= 6 and keyword in word)


_INDEXES: dict[int, tuple[Any, KeywordIndex]] = {}


def keyword_index(taxonomy) -> KeywordIndex:
    """Build (once per taxonomy object) the folded keyword index."""
    cached = _INDEXES.get(id(taxonomy))
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    words: dict[str, set[str]] = defaultdict(set)
    phrases: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for tag in taxonomy.tags:
        for keywords in tag.keywords.values():
            for keyword in keywords:
                parts = tuple(fold(word) for word in tokens(keyword))
                if not parts:
                    continue
                (words[parts[0]] if len(parts) == 1 else phrases[parts]).add(tag.id)
    weights = {k: 1.0 / len(v) for k, v in words.items()}
    weights.update({" ".join(k): 1.0 / len(v) for k, v in phrases.items()})
    heads: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for phrase in phrases:
        heads[phrase[0]].append(phrase)
    index = KeywordIndex(
        {k: tuple(sorted(v)) for k, v in words.items()},
        {k: tuple(sorted(v)) for k, v in phrases.items()},
        weights,
        {k: tuple(v) for k, v in heads.items()},
        max(map(len, [*words, *heads]), default=0),
    )
    _INDEXES[id(taxonomy)] = (taxonomy, index)
    return index


def matched_keywords(text: str, taxonomy) -> dict[str, set[str]]:
    """Tag id → the folded keywords of that tag found in ``text``."""
    index = keyword_index(taxonomy)
    words = [fold(w) for w in tokens(text)]
    found: dict[str, set[str]] = defaultdict(set)
    for i, word in enumerate(words):
        for key in index.keywords_in_word(word):
            for tag_id in index.words.get(key, ()):
                found[tag_id].add(key)
            for phrase in index.heads.get(key, ()):
                if _phrase_at(phrase, words, i):
                    for tag_id in index.phrases[phrase]:
                        found[tag_id].add(" ".join(phrase))
    return found


def _phrase_at(phrase: tuple[str, ...], words: list[str], start: int) -> bool:
    end = start + len(phrase)
    return end <= len(words) and all(map(keyword_matches, phrase[1:], words[start + 1 : end]))


def infer_tags(text: str, taxonomy, min_score: float = 0.0) -> list[tuple[str, float]]:
    """Suggest tags for a text: (tag id, score in (0, 1)), best first.

    The score grows with the evidence, the summed weights of the distinct keywords found
    (1 - e^-x): one unshared keyword gives 0.63, three give 0.95.
    """
    index = keyword_index(taxonomy)
    scores = []
    for tag_id, keywords in matched_keywords(text, taxonomy).items():
        score = 1.0 - math.exp(-sum(index.weights[k] for k in keywords))
        if score > min_score:
            scores.append((tag_id, round(score, 4)))
    scores.sort(key=lambda item: (-item[1], taxonomy.sort_key(item[0])))
    return scores
