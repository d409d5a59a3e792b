from flask import Blueprint, Response, abort, render_template

from ..meetings.services import status_label
from ..models import Event, Role
from ..security import roles_required, talisman
from ..web import get_or_404
from . import charts
from .services import dashboard

bp = Blueprint("dashboard", __name__, url_prefix="/organizer/events/<int:event_id>")

# pygal styles its SVG with an inline <style>. The SVG is loaded as an image, where nothing
# runs, so only this response allows inline styles and nothing else.
CHART_CSP = {"default-src": "'none'", "style-src": "'unsafe-inline'",
             "frame-ancestors": "'self'"}


@bp.route("/dashboard")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def show(event_id: int):
    event = get_or_404(Event, event_id)
    return render_template("dashboard/show.html", event=event, data=dashboard(event),
                           status_label=status_label)


@bp.route("/charts/<name>.svg")
@roles_required(Role.ORGANIZER, Role.ADMIN)
@talisman(content_security_policy=CHART_CSP)
def chart(event_id: int, name: str):
    if name not in charts.CHARTS:
        abort(404)
    event = get_or_404(Event, event_id)
    return Response(charts.render_svg(name, dashboard(event)), mimetype="image/svg+xml")
