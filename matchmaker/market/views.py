from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..engine.taxonomy import load_taxonomy
from ..i18n import current_language
from ..models import Company, OpportunityKind
from ..pairing import pairing_of
from ..web import get_or_404, render_form
from . import services
from .forms import ConfirmForm, OpportunityForm

bp = Blueprint("market", __name__)


def _own_company(company_id: int) -> Company:
    """Items are edited by the company's members and the organizers; 404 for anyone else
    (do not confirm that the id exists)."""
    company = get_or_404(Company, company_id)
    if not access.may_edit_company(current_user, company):
        abort(404)
    return company


def _own_item(company: Company, item_id: int):
    item = services.item_of(company, item_id)
    if item is None:
        abort(404)  # another company's item answers as a missing one
    return item


def _data(form: OpportunityForm) -> services.OpportunityData:
    return services.OpportunityData(**{f: form[f].data
                                       for f in services.OpportunityData.__annotations__})


def _save(form: OpportunityForm, save) -> bool:
    try:
        save(_data(form))
    except services.OpportunityError as error:
        form[error.field].errors.append(str(error))
        return False
    return True


def _editor(form: OpportunityForm, company: Company, item=None):
    return render_form("market/edit.html", form, company=company, item=item)


@bp.route("/companies/<int:company_id>/opportunities/new", methods=["GET", "POST"])
@login_required
def item_new(company_id: int):
    company = _own_company(company_id)
    form = OpportunityForm()
    if request.method == "GET" and request.args.get("kind") in {k.value for k in OpportunityKind}:
        form.kind.data = request.args["kind"]
    if form.validate_on_submit() and _save(form, lambda d: services.create_item(company, d)):
        flash(_("Your offer is published.") if form.kind.data == OpportunityKind.OFFER
              else _("Your request is published."), "success")
        return redirect(url_for("companies.show", company_id=company.id) + "#opportunities")
    return _editor(form, company)


@bp.route("/companies/<int:company_id>/opportunities/<int:opportunity_id>/edit",
          methods=["GET", "POST"])
@login_required
def item_edit(company_id: int, opportunity_id: int):
    company = _own_company(company_id)
    item = _own_item(company, opportunity_id)
    form = OpportunityForm(obj=item)
    if form.validate_on_submit() and _save(form, lambda d: services.update_item(item, d)):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("companies.show", company_id=company.id) + "#opportunities")
    return _editor(form, company, item)


@bp.route("/companies/<int:company_id>/opportunities/<int:opportunity_id>/delete", methods=["POST"])
@login_required
def item_delete(company_id: int, opportunity_id: int):
    company = _own_company(company_id)
    item = _own_item(company, opportunity_id)
    if ConfirmForm().validate_on_submit():
        title = item.title
        services.delete_item(item)
        flash(_("«%(title)s» is deleted.", title=title), "info")
    return redirect(url_for("companies.show", company_id=company.id) + "#opportunities")


def _market_query() -> services.MarketQuery:
    args = request.args
    kind = args.get("kind", "")
    tag = args.get("tag", "")
    return services.MarketQuery(
        q=args.get("q", "").strip()[:200],
        kind=kind if kind in {k.value for k in OpportunityKind} else "",
        tag=tag if tag in load_taxonomy() else "",
    )


@bp.route("/events/<int:event_id>/marketplace")
@login_required
def marketplace(event_id: int):
    viewer = access.participant_viewer(event_id)
    query = _market_query()
    pairing = pairing_of(event_id)
    groups = None if viewer.is_organizer else pairing.visible_groups(viewer.company_id)
    results = services.marketplace(viewer, query, groups)
    return render_template("market/index.html", event=viewer.event, viewer=viewer, query=query,
                           results=results, kinds=list(OpportunityKind),
                           families=load_taxonomy().tags_by_family(), taxonomy=load_taxonomy(),
                           lang=current_language())


def _other_company(event_id: int, company_id: int):
    """Known marks are a participant's own note about another visible company."""
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant:
        abort(404)
    company, _registration = access.visible_company(viewer, company_id)
    if company.id == viewer.company_id:
        abort(404)
    return viewer, company


@bp.route("/events/<int:event_id>/companies/<int:company_id>/known", methods=["POST"])
@login_required
def mark_known(event_id: int, company_id: int):
    viewer, company = _other_company(event_id, company_id)
    if ConfirmForm().validate_on_submit():
        services.mark_known(viewer.company_id, company.id, current_user)
        flash(_("%(name)s is marked as a partner you already know; it is not suggested to you.",
                name=company.name), "info")
    return redirect(url_for("meetings.company", event_id=event_id, company_id=company.id))


@bp.route("/events/<int:event_id>/companies/<int:company_id>/known/undo", methods=["POST"])
@login_required
def unmark_known(event_id: int, company_id: int):
    viewer, company = _other_company(event_id, company_id)
    if ConfirmForm().validate_on_submit():
        services.unmark_known(viewer.company_id, company.id)
        flash(_("%(name)s is no longer marked as known.", name=company.name), "info")
    return redirect(url_for("meetings.company", event_id=event_id, company_id=company.id))
