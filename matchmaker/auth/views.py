from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..i18n import current_language
from ..security import safe_next
from ..web import render_form
from . import services, throttle, twofactor
from .forms import (
    ChangePasswordForm,
    DisableTwoFactorForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    TwoFactorForm,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


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
@throttle.failed_logins()
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.check_password(form.email.data, form.password.data)
        if user and user.totp_secret:
            twofactor.remember_pending(user)
            return redirect(url_for("auth.two_factor", next=safe_next(url_for("main.index"))))
        if user:
            return _welcome(user)
        throttle.count_failure()
        form.password.errors.append(_("Email or password is not correct."))
    return render_form("auth/login.html", form)


def _welcome(user):
    services.start_session(user)
    flash(_("Welcome back, %(name)s.", name=user.name or user.email), "success")
    return throttle.remember_device(redirect(safe_next(url_for("main.index"))), user.email)


@bp.route("/two-factor", methods=["GET", "POST"])
@throttle.failed_logins(account=throttle.pending_account)
def two_factor():
    user = twofactor.pending_user()
    if user is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        if twofactor.verify(user, form.code.data):
            return _welcome(user)
        throttle.count_failure()
        form.code.errors.append(_("That code is not right. Check the time on your phone and "
                                  "try again."))
    return render_form("auth/two_factor.html", form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@login_required
def two_factor_setup():
    user = current_user._get_current_object()
    if not twofactor.may_use(user):
        abort(404)
    if user.totp_secret:
        return render_form("auth/two_factor_on.html", DisableTwoFactorForm())
    secret = session.get("totp_setup") or twofactor.new_secret()
    session["totp_setup"] = secret
    form = TwoFactorForm()
    if form.validate_on_submit():
        try:
            twofactor.enable(user, secret, form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            session.pop("totp_setup", None)
            flash(_("Two-factor login is on. You will be asked for a code at every login."),
                  "success")
            return redirect(url_for("auth.two_factor_setup"))
    return render_form("auth/two_factor_setup.html", form, qr=twofactor.qr_code(user, secret),
                       secret=secret)


@bp.route("/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable():
    user = current_user._get_current_object()
    if not twofactor.may_use(user) or not user.totp_secret:
        abort(404)
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            twofactor.disable(user, form.password.data, form.code.data)
        except services.AccountError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("Two-factor login is off."), "info")
            return redirect(url_for("auth.two_factor_setup"))
    return render_form("auth/two_factor_on.html", form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    services.end_session(current_user._get_current_object())
    flash(_("You are logged out."), "info")
    response = redirect(url_for("main.index"))
    # A shared phone keeps nothing private: the offline copies and the service worker go.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


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
@throttle.reset_requests
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
        # Whoever can read the account's email may use this browser even when strangers have
        # paused logins from new ones.
        if services.reset_password(user, form.password.data):
            flash(_("Your new password is set and you are logged in."), "success")
            return throttle.remember_device(redirect(url_for("main.index")), user.email)
        flash(_("Your new password is set. Log in with it and your authenticator code."),
              "success")
        return throttle.remember_device(redirect(url_for("auth.login")), user.email)
    return render_form("auth/reset_password.html", form)
