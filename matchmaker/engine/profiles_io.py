"""The profiles interchange format (DESIGN.md): parse and validate it into Profiles, and
write suggestions back as JSON.

Every problem is an ``InputError`` with a one-line message that says where it is
(``companies[3]: missing field 'name'``), so that the CLI and the organizer's import can show
it as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .matching.items import ItemSuggestion
from .matching.types import ItemKind, Opportunity, Profile, Suggestion

REQUIRED = ("id", "name")
_TEXTS = ("name", "country", "description", "offers", "seeks", "group")
_LISTS = ("languages", "tags", "known")


@dataclass(frozen=True)
class ProfilesDocument:
    """A whole profiles file: the companies, and the optional groups and who may meet whom.

    ``groups``: group id → name (empty: the event has no groups). ``may_meet``: unordered
    pairs of group ids (a group with itself: meetings inside it), or None: everybody may
    meet; what ``Matcher.fit(profiles, may_meet)`` takes.
    """

    profiles: list[Profile]
    groups: dict[str, str]
    may_meet: tuple[tuple[str, str], ...] | None


def load_profiles(path: str | Path, taxonomy) -> list[Profile]:
    """Read a profiles file; InputError on unreadable files, bad JSON or bad content."""
    return load_document(path, taxonomy).profiles


def load_document(path: str | Path, taxonomy) -> ProfilesDocument:
    """Read a profiles file with its groups; InputError as ``load_profiles``."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read {str(path)!r}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{str(path)!r} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    return parse_document(raw, taxonomy)


def parse_profiles(raw: Any, taxonomy) -> list[Profile]:
    """Validate the decoded JSON document and build one Profile per company."""
    return parse_document(raw, taxonomy).profiles


def parse_document(raw: Any, taxonomy) -> ProfilesDocument:
    """Validate the decoded JSON document: companies, groups and ``may_meet``."""
    if not isinstance(raw, dict) or "companies" not in raw:
        raise InputError("expected an object with a 'companies' list")
    companies = raw["companies"]
    if not isinstance(companies, list):
        raise InputError("'companies' must be a list")
    profiles: list[Profile] = []
    seen: set[str] = set()
    for i, company in enumerate(companies):
        profile = _profile(company, f"companies[{i}]", taxonomy)
        if profile.id in seen:
            raise InputError(f"duplicate company id {profile.id!r}")
        seen.add(profile.id)
        profiles.append(profile)
    groups = _groups(raw.get("groups"))
    may_meet = _may_meet(raw.get("may_meet"), groups)
    for i, profile in enumerate(profiles):
        if groups and profile.group not in groups:
            problem = (f"names unknown group {profile.group!r}" if profile.group
                       else "names no group")
            raise InputError(f"companies[{i}]: {problem} (groups are defined)")
        if not groups and profile.group:
            raise InputError(f"companies[{i}]: group {profile.group!r} but no 'groups' defined")
    return ProfilesDocument(profiles, groups, may_meet)


def _groups(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise InputError("'groups' must be a list")
    groups: dict[str, str] = {}
    for i, group in enumerate(raw):
        where = f"groups[{i}]"
        if not isinstance(group, dict):
            raise InputError(f"{where}: expected an object")
        if not isinstance(group.get("id"), str) or not group["id"].strip():
            raise InputError(f"{where}: field 'id' must be a non-empty string")
        if not isinstance(group.get("name", ""), str):
            raise InputError(f"{where}: field 'name' must be a string")
        if group["id"] in groups:
            raise InputError(f"{where}: duplicate group id {group['id']!r}")
        groups[group["id"]] = group.get("name") or group["id"]
    return groups


def _may_meet(raw: Any, groups: Mapping[str, str]) -> tuple[tuple[str, str], ...] | None:
    if raw is None:
        return None
    if not groups:
        raise InputError("'may_meet' given but no 'groups' defined")
    if not isinstance(raw, list):
        raise InputError("'may_meet' must be a list of pairs of group ids")
    pairs = []
    for i, pair in enumerate(raw):
        if not (isinstance(pair, list) and len(pair) == 2
                and all(isinstance(g, str) for g in pair)):
            raise InputError(f"may_meet[{i}]: expected a pair of group ids")
        for group in pair:
            if group not in groups:
                raise InputError(f"may_meet[{i}]: unknown group {group!r}")
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def _profile(company: Any, where: str, taxonomy) -> Profile:
    if not isinstance(company, dict):
        raise InputError(f"{where}: expected an object")
    for name in REQUIRED:
        if name not in company:
            raise InputError(f"{where}: missing field {name!r}")
    if not isinstance(company["id"], str) or not company["id"].strip():
        raise InputError(f"{where}: field 'id' must be a non-empty string")
    for name in _TEXTS:
        if not isinstance(company.get(name, ""), str):
            raise InputError(f"{where}: field {name!r} must be a string")
    for name in _LISTS:
        value = company.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise InputError(f"{where}: field {name!r} must be a list of strings")
    for name in ("id", *_TEXTS, *_LISTS):  # databases cannot store NUL characters
        value = company.get(name, "")
        if any("\x00" in text for text in ([value] if isinstance(value, str) else value)):
            raise InputError(f"{where}: field {name!r} contains a NUL character")
    try:
        tags = taxonomy.validate(company.get("tags", []))
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    items = _opportunities(company.get("opportunities", []), where, taxonomy)
    return Profile(
        id=company["id"],
        name=company["name"],
        country=company.get("country", ""),
        languages=tuple(company.get("languages", [])),
        description=company.get("description", ""),
        offers=company.get("offers", ""),
        seeks=company.get("seeks", ""),
        tags=tuple(tags),
        group=company.get("group", ""),
        known=tuple(dict.fromkeys(company.get("known", []))),
        opportunities=items,
    )


def _opportunities(raw: Any, where: str, taxonomy) -> tuple[Opportunity, ...]:
    """A company's offers and requests as items: ``{"id", "kind", "title", "text", "tags"}``."""
    if not isinstance(raw, list):
        raise InputError(f"{where}: field 'opportunities' must be a list")
    items: list[Opportunity] = []
    for j, item in enumerate(raw):
        at = f"{where}.opportunities[{j}]"
        if not isinstance(item, dict):
            raise InputError(f"{at}: expected an object")
        for name in ("id", "title"):
            if not isinstance(item.get(name), str) or not item[name].strip():
                raise InputError(f"{at}: field {name!r} must be a non-empty string")
        if item.get("kind") not in tuple(ItemKind):
            raise InputError(f"{at}: field 'kind' must be 'offer' or 'request'")
        if not isinstance(item.get("text", ""), str):
            raise InputError(f"{at}: field 'text' must be a string")
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise InputError(f"{at}: field 'tags' must be a list of strings")
        if any("\x00" in text for text in (item["id"], item["title"], item.get("text", ""))):
            raise InputError(f"{at}: contains a NUL character")
        if any(other.id == item["id"] for other in items):
            raise InputError(f"{at}: duplicate opportunity id {item['id']!r}")
        try:
            tags = taxonomy.validate(tags)
        except InputError as exc:
            raise InputError(f"{at}: {exc}") from None
        items.append(Opportunity(item["id"], ItemKind(item["kind"]), item["title"],
                                 item.get("text", ""), tuple(tags)))
    return tuple(items)


def suggestions_document(
    suggestions: Mapping[str, Sequence[Suggestion]],
    tag_label: Callable[[str, str], str],
    lang: str = "en",
) -> dict[str, Any]:
    """The interchange output: ``{"suggestions": {id: [{"id", "score", "reasons"}]}}``."""
    return {
        "suggestions": {
            company_id: [
                {
                    "id": s.id,
                    "score": round(s.score, 3),
                    "reasons": [r.render(lang, tag_label) for r in s.reasons],
                }
                for s in items
            ]
            for company_id, items in suggestions.items()
        }
    }


def item_suggestions_document(
    suggestions: Mapping[str, Sequence[ItemSuggestion]],
    tag_label: Callable[[str, str], str],
    lang: str = "en",
) -> dict[str, Any]:
    """Item to item: ``{company: [{"company", "yours", "theirs", "score", "reason"}]}``."""
    return {
        company_id: [
            {"company": s.company, "yours": s.yours, "theirs": s.theirs,
             "score": round(s.score, 3), "reason": s.reason.render(lang, tag_label)}
            for s in items
        ]
        for company_id, items in suggestions.items()
        if items
    }
