from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, phases
from ..access import Capability, event_staff
from ..i18n import current_language
from ..models import Event
from ..web import get_or_404
from . import services
from .forms import ConfirmForm

bp = Blueprint("suggestions", __name__)

SUGGESTIONS_SHOWN = services.LISTED
MATRIX_TOP_K = 5


def _participant(event_id: int) -> access.Viewer:
    """Suggestions are for approved participants with a company; everybody else gets 404."""
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant:
        abort(404)
    phases.require_profiles(viewer)
    return viewer


@bp.route("/events/<int:event_id>/suggestions")
@login_required
def index(event_id: int):
    viewer = _participant(event_id)
    found = services.suggestions_with_items(event_id, viewer.company_id, SUGGESTIONS_SHOWN,
                                            current_language())
    return render_template("suggestions/index.html", event=viewer.event,
                           contacts=found.contacts, item_matches=found.items,
                           hidden=services.hidden_companies(event_id, viewer.company_id),
                           form=ConfirmForm())


def _other_company(viewer: access.Viewer, company_id: int):
    company, _registration = access.visible_company(viewer, company_id)
    if company.id == viewer.company_id:
        abort(404)
    return company


@bp.route("/events/<int:event_id>/suggestions/<int:company_id>/not-interested",
          methods=["POST"])
@login_required
def not_interested(event_id: int, company_id: int):
    viewer = _participant(event_id)
    company = _other_company(viewer, company_id)
    if ConfirmForm().validate_on_submit():
        services.mark_not_interested(event_id, viewer.company_id, company.id, current_user.id)
        flash(_("%(name)s will not be suggested to you again.", name=company.name), "info")
    return redirect(url_for("suggestions.index", event_id=event_id))


@bp.route("/events/<int:event_id>/suggestions/<int:company_id>/undo", methods=["POST"])
@login_required
def undo(event_id: int, company_id: int):
    viewer = _participant(event_id)
    company = _other_company(viewer, company_id)
    if ConfirmForm().validate_on_submit():
        services.undo_not_interested(event_id, viewer.company_id, company.id)
        flash(_("%(name)s can be suggested to you again.", name=company.name), "info")
    return redirect(url_for("suggestions.index", event_id=event_id))


@bp.route("/organizer/events/<int:event_id>/matches")
@event_staff(Capability.MANAGE)
def matrix(event_id: int):
    event = get_or_404(Event, event_id)
    view = request.args.get("view", "pairs")
    return render_template("suggestions/matrix.html", event=event, view=view, k=MATRIX_TOP_K,
                           matrix=services.match_matrix(event_id, MATRIX_TOP_K,
                                                        current_language()))
