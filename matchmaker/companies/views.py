from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access
from ..engine.taxonomy import load_taxonomy
from ..i18n import current_language
from ..market.forms import ConfirmForm
from ..market.services import today
from ..models import Company
from ..web import get_or_404, render_form
from . import services
from .forms import AddMemberForm, CompanyForm, TagSuggestionForm

bp = Blueprint("companies", __name__, url_prefix="/companies")


def _profile_data(form: CompanyForm) -> services.ProfileData:
    return services.ProfileData(**{f: form[f].data for f in services.ProfileData.__annotations__})


def _visible_company(company_id: int, edit: bool = False) -> Company:
    """A company page is for its members and the teams of the events it registered for (a
    vetter reads it; organizers edit it); events widen this to partners."""
    company = get_or_404(Company, company_id)
    if not access.may_see_company(current_user, company):
        abort(404)  # 404, not 403: do not confirm that the id exists
    if edit and not access.may_edit_company(current_user, company):
        abort(403)
    return company


def _save(form: CompanyForm, save) -> bool:
    try:
        save(_profile_data(form))
    except services.ProfileError as error:
        form[error.field].errors.append(str(error))
        return False
    return True


def _render_editor(form: CompanyForm, company: Company | None = None):
    text = " ".join(form[f].data or "" for f in ("description", "offers", "seeks"))
    suggested = services.suggest_tags(text, form.tags.data or [])
    return render_form("companies/edit.html", form, company=company, suggested_tags=suggested,
                       families=load_taxonomy().tags_by_family(), lang=current_language())


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    if current_user.company_id:
        return redirect(url_for("companies.edit", company_id=current_user.company_id))
    form = CompanyForm()
    if form.validate_on_submit() and _save(
        form, lambda data: services.create_company(current_user, data)
    ):
        flash(_("Your company profile is saved."), "success")
        return redirect(url_for("companies.show", company_id=current_user.company_id))
    return _render_editor(form)


@bp.route("/tag-suggestions", methods=["POST"])
@login_required
def tag_suggestions():
    """Suggested tags for the text being typed in the profile editor (JSON, for app.js)."""
    form = TagSuggestionForm()
    if not form.validate():
        return jsonify(error=_("Invalid request.")), 400
    lang = current_language()
    taxonomy = load_taxonomy()
    return jsonify(tags=[{"id": tag_id, "label": taxonomy.label(tag_id, lang)}
                         for tag_id in services.suggest_tags(form.text.data or "",
                                                               (form.chosen.data or "").split())])


@bp.route("/<int:company_id>")
@login_required
def show(company_id: int):
    company = _visible_company(company_id)
    return _render_company(company, AddMemberForm())


@bp.route("/<int:company_id>/edit", methods=["GET", "POST"])
@login_required
def edit(company_id: int):
    company = _visible_company(company_id, edit=True)
    form = CompanyForm(obj=company)
    if form.validate_on_submit() and _save(
        form, lambda data: services.update_company(company, data, current_user)
    ):
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("companies.show", company_id=company.id))
    return _render_editor(form, company)


@bp.route("/<int:company_id>/members", methods=["POST"])
@login_required
def add_member(company_id: int):
    company = _visible_company(company_id, edit=True)
    form = AddMemberForm()
    if form.validate_on_submit():
        try:
            services.invite_member(company, form.name.data, form.email.data, current_language(),
                                   current_user._get_current_object())
        except services.ProfileError as error:
            form[error.field].errors.append(str(error))
        else:
            flash(_("%(email)s is invited and will get an email to set a password.",
                    email=form.email.data), "success")
            return redirect(url_for("companies.show", company_id=company.id))
    return _render_company(company, form), 400


def _render_company(company: Company, member_form: AddMemberForm):
    return render_template("companies/show.html", company=company, member_form=member_form,
                           taxonomy=load_taxonomy(), lang=current_language(),
                           may_edit=access.may_edit_company(current_user, company),
                           confirm_form=ConfirmForm(), today=today())
