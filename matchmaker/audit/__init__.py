"""The audit log of sensitive actions: ``record()`` adds an entry to the current transaction
(the caller's commit writes it with the change it describes); entries are never changed."""

from __future__ import annotations

from flask import has_request_context, request
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditEntry, Company, Event, MeetingRequest, Registration, User

# action -> what it is, for the filter and the list.
ACTIONS = (
    "login_failed", "role_changed", "registration_approved", "registration_rejected",
    "registration_withdrawn", "registration_needs_info", "registration_answered",
    "registration_revoked", "vetting_import",
    "profile_created", "profile_edited", "export", "import", "schedule_published",
    "denied_parties_uploaded", "data_downloaded", "account_deleted", "company_deleted",
    "attendee_checked_in", "check_in_undone", "meeting_marked", "meeting_bumped",
    "interpreter_reassigned", "meeting_taken_off",
    "group_added", "group_changed", "group_deleted", "group_matrix_changed", "group_assigned",
    "team_member_added", "team_member_removed", "team_role_changed", "team_invitation_sent",
    "team_invitation_revoked", "team_invitation_accepted", "responsibility_changed",
    "phase_overridden",
)


class AuditLogIsAppendOnly(Exception):
    """Something tried to change or delete an audit entry."""


def _describe(target) -> tuple[str, int | None, str]:
    if target is None:
        return "", None, ""
    if isinstance(target, User):
        return "user", target.id, target.email
    if isinstance(target, Company):
        return "company", target.id, target.name
    if isinstance(target, Registration):
        return "registration", target.id, target.company.name if target.company else ""
    if isinstance(target, MeetingRequest):
        return "meeting_request", target.id, ""
    if isinstance(target, Event):
        return "event", target.id, target.name
    if isinstance(target, str):
        return "", None, target[:254]
    return type(target).__name__.lower(), getattr(target, "id", None), str(target)[:254]


def record(action: str, actor: User | None, target=None, event: Event | int | None = None,
           details: dict | None = None) -> AuditEntry:
    """Add an entry to the session; it is written by the caller's next commit."""
    target_type, target_id, target_label = _describe(target)
    event_id = event.id if isinstance(event, Event) else event
    actor_id = actor.id if actor is not None and getattr(actor, "is_authenticated", True) else None
    entry = AuditEntry(
        action=action, actor_id=actor_id,
        actor_label=(actor.email if actor_id is not None else "")[:254],
        target_type=target_type, target_id=target_id, target_label=target_label,
        event_id=event_id, details=details or {},
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry


@sa_event.listens_for(Session, "before_flush")
def _refuse_changes(session, _context, _instances) -> None:
    """Entries are written once: no update or delete goes through the ORM."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
