from itertools import groupby

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import access, phases
from ..engine.taxonomy import load_taxonomy
from ..i18n import current_language
from ..models import Slot
from ..pairing import pairing_of
from ..teams import services as team
from ..teams.views import recruited_via
from ..web import render_form
from . import services
from .forms import AnswerForm, RegistrationForm, SignupForm

bp = Blueprint("events", __name__, url_prefix="/events")


@bp.route("/")
@login_required
def index():
    events = services.upcoming_events(current_user)
    registrations = {e.id: access.registration_of(e.id, current_user.company_id) for e in events}
    roles = {e.id: access.team_role(current_user, e.id) for e in events}
    return render_template("events/index.html", events=events, registrations=registrations,
                           roles=roles)


@bp.route("/<int:event_id>")
@login_required
def show(event_id: int):
    viewer = access.event_viewer(event_id)
    return render_template("events/show.html", event=viewer.event, viewer=viewer,
                           slots_by_day=slots_by_day(viewer.event.slots),
                           status_counts=services.status_counts(viewer.event),
                           program=_program(viewer), timeline=phases.timeline(viewer.event),
                           overridable=phases.overridable(viewer.event)
                           if viewer.is_organizer else [],
                           phase_override_labels={k: label for k, (_kind, label)
                                                  in phases.OVERRIDES.items()},
                           registration_closed=phases.refusal(viewer.event, "register"))


def _program(viewer: access.Viewer) -> list:
    """Organizers see the whole programme; a company what it attends; others nothing."""
    if viewer.is_organizer:
        return services.program_for(viewer.event)
    if viewer.registration is None:
        return []
    return services.program_for(viewer.event, viewer.company_id)


def slots_by_day(slots: list[Slot]) -> list[tuple]:
    return [(day, list(group)) for day, group in groupby(slots, key=lambda s: s.starts_at.date())]


def items_by_day(items: list) -> list[tuple]:
    """Programme items grouped by their day: the dated itinerary of the trip."""
    return [(day, list(group)) for day, group in groupby(items, key=lambda i: i.starts_at.date())]


# --- the participant's programme: the itinerary, sign-up for items with places -------------

@bp.route("/<int:event_id>/programme")
@login_required
def programme(event_id: int):
    viewer = access.participant_viewer(event_id)
    items = services.program_for(viewer.event) if viewer.is_organizer and not \
        viewer.is_participant else services.participant_program(viewer.event, viewer.company_id)
    return render_template("events/programme.html", event=viewer.event, viewer=viewer,
                           days=items_by_day(items), form=SignupForm(),
                           now=phases.now_of(viewer.event))


def _item_for_signup(event_id: int, item_id: int):
    viewer = access.participant_viewer(event_id)
    item = services.program_item_of(viewer.event, item_id)
    if item is None or not viewer.is_participant or not (
            item.takes_signups or item.concerns(viewer.company_id)):
        abort(404)
    return viewer, item


@bp.route("/<int:event_id>/programme/<int:item_id>/signup", methods=["POST"])
@login_required
def sign_up(event_id: int, item_id: int):
    return _sign_up(event_id, item_id, wait=False)


@bp.route("/<int:event_id>/programme/<int:item_id>/wait", methods=["POST"])
@login_required
def join_waiting_list(event_id: int, item_id: int):
    return _sign_up(event_id, item_id, wait=True)


def _sign_up(event_id: int, item_id: int, wait: bool):
    """A place, or with ``wait`` a place on the waiting list when the item is full."""
    viewer, item = _item_for_signup(event_id, item_id)
    if SignupForm().validate_on_submit():
        title = item.title
        try:
            done = services.sign_up(viewer.event, item, viewer.company_id, current_user, wait)
        except services.SignupError as error:
            flash(str(error), "danger")
        else:
            flash(_signup_message(done, title), "success" if done.changed else "info")
    return _to_item(event_id, item_id)


def _signup_message(done: services.Signup, title: str) -> str:
    if done.position is not None and done.changed:
        return _("You are number %(num)d on the waiting list for “%(title)s”; you get an email "
                 "when a place frees up.", num=done.position, title=title)
    if done.position is not None:
        return _("Nothing changed: your company is number %(num)d on the waiting list.",
                 num=done.position)
    if done.changed:
        return _("Your company has a place on “%(title)s”. No meeting will be placed at that "
                 "time.", title=title)
    return _("Nothing changed: your company has a place already.")


@bp.route("/<int:event_id>/programme/<int:item_id>/cancel", methods=["POST"])
@login_required
def cancel_signup(event_id: int, item_id: int):
    viewer, item = _item_for_signup(event_id, item_id)
    if SignupForm().validate_on_submit():
        title = item.title
        if services.cancel_signup(viewer.event, item, viewer.company_id):
            flash(_("Your company’s place on “%(title)s” is given back.", title=title),
                  "success")
        else:
            flash(_("Nothing changed: your company had no place."), "info")
    return _to_item(event_id, item_id)


@bp.route("/<int:event_id>/programme/<int:item_id>/leave", methods=["POST"])
@login_required
def leave_waiting_list(event_id: int, item_id: int):
    viewer, item = _item_for_signup(event_id, item_id)
    if SignupForm().validate_on_submit():
        title = item.title
        if services.leave_waiting_list(item, viewer.company_id):
            flash(_("Your company is off the waiting list for “%(title)s”.", title=title),
                  "success")
        elif item.signed_up(viewer.company_id):  # it moved up meanwhile
            flash(_("Nothing changed: your company moved up and has a place on “%(title)s” "
                    "now. Give it back if you cannot come.", title=title), "info")
        else:
            flash(_("Nothing changed: your company was not on the waiting list."), "info")
    return _to_item(event_id, item_id)


def _to_item(event_id: int, item_id: int):
    return redirect(url_for("events.programme", event_id=event_id) + f"#item-{item_id}")


@bp.route("/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id: int):
    viewer = access.event_viewer(event_id)
    company = current_user.company
    if company is None:
        flash(_("Create your company profile first; then register it for the event."), "info")
        return redirect(url_for("companies.create"))
    closed = phases.refusal(viewer.event, "register") if viewer.registration is None else None
    if closed:
        flash(closed, "warning")
        return redirect(url_for("events.show", event_id=event_id))
    form = RegistrationForm(viewer.event, company, viewer.registration)
    if form.validate_on_submit():
        attendees = [m for m in company.members if m.id in form.attendees.data]
        slots = [s for s in viewer.event.slots if s.id in form.slots.data]
        try:
            registration = services.register(viewer.event, company, attendees, slots,
                                             form.group.data if "group" in form else None)
        except services.EventError as error:
            flash(str(error), "danger")
        else:
            if viewer.registration is None:  # new: tell the co-organizer responsible for it
                team.credit_recruiter(registration, recruited_via(event_id))
                team.notify_responsible(registration)
            flash(_("Your registration is saved. The organizer will review it."), "success")
            return redirect(url_for("events.show", event_id=event_id))
    return render_form("events/register.html", form, event=viewer.event, viewer=viewer,
                       slots_by_day=slots_by_day(viewer.event.slots),
                       blocked=services.blocked_slots(viewer.event, company.id),
                       answer_form=AnswerForm(formdata=None))


@bp.route("/<int:event_id>/withdraw", methods=["POST"])
@login_required
def withdraw(event_id: int):
    viewer = access.event_viewer(event_id)
    if viewer.registration is None:
        abort(404)
    cancelled = services.withdraw(viewer.event, viewer.registration, current_user)
    message = _("Your company is no longer registered for this event.")
    if cancelled:
        message += " " + ngettext(
            "%(num)d request or meeting was cancelled and the other side told.",
            "%(num)d requests or meetings were cancelled and the other sides told.", cancelled)
    flash(message, "success")
    return redirect(url_for("events.show", event_id=event_id))


def _directory_query() -> services.DirectoryQuery:
    args = request.args
    tag = args.get("tag", "")
    return services.DirectoryQuery(
        q=args.get("q", "").strip()[:200],
        tag=tag if tag in load_taxonomy() else "",
        country=args.get("country", "")[:2].upper(),
        language=args.get("language", "")[:5].lower(),
        sort=_directory_sort(args.get("sort", ""), bool(args.get("q", "").strip())),
        page=args.get("page", 1, type=int) or 1,
    )


def _directory_sort(asked: str, searching: bool) -> str:
    """The sort asked for; a search's default is its best hits first, a list's by name."""
    if asked in services.SORTS or (searching and asked == services.RELEVANCE):
        return asked
    return services.RELEVANCE if searching else "name"


@bp.route("/<int:event_id>/companies")
@login_required
def directory(event_id: int):
    viewer = access.participant_viewer(event_id)
    phases.require_profiles(viewer)
    query = _directory_query()
    pairing = pairing_of(event_id)
    groups = None if viewer.is_staff else pairing.visible_groups(viewer.company_id)
    results = services.directory(viewer.event, query, viewer.company_id, groups)
    countries, languages = services.directory_facets(viewer.event, groups)
    return render_template("events/directory.html", event=viewer.event, viewer=viewer,
                           query=query, results=results, countries=countries, pairing=pairing,
                           languages=languages, sorts=services.SORTS,
                           families=load_taxonomy().tags_by_family(),
                           taxonomy=load_taxonomy(), lang=current_language())


@bp.app_context_processor
def dashboard_helpers():
    """``dashboard_events()`` for the home page: each event with the user's registration."""

    def dashboard_events():
        """(event, the user's registration, the viewer in it) for the five newest events."""
        return [(event, access.registration_of(event.id, current_user.company_id),
                 access.viewer_of(event))
                for event in services.upcoming_events(current_user)[:5]]

    return {"dashboard_events": dashboard_events}
