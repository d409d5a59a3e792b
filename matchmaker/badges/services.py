"""Badge tokens and check-in by scanning.

A badge's token is an HMAC of a random nonce under the app's secret key, so the QR code cannot
be guessed from an id or an email and a copy of the database alone does not give the tokens
away; it is found again by the SHA-256 of the token (which is also all the organizer's phone
keeps offline). A badge is good while it is not revoked and its holder still attends the event
through an approved registration; reissuing revokes the old one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import audit
from ..dayof import services as dayof
from ..extensions import db
from ..models import Badge, CheckIn, Event, Registration, User, utcnow
from ..schedule.queries import approved_registrations
from ..unit_of_work import ServiceError

TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
MAX_SCANNED_TEXT = 300  # a URL with the token; anything longer is not one of ours


class BadgeRefused(ServiceError):
    """A scanned badge is not good here; the message says why, for the person scanning."""


def token_for(badge: Badge) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(secret, f"badge:{badge.nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()  # 144 bits, 24 characters


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_from_scan(text: str) -> str | None:
    """The token in what a scanner read: the token itself or our badge URL (…/b/<token>)."""
    text = (text or "").strip()[:MAX_SCANNED_TEXT]
    candidate = text.rstrip("/").rsplit("/", 1)[-1]
    return candidate if TOKEN_PATTERN.fullmatch(candidate) else None


# --- issuing -------------------------------------------------------------------------------

def active_badge(event: Event, user: User) -> Badge | None:
    return db.session.scalar(db.select(Badge).filter_by(event_id=event.id, user_id=user.id,
                                                         revoked_at=None))


def _new_badge(event: Event, user: User) -> Badge:
    nonce = secrets.token_urlsafe(24)
    badge = Badge(event_id=event.id, user_id=user.id, nonce=nonce, user=user)
    badge.token_hash = hash_token(token_for(badge))
    db.session.add(badge)
    return badge


@dataclass
class Holder:
    """An attendee of an approved registration, with their current badge."""

    user: User
    registration: Registration
    badge: Badge | None  # None until issued (listing without ``issue``)


def issue_badges(event: Event, only: User | None = None, issue: bool = True) -> list[Holder]:
    """The badges of every attendee of the approved registrations (or of ``only``), issued
    where missing and badges of people who no longer attend that way revoked; with
    ``issue=False`` only read (for a page)."""
    holders, attending = [], set()
    active = {b.user_id: b for b in db.session.scalars(
        db.select(Badge).filter_by(event_id=event.id, revoked_at=None))}
    for registration in approved_registrations(event):
        for user in registration.attendees:
            attending.add(user.id)
            if only is not None and user.id != only.id:
                continue
            badge = active.get(user.id) or (_new_badge(event, user) if issue else None)
            holders.append(Holder(user, registration, badge))
    if issue:
        for user_id, badge in active.items():
            if user_id not in attending and only is None:  # one's own badge touches no other
                badge.revoked_at = utcnow()
        db.session.flush()
    return sorted(holders, key=lambda h: (h.registration.company.name.lower(),
                                          h.user.name.lower(), h.user.id))


def reissue(event: Event, user: User, actor: User) -> Badge:
    """A lost or misprinted badge: the old QR code stops working, a new one is issued."""
    if dayof.attendee_of(event, user.id) is None:
        raise BadgeRefused(_l("Only attendees of approved registrations get badges."))
    old = active_badge(event, user)
    if old is not None:
        old.revoked_at = utcnow()
        db.session.flush()  # the old row leaves the "active" set before the new one joins
    badge = _new_badge(event, user)
    audit.record("badge_reissued", actor, target=user, event=event)
    db.session.flush()
    return badge


# --- reading a scanned badge ---------------------------------------------------------------

@dataclass
class Scanned:
    badge: Badge
    user: User
    registration: Registration


def resolve(event: Event, text: str) -> Scanned:
    """The attendee a scanned badge stands for at ``event``; refused with the reason when it
    is unknown, for another event, revoked, or its registration is no longer approved."""
    token = token_from_scan(text)
    badge = token and db.session.scalar(db.select(Badge).filter_by(
        token_hash=hash_token(token)))
    if not badge:
        raise BadgeRefused(_l("This is not a badge of ours. Check the code or type it again."))
    if badge.event_id != event.id:
        raise BadgeRefused(_l("This badge is for another event."))
    if badge.revoked_at is not None:
        raise BadgeRefused(_l("This badge was revoked: a newer badge was issued or the "
                              "registration was withdrawn. Send the person to the desk."))
    found = dayof.attendee_of(event, badge.user_id)
    if found is None:
        raise BadgeRefused(_l("This badge is no longer valid: the registration is not "
                              "approved. Send the person to the desk."))
    user, registration = found
    return Scanned(badge, user, registration)


def check_in_by_badge(event: Event, text: str, actor: User) -> tuple[Scanned, bool]:
    """Check in the badge's holder; the bool is False if they were in already (a colleague at
    the other door scanned them first: the check-in's unique key keeps it one)."""
    scanned = resolve(event, text)
    return scanned, dayof.check_in(event, scanned.user, scanned.registration, actor)


def offline_attendees(event: Event) -> list[dict]:
    """What the organizer's phone keeps to check people in without a network: the hash of
    each good badge's token (never the token), the name, company and whether they are in."""
    arrived = set(db.session.scalars(db.select(CheckIn.user_id).filter_by(event_id=event.id)))
    badges = {b.user_id: b for b in db.session.scalars(
        db.select(Badge).filter_by(event_id=event.id, revoked_at=None))}
    rows = []
    for registration in approved_registrations(event):
        for user in registration.attendees:
            if user.id in badges:
                rows.append({"hash": badges[user.id].token_hash, "name": user.name or "",
                             "company": registration.company.name,
                             "checked_in": user.id in arrived})
    return rows
