"""The profiles interchange format (DESIGN.md): parse and validate it into Profiles, and
write suggestions back as JSON.

Every problem is an ``InputError`` with a one-line message that says where it is
(``companies[3]: missing field 'name'``), so that the CLI and the organizer's import can show
it as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .errors import InputError
from .matching.types import Profile, Suggestion

REQUIRED = ("id", "name")
_TEXTS = ("name", "country", "description", "offers", "seeks")
_LISTS = ("languages", "tags")


def load_profiles(path: str | Path, taxonomy) -> list[Profile]:
    """Read a profiles file; InputError on unreadable files, bad JSON or bad content."""
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
    return parse_profiles(raw, taxonomy)


def parse_profiles(raw: Any, taxonomy) -> list[Profile]:
    """Validate the decoded JSON document and build one Profile per company."""
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
    return profiles


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
    return Profile(
        id=company["id"],
        name=company["name"],
        country=company.get("country", ""),
        languages=tuple(company.get("languages", [])),
        description=company.get("description", ""),
        offers=company.get("offers", ""),
        seeks=company.get("seeks", ""),
        tags=tuple(tags),
    )


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
