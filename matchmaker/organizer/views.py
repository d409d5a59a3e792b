from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import access, phases
from ..access import Capability, event_staff
from ..events import groups, services
from ..exchange import screening
from ..models import Event
from ..pairing import pairing_of
from ..security import organizers_only
from ..teams import services as team
from ..vetting import services as vetting
from ..web import get_or_404, render_form
from .forms import (
    STATUS_FILTERS,
    AskManyForm,
    DecisionForm,
    EventForm,
    GroupForm,
    GroupMoveForm,
    MatrixForm,
    PhaseOverrideForm,
    ProgramItemForm,
)

bp = Blueprint("organizer", __name__, url_prefix="/organizer")


def _event_data(form: EventForm) -> services.EventData:
    return services.EventData(
        name=form.name.data.strip(), venue=(form.venue.data or "").strip(),
        city=(form.city.data or "").strip(), timezone=form.timezone.data,
        description=(form.description.data or "").strip(), windows=form.parsed_windows,
        tables=form.parsed_tables, max_meetings_per_company=form.max_meetings_per_company.data,
        max_open_requests=form.max_open_requests.data,
        request_expiry_hours=form.request_expiry_hours.data,
        **{field.name: field.data for field in form.phase_fields()})


def _save(form: EventForm, save) -> object | None:
    try:
        return save(_event_data(form))
    except services.EventError as error:
        (form[error.field].errors if error.field else form.form_errors).append(str(error))
        return None


@bp.route("/events/new", methods=["GET", "POST"])
@organizers_only
def create_event():
    form = EventForm()
    if form.validate_on_submit():
        event = _save(form, lambda data: services.create_event(current_user, data))
        if event is not None and form.template.data == "delegation_trip":
            groups.apply_delegation_trip(event, current_user)
        if event is not None:
            flash(_("The event is created with %(n)d slots.", n=len(event.slots)), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_form("organizer/event_form.html", form, event=None, changes=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def edit_event(event_id: int):
    event = get_or_404(Event, event_id)
    form = EventForm(data=services.form_data(event))
    if form.validate_on_submit():
        confirmed = form.confirm.data == "yes"
        changes = _save(form, lambda data: services.update_event(event, data, confirmed))
        if changes is not None and changes.needs_confirmation and not confirmed:
            form.confirm.data = "yes"
            return render_template("organizer/event_form.html", form=form, event=event,
                                   changes=changes), 409
        if changes is not None:
            flash(_("The event is saved: %(n)d slots.", n=len(event.slots)), "success")
            return redirect(url_for("events.show", event_id=event.id))
    return render_form("organizer/event_form.html", form, event=event, changes=None)


@bp.route("/events/<int:event_id>/phases/<phase>/override", methods=["POST"])
@event_staff(Capability.MANAGE)
def override_phase(event_id: int, phase: str):
    """Lift a phase now ("open requests now", "reopen registration"), audited."""
    event = get_or_404(Event, event_id)
    if phase not in phases.OVERRIDES:
        abort(404)
    if PhaseOverrideForm().validate_on_submit() and phases.override(event, phase,
                                                                    current_user):
        flash(_("Done: %(action)s.", action=phases.OVERRIDES[phase][1]), "success")
    else:
        flash(_("Nothing changed: this phase does not block anything now."), "info")
    return redirect(url_for("events.show", event_id=event.id) + "#timeline")


@bp.route("/events/<int:event_id>/registrations", methods=["GET", "POST"])
@event_staff(Capability.VET)
def registrations(event_id: int):
    event = get_or_404(Event, event_id)
    status = request.args.get("status", "pending")
    status = status if status in STATUS_FILTERS else None
    form = DecisionForm()
    refused = False
    if form.validate_on_submit():
        try:
            changed = services.decide(event, form.ids.data, approve=form.approve.data,
                                      reason=form.reason.data or "", organizer=current_user)
        except services.EventError as error:
            if error.field:
                form.reason.errors.append(str(error))
            else:  # a state that does not allow it: shown above the list, whatever its filter
                flash(str(error), "danger")
                refused = True
        else:
            flash(_("%(n)d registration(s) updated.", n=changed), "success")
            return redirect(url_for("organizer.registrations", event_id=event.id,
                                    status=status or "all"))
    return _queue(event, status, form, AskManyForm(formdata=None), 409 if refused else None)


def _queue(event: Event, status: str | None, form: DecisionForm, ask_form: AskManyForm,
           code: int | None = None):
    """The vetting queue: the registrations of one status with the forms acting on them."""
    listed = services.registrations_by_status(event, status)
    members = team.members_of(event)
    responsible = {r.id: team.responsible_for(r, members) for r in listed}
    only_mine = request.args.get("mine") == "1"
    listed = team.mine_first(listed, responsible, current_user.id, only_mine)
    page, form_code = render_form(
        "organizer/registrations.html", form, event=event, status=status, registrations=listed,
        ask_form=ask_form, screening=screening.screen([r.company for r in listed]),
        counts=services.status_counts(event), viewer=access.viewer_of(event),
        responsible=responsible, only_mine=only_mine, people={m.user_id: m.user for m in members},
        assignable=[m for m in members if m.role != "vetter"])
    return page, code or form_code


@bp.route("/events/<int:event_id>/registrations/ask", methods=["POST"])
@event_staff(Capability.VET)
def ask_many(event_id: int):
    """Ask the ticked applicants the same question (the detail page asks one)."""
    event = get_or_404(Event, event_id)
    form = AskManyForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "danger")
        return _queue(event, "pending", DecisionForm(formdata=None), form, 400)
    try:
        asked = vetting.ask_many(event, form.ids.data, current_user, form.question.data)
    except vetting.VettingError as error:
        flash(str(error), "danger")
        return _queue(event, "pending", DecisionForm(formdata=None), form, error.status)
    flash(ngettext("%(num)d company is asked for more information.",
                   "%(num)d companies are asked for more information.", asked), "success")
    return redirect(url_for("organizer.registrations", event_id=event.id, status="needs_info"))


@bp.route("/events/<int:event_id>/program", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def program(event_id: int):
    return _program_page(get_or_404(Event, event_id), None)


@bp.route("/events/<int:event_id>/program/<int:item_id>/edit", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def edit_program_item(event_id: int, item_id: int):
    event = get_or_404(Event, event_id)
    item = services.program_item_of(event, item_id)
    if item is None:
        abort(404)
    return _program_page(event, item)


def _program_page(event: Event, item):
    """The programme with the form to add an item, or to change ``item``."""
    form = ProgramItemForm(obj=None if item is None else _ItemFields(item))
    form.companies.choices = [SelectChoice(r.company_id, r.company.name)
                              for r in services.registrations_by_status(event, None)]
    saved = None
    if form.validate_on_submit():
        try:
            saved = services.save_program_item(event, _program_data(form), item)
        except services.EventError as error:
            form[error.field or "title"].errors.append(str(error))
    if saved is not None:
        flash(_("“%(title)s” is on the programme.", title=saved.title), "success")
        clashes = services.meetings_during(saved)
        if clashes:
            flash(ngettext("%(num)d scheduled meeting is at the same time for a company that "
                           "attends: move it, or generate the schedule again.",
                           "%(num)d scheduled meetings are at the same time for a company that "
                           "attends: move them, or generate the schedule again.", len(clashes)),
                  "warning")
        return redirect(url_for("organizer.program", event_id=event.id))
    if not form.is_submitted() and item is None and event.days:
        form.day.data = event.days[0]
    return render_form("organizer/program.html", form, event=event, editing=item,
                       items=services.program_for(event), viewer=access.viewer_of(event))


class _ItemFields:
    """A programme item as the form's fields see it (the form splits date and times)."""

    def __init__(self, item):
        self.title, self.place, self.description = item.title, item.place, item.description
        self.day, self.start, self.end = item.starts_at.date(), item.starts_at.time(), \
            item.ends_at.time()
        self.for_everyone, self.capacity = item.for_everyone, item.capacity
        self.companies = [c.id for c in item.companies]


def _program_data(form: ProgramItemForm) -> services.ProgramItemData:
    return services.ProgramItemData(
        title=form.title.data, place=form.place.data or "",
        description=form.description.data or "",
        starts_at=datetime.combine(form.day.data, form.start.data),
        ends_at=datetime.combine(form.day.data, form.end.data),
        for_everyone=form.for_everyone.data, company_ids=form.companies.data or [],
        capacity=form.capacity.data)


@bp.route("/events/<int:event_id>/program/<int:item_id>/delete", methods=["POST"])
@event_staff(Capability.MANAGE)
def delete_program_item(event_id: int, item_id: int):
    event = get_or_404(Event, event_id)
    if not services.delete_program_item(event, item_id):
        abort(404)
    flash(_("The item is removed from the programme."), "success")
    return redirect(url_for("organizer.program", event_id=event.id))


# --- participant groups and who meets whom -------------------------------------------------

def _group_data(form: GroupForm) -> groups.GroupData:
    return groups.GroupData(
        name=form.name.data, open_for_registration=form.open_for_registration.data,
        shown_to_all=form.shown_to_all.data, max_meetings=form.max_meetings.data,
        max_open_requests=form.max_open_requests.data)


def _render_groups(event: Event, group_form: GroupForm, matrix_form: MatrixForm | None = None,
                   change=None, status: int | None = None):
    pairing = pairing_of(event.id)
    matrix_form = matrix_form or MatrixForm(pairs=[f"{a}-{b}" for a, b in pairing.allowed])
    page = render_template("organizer/groups.html", event=event, viewer=access.viewer_of(event),
                           group_form=group_form, matrix_form=matrix_form, pairing=pairing,
                           counts=groups.member_counts(event), change=change)
    return page, status or (400 if group_form.errors or matrix_form.errors else 200)


@bp.route("/events/<int:event_id>/groups", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def group_list(event_id: int):
    """The groups with the form to add one, and the matrix of who meets whom."""
    event = get_or_404(Event, event_id)
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = groups.add_group(event, _group_data(form), current_user)
        except services.EventError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("The group “%(name)s” is added. It may meet every group until you change "
                    "the matrix.", name=group.name), "success")
            return redirect(url_for("organizer.group_list", event_id=event.id))
    return _render_groups(event, form)


@bp.route("/events/<int:event_id>/groups/<int:group_id>/edit", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def edit_group(event_id: int, group_id: int):
    event = get_or_404(Event, event_id)
    group = groups.group_of(event, group_id)
    if group is None:
        abort(404)
    form = GroupForm(obj=group)
    if form.validate_on_submit():
        try:
            groups.update_group(event, group, _group_data(form), current_user)
        except services.EventError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("The group “%(name)s” is saved.", name=group.name), "success")
            return redirect(url_for("organizer.group_list", event_id=event.id))
    return render_form("organizer/group_form.html", form, event=event, group=group,
                       viewer=access.viewer_of(event))


@bp.route("/events/<int:event_id>/groups/<int:group_id>/delete", methods=["POST"])
@event_staff(Capability.MANAGE)
def delete_group(event_id: int, group_id: int):
    event = get_or_404(Event, event_id)
    group = groups.group_of(event, group_id)
    if group is None:
        abort(404)
    try:
        groups.delete_group(event, group, current_user)
    except services.EventError as error:
        flash(str(error), "danger")
    else:
        flash(_("The group is removed."), "success")
    return redirect(url_for("organizer.group_list", event_id=event.id))


@bp.route("/events/<int:event_id>/groups/matrix", methods=["POST"])
@event_staff(Capability.MANAGE)
def group_matrix(event_id: int):
    """Save who meets whom; what it would cancel is shown and confirmed first."""
    event = get_or_404(Event, event_id)
    form = MatrixForm()
    if not form.validate_on_submit():
        return _render_groups(event, GroupForm(formdata=None), form)
    change = groups.set_matrix(event, form.parsed_pairs(), current_user,
                               confirmed=form.confirm.data == "yes")
    if change.needs_confirmation and form.confirm.data != "yes":
        form.confirm.data = "yes"
        return _render_groups(event, GroupForm(formdata=None), form, change, 409)
    flash(_("Who meets whom is saved.") + _cancelled_note(change), "success")
    return redirect(url_for("organizer.group_list", event_id=event.id))


def _cancelled_note(change) -> str:
    if not change.requests:
        return ""
    return " " + ngettext("%(num)d request or meeting was cancelled and both sides told.",
                          "%(num)d requests or meetings were cancelled and both sides told.",
                          len(change.requests))


@bp.route("/events/<int:event_id>/registrations/group", methods=["POST"])
@event_staff(Capability.MANAGE)
def move_to_group(event_id: int):
    """Put the ticked registrations into a group; asks first when that cancels anything."""
    event = get_or_404(Event, event_id)
    form = GroupMoveForm()
    group = groups.group_of(event, form.group.data) if form.validate_on_submit() else None
    if group is None:
        flash(_("Select at least one registration and a group."), "danger")
        return redirect(url_for("organizer.registrations", event_id=event.id, status="all"))
    moved, change = groups.move_to_group(event, form.ids.data, group, current_user,
                                         confirmed=form.confirm.data == "yes")
    if change.needs_confirmation and form.confirm.data != "yes":
        form.confirm.data = "yes"
        return render_template("organizer/group_move_confirm.html", event=event, form=form,
                               group=group, change=change, viewer=access.viewer_of(event)), 409
    flash(ngettext("%(num)d registration moved to “%(group)s”.",
                   "%(num)d registrations moved to “%(group)s”.", moved, group=group.name)
          + _cancelled_note(change), "success")
    return redirect(url_for("organizer.registrations", event_id=event.id, status="all"))
