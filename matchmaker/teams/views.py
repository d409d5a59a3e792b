"""The team page of an event (its owner manages it) and the invitation links."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access
from ..access import Capability, event_staff
from ..extensions import db
from ..i18n import current_language
from ..models import Event, Invitation, Registration, TeamRole
from ..web import db_int, get_or_404, render_form
from . import services
from .forms import AcceptForm, AddMemberForm, AssignForm, JoinForm, RoleForm, RulesForm

bp = Blueprint("teams", __name__)


def _render_team(event: Event, form: AddMemberForm, status: int = 200):
    members = services.members_of(event)
    return render_template(
        "teams/team.html", event=event, viewer=access.viewer_of(event), form=form,
        members=members, invitations=services.open_invitations(event),
        role_forms={m.id: RoleForm(role=m.role, prefix=f"m{m.id}") for m in members},
        rules_forms={m.id: RulesForm(event, countries=m.countries, groups=m.group_ids,
                                     prefix=f"r{m.id}") for m in members},
        links={m.id: services.recruiting_link(m) for m in members if m.role != "vetter"},
        figures=services.figures(event, members)), status


@bp.route("/organizer/events/<int:event_id>/team", methods=["GET", "POST"])
@event_staff(Capability.TEAM)
def team(event_id: int):
    event = get_or_404(Event, event_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            added = services.add_member(event, form.email.data, TeamRole(form.role.data),
                                        current_user)
        except services.TeamError as error:
            form.email.errors.append(str(error))
        else:
            if isinstance(added, Invitation):
                flash(_("%(email)s has no account yet and gets an invitation by email.",
                        email=added.email), "success")
            else:
                flash(_("%(name)s is on the team now.", name=added.user.name or added.user.email),
                      "success")
            return redirect(url_for("teams.team", event_id=event.id))
    return _render_team(event, form, 400 if form.errors else 200)


def _member_or_404(event: Event, member_id: int):
    return services.member_of(event, member_id) or abort(404)


@bp.route("/organizer/events/<int:event_id>/team/<int:member_id>/role", methods=["POST"])
@event_staff(Capability.TEAM)
def change_role(event_id: int, member_id: int):
    event = get_or_404(Event, event_id)
    member = _member_or_404(event, member_id)
    form = RoleForm(prefix=f"m{member.id}")
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_role(event, member, TeamRole(form.role.data), current_user)
    except services.TeamError as error:
        flash(str(error), "danger")
    else:
        flash(_("The role is changed."), "success")
    return redirect(url_for("teams.team", event_id=event.id))


@bp.route("/organizer/events/<int:event_id>/team/<int:member_id>/remove", methods=["POST"])
@event_staff(Capability.TEAM)
def remove(event_id: int, member_id: int):
    event = get_or_404(Event, event_id)
    member = _member_or_404(event, member_id)
    try:
        services.remove_member(event, member, current_user)
    except services.TeamError as error:
        flash(str(error), "danger")
    else:
        flash(_("They are no longer on the team."), "success")
    return redirect(url_for("teams.team", event_id=event.id))


@bp.route("/organizer/events/<int:event_id>/team/<int:member_id>/responsibility",
          methods=["POST"])
@event_staff(Capability.TEAM)
def responsibility(event_id: int, member_id: int):
    event = get_or_404(Event, event_id)
    member = _member_or_404(event, member_id)
    form = RulesForm(event, prefix=f"r{member.id}")
    if not form.validate_on_submit():
        flash(_("Pick countries and groups from the lists."), "danger")
        return redirect(url_for("teams.team", event_id=event.id)), 303
    services.set_rules(event, member, form.countries.data or [], form.groups.data or [],
                       current_user)
    flash(_("The responsibility is saved."), "success")
    return redirect(url_for("teams.team", event_id=event.id))


@bp.route("/organizer/events/<int:event_id>/team/invitations/<int:invitation_id>/revoke",
          methods=["POST"])
@event_staff(Capability.TEAM)
def revoke(event_id: int, invitation_id: int):
    event = get_or_404(Event, event_id)
    invitation = services.invitation_of(event, invitation_id) or abort(404)
    try:
        services.revoke(event, invitation, current_user)
    except services.TeamError as error:
        flash(str(error), "danger")
    else:
        flash(_("The invitation is revoked; its link no longer works."), "success")
    return redirect(url_for("teams.team", event_id=event.id))


@bp.route("/organizer/events/<int:event_id>/registrations/<int:registration_id>/responsible",
          methods=["POST"])
@event_staff(Capability.MANAGE)
def assign(event_id: int, registration_id: int):
    """Make a team member responsible for a company by hand (or hand it back to the rules)."""
    event = get_or_404(Event, event_id)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id or \
            not AssignForm().validate_on_submit():
        abort(404 if registration is None or registration.event_id != event.id else 400)
    user_id = request.form.get("responsible", type=db_int)
    try:
        services.assign(event, registration, user_id, current_user)
    except services.TeamError as error:
        flash(str(error), "danger")
    else:
        flash(_("Responsibility for %(company)s is saved.", company=registration.company.name),
              "success")
    return redirect(url_for("organizer.registrations", event_id=event.id, status="all"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept(token: str):
    """An emailed invitation: set a name and password (a new account), or, for an account with a
    password, log in and accept. The link works once."""
    invitation = services.open_invitation(token)
    if invitation is None:
        flash(_("This invitation link is invalid, used, revoked or expired. Ask the person who "
                "invited you for a new one."), "danger")
        return redirect(url_for("auth.login"))
    account = services.invited_account(invitation)
    if account is not None and account.password_hash:
        return _join_existing(invitation, account, token)
    form = AcceptForm(name=account.name if account else None)
    if form.validate_on_submit():
        try:
            user = services.accept_with_password(invitation, form.name.data, form.password.data,
                                                 current_language())
        except services.TeamError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Welcome, %(name)s. Your password is set.", name=user.name or user.email),
                  "success")
            return redirect(services.landing_url(invitation.event_id, user))
    return render_form("teams/accept.html", form, invitation=invitation, account=account)


def _join_existing(invitation: Invitation, account, token: str):
    if not current_user.is_authenticated:
        flash(_("You have an account already: log in to accept the invitation."), "info")
        return redirect(url_for("auth.login", next=url_for("teams.accept", token=token)))
    if current_user.id != account.id:
        flash(_("This invitation is for %(email)s. Log out and log in with that account.",
                email=invitation.email), "warning")
        return redirect(url_for("main.index"))
    form = JoinForm()
    if form.validate_on_submit():
        services.accept(invitation, current_user._get_current_object())
        flash(_("You are on the team of %(event)s.", event=invitation.event.name
                if invitation.event else "Matchmaker"), "success")
        return redirect(services.landing_url(invitation.event_id, current_user))
    return render_form("teams/join.html", form, invitation=invitation)


# The session key where a recruiting link is remembered until the company registers.
RECRUITED_VIA = "recruited_via"


@bp.route("/events/<int:event_id>/join/<token>")
def join(event_id: int, token: str):
    """A co-organizer's recruiting link: remember it in the browser's session (through login,
    account and profile creation) and go to the event; the registration then credits them.
    Nothing is written to the database and nothing is revealed: a bad link just goes on."""
    if len(token) <= 200:
        session[RECRUITED_VIA] = {"event_id": event_id, "token": token}
    return redirect(url_for("events.show", event_id=event_id))


def recruited_via(event_id: int) -> str | None:
    """The recruiting link token remembered for this event, if any."""
    remembered = session.get(RECRUITED_VIA) or {}
    return remembered.get("token") if remembered.get("event_id") == event_id else None
