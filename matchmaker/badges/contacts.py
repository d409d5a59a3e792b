"""Contacts kept by scanning badges (lead retrieval): a note and a follow-up flag per person,
only the fields the person's company chose to share, and the person sees who kept them.

The fields shared are read when shown or exported, not copied at scan time: a company that
stops sharing its phone number stops showing it everywhere."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import vobject
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..choices import country_name
from ..extensions import db
from ..models import (
    SHAREABLE_CONTACT_FIELDS,
    Company,
    Contact,
    DayStatus,
    Event,
    MeetingRequest,
    RequestStatus,
    User,
)
from .services import BadgeRefused, resolve

MAX_NOTE = 2000


def field_labels() -> dict[str, str]:
    return {"email": _l("Email"), "phone": _l("Phone"), "website": _l("Website"),
            "city": _l("City")}


def set_shared_fields(company: Company, fields: list[str], actor: User) -> None:
    chosen = [f for f in SHAREABLE_CONTACT_FIELDS if f in fields]
    if chosen != list(company.shared_contact_fields or []):
        audit.record("contact_sharing_changed", actor, target=company,
                     details={"fields": chosen})
        company.shared_contact_fields = chosen
    db.session.flush()


def shared_fields(person: User) -> dict[str, str]:
    """The person's contact details their company lets scanners see (field → value)."""
    company = person.company
    if company is None:
        return {}
    values = {"email": person.email, "phone": company.phone, "website": company.website,
              "city": company.city}
    return {f: values[f] for f in SHAREABLE_CONTACT_FIELDS
            if f in (company.shared_contact_fields or []) and values[f]}


# --- capturing -----------------------------------------------------------------------------

def capture(event: Event, owner: User, scanned_text: str, note: str = "",
            follow_up: bool = False) -> tuple[Contact, bool]:
    """Keep the person whose badge ``owner`` scanned; scanning again updates the note and the
    flag instead of adding a second contact. True when the contact is new."""
    scanned = resolve(event, scanned_text)
    if scanned.user.id == owner.id:
        raise BadgeRefused(_l("That is your own badge."))
    note = (note or "").strip()[:MAX_NOTE]
    contact = _find(event, owner.id, scanned.user.id)
    if contact is not None:
        update(contact, note or contact.note, follow_up or contact.follow_up)
        return contact, False
    contact = Contact(event_id=event.id, owner_id=owner.id, person_id=scanned.user.id,
                      note=note, follow_up=follow_up)
    db.session.add(contact)
    try:
        db.session.flush()
    except IntegrityError:  # the same scan sent twice at once (a retry from the phone)
        db.session.rollback()
        contact = _find(event, owner.id, scanned.user.id)
        if contact is None:
            raise
        return contact, False
    return contact, True


def _find(event: Event, owner_id: int, person_id: int) -> Contact | None:
    return db.session.scalar(db.select(Contact).filter_by(event_id=event.id, owner_id=owner_id,
                                                           person_id=person_id))


def update(contact: Contact, note: str, follow_up: bool) -> None:
    contact.note, contact.follow_up = (note or "").strip()[:MAX_NOTE], bool(follow_up)
    db.session.flush()


def contact_of(event: Event, owner: User, contact_id: int) -> Contact | None:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.event_id != event.id or contact.owner_id != owner.id:
        return None
    return contact


# --- reading -------------------------------------------------------------------------------

@dataclass
class ContactCard:
    contact: Contact
    person: User
    company: Company | None
    shared: dict[str, str]
    meetings: list[MeetingRequest] = field(default_factory=list)  # agreed, with that company

    @property
    def held(self) -> list[MeetingRequest]:
        return [m for m in self.meetings if m.day_status == DayStatus.HELD]


def _meetings_between(event: Event, company_id: int | None) -> dict[int, list[MeetingRequest]]:
    """The agreed meetings of ``company_id`` in the event, by the other company's id."""
    if company_id is None:
        return {}
    found: dict[int, list[MeetingRequest]] = {}
    for meeting in db.session.scalars(db.select(MeetingRequest).filter_by(
            event_id=event.id, status=RequestStatus.ACCEPTED.value).where(db.or_(
            MeetingRequest.sender_id == company_id, MeetingRequest.recipient_id == company_id))
            .order_by(MeetingRequest.id)):
        other = meeting.recipient_id if meeting.sender_id == company_id else meeting.sender_id
        found.setdefault(other, []).append(meeting)
    return found


def my_contacts(event: Event, owner: User, follow_up_only: bool = False) -> list[ContactCard]:
    query = db.select(Contact).filter_by(event_id=event.id, owner_id=owner.id)
    if follow_up_only:
        query = query.filter_by(follow_up=True)
    meetings = _meetings_between(event, owner.company_id)
    cards = [ContactCard(c, c.person, c.person.company, shared_fields(c.person),
                         meetings.get(c.person.company_id, []))
             for c in db.session.scalars(query)]
    return sorted(cards, key=lambda card: (card.person.name.lower(), card.contact.id))


def scanned_me(event: Event, person: User) -> list[Contact]:
    """Who kept this person as a contact (their name and company only)."""
    return list(db.session.scalars(db.select(Contact).filter_by(
        event_id=event.id, person_id=person.id).order_by(Contact.created_at, Contact.id)))


# --- exports -------------------------------------------------------------------------------

CSV_COLUMNS = ("name", "company", "country", "email", "phone", "website", "city", "note",
               "follow_up", "meetings_held", "scanned_at")


def _row(card: ContactCard) -> dict[str, str]:
    return {"name": card.person.name, "company": card.company.name if card.company else "",
            "country": card.company.country if card.company else "",
            **{f: card.shared.get(f, "") for f in SHAREABLE_CONTACT_FIELDS},
            "note": card.contact.note, "follow_up": "yes" if card.contact.follow_up else "no",
            "meetings_held": str(len(card.held)),
            "scanned_at": card.contact.created_at.replace(microsecond=0).isoformat() + "Z"}


PLAIN_NUMBER = re.compile(r"[+-]?[0-9 ().\-/]*")


def _cell(value: str) -> str:
    """Spreadsheets run a cell that starts with = + - @ as a formula (CSV injection); a phone
    number such as +33 1 23 45 67 89 holds nothing to run and stays as it is."""
    if value[:1] in ("=", "@", "\t", "\r") or (value[:1] in ("+", "-")
                                               and not PLAIN_NUMBER.fullmatch(value)):
        return "'" + value
    return value


def contacts_csv(cards: list[ContactCard]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for card in cards:
        writer.writerow({k: _cell(v) for k, v in _row(card).items()})
    return out.getvalue()


def contacts_vcard(cards: list[ContactCard], event: Event) -> str:
    """vCard 3.0 (what CRMs and phone address books read best), one card per contact."""
    return "".join(_vcard(card, event).serialize() for card in cards)


def _vcard(card: ContactCard, event: Event):
    person, company = card.person, card.company
    vcard = vobject.vCard()
    name = person.name or person.email
    vcard.add("fn").value = name
    parts = name.rsplit(" ", 1)
    vcard.add("n").value = vobject.vcard.Name(family=parts[-1] if len(parts) > 1 else name,
                                              given=parts[0] if len(parts) > 1 else "")
    if company is not None:
        vcard.add("org").value = [company.name]
    shared = card.shared
    if "email" in shared:
        vcard.add("email").value = shared["email"]
        vcard.email.type_param = "WORK"
    if "phone" in shared:
        vcard.add("tel").value = shared["phone"]
        vcard.tel.type_param = "WORK"
    if "website" in shared:
        vcard.add("url").value = shared["website"]
    if company is not None:
        vcard.add("adr").value = vobject.vcard.Address(
            city=shared.get("city", ""), country=str(country_name(company.country)))
    note = f"{event.name}" + (f": {card.contact.note}" if card.contact.note else "")
    vcard.add("note").value = note
    if card.contact.follow_up:
        vcard.add("categories").value = ["Follow up"]
    return vcard
