from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from .. import access, phases
from ..engine.taxonomy import load_taxonomy
from ..extensions import db
from ..i18n import current_language
from ..market import services as market
from ..market.forms import ConfirmForm
from ..models import User
from ..pairing import pairing_of
from . import services
from .forms import DiscussionLevelForm, MessageForm, ReasonForm, RequestForm

bp = Blueprint("meetings", __name__)

SEND_MESSAGES = {
    "sent": (lambda name: _("Your request has been sent to %(name)s.", name=name), "success"),
    "already": (lambda name: _("You already have an open request or a meeting with %(name)s.",
                               name=name), "info"),
    "mutual": (lambda name: _("%(name)s had asked to meet you too: the meeting is agreed.",
                              name=name), "success"),
}


@bp.route("/events/<int:event_id>/companies/<int:company_id>")
@login_required
def company(event_id: int, company_id: int):
    viewer = access.participant_viewer(event_id)
    phases.require_profiles(viewer)
    shown, _registration = access.visible_company(viewer, company_id)
    # Suggested contacts link here with their reasons as a draft note the sender can edit.
    return _render_company(viewer, shown, RequestForm(note=request.args.get("note", "")[:1000]))


def _render_company(viewer: access.Viewer, shown, form: RequestForm, status: int = 200):
    contacts = access.sees_contacts(viewer, shown)
    emails = db.session.scalars(db.select(User.email).filter_by(company_id=shown.id)).all() \
        if contacts else []
    open_request = services.open_request_between(viewer, shown)
    group = pairing_of(viewer.event.id).group(shown.id)
    return render_template("events/company.html", event=viewer.event, viewer=viewer,
                           company=shown, form=form, contacts=contacts, emails=emails,
                           open_request=open_request, may_meet=access.may_meet(viewer, shown.id),
                           requests_closed=phases.refusal(viewer.event, "send"),
                           group_name=group.name if group else "", taxonomy=load_taxonomy(),
                           lang=current_language(),
                           items=market.live_items(shown, market.event_today(viewer.event)),
                           known=viewer.is_participant and shown.id in market.known_ids(
                               viewer.company_id),
                           confirm_form=ConfirmForm()), status


@bp.app_context_processor
def request_counts():
    """``request_counts(viewer)`` for the event page: the participant's requests by state."""
    return {"request_counts": services.request_counts}


@bp.route("/events/<int:event_id>/companies/<int:company_id>/request", methods=["POST"])
@login_required
def send(event_id: int, company_id: int):
    viewer = access.participant_viewer(event_id)
    phases.require_profiles(viewer)
    recipient, _registration = access.visible_company(viewer, company_id)
    form = RequestForm()
    if not viewer.is_participant:  # organizers look, they do not request
        flash(_("Only approved participants can request meetings."), "warning")
        return redirect(url_for("meetings.company", event_id=event_id, company_id=company_id))
    if not form.validate_on_submit():
        return _render_company(viewer, recipient, form, status=400)
    try:
        result = services.send_request(viewer, recipient, form.note.data or "",
                                       form.interpreter.data)
    except services.RequestError as error:
        flash(str(error), "danger")
        return redirect(url_for("meetings.company", event_id=event_id, company_id=company_id))
    message, category = SEND_MESSAGES[result.outcome]
    flash(message(recipient.name), category)
    return redirect(url_for("meetings.show", request_id=result.request.id))


@bp.route("/events/<int:event_id>/requests")
@login_required
def index(event_id: int):
    viewer = access.participant_viewer(event_id)
    return render_template("meetings/index.html", event=viewer.event, viewer=viewer,
                           tabs=services.my_requests(viewer))


@bp.route("/requests/<int:request_id>")
@login_required
def show(request_id: int):
    meeting_request, viewer = access.request_viewer(request_id)
    return _render_request(meeting_request, viewer, MessageForm())


def _render_request(meeting_request, viewer, message_form, status=200):
    return render_template("meetings/show.html", meeting=meeting_request, viewer=viewer,
                           event=viewer.event, message_form=message_form,
                           reason_form=ReasonForm(),
                           level_form=DiscussionLevelForm(level=meeting_request.discussion_level),
                           level_label=services.discussion_level_label,
                           sees_contacts=access.sees_contacts), status


def _act(request_id: int, action, done_message: str):
    """Run one state change; a repeated click or a rule that blocks is said, never a 500."""
    meeting_request, viewer = access.request_viewer(request_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(" ".join(form.reason.errors) or _("Please try again."), "danger")
    else:
        try:
            changed = action(meeting_request, viewer, form.reason.data or "")
        except services.RequestError as error:
            flash(str(error), "danger")
        else:
            flash(done_message if changed else _("Nothing changed: this was done already."),
                  "success" if changed else "info")
    return redirect(url_for("meetings.show", request_id=request_id))


@bp.route("/requests/<int:request_id>/accept", methods=["POST"])
@login_required
def accept(request_id: int):
    return _act(request_id, lambda r, v, _reason: services.accept(r, v),
                _("Meeting agreed. The organizer will place it in the schedule."))


@bp.route("/requests/<int:request_id>/decline", methods=["POST"])
@login_required
def decline(request_id: int):
    return _act(request_id, services.decline, _("The request is declined."))


@bp.route("/requests/<int:request_id>/withdraw", methods=["POST"])
@login_required
def withdraw(request_id: int):
    return _act(request_id, lambda r, v, _reason: services.withdraw(r, v),
                _("Your request is withdrawn."))


@bp.route("/requests/<int:request_id>/cancel", methods=["POST"])
@login_required
def cancel(request_id: int):
    return _act(request_id, services.cancel, _("The meeting is cancelled."))


@bp.route("/requests/<int:request_id>/messages", methods=["POST"])
@login_required
def post_message(request_id: int):
    meeting_request, viewer = access.request_viewer(request_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _render_request(meeting_request, viewer, form, status=400)
    try:
        services.post_message(meeting_request, viewer, form.body.data)
    except services.RequestError as error:
        flash(str(error), "danger")
    return redirect(url_for("meetings.show", request_id=request_id) + "#thread")


@bp.route("/requests/<int:request_id>/discussion-level", methods=["POST"])
@login_required
def discussion_level(request_id: int):
    meeting_request, viewer = access.request_viewer(request_id)
    form = DiscussionLevelForm()
    if not form.validate_on_submit():
        flash(_("Choose a discussion level from the list."), "danger")
        return redirect(url_for("meetings.show", request_id=request_id), 303)
    try:
        changed = services.set_discussion_level(meeting_request, viewer, form.level.data)
    except services.RequestError as error:
        flash(str(error), "danger")
    else:
        if changed:
            flash(_("The discussion level is saved; the other side sees it too."), "success")
    return redirect(url_for("meetings.show", request_id=request_id))
