import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web import render_form
from . import services
from .forms import DeleteAccountForm, DownloadForm

bp = Blueprint("privacy", __name__, url_prefix="/account")


@bp.route("/data")
@login_required
def index():
    return render_template("privacy/index.html", download_form=DownloadForm(),
                           delete_form=DeleteAccountForm(), user=current_user)


@bp.route("/data.json", methods=["POST"])
@login_required
def download():
    if not DownloadForm().validate_on_submit():
        return redirect(url_for("privacy.index"), 303)
    user = current_user._get_current_object()
    document = services.data_document(user)
    services.record_download(user)
    response = Response(json.dumps(document, ensure_ascii=False, indent=1),
                        content_type="application/json; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="my-matchmaker-data.json"'
    return response


@bp.route("/delete", methods=["POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            services.delete_account(current_user._get_current_object(), form.password.data)
        except services.PrivacyError as error:
            form.password.errors.append(str(error))
        else:
            flash(_("Your account is deleted."), "info")
            return redirect(url_for("main.index"))
    return render_form("privacy/index.html", form, download_form=DownloadForm(),
                       delete_form=form, user=current_user)
