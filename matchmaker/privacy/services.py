"""Data download and account deletion. The only place in the privacy feature that commits."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_login import logout_user

from .. import audit, dates
from ..events.services import close_requests_of
from ..extensions import db
from ..mail import send_email
from ..models import (
    AuditEntry,
    Badge,
    CheckIn,
    Company,
    Contact,
    Event,
    MeetingRating,
    MeetingRequest,
    Notification,
    Registration,
    RegistrationMessage,
    RequestMessage,
    Role,
    User,
    registration_attendees,
    utcnow,
)
from ..security import verify_password
from ..unit_of_work import ServiceError


class PrivacyError(ServiceError):
    """The deletion was refused; the message says why."""


def _iso(value):
    """A stored instant as ISO 8601 in UTC, offset included ("...+00:00")."""
    return dates.iso(value, UTC, timespec="seconds") if isinstance(value, datetime) else value


def _slot_iso(slot) -> str:
    """A slot's start as ISO 8601 in its event's time zone, offset included."""
    return dates.iso(slot.starts_at, dates.event_zone(slot.event), wall=True)


def data_document(user: User) -> dict:
    """Everything held on the user: the account, the company profile it belongs to, the
    company's registrations and requests, the messages the user wrote, their notices and
    what the audit log says they did. Nothing of other people beyond names of counterparts."""
    company = user.company
    document: dict = {
        "generated_at": _iso(utcnow()),
        "account": {"email": user.email, "name": user.name, "role": user.role,
                    "locale": user.locale, "created_at": _iso(user.created_at),
                    "last_login_at": _iso(user.last_login_at),
                    "has_password": bool(user.password_hash),
                    "calendar_subscription": bool(user.calendar_token)},
        "company": None, "registrations": [], "meeting_requests": [], "ratings": [],
    }
    if company is not None:
        document["company"] = {
            "name": company.name, "city": company.city, "country": company.country,
            "website": company.website, "phone": company.phone, "size": company.size,
            "languages": company.languages, "certifications": company.certifications,
            "description": company.description, "offers": company.offers,
            "seeks": company.seeks, "tags": company.tags,
            "dual_use_items": company.dual_use_items, "military_items": company.military_items,
            "export_licences": company.export_licences,
            "shared_contact_fields": company.shared_contact_fields,
            "created_at": _iso(company.created_at), "updated_at": _iso(company.updated_at),
            "opportunities": [
                {"kind": i.kind, "title": i.title, "text": i.text, "tags": i.tags,
                 "dual_use_items": i.dual_use_items, "military_items": i.military_items,
                 "expires_on": i.expires_on.isoformat() if i.expires_on else None}
                for i in company.opportunities]}
        registrations = db.session.scalars(db.select(Registration).filter_by(
            company_id=company.id)).all()
        attending = set(db.session.scalars(db.select(registration_attendees.c.registration_id)
                                           .where(registration_attendees.c.user_id == user.id)))
        document["registrations"] = [
            {"event": r.event.name, "status": r.status, "reason": r.reason,
             "you_attend": r.id in attending, "registered_at": _iso(r.created_at),
             "available_slots": [_slot_iso(s) for s in r.available_slots],
             # the vetting thread: the organizer's questions and the company's answers
             "questions_and_answers": [
                 {"from": "organizer" if m.from_organizer else "company", "body": m.body,
                  "written_by_you": m.author_id == user.id, "created_at": _iso(m.created_at)}
                 for m in r.messages]}
            for r in registrations]
        requests = db.session.scalars(db.select(MeetingRequest).where(db.or_(
            MeetingRequest.sender_id == company.id, MeetingRequest.recipient_id == company.id))
            .order_by(MeetingRequest.id)).all()
        document["meeting_requests"] = [
            {"event": r.event.name, "direction": "sent" if r.sender_id == company.id
             else "received", "counterpart": r.other_side(company.id).name,
             "status": r.status, "note": r.note, "reason": r.reason,
             "discussion_level": r.discussion_level, "sent_by_you": r.sent_by_id == user.id,
             "created_at": _iso(r.created_at),
             "slot": _slot_iso(r.slot) if r.slot else None,
             "table": r.table.name if r.table else None}
            for r in requests]
        document["ratings"] = [
            {"request_id": rating.request_id, "rating": rating.rating,
             "follow_up": rating.follow_up, "comment": rating.comment}
            for rating in db.session.scalars(db.select(MeetingRating).filter_by(
                company_id=company.id))]
    document["messages_written"] = [
        {"request_id": m.request_id, "body": m.body, "created_at": _iso(m.created_at)}
        for m in db.session.scalars(db.select(RequestMessage).filter_by(author_id=user.id)
                                    .order_by(RequestMessage.id))]
    document["notifications"] = [
        {"kind": n.kind, "created_at": _iso(n.created_at), "read_at": _iso(n.read_at)}
        for n in db.session.scalars(db.select(Notification).filter_by(user_id=user.id)
                                    .order_by(Notification.id))]
    document["check_ins"] = [
        {"event": name, "checked_in_at": _iso(at)}
        for name, at in db.session.execute(
            db.select(Event.name, CheckIn.checked_in_at).join(Event, Event.id == CheckIn.event_id)
            .where(CheckIn.user_id == user.id).order_by(CheckIn.id))]
    document["badges"] = [
        {"event": name, "issued_at": _iso(issued), "revoked_at": _iso(revoked)}
        for name, issued, revoked in db.session.execute(
            db.select(Event.name, Badge.created_at, Badge.revoked_at)
            .join(Event, Event.id == Badge.event_id).where(Badge.user_id == user.id)
            .order_by(Badge.id))]
    document["contacts_kept"] = [
        {"event": c.event_id, "name": c.person.name,
         "company": c.person.company.name if c.person.company else None, "note": c.note,
         "follow_up": c.follow_up, "kept_at": _iso(c.created_at)}
        for c in db.session.scalars(db.select(Contact).filter_by(owner_id=user.id)
                                    .order_by(Contact.id))]
    document["kept_your_contact"] = [
        {"event": c.event_id, "name": c.owner.name,
         "company": c.owner.company.name if c.owner.company else None,
         "kept_at": _iso(c.created_at)}
        for c in db.session.scalars(db.select(Contact).filter_by(person_id=user.id)
                                    .order_by(Contact.id))]
    document["actions_logged"] = [
        {"action": e.action, "at": _iso(e.created_at), "target": e.target_label,
         "details": e.details}
        for e in db.session.scalars(db.select(AuditEntry).filter_by(actor_id=user.id)
                                    .order_by(AuditEntry.id))]
    return document


def record_download(user: User) -> None:
    audit.record("data_downloaded", user, target=user)
    db.session.flush()


def delete_account(user: User, password: str) -> None:
    """Delete the account; the last member takes the company profile with it, after its open
    requests and agreed meetings are cancelled and the other sides told."""
    if not verify_password(user, password):
        raise PrivacyError(_l("The password is not correct."))
    if user.role == Role.ADMIN and db.session.scalar(db.select(db.func.count(User.id)).filter_by(
            role=Role.ADMIN.value)) <= 1:
        raise PrivacyError(_l("You are the only administrator. Make someone else an "
                              "administrator first."))
    company = user.company
    others = [m for m in company.members if m.id != user.id] if company else []
    notices: list[tuple[User, str, str]] = []
    if company is not None and not others:
        notices = _cancel_everything(company)
        audit.record("company_deleted", None, target=company,
                     details={"reason": "last member deleted the account"})
        db.session.delete(company)
    audit.record("account_deleted", None, target=f"user #{user.id}")
    # Vetting answers stay with the registration (the organizer's record), without the name.
    db.session.execute(db.update(RegistrationMessage).where(
        RegistrationMessage.author_id == user.id).values(author_name=""))
    db.session.delete(user)
    db.session.flush()
    logout_user()
    for member, company_name, event_name in notices:
        send_email(member.email, _l("%(company)s left Matchmaker", company=company_name),
                   "partner_left", locale=member.locale, user=member, company=company_name,
                   event=event_name)


def _cancel_everything(company: Company) -> list[tuple[User, str, str]]:
    """Cancel the company's open requests; in-app notices (that survive the requests) for the
    other sides, and the emails to send once committed."""
    notices = []
    for meeting_request in close_requests_of(company.id, "company_left",
                                             {"company": company.name}):
        other = meeting_request.other_side(company.id)
        for member in other.members:
            db.session.add(Notification(user_id=member.id, kind="partner_left",
                                        event_id=meeting_request.event_id,
                                        counterpart=company.name[:160]))
            notices.append((member, company.name, meeting_request.event.name))
    db.session.flush()
    return notices
