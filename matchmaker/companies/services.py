"""Company profile operations. The only place in the companies feature that commits."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..auth import services as accounts
from ..choices import too_many_tags
from ..engine.matching import infer_tags
from ..engine.taxonomy import load_taxonomy
from ..extensions import db
from ..models import Company, CompanyTag, User, utcnow
from ..suggestions.embeddings import refresh_embeddings
from ..teams import services as team
from ..unit_of_work import ServiceError


class ProfileError(ServiceError):
    """A profile change was refused; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class ProfileData:
    name: str
    city: str
    country: str
    website: str
    phone: str
    size: str
    languages: list[str]
    description: str
    offers: str
    seeks: str
    certifications: list[str]
    tags: list[str]
    dual_use_items: bool = False
    military_items: bool = False
    export_licences: str = ""


# Below this, a keyword hit is too thin to bother the user with (one shared keyword is ~0.4).
MIN_TAG_SUGGESTION_SCORE = 0.3
MAX_TAG_SUGGESTIONS = 8


def suggest_tags(text: str, chosen: list[str]) -> list[str]:
    """Tags the profile text speaks of that the company has not chosen yet, best first."""
    inferred = infer_tags(text[:20_000], load_taxonomy(), min_score=MIN_TAG_SUGGESTION_SCORE)
    return [tag_id for tag_id, _score in inferred if tag_id not in chosen][:MAX_TAG_SUGGESTIONS]


def _name_taken(name: str, company: Company | None) -> bool:
    query = db.select(Company.id).where(db.func.lower(Company.name) == name.lower())
    if company is not None and company.id is not None:
        query = query.where(Company.id != company.id)
    return db.session.scalar(query) is not None


AUDITED_FIELDS = ("name", "city", "country", "website", "phone", "size", "languages",
                  "description", "offers", "seeks", "certifications", "tags", "dual_use_items",
                  "military_items", "export_licences")


def _apply(company: Company, data: ProfileData) -> list[str]:
    """Copy the profile onto the company; returns the names of the fields that changed."""
    before = {f: getattr(company, f) for f in AUDITED_FIELDS} if company.id else {}
    name = data.name.strip()
    if _name_taken(name, company):
        raise ProfileError("name", str(_l("A company with this name is registered already.")))
    company.name = name
    for field in ("city", "country", "website", "phone", "size", "description", "offers", "seeks"):
        setattr(company, field, (getattr(data, field) or "").strip())
    company.languages = list(dict.fromkeys(data.languages))
    company.certifications = list(dict.fromkeys(data.certifications))
    company.dual_use_items = bool(data.dual_use_items)
    company.military_items = bool(data.military_items)
    company.export_licences = (data.export_licences or "").strip()
    wanted = load_taxonomy().validate(data.tags)
    if too_many := too_many_tags(wanted):
        raise ProfileError("tags", too_many)
    if wanted != company.tags:
        company.tag_links = [CompanyTag(tag_id=tag_id) for tag_id in wanted]
        company.updated_at = utcnow()  # tags live in another table; the matcher cache keys on it
    after = {f: getattr(company, f) for f in AUDITED_FIELDS}
    return [f for f in AUDITED_FIELDS if before.get(f) != after[f]]


def _save_profile() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:  # a concurrent save took the same name
        db.session.rollback()
        raise ProfileError("name", str(_l("A company with this name is registered already."))) \
            from error


def create_company(owner: User, data: ProfileData) -> Company:
    if owner.company_id is not None:
        raise ProfileError("name", str(_l("You belong to a company already.")))
    company = Company()
    _apply(company, data)
    db.session.add(company)
    owner.company = company
    db.session.flush()
    audit.record("profile_created", owner, target=company)
    _save_profile()
    refresh_embeddings([company])
    return company


def update_company(company: Company, data: ProfileData, actor: User | None = None) -> None:
    changed = _apply(company, data)
    if changed:
        audit.record("profile_edited", actor, target=company, details={"fields": changed})
    _save_profile()
    refresh_embeddings([company])  # matching reads cached vectors; the encoder runs here


def invite_member(company: Company, name: str, email: str, locale: str | None,
                  actor: User | None = None) -> User:
    """Create a colleague's account without a password and email them a days-long single-use
    link to set one, naming who added them."""
    try:
        user = accounts.create_user(email, None, name=name, locale=locale)
    except accounts.AccountError as error:
        raise ProfileError("email", str(error)) from error
    user.company = company
    team.invite_account(user, None, actor, company)
    return user
