"""The organizer's survey page (preview, send, who answered) and the public answer page that
a personal link opens without logging in."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, session, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from .. import access, dates
from ..access import Capability, event_staff
from ..models import Event
from ..web import get_or_404
from . import links, services
from .forms import SendForm, answer_form, meeting_field

bp = Blueprint("survey", __name__)


class LinkNotValid(NotFound):
    detail = _l("This survey link is not valid. Please use the link from your most recent "
                "email, or ask the organizer for a new one.")


# --- the organizer -------------------------------------------------------------------------

@bp.route("/organizer/events/<int:event_id>/survey", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def manage(event_id: int):
    event = get_or_404(Event, event_id)
    form = SendForm()
    if form.validate_on_submit():
        try:
            result = services.send(event, form.closes_on.data, form.send_key.data)
        except services.SurveyError as error:
            form.closes_on.errors.append(str(error))
        else:
            _flash_result(result)
            return redirect(url_for("survey.manage", event_id=event.id))
    elif not form.is_submitted():
        form.closes_on.data = services.default_closing_day(event)
    return render_template("survey/manage.html", event=event, viewer=access.viewer_of(event),
                           form=form, survey=services.survey_of(event),
                           recipients=services.recipients(event),
                           preview=services.preview(event), last_day=services.last_day
                           ), 400 if form.errors else 200


def _flash_result(result: services.SendResult) -> None:
    if result.repeated:
        flash(_("This form was sent already; nobody got a second email."), "info")
    elif result.sent:
        flash(ngettext("The survey was sent to %(num)d person.",
                       "The survey was sent to %(num)d people.", result.sent), "success")
    else:
        flash(_("Everybody has answered: nobody to send the survey to."), "info")


# --- the respondent (public: the signed link is the key) ------------------------------------

def _locale(invitation) -> str:
    """The language picked on this device, else the respondent's own."""
    return session.get("lang") or invitation.user.locale or "en"


@bp.route("/survey/<int:event_id>/<token>", methods=["GET", "POST"])
def answer(event_id: int, token: str):
    invitation = links.invitation_for(event_id, token)
    if invitation is None:
        raise LinkNotValid()  # nothing says whose it was: the reader's own language
    with force_locale(_locale(invitation)):
        response = make_response(_closed(invitation) if invitation.survey.is_closed
                                 else _answer(invitation, token))
    # The link is the key: keep the page out of shared caches and search engines.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _closed(invitation):
    """410 Gone in the respondent's language; their answers stay as they were."""
    detail = _("This survey closed on %(date)s. Thank you for your interest.",
               date=dates.format_date(services.last_day(invitation.survey)))
    return render_template("errors/error.html", code=410, title=_("Survey closed"),
                           message="", detail=detail), 410


def _answer(invitation, token: str):
    meetings = services.meetings_of(invitation)
    form = answer_form(meetings, services.answers_of(invitation), invitation)
    if form.validate_on_submit():
        data = services.AnswerData(
            outcomes={m.id: form[meeting_field(m.id)].data or "" for m in meetings},
            overall_rating=form.overall_rating.data, comment=form.comment.data or "")
        try:
            services.save_answers(invitation, data)
        except services.SurveyError as error:
            flash(str(error), "danger")
        else:
            flash(_("Thank you! Your answers are saved. You can change them with the same "
                    "link until %(date)s.",
                    date=dates.format_date(services.last_day(invitation.survey))),
                  "success")
            return redirect(url_for("survey.answer", event_id=invitation.survey.event_id,
                                    token=token))
    return render_template("survey/answer.html", invitation=invitation,
                           event=invitation.survey.event, meetings=meetings, form=form,
                           field_name=meeting_field, last_day=services.last_day(invitation.survey)
                           ), 400 if form.errors else 200

