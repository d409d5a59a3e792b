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
from ..idempotency import idempotent
from ..models import Company, Event, MeetingTable, Slot
from ..security import safe_next
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
    notes,
    publishing,
    queries,
    runs,
)
from . import (
    ratings as rating_service,
)
from .engine_adapter import event_interpreters
from .forms import (
    GenerateForm,
    HeldForm,
    MoveForm,
    NoteForm,
    RatingForm,
    ReasonForm,
    SwapForm,
)

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
    return _render_now(viewer)


def _render_now(viewer):
    event = viewer.event
    agenda = agendas.agenda(event, viewer.registration.company, agendas.sees_times(viewer))
    now = dates.event_now(event)
    earlier = [e for e in agenda.entries if e.meeting is not None and e.ends_at <= now
               and e.starts_at.date() == now.date()]
    return render_template("schedule/now.html", event=event, viewer=viewer, agenda=agenda,
                           screen=agendas.now_next(agenda, now), earlier=earlier,
                           **_own_extras(viewer, agenda))


def _own_extras(viewer, agenda) -> dict:
    """What the phone pages add for the viewer's own meetings: its notes, the forms that keep
    them (sent through the outbox when offline) and the snapshot for "what changed"."""
    return {"meeting_notes": notes.notes_of(agenda.company.id, agenda.meetings
                                            + agenda.unscheduled),
            "held_form": HeldForm, "note_form": NoteForm, "as_of": dates.event_now(viewer.event),
            "snapshot": agendas.snapshot(agenda)}


def _render_agenda(viewer, company: Company):
    event = viewer.event
    agenda = agendas.agenda(event, company, agendas.sees_times(viewer))
    rateable = queries.is_published(event) and rating_service.event_is_over(event)
    ratings = {m.id: rating_service.rating_of(m, company.id) for m in agenda.meetings} \
        if rateable else {}
    own = company.id == viewer.company_id
    return render_template("schedule/agenda.html", event=event, viewer=viewer, agenda=agenda,
                           own=own, rateable=rateable,
                           ratings=ratings, rating_form=RatingForm,
                           published=queries.is_published(event),
                           **(_own_extras(viewer, agenda) if own else {}))


@bp.route("/events/<int:event_id>/tables")
@login_required
def tables(event_id: int):
    """Where is table T12? The event's tables and meeting points with where they stand, and
    the viewer's meetings at each; kept offline with the agenda."""
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant:
        return redirect(url_for("schedule.print_tables", event_id=event_id))
    event = viewer.event
    agenda = agendas.agenda(event, viewer.registration.company, agendas.sees_times(viewer))
    mine: dict[int, list] = {}
    for entry in agenda.entries:
        if entry.meeting is not None:
            mine.setdefault(entry.meeting.table_id, []).append(entry)
    return render_template("schedule/tables.html", event=event, viewer=viewer, agenda=agenda,
                           tables=sorted(event.tables, key=lambda t: (t.position, t.name)),
                           mine=mine, as_of=dates.event_now(event))


def _back_to_phone(event_id: int, meeting_id: int):
    default = url_for("schedule.agenda", event_id=event_id) + f"#meeting-{meeting_id}"
    return redirect(safe_next(default), 303)


def _refused(viewer, message: str, status: int):
    flash(message, "danger")
    return _render_now(viewer), status


@bp.route("/events/<int:event_id>/agenda/meetings/<int:request_id>/held", methods=["POST"])
@login_required
@idempotent
def held(event_id: int, request_id: int):
    """The participant's side: the meeting took place, or did not (often sent from the
    outbox, later than it was tapped: the same answer twice changes nothing)."""
    viewer, meeting = _own_meeting(event_id, request_id)
    form = HeldForm()
    if not form.validate_on_submit():
        return _refused(viewer, _("Choose held or not held."), 400)
    answer = {"1": True, "0": False}.get(form.held.data)
    try:
        notes.mark_held(viewer, meeting, answer)
    except errors.ScheduleError as error:
        return _refused(viewer, str(error), 409)
    other = meeting.other_side(viewer.company_id).name
    flash(_("Noted: your meeting with %(company)s took place.", company=other) if answer
          else _("Noted: your meeting with %(company)s did not take place.", company=other)
          if answer is False else _("Your answer is taken back."), "success")
    return _back_to_phone(event_id, meeting.id)


@bp.route("/events/<int:event_id>/agenda/meetings/<int:request_id>/note", methods=["POST"])
@login_required
@idempotent
def note(event_id: int, request_id: int):
    viewer, meeting = _own_meeting(event_id, request_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _refused(viewer, " ".join(str(e) for e in form.note.errors)
                        or _("The note could not be saved."), 400)
    try:
        notes.save_note(viewer, meeting, form.note.data or "")
    except errors.ScheduleError as error:
        return _refused(viewer, str(error), 409)
    flash(_("Your note is saved."), "success")
    return _back_to_phone(event_id, meeting.id)


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
