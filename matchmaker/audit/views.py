from datetime import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user

from .. import dates
from ..access import staff_event_ids
from ..extensions import db
from ..models import AuditEntry, Event
from ..security import organizers_only
from ..web import db_int
from . import ACTIONS

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 50


def _date(name: str):
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%d").date()
    except ValueError:
        return None


@bp.route("/")
@organizers_only
def index():
    """The log, newest first, filtered by action, event, who and when. Read only. An organizer
    who is no admin sees the entries of the events they run only (and their own actions)."""
    query = db.select(AuditEntry).order_by(AuditEntry.id.desc())
    own_events = staff_event_ids(current_user)
    if own_events is not None:
        query = query.where(db.or_(AuditEntry.event_id.in_(own_events),
                                   db.and_(AuditEntry.event_id.is_(None),
                                           AuditEntry.actor_id == current_user.id)))
    action = request.args.get("action", "")
    if action in ACTIONS:
        query = query.where(AuditEntry.action == action)
    event_id = request.args.get("event", type=db_int)
    if event_id:
        query = query.where(AuditEntry.event_id == event_id)
    who = request.args.get("who", "").strip()[:100]
    if who:
        pattern = f"%{who.lower()}%"
        query = query.where(db.or_(db.func.lower(AuditEntry.actor_label).like(pattern),
                                   db.func.lower(AuditEntry.target_label).like(pattern)))
    zone = dates.reader_zone()  # the days of the reader's zone, the one the log is shown in
    start, end = _date("from"), _date("to")
    if start:
        query = query.where(AuditEntry.created_at >= dates.utc_bounds(start, zone)[0])
    if end:
        query = query.where(AuditEntry.created_at < dates.utc_bounds(end, zone)[1])
    page = db.paginate(query, page=request.args.get("page", 1, type=db_int), per_page=PAGE_SIZE,
                       error_out=False)
    listed = db.select(Event).order_by(Event.name)
    if own_events is not None:
        listed = listed.where(Event.id.in_(own_events))
    events = db.session.scalars(listed).all()
    return render_template("audit/index.html", page=page, actions=ACTIONS, events=events,
                           filters={"action": action, "event": event_id, "who": who,
                                    "from": request.args.get("from", ""),
                                    "to": request.args.get("to", "")})
