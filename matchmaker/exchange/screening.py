"""Denied-party screening: the organizers upload a sanctions list (CSV, e.g. the EU consolidated
list); registrations whose company name is close to a listed name, or whose country is listed
as a whole, are flagged in the vetting queue for a human decision. Nothing is decided here."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process

from .. import audit
from ..extensions import db
from ..models import Company, DeniedParty, User
from . import countries
from .tables import FileProblem, decode_text

MATCH_THRESHOLD = 85
NAME_HEADERS = ("name", "naal_wholename", "namealias_wholename", "whole name", "wholename",
                "entity name", "entity_name", "full name", "party name", "denied party")
COUNTRY_HEADERS = ("country", "country code", "countryiso2code", "address_countryiso2code",
                   "addr_country", "citizenship_countryiso2code", "iso2", "land", "pays")
LEGAL_FORMS = re.compile(
    r"\b(gmbh|ag|kg|ohg|se|sas|sa|sarl|sasu|eurl|ltd|limited|llc|inc|corp|corporation|co|"
    r"company|plc|bv|nv|spa|srl|oy|ab|as|jsc|ojsc|pjsc|ooo|zao|oao|group|holding)\b\.?")


@dataclass(frozen=True)
class Hit:
    name: str
    country: str
    score: int  # 0-100; 100 for a listed country
    kind: str  # "name" or "country"


def simplify(name: str) -> str:
    folded = countries.fold(name)
    folded = re.sub(r"[^\w\s]", " ", folded)
    return " ".join(LEGAL_FORMS.sub(" ", folded).split())


def parse_list(content: bytes) -> list[tuple[str, str]]:
    """(name, country code) pairs from a CSV with a name and/or a country column."""
    if not content:
        raise FileProblem(_l("The file is empty."))
    text = decode_text(content)
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:  # e.g. a field beyond csv's size limit
        raise FileProblem(_l("The CSV file is malformed: %(error)s", error=str(error))) \
            from error
    if not rows:
        raise FileProblem(_l("The file is empty."))
    headers = [countries.fold(h).replace("-", " ") for h in rows[0]]
    name_col = next((headers.index(h) for h in NAME_HEADERS if h in headers), None)
    country_col = next((headers.index(h) for h in COUNTRY_HEADERS if h in headers), None)
    if name_col is None and country_col is None:
        raise FileProblem(_l("The first line must name a “name” column, a “country” column, "
                             "or both."))
    entries: set[tuple[str, str]] = set()
    for row in rows[1:]:
        name = row[name_col].strip() if name_col is not None and name_col < len(row) else ""
        country = ""
        if country_col is not None and country_col < len(row) and row[country_col].strip():
            country = countries.resolve(row[country_col])[0] or ""
        if name or country:
            entries.add((name[:400], country))
    if not entries:
        raise FileProblem(_l("The list has no entries."))
    return sorted(entries)


def replace_list(actor: User, filename: str, content: bytes) -> int:
    """The uploaded list replaces the previous one; returns how many entries it has."""
    entries = parse_list(content)
    db.session.execute(db.delete(DeniedParty))
    db.session.add_all(DeniedParty(name=name, country=country, source=filename[:255])
                       for name, country in entries)
    audit.record("denied_parties_uploaded", actor, target=filename,
                 details={"entries": len(entries)})
    db.session.flush()
    return len(entries)


def list_info() -> tuple[int, DeniedParty | None]:
    count = db.session.scalar(db.select(db.func.count(DeniedParty.id)))
    last = db.session.scalar(db.select(DeniedParty).order_by(DeniedParty.id.desc()).limit(1))
    return count, last


def _index() -> tuple[list[str], list[tuple[str, str]], frozenset[str]]:
    rows = db.session.execute(db.select(DeniedParty.name, DeniedParty.country)).all()
    named = [(name, country) for name, country in rows if name]
    embargoed = frozenset(country for name, country in rows if not name and country)
    return [simplify(name) for name, _c in named], named, embargoed


def screen(companies: list[Company]) -> dict[int, list[Hit]]:
    """Company id -> its possible matches, best first (only companies with any)."""
    choices, named, embargoed = _index()
    if not (choices or embargoed):
        return {}
    result: dict[int, list[Hit]] = {}
    for company in companies:
        hits = []
        if company.country in embargoed:
            hits.append(Hit("", company.country, 100, "country"))
        key = simplify(company.name)
        if key and choices:
            for _choice, score, i in process.extract(key, choices, scorer=fuzz.token_sort_ratio,
                                                     score_cutoff=MATCH_THRESHOLD, limit=3):
                name, country = named[i]
                hits.append(Hit(name, country, round(score), "name"))
        if hits:
            result[company.id] = hits
    return result
