"""Offers and requests (the marketplace) and known partners: who may see which item, the
marketplace's search across languages, and the "we already know them" marks.

An item is seen exactly where its company is: by organizers, and by approved participants
of an event where the company is approved and the group matrix shows it (``access``,
``pairing``); expired items are shown to nobody but their company."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from .. import access
from ..dates import event_now
from ..engine.matching import Document
from ..engine.taxonomy import load_taxonomy
from ..extensions import db
from ..models import (
    Company,
    Event,
    KnownPartner,
    Opportunity,
    OpportunityKind,
    Registration,
    RegistrationStatus,
    User,
    utcnow,
)
from ..suggestions.embeddings import item_vector, refresh_item_vectors
from ..suggestions.search import find
from ..unit_of_work import ServiceError

#: Items a company may publish: enough for a catalogue, few enough to stay readable.
MAX_ITEMS = 30
#: Hits a marketplace search shows.
SEARCH_LIMIT = 60


class OpportunityError(ServiceError):
    """An item change was refused; ``field`` names the form field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass
class OpportunityData:
    kind: str
    title: str
    text: str
    tags: list[str]
    dual_use_items: bool
    military_items: bool
    expires_on: date | None


def today() -> date:
    return utcnow().date()


def item_of(company: Company, item_id: int) -> Opportunity | None:
    """The company's item, or None (another company's item is none of this one's)."""
    return db.session.scalar(db.select(Opportunity).filter_by(id=item_id, company_id=company.id))


def _apply(item: Opportunity, data: OpportunityData, is_new: bool) -> None:
    if data.kind not in {k.value for k in OpportunityKind}:
        raise OpportunityError("kind", str(_l("Choose offer or request.")))
    if data.expires_on is not None and data.expires_on < today() and (
            is_new or data.expires_on != item.expires_on):
        raise OpportunityError("expires_on", str(_l("This date is in the past.")))
    item.kind = data.kind
    item.title = data.title.strip()
    item.text = (data.text or "").strip()
    item.tags = load_taxonomy().validate(list(dict.fromkeys(data.tags)))
    item.dual_use_items = bool(data.dual_use_items)
    item.military_items = bool(data.military_items)
    item.expires_on = data.expires_on


def create_item(company: Company, data: OpportunityData) -> Opportunity:
    count = db.session.scalar(db.select(db.func.count(Opportunity.id))
                              .filter_by(company_id=company.id))
    if count >= MAX_ITEMS:
        raise OpportunityError("title", str(_l("A company can publish at most %(max)d offers "
                                               "and requests.", max=MAX_ITEMS)))
    item = Opportunity(company=company)
    _apply(item, data, is_new=True)
    db.session.add(item)
    db.session.flush()
    refresh_item_vectors([item])  # matching and search read stored vectors; never a page
    return item


def update_item(item: Opportunity, data: OpportunityData) -> None:
    _apply(item, data, is_new=False)
    db.session.flush()
    refresh_item_vectors([item])


def delete_item(item: Opportunity) -> None:
    db.session.delete(item)
    db.session.flush()


def live_items(company: Company, on: date) -> list[Opportunity]:
    """What others see of the company: its items not expired on ``on``."""
    return [i for i in company.opportunities if not i.expired(on)]


# ---- the marketplace ----------------------------------------------------------------------


@dataclass
class MarketQuery:
    q: str = ""
    kind: str = ""
    tag: str = ""


@dataclass(frozen=True)
class MarketItem:
    item: Opportunity
    score: float | None = None  # with a search: how well it met the query
    mine: bool = False


def event_today(event: Event) -> date:
    return event_now(event).date()


def market_items(viewer: access.Viewer, groups: set[int] | None) -> list[Opportunity]:
    """Items of the event's approved companies the viewer is shown (those of ``groups``
    when given), not expired by the event's clock."""
    select = (db.select(Opportunity)
              .join(Company, Company.id == Opportunity.company_id)
              .join(Registration, Registration.company_id == Company.id)
              .where(Registration.event_id == viewer.event.id,
                     Registration.status == RegistrationStatus.APPROVED.value)
              .options(contains_eager(Opportunity.company))
              .order_by(Opportunity.created_at.desc(), Opportunity.id.desc()))
    if groups is not None:
        select = select.where(Registration.group_id.in_(groups))
    on = event_today(viewer.event)
    return [i for i in db.session.scalars(select).unique() if not i.expired(on)]


def marketplace(viewer: access.Viewer, query: MarketQuery,
                groups: set[int] | None) -> list[MarketItem]:
    items = market_items(viewer, groups)
    if query.kind:
        items = [i for i in items if i.kind == query.kind]
    if query.tag:
        items = [i for i in items if query.tag in i.tags]
    mine = viewer.company_id
    if not query.q:
        return [MarketItem(i, None, i.company_id == mine) for i in items]
    by_id = {str(i.id): i for i in items}
    documents = [Document(str(i.id), f"{i.search_text} {i.company.name}", tuple(i.tags))
                 for i in items]
    hits = find(query.q, documents, [item_vector(i) for i in items], limit=SEARCH_LIMIT)
    return [MarketItem(by_id[h.id], h.score, by_id[h.id].company_id == mine) for h in hits]


# ---- known partners -----------------------------------------------------------------------


def known_ids(company_id: int) -> set[int]:
    """The companies this one marked as already known."""
    return set(db.session.scalars(db.select(KnownPartner.other_company_id)
                                  .filter_by(company_id=company_id)))


def mark_known(company_id: int, other_id: int, user: User) -> None:
    """Idempotent: a double click changes nothing."""
    if other_id == company_id or other_id in known_ids(company_id):
        return
    db.session.add(KnownPartner(company_id=company_id, other_company_id=other_id,
                                marked_by_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:  # the same mark by a concurrent click
        db.session.rollback()


def unmark_known(company_id: int, other_id: int) -> None:
    db.session.execute(db.delete(KnownPartner).filter_by(company_id=company_id,
                                                          other_company_id=other_id))
