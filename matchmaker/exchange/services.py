"""Import operations. The only place in the exchange feature that commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from .. import audit
from ..choices import too_many_tags
from ..engine.errors import InputError
from ..engine.profiles_io import parse_profiles
from ..engine.taxonomy import load_taxonomy
from ..extensions import db
from ..models import (
    Company,
    CompanyTag,
    Event,
    ImportMapping,
    ImportUpload,
    KnownPartner,
    Opportunity,
    ParticipantGroup,
    Registration,
    RegistrationStatus,
    User,
    utcnow,
)
from ..teams import services as team
from . import countries, importer
from .tables import MAX_ROWS, FileProblem, read_table

UPLOAD_LIFETIME = timedelta(days=2)


class ImportRefused(Exception):
    """The import did not happen; ``report`` says why, line by line."""

    def __init__(self, report: importer.Report | None = None, message: str = ""):
        super().__init__(message or "import refused")
        self.report = report
        self.message = message


@dataclass
class Summary:
    companies_created: int = 0
    companies_updated: int = 0
    contacts_created: int = 0
    contacts_added: int = 0
    registrations_created: int = 0


# --- upload and mapping --------------------------------------------------------------------

def store_upload(event: Event, user: User, filename: str, content: bytes) -> ImportUpload:
    """Keep the file server-side (the browser only gets a random token); refuse unreadable ones."""
    table = read_table(filename, content)  # FileProblem before anything is stored
    db.session.execute(db.delete(ImportUpload).where(
        ImportUpload.created_at < utcnow() - UPLOAD_LIFETIME))
    saved = db.session.scalar(db.select(ImportMapping).filter_by(event_id=event.id,
                                                                 kind="companies"))
    upload = ImportUpload(event_id=event.id, user_id=user.id, filename=filename[:255],
                          content=content,
                          mapping=importer.guess_mapping(table.headers,
                                                         saved.mapping if saved else None))
    db.session.add(upload)
    db.session.flush()
    return upload


def find_upload(event: Event, token: str) -> ImportUpload | None:
    return db.session.scalar(db.select(ImportUpload).filter_by(event_id=event.id, token=token,
                                                               imported_at=None))


def save_mapping(upload: ImportUpload, mapping: dict[str, str]) -> None:
    """Remember the mapping for this upload and for the event's next imports."""
    clean = {k: v for k, v in mapping.items() if k in importer.FIELD_KEYS and v}
    upload.mapping = clean
    saved = db.session.scalar(db.select(ImportMapping).filter_by(event_id=upload.event_id,
                                                                 kind="companies"))
    if saved is None:
        saved = ImportMapping(event_id=upload.event_id, kind="companies")
        db.session.add(saved)
    saved.mapping = clean
    db.session.flush()


def check(upload: ImportUpload):
    """(table, report) for the upload with its mapping; FileProblem if it cannot be read."""
    table = read_table(upload.filename, upload.content)
    return table, importer.validate(table, upload.mapping, groups_by_name(upload.event_id))


def groups_by_name(event_id: int) -> dict[str, int]:
    """The event's participant groups by folded name, as import files name them."""
    return {countries.fold(g.name): g.id for g in db.session.scalars(
        db.select(ParticipantGroup).filter_by(event_id=event_id))}


# --- import --------------------------------------------------------------------------------

def run_import(upload: ImportUpload, event: Event, actor: User, approve: bool) -> Summary:
    """All rows or none: validated again, written in one transaction, then invitations sent."""
    try:
        _table, report = check(upload)
    except FileProblem as problem:
        raise ImportRefused(message=str(problem)) from problem
    if not report.ok:
        raise ImportRefused(report)
    summary = Summary()
    invited: list[User] = []
    touched: list[Company] = []
    try:
        companies: dict[str, Company] = {}
        for row in report.rows:
            key = countries.fold(row.clean["name"])
            company = companies.get(key)
            if company is None:
                company = _company_for(row.clean, summary)
                companies[key] = company
                touched.append(company)
            registration = _registration(event, company, approve, actor, summary,
                                         row.clean.get("group_id"))
            user = _contact(company, row.clean, summary, invited)
            if user not in registration.attendees:
                registration.attendees.append(user)
        upload.imported_at = utcnow()
        audit.record("import", actor, target=upload.filename, event=event,
                     details={"rows": len(report.rows), "created": summary.companies_created,
                              "updated": summary.companies_updated,
                              "contacts_created": summary.contacts_created})
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    for user in invited:  # days-long single-use links naming the event and the organizer
        team.invite_account(user, event, actor, user.company)
    _refresh(touched)
    return summary


def _profile_items(company: Company, profile) -> list[Opportunity]:
    """A profile's offers and requests onto its company, matched by kind and title: an
    import again updates them instead of adding copies; items it does not name stay."""
    existing = {(i.kind, i.title.casefold()): i for i in company.opportunities}
    saved = []
    for item in profile.opportunities:
        found = existing.get((item.kind.value, item.title.strip().casefold()))
        if found is None:
            found = Opportunity(company=company, kind=item.kind.value)
            db.session.add(found)
        found.title, found.text, found.tags = item.title.strip(), item.text, list(item.tags)
        saved.append(found)
    db.session.flush()
    return saved


def _profile_known(profiles: list, companies: list[Company]) -> None:
    """``known`` names other companies of the same document by their id there."""
    by_id = {p.id: c for p, c in zip(profiles, companies, strict=True)}
    for profile, company in zip(profiles, companies, strict=True):
        for other_id in profile.known:
            other = by_id.get(other_id)
            if other is None or other.id == company.id:
                continue
            if db.session.scalar(db.select(KnownPartner.id).filter_by(
                    company_id=company.id, other_company_id=other.id)) is None:
                db.session.add(KnownPartner(company_id=company.id, other_company_id=other.id))
    db.session.flush()


def _company_for(clean: dict, summary: Summary) -> Company:
    company = db.session.scalar(db.select(Company).where(
        db.func.lower(Company.name) == clean["name"].lower()))
    if company is None:
        company = Company(name=clean["name"], country=clean["country"], languages=[],
                          certifications=[])
        db.session.add(company)
        summary.companies_created += 1
    else:
        summary.companies_updated += 1
    for key in importer.COMPANY_KEYS:
        if key in clean and key != "tags":
            setattr(company, key, clean[key])
    if "tags" in clean and clean["tags"] != company.tags:
        company.tag_links = [CompanyTag(tag_id=tag_id) for tag_id in clean["tags"]]
        company.updated_at = utcnow()  # tags live in another table; the matcher cache keys on it
    db.session.flush()
    return company


def _registration(event: Event, company: Company, approve: bool, actor: User,
                  summary: Summary, group_id: int | None = None) -> Registration:
    """The company's registration, created when new. A new one takes the file's group; an
    existing one keeps its group (moving it may cancel meetings: the registrations page asks)."""
    registration = db.session.scalar(db.select(Registration).filter_by(event_id=event.id,
                                                                       company_id=company.id))
    if registration is not None and registration.group_id is None:
        registration.group_id = group_id
    if registration is None:
        registration = Registration(event=event, company=company, group_id=group_id,
                                    available_slots=list(event.slots))
        team.credit_importer(registration, actor)
        if approve:
            registration.status = RegistrationStatus.APPROVED.value
            registration.decided_at, registration.decided_by_id = utcnow(), actor.id
            audit.record("registration_approved", actor, target=company, event=event,
                         details={"via": "import"})
        db.session.add(registration)
        db.session.flush()
        summary.registrations_created += 1
    return registration


def _contact(company: Company, clean: dict, summary: Summary, invited: list[User]) -> User:
    email = clean["contact_email"]
    user = db.session.scalar(db.select(User).filter_by(email=email))
    if user is None:
        user = User(email=email, name=clean.get("contact_name", ""), password_hash=None,
                    locale=clean.get("contact_language") or None, company=company)
        db.session.add(user)
        db.session.flush()
        summary.contacts_created += 1
        invited.append(user)
        return user
    if user.company_id is None:
        user.company = company
        summary.contacts_added += 1
    if clean.get("contact_name"):
        user.name = clean["contact_name"]
    return user


def _refresh(companies: list[Company], items: list[Opportunity] = ()) -> None:
    from ..suggestions.embeddings import refresh_embeddings, refresh_item_vectors

    refresh_embeddings(companies)
    refresh_item_vectors(list(items))


# --- profiles interchange format -----------------------------------------------------------

def _profile_groups(event: Event, raw: dict, profiles: list, problems: list[str]) -> list:
    """Each company's event group from the document's ``groups`` (id → name) and each
    company's ``group``; names match the event's groups. ``may_meet`` in a document is not
    imported: the event's own matrix decides."""
    event_groups = groups_by_name(event.id)
    named = {str(g.get("id")): str(g.get("name") or g.get("id"))
             for g in raw.get("groups") or [] if isinstance(g, dict)}
    entries = [c if isinstance(c, dict) else {} for c in raw.get("companies") or []]
    found = []
    for i, (profile, entry) in enumerate(zip(profiles, entries, strict=False)):
        given = str(entry.get("group") or "")
        name = named.get(given, given)
        group_id = event_groups.get(countries.fold(name)) if name else None
        if event_groups and group_id is None:
            problems.append(f"companies[{i}] ({profile.name}): " + str(_l(
                "name one of the event's groups (%(names)s) in the group column.",
                names=", ".join(sorted(event_groups)))))
        elif not event_groups and name:
            problems.append(f"companies[{i}] ({profile.name}): " + str(_l(
                "the event has no group “%(value)s”; add the groups on the Groups page first.",
                value=name)))
        found.append(group_id)
    return found + [None] * (len(profiles) - len(found))


def import_profiles(event: Event, actor: User, filename: str, raw, approve: bool) -> Summary:
    """Companies from a profiles document (DESIGN.md), matched by name; all or none."""
    companies = raw.get("companies") if isinstance(raw, dict) else None
    if isinstance(companies, list) and len(companies) > MAX_ROWS:  # as many as a spreadsheet
        raise ImportRefused(message=str(_l("The file has more than %(n)d companies. Split it "
                                           "into smaller files.", n=MAX_ROWS)))
    try:
        profiles = parse_profiles(raw, load_taxonomy())
    except InputError as error:
        raise ImportRefused(message=str(error)) from error
    problems = []
    rows = []
    group_ids = _profile_groups(event, raw, profiles, problems)
    for i, profile in enumerate(profiles):
        code, guess = countries.resolve(profile.country or "")
        if not profile.name.strip():
            problems.append(f"companies[{i}]: " + str(_l("the name is empty")))
        if too_many := too_many_tags(list(profile.tags)):
            problems.append(f"companies[{i}] ({profile.name}): {too_many}")
        if code is None:
            problems.append(f"companies[{i}] ({profile.name}): " + str(
                _l("unknown country “%(value)s”", value=profile.country)) + (
                f" — {_l('did you mean %(code)s?', code=guess)}" if guess else ""))
        for item in profile.opportunities:
            if len(item.title) > 160 or len(item.text) > 3000:
                problems.append(f"companies[{i}] ({profile.name}): " + str(_l(
                    "the offer or request “%(value)s” is too long (title 160, text 3,000 "
                    "characters).", value=item.title[:60])))
        rows.append({"name": profile.name.strip()[:160], "country": code,
                     "description": profile.description, "offers": profile.offers,
                     "seeks": profile.seeks, "languages": list(profile.languages),
                     "tags": list(profile.tags), "group_id": group_ids[i]})
    if problems:
        raise ImportRefused(message="; ".join(problems))
    summary = Summary()
    touched = []
    try:
        for clean in rows:
            company = _company_for(clean, summary)
            touched.append(company)
            _registration(event, company, approve, actor, summary, clean.pop("group_id"))
        items = [item for profile, company in zip(profiles, touched, strict=True)
                 for item in _profile_items(company, profile)]
        _profile_known(profiles, touched)
        audit.record("import", actor, target=filename, event=event,
                     details={"format": "profiles", "companies": len(rows)})
        db.session.flush()
    except Exception:
        db.session.rollback()
        raise
    _refresh(touched, items)
    from ..suggestions.embeddings import refresh_item_vectors

    refresh_item_vectors(items)
    return summary
