"""Companies and contacts from a spreadsheet: the fields, the column mapping, the line-by-line
validation. Pure of the database except for the look-ups that tell "new" from "update"."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from ..choices import PROFILE_LANGUAGES, too_many_tags
from ..engine.taxonomy import UnknownTagError, load_taxonomy
from ..extensions import db
from ..models import CERTIFICATIONS, COMPANY_SIZES, Company, Role, User
from . import countries
from .tables import Table


@dataclass(frozen=True)
class Field:
    key: str
    label: object
    required: bool = False
    max_length: int = 3000
    synonyms: tuple[str, ...] = ()


FIELDS = (
    Field("name", _l("Company name"), True, 160,
          ("company", "company name", "firma", "unternehmen", "entreprise", "société", "societe",
           "organisation", "organization", "raison sociale")),
    Field("country", _l("Country"), True, 60, ("country", "land", "pays", "country code")),
    Field("city", _l("City"), False, 120, ("city", "town", "stadt", "ort", "ville")),
    Field("website", _l("Website"), False, 255, ("website", "web", "url", "webseite", "site web",
                                                  "homepage", "site")),
    Field("phone", _l("Phone"), False, 40, ("phone", "telephone", "telefon", "téléphone", "tel")),
    Field("size", _l("Employees"), False, 10, ("size", "employees", "mitarbeiter", "effectif",
                                                "company size")),
    Field("languages", _l("Working languages"), False, 300, ("languages", "sprachen", "langues")),
    Field("description", _l("About the company"), False, 3000,
          ("description", "about", "beschreibung", "profil", "profile", "présentation")),
    Field("offers", _l("We offer"), False, 3000, ("offers", "we offer", "angebot", "wir bieten",
                                                  "offre", "nous offrons")),
    Field("seeks", _l("We seek"), False, 3000, ("seeks", "we seek", "gesucht", "wir suchen",
                                                "recherche", "nous cherchons")),
    Field("tags", _l("Capability tags"), False, 1000, ("tags", "capability tags", "capabilities",
                                                       "fähigkeiten", "compétences")),
    Field("certifications", _l("Certifications"), False, 500,
          ("certifications", "zertifizierungen", "certificates")),
    Field("dual_use_items", _l("Dual-use items"), False, 10, ("dual use", "dual-use",
                                                              "dual_use_items", "dual-use items")),
    Field("military_items", _l("Military List items"), False, 10,
          ("military", "military list", "military_items", "military list items")),
    Field("export_licences", _l("Export licences held"), False, 2000,
          ("licences", "licenses", "export licences", "export licenses", "genehmigungen")),
    Field("contact_name", _l("Contact name"), False, 120,
          ("contact", "contact name", "name", "ansprechpartner", "kontakt", "nom", "full name")),
    Field("contact_email", _l("Contact email"), True, 254,
          ("email", "e-mail", "contact email", "mail", "courriel", "adresse e-mail")),
    Field("contact_language", _l("Contact language"), False, 20,
          ("language", "sprache", "langue", "locale")),
    # The participant group, by its name in the event (only for events with groups).
    Field("group", _l("Group"), False, 80, ("group", "gruppe", "groupe", "participant group",
                                             "delegation")),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)
COMPANY_KEYS = FIELD_KEYS[:FIELD_KEYS.index("contact_name")]
REQUIRED = tuple(f.key for f in FIELDS if f.required)
UI_LOCALES = ("en", "de", "fr")

_TRUE = {"yes", "y", "ja", "j", "oui", "o", "true", "1", "x", "wahr", "vrai"}
_FALSE = {"no", "n", "nein", "non", "false", "0", "", "falsch", "faux", "-"}
_SPLIT = re.compile(r"[,;|\n]+")


def _norm(header: str) -> str:
    return countries.fold(header).replace("_", " ").replace("-", " ")


def guess_mapping(headers: list[str], saved: dict[str, str] | None = None) -> dict[str, str]:
    """Field -> column header: the saved mapping where its column exists, else by name."""
    present = set(headers)
    mapping = {k: v for k, v in (saved or {}).items() if k in FIELD_KEYS and v in present}
    used = set(mapping.values())
    by_norm = {_norm(h): h for h in headers if h}
    for f in FIELDS:
        if f.key in mapping:
            continue
        for candidate in (f.key, str(f.label), *f.synonyms):
            header = by_norm.get(_norm(candidate))
            if header and header not in used:
                mapping[f.key] = header
                used.add(header)
                break
    return mapping


@dataclass
class Row:
    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    clean: dict = field(default_factory=dict)
    action: str = ""  # "new company", "update", … for the preview


@dataclass
class Report:
    rows: list[Row]
    mapping_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        found = [(None, message) for message in self.mapping_errors]
        return found + [(row.line, message) for row in self.rows for message in row.errors]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def company_count(self) -> int:
        return len({countries.fold(r.clean.get("name", "")) for r in self.rows})


def validate(table: Table, mapping: dict[str, str],
             groups: dict[str, int] | None = None) -> Report:
    """Every row checked against the mapping; nothing is written. ``groups``: the event's
    participant groups by folded name (empty: the event has none)."""
    report = Report(rows=[])
    missing = [f for f in FIELDS if f.required and not mapping.get(f.key)]
    for f in missing:
        report.mapping_errors.append(str(_l("Choose the column for “%(field)s”.", field=f.label)))
    unknown = [h for h in mapping.values() if h and h not in table.headers]
    for header in unknown:
        report.mapping_errors.append(str(_l("There is no column “%(name)s” in the file.",
                                            name=header)))
    if report.mapping_errors:
        return report
    index = {h: i for i, h in enumerate(table.headers)}
    for offset, cells in enumerate(table.rows):
        if not cells:
            continue
        values = {key: cells[index[header]] for key, header in mapping.items() if header}
        row = Row(line=table.first_line + offset, values=values)
        _check_row(row)
        _check_group(row, groups or {})
        report.rows.append(row)
    _check_across_rows(report)
    return report


def _check_group(row: Row, groups: dict[str, int]) -> None:
    """In an event with groups every row names one of them; in one without, none."""
    name = row.values.get("group", "").strip()
    if not groups:
        if name:
            row.errors.append(str(_l("the event has no group “%(value)s”; add the groups on the "
                                     "Groups page first.", value=name)))
        return
    group_id = groups.get(countries.fold(name))
    if group_id is None:
        row.errors.append(str(_l("name one of the event's groups (%(names)s) in the group "
                                 "column.", names=", ".join(sorted(groups)))))
    else:
        row.clean["group_id"] = group_id


def _check_row(row: Row) -> None:
    v, clean, errors = row.values, row.clean, row.errors
    for f in FIELDS:
        text = v.get(f.key, "")
        if f.required and not text:
            errors.append(str(_l("%(field)s is missing.", field=f.label)))
        elif len(text) > f.max_length:
            errors.append(str(_l("%(field)s is longer than %(n)d characters.", field=f.label,
                                 n=f.max_length)))
    if errors:
        return
    clean["name"] = v["name"]
    code, guess = countries.resolve(v["country"])
    if code:
        clean["country"] = code
    elif guess:
        errors.append(str(_l("unknown country “%(value)s”, did you mean %(code)s (%(name)s)?",
                             value=v["country"], code=guess, name=countries.english_name(guess))))
    else:
        errors.append(str(_l("unknown country “%(value)s”; use a country name or an ISO code "
                             "such as FR or DE.", value=v["country"])))
    for key in ("city", "phone", "description", "offers", "seeks", "export_licences"):
        if v.get(key):
            clean[key] = v[key]
    if v.get("website"):
        website = v["website"] if "://" in v["website"] else "https://" + v["website"]
        if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*\.[^\s]+", website):
            errors.append(str(_l("“%(value)s” is not a web address.", value=v["website"])))
        clean["website"] = website
    if v.get("size"):
        if v["size"] not in COMPANY_SIZES:
            errors.append(str(_l("Employees must be one of %(sizes)s, not “%(value)s”.",
                                 sizes=", ".join(COMPANY_SIZES), value=v["size"])))
        clean["size"] = v["size"]
    if v.get("languages"):
        clean["languages"] = _languages(v["languages"], errors)
    if v.get("tags"):
        try:
            clean["tags"] = load_taxonomy().validate(
                [t.strip() for t in _SPLIT.split(v["tags"]) if t.strip()])
        except UnknownTagError as error:
            errors.append(str(_l("%(problem)s (see the capability taxonomy for valid ids)",
                                 problem=str(error))))
        else:
            if too_many := too_many_tags(clean["tags"]):
                errors.append(too_many)
    if v.get("certifications"):
        certs = [c.strip() for c in _SPLIT.split(v["certifications"]) if c.strip()]
        by_fold = {countries.fold(c): c for c in CERTIFICATIONS}
        for cert in certs:
            if countries.fold(cert) not in by_fold:
                errors.append(str(_l("unknown certification “%(value)s”", value=cert)))
        clean["certifications"] = [by_fold[countries.fold(c)] for c in certs
                                   if countries.fold(c) in by_fold]
    for key in ("dual_use_items", "military_items"):
        if key in v:
            word = countries.fold(v[key])
            if word in _TRUE:
                clean[key] = True
            elif word in _FALSE:
                clean[key] = False
            else:
                errors.append(str(_l("%(field)s must be yes or no, not “%(value)s”.",
                                     field=dict((f.key, f.label) for f in FIELDS)[key],
                                     value=v[key])))
    try:
        clean["contact_email"] = validate_email(v["contact_email"],
                                                check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        errors.append(str(_l("“%(value)s” is not a valid email address.",
                             value=v["contact_email"])))
    clean["contact_name"] = v.get("contact_name", "")
    if v.get("contact_language"):
        lang = v["contact_language"].lower()[:2]
        if lang not in UI_LOCALES:
            errors.append(str(_l("Contact language must be en, de or fr, not “%(value)s”.",
                                 value=v["contact_language"])))
        clean["contact_language"] = lang


def _languages(text: str, errors: list[str]) -> list[str]:
    from babel import Locale

    names = {}
    for lang in UI_LOCALES:
        for code, name in Locale.parse(lang).languages.items():
            if code in PROFILE_LANGUAGES:
                names.setdefault(countries.fold(name), code)
    result = []
    for item in (i.strip() for i in _SPLIT.split(text)):
        if not item:
            continue
        code = item.lower() if item.lower() in PROFILE_LANGUAGES else names.get(
            countries.fold(item))
        if code is None:
            errors.append(str(_l("unknown language “%(value)s”", value=item)))
        elif code not in result:
            result.append(code)
    return result


def _check_across_rows(report: Report) -> None:
    """Contacts: one company each, not an organizer, not a member of another company."""
    company_of_email: dict[str, str] = {}
    for row in report.rows:
        email, name = row.clean.get("contact_email"), row.clean.get("name")
        if not email or not name:
            continue
        earlier = company_of_email.setdefault(email, name)
        if countries.fold(earlier) != countries.fold(name):
            row.errors.append(str(_l("%(email)s is listed for “%(other)s” too; a person belongs "
                                     "to one company.", email=email, other=earlier)))
    emails = list(company_of_email)
    users = {u.email: u for u in db.session.scalars(
        db.select(User).where(User.email.in_(emails)))} if emails else {}
    existing = {countries.fold(c.name): c for c in db.session.scalars(
        db.select(Company).where(db.func.lower(Company.name).in_(
            [r.clean["name"].lower() for r in report.rows if r.clean.get("name")])))}
    seen_new: set[str] = set()
    for row in report.rows:
        key = countries.fold(row.clean.get("name", ""))
        company = existing.get(key)
        user = users.get(row.clean.get("contact_email", ""))
        if user is not None and user.role != Role.PARTICIPANT:
            row.errors.append(str(_l("%(email)s is an organizer account and cannot be a "
                                     "company contact.", email=user.email)))
        elif user is not None and user.company_id is not None and (
                company is None or user.company_id != company.id):
            row.errors.append(str(_l("%(email)s belongs to another company already (%(name)s).",
                                     email=user.email, name=user.company.name)))
        if company is not None:
            row.action = str(_l("update"))
        elif key in seen_new:
            row.action = str(_l("another contact"))
        else:
            row.action = str(_l("new company"))
        seen_new.add(key)
