"""Team operations (flush only) and the emailed single-use invitations.

Rights are read by ``matchmaker.access``; this module changes who is on a team. An event always
keeps at least one owner, so nobody can lock everybody out of it."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from .. import access, audit
from ..auth import services as accounts
from ..extensions import db
from ..mail import send_email
from ..models import (
    Company,
    DayStatus,
    Event,
    EventMember,
    Invitation,
    MeetingRequest,
    Registration,
    RegistrationStatus,
    RequestStatus,
    TeamRole,
    User,
    utcnow,
)
from ..models.teams import hash_token
from ..unit_of_work import ServiceError


class TeamError(ServiceError):
    """A team change was refused; the message is shown to the owner."""


# --- the team -----------------------------------------------------------------------------

def members_of(event: Event) -> list[EventMember]:
    order = {TeamRole.OWNER.value: 0, TeamRole.CO_ORGANIZER.value: 1, TeamRole.VETTER.value: 2}
    members = db.session.scalars(db.select(EventMember).filter_by(event_id=event.id)).all()
    return sorted(members, key=lambda m: (order[m.role], (m.user.name or m.user.email).lower()))


def member_of(event: Event, member_id: int) -> EventMember | None:
    member = db.session.get(EventMember, member_id)
    return member if member is not None and member.event_id == event.id else None


def membership(event_id: int, user_id: int) -> EventMember | None:
    return db.session.scalar(db.select(EventMember).filter_by(event_id=event_id, user_id=user_id))


def add_owner(event: Event, user: User) -> EventMember:
    """The creator of an event owns it."""
    member = EventMember(event_id=event.id, user_id=user.id, role=TeamRole.OWNER.value,
                         countries=[], group_ids=[])
    db.session.add(member)
    db.session.flush()
    access.forget_team_roles()
    return member


def add_member(event: Event, email: str, role: TeamRole, actor: User) -> EventMember | Invitation:
    """Put an existing account on the team at once (and tell them); invite an unknown address."""
    email = accounts.normalize_email(email)
    user = accounts.find_user(email)
    if user is None:
        return invite(event, email, role, actor)
    if membership(event.id, user.id) is not None:
        raise TeamError(_l("%(email)s is on the team already.", email=email))
    member = EventMember(event_id=event.id, user_id=user.id, role=role.value, countries=[],
                         group_ids=[])
    db.session.add(member)
    db.session.flush()
    access.forget_team_roles()
    audit.record("team_member_added", actor, target=user, event=event,
                 details={"role": role.value})
    send_email(user.email, _l("You are on the team of %(event)s", event=event.name),
               "team_added", locale=user.locale, user=user, event=event, inviter=actor,
               role=role, link=_role_url(event.id, role, _external=True))
    return member


def change_role(event: Event, member: EventMember, role: TeamRole, actor: User) -> None:
    if member.role == role.value:
        return
    if member.role == TeamRole.OWNER.value and _owner_count(event) <= 1:
        raise TeamError(_l("The event needs an owner. Make someone else owner first."))
    old = member.role
    member.role = role.value
    access.forget_team_roles()
    audit.record("team_role_changed", actor, target=member.user, event=event,
                 details={"from": old, "to": role.value})


def remove_member(event: Event, member: EventMember, actor: User) -> None:
    if member.role == TeamRole.OWNER.value and _owner_count(event) <= 1:
        raise TeamError(_l("The event needs an owner. Make someone else owner first."))
    audit.record("team_member_removed", actor, target=member.user, event=event,
                 details={"role": member.role})
    # Companies assigned to them by hand fall back to the team's rules.
    db.session.execute(db.update(Registration)
                       .where(Registration.event_id == event.id,
                              Registration.responsible_id == member.user_id)
                       .values(responsible_id=None))
    db.session.delete(member)
    db.session.flush()
    access.forget_team_roles()


def _owner_count(event: Event) -> int:
    return db.session.scalar(db.select(db.func.count(EventMember.id)).filter_by(
        event_id=event.id, role=TeamRole.OWNER.value))


# --- invitations --------------------------------------------------------------------------

def _max_age() -> timedelta:
    return timedelta(days=current_app.config["INVITATION_MAX_AGE_DAYS"])


def _new_invitation(email: str, event: Event | None, role: TeamRole | None, actor: User | None,
                    user: User | None = None) -> tuple[Invitation, str]:
    token = Invitation.new_token()
    invitation = Invitation(token_hash=hash_token(token), email=email,
                            event_id=event.id if event else None,
                            role=role.value if role else None, user_id=user.id if user else None,
                            invited_by_id=actor.id if actor is not None and actor.is_authenticated
                            else None, expires_at=utcnow() + _max_age())
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def invite(event: Event, email: str, role: TeamRole, actor: User) -> Invitation:
    """Email a single-use link to join the team; an open invitation to the address is replaced."""
    for old in open_invitations(event):
        if old.email == email:
            old.revoked_at = utcnow()
    invitation, token = _new_invitation(email, event, role, actor)
    audit.record("team_invitation_sent", actor, target=email, event=event,
                 details={"role": role.value})
    send_email(email, _l("%(inviter)s invites you to %(event)s", inviter=_name(actor),
                         event=event.name),
               "team_invitation", locale=actor.locale, event=event, inviter=actor, role=role,
               link=url_for("teams.accept", token=token, _external=True),
               days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    return invitation


def invite_account(user: User, event: Event | None, actor: User | None,
                   company: Company | None = None) -> Invitation:
    """An account someone else created (an import, a colleague): email a days-long single-use
    link to set the password, naming the event and who added them."""
    invitation, token = _new_invitation(user.email, event, None, actor, user=user)
    send_email(user.email, _l("You are invited to %(what)s",
                              what=event.name if event else "Matchmaker"),
               "invitation", locale=user.locale, user=user, event=event, inviter=actor,
               company=company or user.company,
               link=url_for("teams.accept", token=token, _external=True),
               days=current_app.config["INVITATION_MAX_AGE_DAYS"])
    return invitation


def _name(user: User | None) -> str:
    return (user.name or user.email) if user is not None else "Matchmaker"


def open_invitations(event: Event) -> list[Invitation]:
    query = (db.select(Invitation)
             .where(Invitation.event_id == event.id, Invitation.role.is_not(None),
                    Invitation.used_at.is_(None), Invitation.revoked_at.is_(None),
                    Invitation.expires_at > utcnow())
             .order_by(Invitation.created_at.desc()))
    return list(db.session.scalars(query))


def invitation_of(event: Event, invitation_id: int) -> Invitation | None:
    invitation = db.session.get(Invitation, invitation_id)
    return invitation if invitation is not None and invitation.event_id == event.id \
        and invitation.role is not None else None


def revoke(event: Event, invitation: Invitation, actor: User) -> None:
    if not invitation.is_open:
        raise TeamError(_l("This invitation is used, revoked or expired already."))
    invitation.revoked_at = utcnow()
    audit.record("team_invitation_revoked", actor, target=invitation.email, event=event)


def open_invitation(token: str) -> Invitation | None:
    """The invitation a link names, if it can still be used."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(db.select(Invitation).filter_by(token_hash=hash_token(token)))
    return invitation if invitation is not None and invitation.is_open else None


def invited_account(invitation: Invitation) -> User | None:
    return invitation.user or accounts.find_user(invitation.email)


def accept(invitation: Invitation, user: User) -> EventMember | None:
    """Use the invitation up: a team invitation puts the user on the team."""
    if not invitation.is_open:
        raise TeamError(_l("This invitation is used, revoked or expired already."))
    invitation.used_at = utcnow()
    invitation.user_id = user.id
    if invitation.role is None:
        return None
    member = membership(invitation.event_id, user.id)
    if member is None:
        member = EventMember(event_id=invitation.event_id, user_id=user.id,
                             role=invitation.role, countries=[], group_ids=[])
        db.session.add(member)
        db.session.flush()
        access.forget_team_roles()
    audit.record("team_invitation_accepted", user, target=user, event=invitation.event_id,
                 details={"role": invitation.role})
    return member


def accept_with_password(invitation: Invitation, name: str, password: str,
                         locale: str | None = None) -> User:
    """Set the password of the invited account (creating it, in the language the page was read
    in, for a team invitation to an unknown address), use the invitation and log in."""
    user = invited_account(invitation)
    if user is None:
        user = accounts.create_user(invitation.email, password, name=name, locale=locale)
    elif user.password_hash:
        raise TeamError(_l("This account has a password already. Log in to accept."))
    else:
        accounts.set_password(user, password)
        if name.strip():
            user.name = name.strip()
    accept(invitation, user)
    accounts.start_session(user)
    return user


def landing_url(event_id: int | None, user: User) -> str:
    """Where a person lands after joining: the page their role works on."""
    if event_id is None:
        return url_for("main.index")
    return _role_url(event_id, access.team_role(user, event_id))


def _role_url(event_id: int, role: TeamRole | None, **options) -> str:
    if role == TeamRole.VETTER:
        return url_for("organizer.registrations", event_id=event_id, **options)
    return url_for("events.show", event_id=event_id, **options)


# --- responsibility -----------------------------------------------------------------------

def set_rules(event: Event, member: EventMember, countries: list[str], group_ids: list[int],
              actor: User) -> None:
    valid_groups = {g.id for g in event.groups}
    member.countries = sorted({c.upper() for c in countries if c})
    member.group_ids = sorted({g for g in group_ids if g in valid_groups})
    audit.record("responsibility_changed", actor, target=member.user, event=event,
                 details={"countries": member.countries, "groups": member.group_ids})


def assign(event: Event, registration: Registration, user_id: int | None, actor: User) -> None:
    """Make a team member responsible for a company by hand (None: back to the rules)."""
    if user_id is not None and membership(event.id, user_id) is None:
        raise TeamError(_l("Pick a member of the team."))
    registration.responsible_id = user_id
    audit.record("responsibility_changed", actor, target=registration, event=event,
                 details={"responsible_id": user_id})


def responsible_for(registration: Registration, members: list[EventMember]) -> int | None:
    """The user responsible for a registration: set by hand, else the first member (in team
    order) whose group or country rule matches; None when nobody's rules match."""
    if registration.responsible_id is not None:
        return registration.responsible_id
    for member in members:
        if registration.group_id is not None and registration.group_id in (member.group_ids or []):
            return member.user_id
    country = registration.company.country
    for member in members:
        if country and country in (member.countries or []):
            return member.user_id
    return None


def mine_first(registrations: list[Registration], responsible: dict[int, int | None],
               user_id: int, only_mine: bool = False) -> list[Registration]:
    """The vetting queue of a team member: theirs first (or only theirs), each part in the
    order given."""
    mine = [r for r in registrations if responsible.get(r.id) == user_id]
    if only_mine:
        return mine
    return mine + [r for r in registrations if responsible.get(r.id) != user_id]


def _recruit_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="recruiting-link")


def recruiting_link(member: EventMember) -> str:
    """A co-organizer's own link to the event: companies that register after opening it are
    theirs (signed, so nobody can claim companies for someone else)."""
    token = _recruit_serializer().dumps([member.event_id, member.id])
    return url_for("teams.join", event_id=member.event_id, token=token, _external=True)


def recruiter_of(event_id: int, token: str | None) -> EventMember | None:
    """The team member whose recruiting link ``token`` is, if still on the event's team."""
    try:
        data = _recruit_serializer().loads(token or "")
    except BadSignature:
        return None
    if not (isinstance(data, list) and len(data) == 2 and data[0] == event_id
            and isinstance(data[1], int)):
        return None
    member = db.session.get(EventMember, data[1])
    if member is None or member.event_id != event_id or member.role == TeamRole.VETTER.value:
        return None
    return member


def credit_recruiter(registration: Registration, token: str | None) -> None:
    """A new registration made after opening a co-organizer's recruiting link is theirs."""
    member = recruiter_of(registration.event_id, token)
    if member is not None and registration.responsible_id is None:
        registration.responsible_id = member.user_id


def credit_importer(registration: Registration, actor: User) -> None:
    """A new registration imported by a co-organizer is theirs, as one through their recruiting
    link (the owner's imports stay with the team's country and group rules)."""
    member = membership(registration.event.id, actor.id)  # event_id is set at the flush
    if (member is not None and member.role == TeamRole.CO_ORGANIZER.value
            and registration.responsible_id is None):
        registration.responsible_id = actor.id


def responsibilities(event: Event) -> dict[int, int | None]:
    """registration id → responsible user id for every registration of the event."""
    members = members_of(event)
    registrations = db.session.scalars(db.select(Registration).filter_by(event_id=event.id))
    return {r.id: responsible_for(r, members) for r in registrations}


def notify_responsible(registration: Registration) -> None:
    """Tell the team member responsible for a company that it has registered (after commit)."""
    user_id = responsible_for(registration, members_of(registration.event))
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        return
    send_email(user.email, _l("%(company)s registered for %(event)s",
                              company=registration.company.name, event=registration.event.name),
               "responsible_registered", locale=user.locale, user=user,
               company=registration.company, event=registration.event,
               link=url_for("organizer.registrations", event_id=registration.event_id,
                            mine=1, _external=True))


# --- figures ------------------------------------------------------------------------------

def figures(event: Event, members: list[EventMember] | None = None) -> list[dict]:
    """Per team member: companies they are responsible for, approved among them, meetings
    those companies agreed and held ("who recruited whom, how many meetings did they get")."""
    members = members_of(event) if members is None else members
    registrations = list(db.session.scalars(db.select(Registration).filter_by(event_id=event.id)))
    owner_of = {r.company_id: responsible_for(r, members) for r in registrations}
    approved = {r.company_id for r in registrations if r.status == RegistrationStatus.APPROVED}
    meetings = db.session.execute(
        db.select(MeetingRequest.sender_id, MeetingRequest.recipient_id, MeetingRequest.day_status)
        .filter_by(event_id=event.id, status=RequestStatus.ACCEPTED.value)).all()
    held_marks = {DayStatus.HELD.value, DayStatus.LATE.value}
    rows = []
    for member in members:
        mine = {company for company, user in owner_of.items() if user == member.user_id}
        theirs = [m for m in meetings if m.sender_id in mine or m.recipient_id in mine]
        rows.append({"member": member, "companies": len(mine), "approved": len(mine & approved),
                     "agreed": len(theirs),
                     "held": sum(1 for m in theirs if m.day_status in held_marks)})
    return rows
