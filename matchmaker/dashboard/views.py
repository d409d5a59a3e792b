from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_wtf import FlaskForm

from ..access import Capability, event_staff
from ..models import Event
from ..schedule.interpreters import loads as interpreter_loads
from ..security import talisman
from ..teams import services as team
from ..web import get_or_404
from . import charts, reminders
from .next_steps import next_steps
from .services import dashboard


class ReminderForm(FlaskForm):
    """A bare POST with its CSRF token."""


bp = Blueprint("dashboard", __name__, url_prefix="/organizer/events/<int:event_id>")

# pygal styles its SVG with an inline <style>. The SVG is loaded as an image, where nothing
# runs, so only this response allows inline styles and nothing else.
CHART_CSP = {"default-src": "'none'", "style-src": "'unsafe-inline'",
             "frame-ancestors": "'self'"}


@bp.app_context_processor
def next_steps_helper():
    """``next_steps(event)`` for the organizer's pages: what to do next."""
    return {"next_steps": next_steps}


@bp.route("/dashboard")
@event_staff(Capability.MANAGE)
def show(event_id: int):
    event = get_or_404(Event, event_id)
    to_remind = {kind: reminders.companies_to_remind(event, kind) for kind in reminders.KINDS}
    return render_template("dashboard/show.html", event=event, data=dashboard(event),
                           to_remind=to_remind, figures=team.figures(event),
                           interpreters=interpreter_loads(event),
                           reminder_form=ReminderForm())


@bp.route("/reminders/<kind>", methods=["POST"])
@event_staff(Capability.MANAGE)
def remind(event_id: int, kind: str):
    event = get_or_404(Event, event_id)
    if kind not in reminders.KINDS:
        abort(404)
    if ReminderForm().validate_on_submit():
        sent = reminders.send_reminders(event, kind)
        flash(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", sent), "success")
    return redirect(url_for("dashboard.show", event_id=event.id))


@bp.route("/charts/<name>.svg")
@event_staff(Capability.MANAGE)
@talisman(content_security_policy=CHART_CSP)
def chart(event_id: int, name: str):
    if name not in charts.CHARTS:
        abort(404)
    event = get_or_404(Event, event_id)
    return Response(charts.render_svg(name, dashboard(event)), mimetype="image/svg+xml")
