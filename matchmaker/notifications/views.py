from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from . import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
@login_required
def index():
    return render_template("notifications/index.html",
                           notifications=services.recent(current_user),
                           describe=services.describe)


@bp.route("/<int:notification_id>/open", methods=["POST"])
@login_required
def open_one(notification_id: int):
    notification = services.mark_read(current_user, notification_id)
    if notification is None:
        abort(404)  # another user's notice: as if it did not exist
    if notification.kind == "registration_needs_info":  # the question waits on that page
        return redirect(url_for("events.register", event_id=notification.event_id,
                                _anchor="thread"))
    if notification.kind == "registration_answered":  # the answered ones wait in the queue
        return redirect(url_for("organizer.registrations", event_id=notification.event_id,
                                status="pending"))
    if notification.kind == "program_place":  # the place shows on the programme
        return redirect(url_for("events.programme", event_id=notification.event_id))
    if notification.request_id is None:
        return redirect(url_for("events.show", event_id=notification.event_id))
    return redirect(url_for("meetings.show", request_id=notification.request_id))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    services.mark_read(current_user)
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_notifications():
    """The navbar badge on every page."""
    if current_user and current_user.is_authenticated:
        return {"unread_notifications": services.unread_count(current_user)}
    return {"unread_notifications": 0}
