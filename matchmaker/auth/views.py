from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import limiter
from ..i18n import current_language
from ..security import safe_next
from ..web import render_form
from . import services
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _posted_email() -> str:
    """Second throttling key, so one account cannot be hammered from many addresses."""
    return "account:" + services.normalize_email(request.form.get("email", ""))


def _throttle(view):
    by_ip = limiter.limit(_login_limit, methods=["POST"])
    by_account = limiter.limit(_login_limit, methods=["POST"], key_func=_posted_email)
    return by_ip(by_account(view))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register(form.name.data, form.email.data, form.password.data,
                              current_language())
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("Welcome! Now tell others about your company."), "success")
            return redirect(url_for("companies.create"))
    return render_form("auth/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@_throttle
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user:
            flash(_("Welcome back, %(name)s.", name=user.name or user.email), "success")
            return redirect(safe_next(url_for("main.index")))
        form.password.errors.append(_("Email or password is not correct."))
    return render_form("auth/login.html", form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_session(current_user._get_current_object())
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user._get_current_object(),
                                     form.current_password.data, form.password.data)
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            flash(_("Your password is changed. Other devices have been logged out."), "success")
            return redirect(url_for("main.index"))
    return render_form("auth/change_password.html", form)


@bp.route("/forgot", methods=["GET", "POST"])
@_throttle
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(_("If an account exists for that address, we have sent it a link to set a new "
                "password."), "info")
        return redirect(url_for("auth.login"))
    return render_form("auth/forgot_password.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This link is invalid, used or expired. Ask for a new one."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        flash(_("Your new password is set and you are logged in."), "success")
        return redirect(url_for("main.index"))
    return render_form("auth/reset_password.html", form)
