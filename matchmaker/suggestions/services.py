"""Suggested contacts and the organizer's match matrix, from the pure matching engine.

One fitted matcher per event is cached in the process and refitted only when what it was
fitted on changes (a fingerprint of ids, update times and counts, never of texts): the
approved companies and their profiles, their offers and requests (matched item to item by
the engine's ``ItemMatcher``), the partners they already know, the group matrix, and the
event's own feedback — requests sent, accepted and declined, "not interested" marks,
meetings held and their ratings — from which the engine learns what this community values
(``Matcher.learn``). The capped lists of everybody's suggestions are computed with the fit,
so that no company is suggested to more than ``cap`` others and requests spread."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import approved_companies_query
from ..dates import event_now
from ..engine.matching import (
    EventSignals,
    ItemKind,
    ItemMatcher,
    ItemSuggestion,
    Matcher,
    Opportunity,
    Profile,
    Suggestion,
)
from ..engine.taxonomy import load_taxonomy
from ..extensions import db
from ..models import (
    Company,
    CompanyEmbedding,
    DayStatus,
    Event,
    GroupPairing,
    KnownPartner,
    MeetingRating,
    MeetingRequest,
    NotInterested,
    Registration,
    RequestStatus,
    utcnow,
)
from ..models import Opportunity as Item  # the engine's Opportunity is the other one
from ..pairing import pairing_of
from .embeddings import encoder_enabled, item_vector, stored_vectors, vectors_of

# Strength bands, as a share of the event's best pair score: a calm label instead of "87%".
STRONG, GOOD = 0.66, 0.33


#: Suggestions per company the capped lists hold (the page shows as many).
LISTED = 10


@dataclass(frozen=True)
class FittedEvent:
    """What is cached per event: never ORM objects, which belong to one request's session."""

    fingerprint: tuple
    matcher: Matcher | None  # None with fewer than two companies: nobody to match
    best_score: float
    company_ids: frozenset[int]  # the approved companies it was fitted on
    items: ItemMatcher | None = None
    item_titles: dict[str, str] = field(default_factory=dict)  # item id → title
    # The capped lists: each company's suggestions, and those shown to ``cap`` others
    # already, which other companies are not given any more.
    listed: dict[str, frozenset[str]] = field(default_factory=dict)
    over_cap: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EventMatches:
    fitted: FittedEvent
    companies: dict[int, Company]  # loaded in this request


_cache: dict[int, FittedEvent] = {}
_cache_lock = threading.Lock()


def _approved_companies(event_id: int) -> list[Company]:
    query = (approved_companies_query(event_id).order_by(Company.id)
             .options(selectinload(Company.embedding), selectinload(Company.tag_links),
                      selectinload(Company.opportunities)))
    return list(db.session.scalars(query))


def _today(event_id: int):
    event = db.session.get(Event, event_id)
    return event_now(event).date() if event is not None else utcnow().date()


def _fingerprint(event_id: int) -> tuple:
    """(id, update time, text digest) of each approved company, and of its items, marks and
    the event's feedback only what tells a change (ids, times, counts): read on every page
    view, so without the profiles' texts, tags and vectors (megabytes for 500 companies)."""
    query = (approved_companies_query(event_id)
             .outerjoin(CompanyEmbedding, CompanyEmbedding.company_id == Company.id)
             .with_only_columns(Company.id, Company.updated_at, CompanyEmbedding.text_digest)
             .order_by(Company.id))
    approved = approved_companies_query(event_id).with_only_columns(Company.id)
    items = db.select(Item.id, Item.updated_at, Item.expires_on).where(
        Item.company_id.in_(approved)).order_by(Item.id)
    known = db.select(KnownPartner.company_id, KnownPartner.other_company_id).where(
        KnownPartner.company_id.in_(approved)).order_by(KnownPartner.id)
    groups = db.select(Registration.company_id, Registration.group_id).filter_by(
        event_id=event_id).order_by(Registration.company_id)
    pairs = db.select(GroupPairing.first_group_id, GroupPairing.second_group_id).filter_by(
        event_id=event_id).order_by(GroupPairing.first_group_id, GroupPairing.second_group_id)
    requests = db.select(MeetingRequest.status, MeetingRequest.day_status,
                         db.func.count(MeetingRequest.id)).where(
        MeetingRequest.event_id == event_id).group_by(
        MeetingRequest.status, MeetingRequest.day_status).order_by(MeetingRequest.status,
                                                                   MeetingRequest.day_status)
    marks = db.select(db.func.count(NotInterested.id)).filter_by(event_id=event_id)
    ratings = db.select(db.func.count(MeetingRating.id)).join(
        MeetingRequest, MeetingRequest.id == MeetingRating.request_id).where(
        MeetingRequest.event_id == event_id)
    rows = [tuple(tuple(row) for row in db.session.execute(q))
            for q in (query, items, known, groups, pairs, requests)]
    return (*rows, db.session.scalar(marks), db.session.scalar(ratings), _today(event_id))


def _item(item: Item) -> Opportunity:
    return Opportunity(id=str(item.id), kind=ItemKind(item.kind), title=item.title, text=item.text,
                       tags=tuple(item.tags or ()))


def _profile(company: Company, group: str = "", known: tuple[str, ...] = (),
             items: tuple[Item, ...] = ()) -> Profile:
    return Profile(
        id=str(company.id), name=company.name, country=company.country,
        languages=tuple(company.languages or ()), description=company.description,
        offers=company.offers, seeks=company.seeks, tags=tuple(company.tags),
        embeddings=vectors_of(company), group=group, known=known,
        opportunities=tuple(_item(i) for i in items),
    )


def fitted_event(event_id: int, companies: list[Company] | None = None) -> FittedEvent:
    """The event's matcher, refitted only when what it is fitted on changed; the check
    reads the fingerprint only, the profiles are loaded (or ``companies`` used) to refit."""
    fingerprint = _fingerprint(event_id)
    with _cache_lock:
        cached = _cache.get(event_id)
    if cached is None or cached.fingerprint != fingerprint:
        companies = _approved_companies(event_id) if companies is None else companies
        # Vectors are stored when a profile or an item is saved; one without them (older
        # texts, an import made without the encoder) is embedded in memory by the matcher:
        # pages never write.
        cached = _fit(event_id, companies, fingerprint)
        with _cache_lock:
            _cache[event_id] = cached
    return cached


def event_matches(event_id: int) -> EventMatches:
    """The fitted event with all its approved companies (the organizer's matrix)."""
    companies = _approved_companies(event_id)
    return EventMatches(fitted_event(event_id, companies), {c.id: c for c in companies})


def event_signals(event_id: int) -> EventSignals:
    """What happened at the event so far, for the engine to learn from."""
    answers = {RequestStatus.PENDING.value, RequestStatus.ACCEPTED.value,
               RequestStatus.DECLINED.value}
    rows = db.session.execute(db.select(
        MeetingRequest.id, MeetingRequest.sender_id, MeetingRequest.recipient_id,
        MeetingRequest.status, MeetingRequest.day_status).where(
        MeetingRequest.event_id == event_id).order_by(MeetingRequest.id)).all()
    requests = [(str(s), str(r), status) for _, s, r, status, _ in rows if status in answers]
    ratings: dict[int, list[int]] = {}
    for request_id, rating in db.session.execute(
            db.select(MeetingRating.request_id, MeetingRating.rating)
            .join(MeetingRequest, MeetingRequest.id == MeetingRating.request_id)
            .where(MeetingRequest.event_id == event_id).order_by(MeetingRating.id)):
        ratings.setdefault(request_id, []).append(rating)
    held = {DayStatus.HELD.value, DayStatus.LATE.value}
    meetings = [(str(s), str(r), sum(ratings[i]) / len(ratings[i]) if i in ratings else None)
                for i, s, r, _, day in rows if day in held or i in ratings]
    marks = db.session.execute(db.select(NotInterested.company_id, NotInterested.other_company_id)
                               .filter_by(event_id=event_id).order_by(NotInterested.id))
    return EventSignals(requests=requests, not_interested=[(str(a), str(b)) for a, b in marks],
                        meetings=meetings)


def _known(company_ids: list[int]) -> dict[int, tuple[str, ...]]:
    known: dict[int, list[str]] = {}
    for a, b in db.session.execute(db.select(KnownPartner.company_id,
                                             KnownPartner.other_company_id)
                                   .where(KnownPartner.company_id.in_(company_ids))
                                   .order_by(KnownPartner.id)):
        known.setdefault(a, []).append(str(b))
    return {a: tuple(b) for a, b in known.items()}


def suggestion_cap(k: int) -> int:
    """How many lists one company may appear in: the setting, or twice a list's length."""
    return current_app.config.get("SUGGESTION_CAP") or 2 * k


def _fit(event_id: int, companies: list[Company], fingerprint: tuple) -> FittedEvent:
    ids = frozenset(c.id for c in companies)
    if len(companies) < 2:
        return FittedEvent(fingerprint, None, 0.0, ids)
    pairing = pairing_of(event_id)
    may_meet = ({(str(a), str(b)) for a, b in pairing.allowed} if pairing.active else None)
    known = _known(sorted(ids))
    today = fingerprint[-1]
    live = {c.id: tuple(i for i in c.opportunities if not i.expired(today)) for c in companies}
    profiles = [_profile(c, str(pairing.group_of.get(c.id) or "") if pairing.active else "",
                         known.get(c.id, ()), live[c.id]) for c in companies]
    taxonomy = load_taxonomy()
    matcher = Matcher(taxonomy, encoder=encoder_enabled())
    matcher.fit(profiles, may_meet)
    matcher.learn(event_signals(event_id))
    every_item = [i for c in companies for i in live[c.id]]
    items = ItemMatcher(taxonomy, stored_vectors([item_vector(i) for i in every_item]))
    items.fit(profiles, may_meet)
    cap = suggestion_cap(LISTED)
    capped = matcher.suggest_all(LISTED, cap=cap, explain=False)
    best = max((s.score for ranked in capped.values() for s in ranked), default=0.0)
    appearances = Counter(s.id for ranked in capped.values() for s in ranked)
    return FittedEvent(
        fingerprint, matcher, best, ids, items, {str(i.id): i.title for i in every_item},
        listed={a: frozenset(s.id for s in ranked) for a, ranked in capped.items()},
        over_cap=frozenset(c for c, n in appearances.items() if n >= cap))


def strength(score: float, best: float) -> int:
    """3 strong, 2 good, 1 possible: relative to the event's best pair."""
    share = score / best if best > 0 else 0.0
    return 3 if share >= STRONG else 2 if share >= GOOD else 1


@dataclass(frozen=True)
class SuggestedContact:
    company: Company
    strength: int
    reasons: tuple[str, ...]
    already_in_contact: bool
    known: bool = False


@dataclass(frozen=True)
class ItemMatch:
    """One of the reader's offers or requests meets one of another company's."""

    company: Company
    reason: str


@dataclass(frozen=True)
class Suggestions:
    contacts: list[SuggestedContact]
    items: list[ItemMatch] = field(default_factory=list)


def _in_contact(event_id: int, company_id: int) -> set[int]:
    """Companies with an open (pending or agreed) request with this one."""
    rows = db.session.execute(
        db.select(MeetingRequest.sender_id, MeetingRequest.recipient_id).where(
            MeetingRequest.event_id == event_id,
            MeetingRequest.status.in_([RequestStatus.PENDING.value, RequestStatus.ACCEPTED.value]),
            db.or_(MeetingRequest.sender_id == company_id,
                   MeetingRequest.recipient_id == company_id)))
    return {b if a == company_id else a for a, b in rows}


def not_interested_ids(event_id: int, company_id: int) -> set[int]:
    return set(db.session.scalars(db.select(NotInterested.other_company_id).filter_by(
        event_id=event_id, company_id=company_id)))


def _render(suggestion: Suggestion, lang: str) -> tuple[str, ...]:
    taxonomy = load_taxonomy()
    return tuple(reason.render(lang, taxonomy.label) for reason in suggestion.reasons)


def forbidden_partners(event_id: int, company_id: int, candidates) -> set[int]:
    """The companies this one may not meet by the event's group matrix: never suggested
    (the engine leaves them out too; this keeps the rule where every feature reads it)."""
    pairing = pairing_of(event_id)
    return {other for other in candidates if not pairing.may_meet(company_id, other)}


#: Item-to-item reasons quoted per suggested company, and item matches listed.
ITEM_REASONS, ITEM_MATCHES = 2, 6


def suggestions_for(event_id: int, company_id: int, k: int, lang: str) -> list[SuggestedContact]:
    """Ranked contacts for one approved company, with reasons in the reader's language."""
    return suggestions_with_items(event_id, company_id, k, lang).contacts


def suggestions_with_items(event_id: int, company_id: int, k: int, lang: str) -> Suggestions:
    """Ranked contacts for one approved company, with reasons in the reader's language (its
    requests that meet their offers, and the reverse, quoted first); its own marks of known
    partners listed as known, not suggested; and its items that meet others' items."""
    fitted = fitted_event(event_id)
    if fitted.matcher is None or company_id not in fitted.company_ids:
        return Suggestions([])
    me = str(company_id)
    excluded = not_interested_ids(event_id, company_id) | forbidden_partners(
        event_id, company_id, fitted.company_ids)
    # The cap: a company already listed for ``cap`` others is passed over, unless it is on
    # this company's own capped list.
    crowded = {int(c) for c in fitted.over_cap - fitted.listed.get(me, frozenset())}
    ranked = fitted.matcher.suggest(
        me, k, exclude={str(i) for i in excluded | crowded},
        meetings={str(i) for i in _in_contact(event_id, company_id)},
    )
    own_marks = {str(i) for i in db.session.scalars(
        db.select(KnownPartner.other_company_id).filter_by(company_id=company_id))}
    # Known the other way round (they marked this company): left out without a word, since
    # a mark is its author's private note.
    ranked = [s for s in ranked if not s.known or s.id in own_marks]
    item_matches = _item_matches(fitted, me, excluded | {int(i) for i in own_marks}, lang)
    by_company: dict[str, list[str]] = {}
    for match in item_matches:
        by_company.setdefault(match[0], []).append(match[1])
    wanted = {int(s.id) for s in ranked} | {int(c) for c in by_company}
    shown = {c.id: c for c in db.session.scalars(
        db.select(Company).where(Company.id.in_(wanted))
        .options(selectinload(Company.tag_links)))}
    contacts = [SuggestedContact(
        shown[int(s.id)], strength(s.score, fitted.best_score),
        tuple(by_company.get(s.id, ())[:ITEM_REASONS]) + _render(s, lang),
        s.already_meeting, s.known) for s in ranked if int(s.id) in shown]
    items = [ItemMatch(shown[int(c)], reason) for c, reason in item_matches
             if int(c) in shown][:ITEM_MATCHES]
    return Suggestions(contacts, items)


def _item_matches(fitted: FittedEvent, me: str, excluded: set[int],
                  lang: str) -> list[tuple[str, str]]:
    """(company id, reason) of the reader's items meeting others', best first."""
    if fitted.items is None:
        return []
    taxonomy = load_taxonomy()
    found: list[ItemSuggestion] = fitted.items.suggest(me, k=4 * ITEM_MATCHES)
    return [(s.company, s.reason.render(lang, taxonomy.label)) for s in found
            if int(s.company) not in excluded]


@dataclass(frozen=True)
class MatchedPair:
    a: Company
    b: Company
    strength: int
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class MatchMatrix:
    """Who is suggested to whom: the heatmap rows, the best pairs, and who nobody gets."""

    companies: list[Company]
    strengths: list[list[int]]  # 0 none, 1 possible, 2 good, 3 strong; the diagonal is 0
    pairs: list[MatchedPair]
    unsuggested: list[Company]
    group_of: dict[int, str] = field(default_factory=dict)  # company id → its group's name
    by_group: list[tuple[str, str, int]] = field(default_factory=list)  # suggested pairs



def match_matrix(event_id: int, k: int, lang: str) -> MatchMatrix:
    event = event_matches(event_id)
    matcher, best = event.fitted.matcher, event.fitted.best_score
    if matcher is None:
        return MatchMatrix(list(event.companies.values()), [], [], [])
    ids = [p.id for p in matcher.profiles]
    companies = [event.companies[int(i)] for i in ids]
    pairing = pairing_of(event_id)
    scores, _gain, _give = matcher.pair_scores(np.arange(len(ids)))
    strengths = [[strength(s, best) if s > 0 and pairing.may_meet(int(a), int(b)) else 0
                  for b, s in zip(ids, row, strict=True)] for a, row in zip(ids, scores,
                                                                            strict=True)]
    ranked = {a_id: [s for s in suggestions if pairing.may_meet(int(a_id), int(s.id))]
              for a_id, suggestions in matcher.suggest_all(k).items()}
    suggested_to_someone = {s.id for suggestions in ranked.values() for s in suggestions}
    pairs: dict[frozenset, MatchedPair] = {}
    for a_id, suggestions in ranked.items():
        for s in suggestions:
            key = frozenset((a_id, s.id))
            if key not in pairs:
                pairs[key] = MatchedPair(event.companies[int(a_id)], event.companies[int(s.id)],
                                         strength(s.score, best), s.score,
                                         _render(s, lang))
    group_of = {c.id: pairing.group(c.id).name for c in companies if pairing.group(c.id)}
    by_group = Counter(tuple(sorted((group_of.get(p.a.id, ""), group_of.get(p.b.id, ""))))
                       for p in pairs.values()) if pairing.active else Counter()
    return MatchMatrix(
        companies=companies, strengths=strengths,
        pairs=sorted(pairs.values(), key=lambda p: -p.score),
        unsuggested=[c for i, c in zip(ids, companies, strict=True)
                     if i not in suggested_to_someone],
        group_of=group_of, by_group=[(a, b, n) for (a, b), n in sorted(by_group.items())],
    )


def mark_not_interested(event_id: int, company_id: int, other_id: int, user_id: int) -> None:
    """Hide a suggestion for good; idempotent (a double click changes nothing)."""
    if other_id in not_interested_ids(event_id, company_id):
        return
    db.session.add(NotInterested(event_id=event_id, company_id=company_id,
                                 other_company_id=other_id, marked_by_id=user_id))
    try:
        db.session.flush()
    except IntegrityError:  # the same mark, saved by a concurrent click: nothing else to keep
        db.session.rollback()


def undo_not_interested(event_id: int, company_id: int, other_id: int) -> None:
    db.session.execute(db.delete(NotInterested).filter_by(
        event_id=event_id, company_id=company_id, other_company_id=other_id))


def hidden_companies(event_id: int, company_id: int) -> list[Company]:
    """The companies this one marked "not interested", to offer an undo."""
    ids = not_interested_ids(event_id, company_id)
    if not ids:
        return []
    return list(db.session.scalars(db.select(Company).where(Company.id.in_(ids))
                                   .order_by(Company.name)))
