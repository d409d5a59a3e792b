"""Capability taxonomy: stable tag ids with labels and inference keywords in every UI language.

The data lives in ``data/taxonomy.json`` so it can be translated and extended without touching
code. This module only loads it, checks its shape once (a broken file fails at start-up, not on
some page later) and answers look-ups. Standard library only: the engine stays pure.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from matchmaker.engine.errors import InputError

FALLBACK_LANGUAGE = "en"


class UnknownTagError(InputError):
    """A tag id is not in the taxonomy; imports fail loudly instead of dropping it."""


@dataclass(frozen=True)
class Family:
    """A group of tags (``ci``, ``du``, ``ml``, ``sg``); hashed by id only."""

    id: str
    labels: Mapping[str, str] = field(hash=False)

    def label(self, lang: str) -> str:
        """The label in ``lang``, or English when that language is not translated."""
        return self.labels.get(lang) or self.labels[FALLBACK_LANGUAGE]


@dataclass(frozen=True)
class Tag:
    """One capability; ``keywords`` are lower-case phrases per language for inference from text."""

    id: str
    family: str
    labels: Mapping[str, str] = field(hash=False)
    keywords: Mapping[str, tuple[str, ...]] = field(hash=False)

    def label(self, lang: str) -> str:
        """The label in ``lang``, or English when that language is not translated."""
        return self.labels.get(lang) or self.labels[FALLBACK_LANGUAGE]


class Taxonomy:
    """The loaded taxonomy; file order is the display and sort order."""

    def __init__(
        self, languages: Iterable[str], families: Iterable[Family], tags: Iterable[Tag]
    ) -> None:
        self.languages: tuple[str, ...] = tuple(languages)
        self.families: tuple[Family, ...] = tuple(families)
        self.tags: tuple[Tag, ...] = tuple(tags)
        self._tags = {tag.id: tag for tag in self.tags}
        self._families = {family.id: family for family in self.families}
        self._position = {tag.id: i for i, tag in enumerate(self.tags)}

    def __contains__(self, tag_id: object) -> bool:
        return tag_id in self._tags

    def __len__(self) -> int:
        return len(self.tags)

    def get(self, tag_id: str) -> Tag:
        """The tag with this id; raises UnknownTagError naming it otherwise."""
        try:
            return self._tags[tag_id]
        except KeyError:
            raise UnknownTagError(f"unknown tag id {tag_id!r}") from None

    def label(self, tag_id: str, lang: str) -> str:
        """The tag's label in ``lang`` (English fallback)."""
        return self.get(tag_id).label(lang)

    def family_of(self, tag_id: str) -> Family:
        """The family the tag belongs to."""
        return self._families[self.get(tag_id).family]

    def tags_by_family(self) -> list[tuple[Family, list[Tag]]]:
        """Families with their tags, both in file order (for grouped pickers and filters)."""
        return [
            (family, [tag for tag in self.tags if tag.family == family.id])
            for family in self.families
        ]

    def validate(self, ids: Iterable[str]) -> list[str]:
        """The ids de-duplicated in given order; UnknownTagError names the first unknown one."""
        if isinstance(ids, str):
            raise TypeError("validate() takes an iterable of tag ids, not a single string")
        seen: dict[str, None] = {}
        for tag_id in ids:
            if tag_id not in self._tags:
                raise UnknownTagError(f"unknown tag id {tag_id!r}")
            seen.setdefault(tag_id, None)
        return list(seen)

    def sort_key(self, tag_id: str) -> tuple[int, str]:
        """Taxonomy order (ml.2 before ml.10); unknown ids sort last, by id, instead of failing."""
        return (self._position.get(tag_id, len(self.tags)), tag_id)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(f"taxonomy: {message}")


def _labels(raw: Any, languages: tuple[str, ...], where: str) -> Mapping[str, str]:
    _require(isinstance(raw, dict), f"{where}: labels must be an object")
    for lang in languages:
        value = raw.get(lang)
        _require(isinstance(value, str) and value.strip() != "", f"{where}: no {lang!r} label")
    return MappingProxyType({lang: raw[lang] for lang in languages})


def _keywords(raw: Any, languages: tuple[str, ...], where: str) -> Mapping[str, tuple[str, ...]]:
    _require(isinstance(raw, dict), f"{where}: keywords must be an object")
    result: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        words = raw.get(lang)
        _require(isinstance(words, list) and words != [], f"{where}: no {lang!r} keywords")
        for word in words:
            _require(
                isinstance(word, str) and word.strip() == word != "" and word == word.lower(),
                f"{where}: keyword {word!r} must be a trimmed lower-case string",
            )
        result[lang] = tuple(words)
    return MappingProxyType(result)


def parse_taxonomy(raw: Any) -> Taxonomy:
    """Build a Taxonomy from the decoded JSON, raising InputError on any shape problem."""
    _require(isinstance(raw, dict), "top level must be an object")
    languages = raw.get("languages")
    _require(
        isinstance(languages, list) and FALLBACK_LANGUAGE in languages,
        f"'languages' must be a list including {FALLBACK_LANGUAGE!r}",
    )
    langs = tuple(languages)
    _require(isinstance(raw.get("families"), list), "'families' must be a list")
    families: list[Family] = []
    tags: list[Tag] = []
    seen: set[str] = set()
    for raw_family in raw["families"]:
        _require(isinstance(raw_family, dict), "each family must be an object")
        family_id = raw_family.get("id")
        _require(isinstance(family_id, str) and family_id != "", "a family has no id")
        _require(family_id not in seen, f"duplicate id {family_id!r}")
        seen.add(family_id)
        families.append(Family(family_id, _labels(raw_family.get("labels"), langs, family_id)))
        _require(isinstance(raw_family.get("tags"), list), f"{family_id}: 'tags' must be a list")
        for raw_tag in raw_family["tags"]:
            _require(isinstance(raw_tag, dict), f"{family_id}: each tag must be an object")
            tag_id = raw_tag.get("id")
            _require(
                isinstance(tag_id, str)
                and tag_id.startswith(family_id + ".")
                and len(tag_id) > len(family_id) + 1,
                f"tag id {tag_id!r} must start with {family_id + '.'!r}",
            )
            _require(tag_id not in seen, f"duplicate id {tag_id!r}")
            seen.add(tag_id)
            labels = _labels(raw_tag.get("labels"), langs, tag_id)
            keywords = _keywords(raw_tag.get("keywords"), langs, tag_id)
            tags.append(Tag(tag_id, family_id, labels, keywords))
    return Taxonomy(langs, families, tags)


@cache
def load_taxonomy() -> Taxonomy:
    """The packaged taxonomy, parsed and checked once per process."""
    text = resources.files("matchmaker.engine").joinpath("data/taxonomy.json").read_text("utf-8")
    return parse_taxonomy(json.loads(text))
