from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import User
from ..security import admins_only
from ..web import get_or_404
from . import services
from .forms import ROLE_LABELS, RoleForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@admins_only
def users():
    query = request.args.get("q", "").strip()[:100]
    return render_template("admin/users.html", users=services.list_users(query), query=query,
                           role_labels=ROLE_LABELS, form=RoleForm())


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admins_only
def set_role(user_id: int):
    user = get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a valid role."), "danger")
        return redirect(url_for("admin.users")), 303
    try:
        services.set_role(current_user._get_current_object(), user, form.role.data)
    except services.AdminError as error:
        flash(str(error), "danger")
    else:
        flash(_("%(email)s is now: %(role)s.", email=user.email, role=ROLE_LABELS[user.role]),
              "success")
    return redirect(url_for("admin.users"))
