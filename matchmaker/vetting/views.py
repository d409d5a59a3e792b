"""Vetting pages: a registration's detail with its thread (organizers), the company's answer,
revocation, and the external check's export and verdict import."""

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.exceptions import HTTPException

from .. import access, audit
from ..access import Capability, event_staff
from ..events import services as events
from ..exchange import exports
from ..exchange.screening import screen
from ..exchange.tables import FileProblem
from ..exchange.views import CONTENT_TYPES
from ..models import Event, RegistrationStatus
from ..web import get_or_404
from . import checks, services
from .forms import AnswerForm, AskForm, DetailDecisionForm, RevokeForm, VerdictUploadForm

bp = Blueprint("vetting", __name__)


class Refused(HTTPException):
    """A refused transition on a page of its own: the error page says why, with its status."""

    def __init__(self, error: services.VettingError):
        super().__init__()
        self.code, self.detail = error.status, str(error)


def _registration_or_404(event_id: int, registration_id: int):
    event = get_or_404(Event, event_id)
    registration = services.registration_of(event, registration_id)
    if registration is None:
        abort(404)
    return event, registration


def _detail(event, registration, ask_form=None, decision_form=None, revoke_form=None,
            status=200):
    return render_template(
        "vetting/detail.html", event=event, registration=registration,
        viewer=access.viewer_of(event), ask_form=ask_form or AskForm(formdata=None),
        decision_form=decision_form or DetailDecisionForm(formdata=None),
        revoke_form=revoke_form or RevokeForm(formdata=None),
        screening=screen([registration.company]).get(registration.company_id, []),
        open_requests=services.open_requests_count(registration),
        states=RegistrationStatus), status


def _back(event, registration):
    return redirect(url_for("vetting.detail", event_id=event.id,
                            registration_id=registration.id))


@bp.route("/organizer/events/<int:event_id>/registrations/<int:registration_id>")
@event_staff(Capability.VET)
def detail(event_id: int, registration_id: int):
    event, registration = _registration_or_404(event_id, registration_id)
    return _detail(event, registration)


@bp.route("/organizer/events/<int:event_id>/registrations/<int:registration_id>/ask",
          methods=["POST"])
@event_staff(Capability.VET)
def ask(event_id: int, registration_id: int):
    event, registration = _registration_or_404(event_id, registration_id)
    form = AskForm()
    if not form.validate_on_submit():
        return _detail(event, registration, ask_form=form, status=400)
    try:
        services.ask(event, registration, current_user, form.question.data)
    except services.VettingError as error:
        flash(str(error), "danger")
        return _detail(event, registration, ask_form=form, status=error.status)
    flash(_("Your question is sent to %(company)s. The registration waits for its answer.",
            company=registration.company.name), "success")
    return _back(event, registration)


@bp.route("/organizer/events/<int:event_id>/registrations/<int:registration_id>/decide",
          methods=["POST"])
@event_staff(Capability.VET)
def decide(event_id: int, registration_id: int):
    event, registration = _registration_or_404(event_id, registration_id)
    form = DetailDecisionForm()
    if not form.validate_on_submit():
        return _detail(event, registration, decision_form=form, status=400)
    try:
        events.decide(event, [registration.id], approve=form.approve.data,
                      reason=form.reason.data or "", organizer=current_user)
    except events.EventError as error:
        if error.field:  # a missing reason: at the field
            form.reason.errors.append(str(error))
            return _detail(event, registration, decision_form=form, status=400)
        flash(str(error), "danger")  # a transition the state does not allow
        return _detail(event, registration, decision_form=form, status=409)
    flash(_("%(company)s: %(state)s.", company=registration.company.name,
            state=registration.state.label), "success")
    return _back(event, registration)


@bp.route("/organizer/events/<int:event_id>/registrations/<int:registration_id>/revoke",
          methods=["POST"])
@event_staff(Capability.MANAGE)
def revoke(event_id: int, registration_id: int):
    event, registration = _registration_or_404(event_id, registration_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return _detail(event, registration, revoke_form=form, status=400)
    try:
        closed = services.revoke(event, registration, current_user,
                                 form.revoke_reason.data)
    except services.VettingError as error:
        flash(str(error), "danger")
        return _detail(event, registration, revoke_form=form, status=error.status)
    message = _("The approval of %(company)s is revoked; the company is told.",
                company=registration.company.name)
    if closed:
        message += " " + ngettext(
            "%(num)d request or meeting was cancelled and the other side told.",
            "%(num)d requests or meetings were cancelled and the other sides told.", len(closed))
    flash(message, "success")
    return _back(event, registration)


@bp.route("/events/<int:event_id>/registration/answer", methods=["POST"])
@login_required
def answer(event_id: int):
    """The company answers the organizer's question from its registration page."""
    viewer = access.event_viewer(event_id)
    if viewer.registration is None:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer(viewer.event, viewer.registration, current_user, form.answer.data)
        except services.VettingError as error:
            raise Refused(error) from error
        flash(_("Your answer is sent. The organizer reviews your registration again."),
              "success")
        return redirect(url_for("events.show", event_id=event_id))
    flash(" ".join(str(e) for errors in form.errors.values() for e in errors)
          or _("Write your answer."), "danger")
    return redirect(url_for("events.register", event_id=event_id, _anchor="thread"), 303)


# --- the external check --------------------------------------------------------------------

def _check_page(event, form=None, report=None, status=200):
    return render_template("vetting/check.html", event=event, viewer=access.viewer_of(event),
                           form=form or VerdictUploadForm(), report=report,
                           applicants=len(checks.applicants(event))), status


@bp.route("/organizer/events/<int:event_id>/vetting/check", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def external_check(event_id: int):
    """Export the applicants for an outside check; import its verdicts, all or nothing."""
    event = get_or_404(Event, event_id)
    form = VerdictUploadForm()
    if not form.validate_on_submit():
        return _check_page(event, form, status=400 if form.errors else 200)
    upload = form.file.data
    try:
        counts = checks.import_verdicts(event, current_user, upload.filename or "",
                                        upload.read())
    except FileProblem as problem:
        form.file.errors.append(str(problem))
        return _check_page(event, form, status=400)
    except checks.VerdictsRefused as refused:
        flash(_("Nothing was changed: the file has errors. Correct them and upload it again."),
              "danger")
        return _check_page(event, form, refused.report, status=400)
    flash(_("Verdicts imported: %(approved)d approved, %(rejected)d rejected, %(asked)d asked "
            "for more information.", approved=counts["approved"], rejected=counts["rejected"],
            asked=counts["needs_info"]), "success")
    return redirect(url_for("organizer.registrations", event_id=event.id, status="all"))


@bp.route("/organizer/events/<int:event_id>/vetting/applicants.<fmt>", methods=["POST"])
@event_staff(Capability.MANAGE)
def export_applicants(event_id: int, fmt: str):
    """A POST: the export is recorded in the audit log."""
    event = get_or_404(Event, event_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    sheet = checks.applicants_sheet(event)
    audit.record("export", current_user, target=event, event=event,
                 details={"what": "applicants", "format": fmt, "rows": len(sheet.rows)})
    body = exports.csv_stream(sheet) if fmt == "csv" else exports.xlsx_bytes([sheet])
    slug = re.sub(r"[^a-z0-9]+", "-", event.name.lower()).strip("-")[:40] or "event"
    response = Response(body, content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}-applicants.{fmt}"'
    return response
