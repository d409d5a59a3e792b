from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, dates, phases
from ..access import Capability, event_staff
from ..models import Company, Event, MeetingTable, Slot
from ..web import db_int, get_or_404, render_form
from . import (
    agendas,
    board,
    calendar,
    edits,
    errors,
    generation,
    interpreters,
    live,
    publishing,
    queries,
    runs,
)
from . import (
    ratings as rating_service,
)
from .engine_adapter import event_interpreters
from .forms import GenerateForm, MoveForm, RatingForm, ReasonForm, SwapForm

bp = Blueprint("schedule", __name__)


def _back_to_grid(event_id: int, anchor: str = ""):
    return redirect(url_for("schedule.index", event_id=event_id) + anchor)


@bp.context_processor
def run_helpers():
    return {"run_state": runs.run_state}


# --- the organizer's schedule --------------------------------------------------------------

@bp.route("/events/<int:event_id>/schedule")
@event_staff(Capability.MANAGE)
def index(event_id: int):
    viewer = access.event_viewer(event_id)
    run = runs.latest_run(viewer.event)
    return render_form("schedule/index.html", GenerateForm(), event=viewer.event, viewer=viewer,
                       grid=queries.grid(viewer.event), run=run, quality=runs.quality(run),
                       active_run=runs.active_run(viewer.event),
                       live=live.live_state(viewer.event))


@bp.route("/events/<int:event_id>/schedule/generate", methods=["POST"])
@event_staff(Capability.MANAGE)
def generate(event_id: int):
    viewer = access.event_viewer(event_id)
    form = GenerateForm()
    if not form.validate_on_submit():
        run = runs.latest_run(viewer.event)
        return render_form("schedule/index.html", form, event=viewer.event, viewer=viewer,
                           grid=queries.grid(viewer.event), run=run,
                           quality=runs.quality(run), active_run=None,
                           live=live.live_state(viewer.event))
    try:
        run = generation.start_generation(viewer.event, current_user, form.time_limit.data)
    except errors.ScheduleError as error:
        flash(str(error), "danger")
        return _back_to_grid(event_id)
    return redirect(url_for("schedule.run", event_id=event_id, run_id=run.id))


@bp.route("/events/<int:event_id>/schedule/runs/<int:run_id>")
@event_staff(Capability.MANAGE)
def run(event_id: int, run_id: int):
    viewer = access.event_viewer(event_id)
    schedule_run = runs.run_of(viewer.event, run_id) or abort(404)
    return render_template("schedule/run.html", event=viewer.event, viewer=viewer,
                           run=schedule_run, quality=runs.quality(schedule_run),
                           message=runs.run_message(schedule_run),
                           progress=runs.shown_progress(schedule_run))


@bp.route("/events/<int:event_id>/schedule/runs/<int:run_id>.json")
@event_staff(Capability.MANAGE)
def run_status(event_id: int, run_id: int):
    schedule_run = runs.run_of(get_or_404(Event, event_id), run_id) or abort(404)
    return jsonify(status=runs.run_state(schedule_run).value,
                   progress=runs.shown_progress(schedule_run),
                   message=runs.run_message(schedule_run),
                   quality=runs.quality(schedule_run))


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>")
@event_staff(Capability.MANAGE)
def meeting(event_id: int, request_id: int):
    viewer = access.event_viewer(event_id)
    return _render_meeting(viewer, access.meeting_or_404(viewer.event, request_id))


def _render_meeting(viewer, meeting, move_form=None, error=None, status=200):
    event = viewer.event
    problems = board.slot_problems(event, meeting) if meeting.status == "accepted" else {}
    move_form = move_form or MoveForm(event, problems, event_interpreters(event), data={
        "slot": meeting.slot_id, "table": meeting.table_id or 0})
    others = [m for m in queries.agreed_meetings(event)
              if queries.is_scheduled(m) and m.id != meeting.id and not m.locked]
    return render_template("schedule/meeting.html", event=event, viewer=viewer, meeting=meeting,
                           move_form=move_form, swap_form=SwapForm(others),
                           reason_form=ReasonForm(), problems=problems, error=error,
                           scheduled=queries.is_scheduled(meeting)), status


def _change(event_id: int, request_id: int, change, done: str):
    """Run one manual change; a broken rule re-renders the page with its message (409)."""
    viewer = access.event_viewer(event_id)
    meeting = access.meeting_or_404(viewer.event, request_id)
    try:
        change(viewer.event, meeting)
    except errors.ScheduleError as error:
        return _render_meeting(viewer, meeting, error=str(error), status=409)
    flash(done, "success")
    return _back_to_grid(event_id, f"#meeting-{meeting.id}")


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>/move", methods=["POST"])
@event_staff(Capability.MANAGE)
def move(event_id: int, request_id: int):
    viewer = access.event_viewer(event_id)
    meeting = access.meeting_or_404(viewer.event, request_id)
    form = MoveForm(viewer.event, {}, event_interpreters(viewer.event))
    if not form.validate_on_submit():
        return _render_meeting(viewer, meeting, move_form=form, status=400)
    slot = get_or_404(Slot, form.slot.data)
    table = get_or_404(MeetingTable, form.table.data) if form.table.data else None
    if slot.event_id != event_id or (table and table.event_id != event_id):
        abort(404)
    chosen = board.AUTO
    if form.interpreter.data:
        chosen = interpreters.interpreter_of(viewer.event, form.interpreter.data) or abort(404)
    return _change(event_id, request_id, lambda e, m: edits.move(e, m, slot, table, chosen),
                   _("The meeting is moved to %(time)s.", time=dates.slot_label(slot)))


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>/interpreter",
          methods=["POST"])
@event_staff(Capability.MANAGE)
def interpreter_wanted(event_id: int, request_id: int):
    """The organizer marks a meeting "interpreter wanted" (or not) by hand."""
    wanted = request.form.get("wanted") == "1"
    return _change(event_id, request_id, lambda e, m: edits.set_interpreter_wanted(e, m, wanted),
                   _("The meeting asks for an interpreter: generate again or move it to give "
                     "it one.") if wanted else _("The meeting no longer asks for an "
                                                 "interpreter."))


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>/swap", methods=["POST"])
@event_staff(Capability.MANAGE)
def swap(event_id: int, request_id: int):
    viewer = access.event_viewer(event_id)
    meeting = access.meeting_or_404(viewer.event, request_id)
    other = queries.meeting_of(viewer.event, request.form.get("other", type=db_int) or 0)
    if other is None:
        form = MoveForm(viewer.event, {})
        return _render_meeting(viewer, meeting, move_form=form, status=400,
                               error=_("Choose a meeting to swap with."))
    return _change(event_id, request_id, lambda e, m: edits.swap(e, m, other),
                   _("The two meetings have traded places."))


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>/unschedule",
          methods=["POST"])
@event_staff(Capability.MANAGE)
def unschedule(event_id: int, request_id: int):
    return _with_reason(event_id, request_id, edits.unschedule,
                        _("The meeting is off the schedule; it waits in the unscheduled list."))


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>/cancel", methods=["POST"])
@event_staff(Capability.MANAGE)
def cancel(event_id: int, request_id: int):
    return _with_reason(event_id, request_id,
                        lambda e, m, reason: edits.cancel(e, m, current_user, reason),
                        _("The meeting is cancelled."))


def _with_reason(event_id: int, request_id: int, change, done: str):
    form = ReasonForm()
    if not form.validate_on_submit():
        viewer = access.event_viewer(event_id)
        return _render_meeting(viewer, access.meeting_or_404(viewer.event, request_id), status=400,
                               error=" ".join(form.reason.errors))
    reason = form.reason.data or ""
    return _change(event_id, request_id, lambda e, m: change(e, m, reason), done)


@bp.route("/events/<int:event_id>/schedule/meetings/<int:request_id>/lock", methods=["POST"])
@event_staff(Capability.MANAGE)
def lock(event_id: int, request_id: int):
    locked = request.form.get("locked") == "1"
    return _change(event_id, request_id, lambda e, m: edits.set_locked(e, m, locked),
                   _("The meeting is locked: generating again keeps it.") if locked
                   else _("The meeting is unlocked."))


@bp.route("/events/<int:event_id>/schedule/publish", methods=["POST"])
@event_staff(Capability.MANAGE)
def publish(event_id: int):
    event = get_or_404(Event, event_id)
    not_yet = phases.refusal(event, "publish")
    if not_yet:  # the release date is the promise made to participants; the override moves it
        flash(not_yet, "warning")
        return _back_to_grid(event_id)
    told = publishing.publish(event, actor=current_user._get_current_object())
    flash(_("The schedule is published; %(n)d companies were told.", n=told), "success")
    return _back_to_grid(event_id)


@bp.route("/events/<int:event_id>/schedule/unpublish", methods=["POST"])
@event_staff(Capability.MANAGE)
def unpublish(event_id: int):
    publishing.unpublish(get_or_404(Event, event_id), actor=current_user._get_current_object())
    flash(_("The schedule is hidden from the participants again."), "info")
    return _back_to_grid(event_id)


@bp.route("/events/<int:event_id>/schedule/companies/<int:company_id>")
@event_staff(Capability.MANAGE)
def company_agenda(event_id: int, company_id: int):
    viewer = access.event_viewer(event_id)
    company, _registration = access.visible_company(viewer, company_id)
    return _render_agenda(viewer, company)


@bp.route("/events/<int:event_id>/schedule/print/tables")
@event_staff(Capability.MANAGE)
def print_tables(event_id: int):
    viewer = access.event_viewer(event_id)
    return render_template("schedule/print_tables.html", event=viewer.event, viewer=viewer,
                           grid=queries.grid(viewer.event))


@bp.route("/events/<int:event_id>/schedule/print/agendas")
@event_staff(Capability.MANAGE)
def print_agendas(event_id: int):
    viewer = access.event_viewer(event_id)
    return render_template("schedule/print_agendas.html", event=viewer.event, viewer=viewer,
                           agendas=agendas.all_agendas(viewer.event))


@bp.route("/events/<int:event_id>/schedule/ratings")
@event_staff(Capability.MANAGE)
def ratings(event_id: int):
    viewer = access.event_viewer(event_id)
    return render_template("schedule/ratings.html", event=viewer.event, viewer=viewer,
                           totals=rating_service.rating_totals(viewer.event))


# --- the participant's agenda --------------------------------------------------------------

@bp.route("/events/<int:event_id>/agenda")
@login_required
def agenda(event_id: int):
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant:  # an organizer without a company here: the whole schedule
        return _back_to_grid(event_id)
    return _render_agenda(viewer, viewer.registration.company)


@bp.route("/events/<int:event_id>/now")
@login_required
def now_next(event_id: int):
    """The phone app's first screen; the service worker keeps it for offline reading."""
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant:
        return _back_to_grid(event_id)
    event = viewer.event
    agenda = agendas.agenda(event, viewer.registration.company, agendas.sees_times(viewer))
    return render_template("schedule/now.html", event=event, viewer=viewer, agenda=agenda,
                           screen=agendas.now_next(agenda, dates.event_now(event)))


def _render_agenda(viewer, company: Company):
    event = viewer.event
    agenda = agendas.agenda(event, company, agendas.sees_times(viewer))
    rateable = queries.is_published(event) and rating_service.event_is_over(event)
    ratings = {m.id: rating_service.rating_of(m, company.id) for m in agenda.meetings} \
        if rateable else {}
    return render_template("schedule/agenda.html", event=event, viewer=viewer, agenda=agenda,
                           own=company.id == viewer.company_id, rateable=rateable,
                           ratings=ratings, rating_form=RatingForm,
                           published=queries.is_published(event))


def _own_meeting(event_id: int, request_id: int):
    viewer = access.participant_viewer(event_id)
    meeting = access.meeting_or_404(viewer.event, request_id)
    if not viewer.is_participant or viewer.company_id not in (meeting.sender_id,
                                                              meeting.recipient_id):
        abort(404)
    return viewer, meeting


@bp.route("/events/<int:event_id>/agenda/meetings/<int:request_id>/important",
          methods=["POST"])
@login_required
def important(event_id: int, request_id: int):
    viewer, meeting = _own_meeting(event_id, request_id)
    marked = request.form.get("important") == "1"
    try:
        agendas.set_important(viewer, meeting, marked)
    except errors.ScheduleError as error:
        flash(str(error), "danger")
    else:
        flash(_("Marked as important: the organizer's generator favours it.") if marked
              else _("No longer marked as important."), "success")
    return redirect(url_for("schedule.agenda", event_id=event_id) + f"#meeting-{meeting.id}")


@bp.route("/events/<int:event_id>/agenda/meetings/<int:request_id>/rating", methods=["POST"])
@login_required
def rate(event_id: int, request_id: int):
    viewer, meeting = _own_meeting(event_id, request_id)
    form = RatingForm(prefix=f"m{meeting.id}")
    if not form.validate_on_submit():
        # str(): a validator's message may be a lazy translation, which join() refuses
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return _render_agenda(viewer, viewer.registration.company), 400
    try:
        rating_service.rate(viewer, meeting, form.rating.data, form.follow_up.data,
                      form.comment.data or "")
    except errors.ScheduleError as error:
        flash(str(error), "danger")
        return _render_agenda(viewer, viewer.registration.company), 409
    flash(_("Thank you: your rating is saved."), "success")
    return redirect(url_for("schedule.agenda", event_id=event_id) + f"#meeting-{meeting.id}")


@bp.route("/events/<int:event_id>/agenda.ics")
@login_required
def agenda_ics(event_id: int):
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant or not queries.is_published(viewer.event):
        abort(404)
    ics = calendar.new_calendar(viewer.event.name)
    calendar.add_event_agenda(ics, viewer.event, viewer.registration.company)
    return _ics_response(ics, f"agenda-{event_id}.ics")


@bp.route("/calendar/token", methods=["POST"])
@login_required
def calendar_token():
    enabled = request.form.get("enabled", "1") == "1"
    calendar.renew_calendar_token(current_user, enabled)
    flash(_("Your new calendar link is ready; the old one no longer works.") if enabled
          else _("Your calendar link is switched off."), "success")
    back = request.form.get("event_id", type=int)
    return redirect(url_for("schedule.agenda", event_id=back) + "#calendar" if back
                    else url_for("main.index"))


@bp.route("/calendar/<token>.ics")
def subscription(token: str):
    """The private subscription URL: no login, the token is the secret."""
    user = calendar.user_by_calendar_token(token) or abort(404)
    ics = calendar.new_calendar(_("Matchmaker meetings"))
    for event in calendar.calendar_events(user):
        calendar.add_event_agenda(ics, event, user.company)
    return _ics_response(ics, "matchmaker.ics", inline=True)


def _ics_response(ics, filename: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(calendar.to_bytes(ics), mimetype="text/calendar",
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"',
                             "Cache-Control": "no-store"})
