"""Suggested contacts and the organizer's match matrix, from the pure matching engine.

One fitted matcher per event is cached in the process and refitted only when the event's
approved companies or their profiles change (a fingerprint of ids and update times)."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import approved_companies_query
from ..engine.matching import Matcher, Profile, Suggestion
from ..engine.taxonomy import load_taxonomy
from ..extensions import db
from ..models import Company, CompanyEmbedding, MeetingRequest, NotInterested, RequestStatus
from ..pairing import pairing_of
from .embeddings import encoder_enabled, vectors_of

# Strength bands, as a share of the event's best pair score: a calm label instead of "87%".
STRONG, GOOD = 0.66, 0.33


@dataclass(frozen=True)
class FittedEvent:
    """What is cached per event: never ORM objects, which belong to one request's session."""

    fingerprint: tuple
    matcher: Matcher | None  # None with fewer than two companies: nobody to match
    best_score: float
    company_ids: frozenset[int]  # the approved companies it was fitted on


@dataclass(frozen=True)
class EventMatches:
    fitted: FittedEvent
    companies: dict[int, Company]  # loaded in this request


_cache: dict[int, FittedEvent] = {}
_cache_lock = threading.Lock()


def _approved_companies(event_id: int) -> list[Company]:
    query = (approved_companies_query(event_id).order_by(Company.id)
             .options(selectinload(Company.embedding), selectinload(Company.tag_links)))
    return list(db.session.scalars(query))


def _fingerprint(event_id: int) -> tuple:
    """(id, update time, text digest) of each approved company: read on every page view, so
    without the profiles' texts, tags and vectors (megabytes for a 500-company event)."""
    query = (approved_companies_query(event_id)
             .outerjoin(CompanyEmbedding, CompanyEmbedding.company_id == Company.id)
             .with_only_columns(Company.id, Company.updated_at, CompanyEmbedding.text_digest)
             .order_by(Company.id))
    return tuple(tuple(row) for row in db.session.execute(query))


def _profile(company: Company) -> Profile:
    return Profile(
        id=str(company.id), name=company.name, country=company.country,
        languages=tuple(company.languages or ()), description=company.description,
        offers=company.offers, seeks=company.seeks, tags=tuple(company.tags),
        embeddings=vectors_of(company),
    )


def fitted_event(event_id: int, companies: list[Company] | None = None) -> FittedEvent:
    """The event's matcher, refitted only when its approved companies changed; the check
    reads the fingerprint only, the profiles are loaded (or ``companies`` used) to refit."""
    fingerprint = _fingerprint(event_id)
    with _cache_lock:
        cached = _cache.get(event_id)
    if cached is None or cached.fingerprint != fingerprint:
        companies = _approved_companies(event_id) if companies is None else companies
        # Vectors are stored when a profile is saved; one without them (older texts, an import
        # made without the encoder) is embedded in memory by the matcher: pages never write.
        cached = _fit(companies, fingerprint)
        with _cache_lock:
            _cache[event_id] = cached
    return cached


def event_matches(event_id: int) -> EventMatches:
    """The fitted event with all its approved companies (the organizer's matrix)."""
    companies = _approved_companies(event_id)
    return EventMatches(fitted_event(event_id, companies), {c.id: c for c in companies})


def _fit(companies: list[Company], fingerprint: tuple) -> FittedEvent:
    ids = frozenset(c.id for c in companies)
    if len(companies) < 2:
        return FittedEvent(fingerprint, None, 0.0, ids)
    matcher = Matcher(load_taxonomy(), encoder=encoder_enabled())
    matcher.fit([_profile(c) for c in companies])
    best = max((s.score for ranked in matcher.suggest_all(1).values() for s in ranked),
               default=0.0)
    return FittedEvent(fingerprint, matcher, best, ids)


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
    """The companies this one may not meet by the event's group matrix: never suggested.
    (The engine will take groups itself; until then the pairs are filtered here.)"""
    pairing = pairing_of(event_id)
    return {other for other in candidates if not pairing.may_meet(company_id, other)}


def suggestions_for(event_id: int, company_id: int, k: int, lang: str) -> list[SuggestedContact]:
    """Ranked contacts for one approved company, with reasons in the reader's language."""
    fitted = fitted_event(event_id)
    if fitted.matcher is None or company_id not in fitted.company_ids:
        return []
    excluded = not_interested_ids(event_id, company_id) | forbidden_partners(
        event_id, company_id, fitted.company_ids)
    ranked = fitted.matcher.suggest(
        str(company_id), k,
        exclude={str(i) for i in excluded},
        meetings={str(i) for i in _in_contact(event_id, company_id)},
    )
    shown = {c.id: c for c in db.session.scalars(
        db.select(Company).where(Company.id.in_([int(s.id) for s in ranked]))
        .options(selectinload(Company.tag_links)))}
    return [SuggestedContact(shown[int(s.id)], strength(s.score, fitted.best_score),
                             _render(s, lang), s.already_meeting)
            for s in ranked if int(s.id) in shown]


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
