from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, dates
from ..access import Capability, event_staff
from ..models import Event, Slot
from ..schedule.queries import is_published
from ..web import get_or_404
from . import services
from .forms import BumpForm, MarkForm

bp = Blueprint("dayof", __name__, url_prefix="/organizer")


@bp.app_template_filter("day_status")
def day_status_filter(meeting) -> str:
    return services.status_text(meeting)


def _actor():
    return current_user._get_current_object()


# --- check-in ------------------------------------------------------------------------------

def _filters(values) -> dict[str, str]:
    show = values.get("show", "all")
    return {"q": values.get("q", "").strip()[:100],
            "show": show if show in services.SHOW_FILTERS else "all"}


@bp.route("/events/<int:event_id>/day-of")
@event_staff(Capability.MANAGE)
def attendees(event_id: int):
    viewer = access.event_viewer(event_id)
    filters = _filters(request.args)
    listing = services.check_in_list(viewer.event, filters["q"], filters["show"])
    return render_template("dayof/attendees.html", event=viewer.event, viewer=viewer,
                           listing=listing, filters=filters)


def _attendee_or_404(event: Event, user_id: int):
    found = services.attendee_of(event, user_id)
    if found is None:
        abort(404)
    return found


def _back_to_attendees(event_id: int, user_id: int):
    return redirect(url_for("dayof.attendees", event_id=event_id, **_filters(request.form))
                    + f"#attendee-{user_id}")


@bp.route("/events/<int:event_id>/day-of/attendees/<int:user_id>/check-in", methods=["POST"])
@event_staff(Capability.MANAGE)
def check_in(event_id: int, user_id: int):
    event = get_or_404(Event, event_id)
    user, registration = _attendee_or_404(event, user_id)
    if services.check_in(event, user, registration, _actor()):
        flash(_("%(name)s (%(company)s) is checked in.", name=user.name,
                company=registration.company.name), "success")
    else:
        flash(_("%(name)s was already checked in.", name=user.name), "info")
    return _back_to_attendees(event_id, user_id)


@bp.route("/events/<int:event_id>/day-of/attendees/<int:user_id>/undo", methods=["POST"])
@event_staff(Capability.MANAGE)
def undo_check_in(event_id: int, user_id: int):
    event = get_or_404(Event, event_id)
    user, registration = _attendee_or_404(event, user_id)
    if services.undo_check_in(event, user, registration, _actor()):
        flash(_("The check-in of %(name)s is undone.", name=user.name), "success")
    else:
        flash(_("%(name)s was not checked in.", name=user.name), "info")
    return _back_to_attendees(event_id, user_id)


# --- meetings ------------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/day-of/meetings")
@event_staff(Capability.MANAGE)
def meetings(event_id: int):
    return _render_meetings(access.event_viewer(event_id))


def _render_meetings(viewer, error: str | None = None, status: int = 200):
    return render_template("dayof/meetings.html", event=viewer.event, viewer=viewer,
                           board=services.day_board(viewer.event), error=error), status


def _back_to_meetings(event_id: int, request_id: int):
    return redirect(url_for("dayof.meetings", event_id=event_id) + f"#meeting-{request_id}")


@bp.route("/events/<int:event_id>/day-of/meetings/<int:request_id>/mark", methods=["POST"])
@event_staff(Capability.MANAGE)
def mark(event_id: int, request_id: int):
    viewer = access.event_viewer(event_id)
    meeting = access.meeting_or_404(viewer.event, request_id)
    form = MarkForm()
    if not form.validate_on_submit():
        return _render_meetings(viewer, _("Choose held, no-show or running late."), 400)
    try:
        services.mark(viewer.event, meeting, form.status.data, _actor())
    except services.DayOfError as error:
        return _render_meetings(viewer, str(error), 409)
    flash(_("%(a)s and %(b)s: %(status)s.", a=meeting.sender.name, b=meeting.recipient.name,
            status=services.status_text(meeting)), "success")
    return _back_to_meetings(event_id, request_id)


@bp.route("/events/<int:event_id>/day-of/meetings/<int:request_id>/bump", methods=["POST"])
@event_staff(Capability.MANAGE)
def bump(event_id: int, request_id: int):
    viewer = access.event_viewer(event_id)
    meeting = access.meeting_or_404(viewer.event, request_id)
    form = BumpForm(viewer.event)
    if not form.validate_on_submit():
        return _render_meetings(viewer, " ".join(form.slot.errors), 400)
    slot = get_or_404(Slot, form.slot.data) if form.slot.data else None
    try:
        slot = services.bump(viewer.event, meeting, slot, _actor())
    except services.DayOfError as error:
        return _render_meetings(viewer, str(error), 409)
    done = _("The meeting of %(a)s and %(b)s is moved to %(time)s at table %(table)s.",
             a=meeting.sender.name, b=meeting.recipient.name, time=dates.slot_label(slot),
             table=meeting.table.name)
    if is_published(viewer.event):
        done += " " + _("Both companies are told.")
    flash(done, "success")
    return _back_to_meetings(event_id, request_id)
