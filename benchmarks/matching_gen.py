"""Synthetic company profiles for the matching benchmark.

Profiles are recombined from the clauses of the labelled evaluation set (German, French and
English), with extra places, certifications and product names, so that the vocabulary and
the text lengths look like a real event's while any size can be produced deterministically.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from matchmaker.engine.matching import Profile

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching_eval.json"
_PLACES = (
    "Pforzheim",
    "Karlsruhe",
    "Stuttgart",
    "Lyon",
    "Toulouse",
    "Bordeaux",
    "Rennes",
    "Calw",
    "Mühlacker",
    "Grenoble",
    "Nantes",
    "Ulm",
    "Besançon",
    "Metz",
    "Lille",
)
_EXTRAS = (
    "Zertifiziert nach ISO 9001 und EN 9100.",
    "Certifié ISO 9001 et EN 9100.",
    "Certified to ISO 27001.",
    "Seit {year} am Standort {place}.",
    "Fondée en {year} à {place}.",
    "Founded in {year} in {place}.",
    "Export vers {n} pays.",
    "{n} Mitarbeiter.",
    "{n} employees.",
)


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


def generate(n: int, seed: int = 7) -> list[Profile]:
    """``n`` synthetic profiles; the same seed gives the same profiles."""
    companies = json.loads(EVAL_SET.read_text(encoding="utf-8"))["companies"]
    rng = random.Random(seed)
    profiles = []
    for i in range(n):
        base, other = rng.choice(companies), rng.choice(companies)
        offers = _clauses(base["offers"]) + rng.sample(_clauses(other["offers"]), 1)
        rng.shuffle(offers)
        extra = rng.choice(_EXTRAS).format(
            year=rng.randint(1950, 2022), place=rng.choice(_PLACES), n=rng.randint(5, 900)
        )
        profiles.append(
            Profile(
                id=f"s{i}",
                name=f"{base['name'].split()[0]} {rng.choice(_PLACES)} {i}",
                country=base["country"],
                languages=tuple(base["languages"]),
                description=f"{base['description']} {extra} Modell X{rng.randint(100, 9999)}.",
                offers=", ".join(offers),
                seeks=rng.choice((base, other))["seeks"],
                tags=tuple(sorted(set(base["tags"]) | set(rng.sample(other["tags"], 1)))),
            )
        )
    return profiles
