"""The organizer's interpreters and reserved places; each interpreter's plan, and the
interpreter's own agenda when they have an account."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import access
from ..access import Capability, event_staff
from ..models import Company, Interpreter, MeetingTable
from ..web import get_or_404, render_form
from . import calendar, interpreters, queries
from .errors import ScheduleError
from .forms import ConfirmForm, InterpreterForm, PlaceForm

bp = Blueprint("interpreters", __name__)


@bp.app_context_processor
def interpreter_helpers():
    """``own_interpreter(event)`` for the event page: the link to an interpreter's plan."""
    def own_interpreter(event):
        if not current_user.is_authenticated:
            return None
        return interpreters.own_interpreter(event, current_user)
    return {"own_interpreter": own_interpreter}


def _list_url(event_id: int) -> str:
    return url_for("interpreters.index", event_id=event_id)


@bp.route("/events/<int:event_id>/interpreters", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def index(event_id: int):
    """The list, and the form to add one."""
    viewer = access.event_viewer(event_id)
    form = InterpreterForm(viewer.event, data={"slots": [s.id for s in viewer.event.slots]})
    return _save(viewer, form, None)


@bp.route("/events/<int:event_id>/interpreters/<int:interpreter_id>/edit",
          methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def edit(event_id: int, interpreter_id: int):
    viewer = access.event_viewer(event_id)
    interpreter = _interpreter_or_404(viewer.event, interpreter_id)
    form = InterpreterForm(viewer.event, data={
        "name": interpreter.name, "languages": interpreter.languages,
        "slots": [s.id for s in interpreter.slots],
        "email": interpreter.user.email if interpreter.user else ""})
    return _save(viewer, form, interpreter)


def _save(viewer, form: InterpreterForm, interpreter: Interpreter | None):
    event, change = viewer.event, None
    if form.validate_on_submit():
        data = interpreters.InterpreterData(form.name.data, form.languages.data,
                                            form.slots.data or [], form.email.data or "")
        try:
            saved, change = interpreters.save_interpreter(event, data, interpreter, current_user,
                                                          form.confirm.data == "yes")
        except ScheduleError as error:
            form.form_errors.append(str(error))
        else:
            if saved is not None:
                flash(_("%(name)s is saved.", name=saved.name), "success")
                _flash_change(change)
                return redirect(_list_url(event.id))
            form.confirm.data = "yes"
    status = 409 if change is not None and change.needs_confirmation else None
    page = render_form("schedule/interpreters.html", form, event=event, viewer=viewer,
                       editing=interpreter, loads=interpreters.loads(event), change=change,
                       figures=change_figures(change))
    return (page[0], status) if status else page


def change_figures(change: interpreters.InterpreterChange | None) -> list[str]:
    """What an interpreter change does, in both figures: for the confirmation and the flash
    after saving alike."""
    if change is None or not change.affected:
        return []
    names = ", ".join(change.stand_in_names)
    figures = [ngettext("%(num)d meeting gets another interpreter",
                        "%(num)d meetings get another interpreter", len(change.given_another))
               + (f" ({names})" if names else ""),
               ngettext("%(num)d meeting comes off the schedule",
                        "%(num)d meetings come off the schedule", len(change.taken_off))]
    if change.kept_without:
        figures.append(ngettext(
            "%(num)d meeting keeps its place without one: its two sides share a language",
            "%(num)d meetings keep their place without one: their two sides share a language",
            len(change.kept_without)))
    return figures


def _flash_change(change) -> None:
    figures = change_figures(change)
    if figures:
        flash("; ".join(figures) + ". " + _("Once the schedule is published, both companies "
                                            "of each meeting are told."),
              "warning" if change.taken_off else "info")


@bp.route("/events/<int:event_id>/interpreters/<int:interpreter_id>/delete", methods=["POST"])
@event_staff(Capability.MANAGE)
def delete(event_id: int, interpreter_id: int):
    viewer = access.event_viewer(event_id)
    interpreter = _interpreter_or_404(viewer.event, interpreter_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    name = interpreter.name
    try:
        change = interpreters.delete_interpreter(viewer.event, interpreter, current_user,
                                                 form.confirm.data == "yes")
    except ScheduleError as error:
        flash(str(error), "danger")
        return redirect(_list_url(event_id)), 303
    if change.needs_confirmation and form.confirm.data != "yes":
        return render_template("schedule/interpreter_delete.html", event=viewer.event,
                               viewer=viewer, interpreter=interpreter, change=change,
                               figures=change_figures(change), form=form), 409
    flash(_("%(name)s is removed.", name=name), "success")
    _flash_change(change)
    return redirect(_list_url(event_id))


@bp.route("/events/<int:event_id>/interpreters/<int:interpreter_id>/plan")
@event_staff(Capability.MANAGE)
def plan(event_id: int, interpreter_id: int):
    """The interpreter's printable plan."""
    viewer = access.event_viewer(event_id)
    interpreter = _interpreter_or_404(viewer.event, interpreter_id)
    return render_template("schedule/interpreter_plan.html", event=viewer.event, viewer=viewer,
                           plans=[(interpreter, interpreters.meetings_of(interpreter))],
                           own=False)


@bp.route("/events/<int:event_id>/interpreters/plans")
@event_staff(Capability.MANAGE)
def all_plans(event_id: int):
    """Every interpreter's plan, one printed page each."""
    viewer = access.event_viewer(event_id)
    return render_template("schedule/interpreter_plan.html", event=viewer.event, viewer=viewer,
                           plans=[(load.interpreter, interpreters.meetings_of(load.interpreter))
                                  for load in interpreters.loads(viewer.event)], own=False)


@bp.route("/events/<int:event_id>/interpreting")
@login_required
def own_plan(event_id: int):
    """An interpreter with an account sees their own agenda once the schedule is published."""
    event = access.event_viewer(event_id).event
    interpreter = interpreters.own_interpreter(event, current_user) or abort(404)
    published = queries.is_published(event)
    return render_template("schedule/interpreter_plan.html", event=event, viewer=None,
                           own=True, published=published, plans=[
                               (interpreter,
                                interpreters.meetings_of(interpreter) if published else [])])


@bp.route("/events/<int:event_id>/interpreting.ics")
@login_required
def own_plan_ics(event_id: int):
    event = access.event_viewer(event_id).event
    interpreter = interpreters.own_interpreter(event, current_user) or abort(404)
    if not queries.is_published(event):
        abort(404)
    ics = calendar.new_calendar(event.name)
    calendar.add_interpreter_agenda(ics, event, interpreter,
                                    interpreters.meetings_of(interpreter))
    return Response(calendar.to_bytes(ics), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="interpreting-{event_id}.ics"',
                             "Cache-Control": "no-store"})


# --- reserved places ---------------------------------------------------------------------------

@bp.route("/events/<int:event_id>/places", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def places(event_id: int):
    viewer = access.event_viewer(event_id)
    event = viewer.event
    companies = interpreters.reservable_companies(event)
    form = PlaceForm(event, companies)
    if form.validate_on_submit():
        table = get_or_404(MeetingTable, form.table.data)
        company = get_or_404(Company, form.company.data) if form.company.data else None
        if table.event_id != event.id:
            abort(404)
        try:
            interpreters.reserve(event, table, company, current_user)
        except ScheduleError as error:
            form.company.errors.append(str(error))
        else:
            flash(_("%(table)s is reserved for %(name)s. Generate the schedule again to hold "
                    "its meetings there.", table=table.name, name=company.name) if company
                  else _("%(table)s is a common table again.", table=table.name), "success")
            return redirect(url_for("interpreters.places", event_id=event.id))
    return render_form("schedule/places.html", form, event=event, viewer=viewer,
                       reserved=[t for t in event.tables if t.reserved_for_id is not None])


def _interpreter_or_404(event, interpreter_id: int) -> Interpreter:
    return interpreters.interpreter_of(event, interpreter_id) or abort(404)
