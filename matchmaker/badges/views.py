"""Badges, scanning and contacts. The scan pages post the same forms with or without
JavaScript: a browser form gets a flash and a redirect, the scanner's fetch (Accept:
application/json) gets JSON it can show at once or keep in its offline queue."""

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

from .. import access, audit
from ..access import Capability, event_staff
from ..choices import country_name
from ..extensions import db
from ..models import Badge, Company, Event, User
from ..web import get_or_404
from . import contacts, pdf, services
from .forms import ContactForm, EmptyForm, LayoutForm, NoteForm, ScanForm, SharingForm

bp = Blueprint("badges", __name__)


def _actor():
    return current_user._get_current_object()


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def _refused(message: str, back: str):
    if _wants_json():
        return jsonify(ok=False, message=message), 422
    flash(message, "danger")
    return redirect(back, 303)


def _faces(event: Event, holders) -> list[pdf.BadgeFace]:
    return [pdf.BadgeFace(event=event.name, name=h.user.name or h.user.email,
                          company=h.registration.company.name,
                          country=country_name(h.registration.company.country),
                          group=h.registration.group.name if h.registration.group else "",
                          url=url_for("badges.open_badge", token=services.token_for(h.badge),
                                      _external=True), code=services.token_for(h.badge))
            for h in holders]


def _pdf(body: bytes, filename: str) -> Response:
    response = Response(body, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- organizer: badges ---------------------------------------------------------------------

@bp.route("/organizer/events/<int:event_id>/badges")
@event_staff(Capability.MANAGE)
def organizer_badges(event_id: int):
    viewer = access.event_viewer(event_id)
    holders = services.issue_badges(viewer.event, issue=False)
    return render_template("badges/organizer.html", event=viewer.event, viewer=viewer,
                           holders=holders, form=LayoutForm(), button=EmptyForm())


@bp.route("/organizer/events/<int:event_id>/badges.pdf", methods=["POST"])  # issues: a write
@event_staff(Capability.MANAGE)
def badges_pdf(event_id: int):
    event = get_or_404(Event, event_id)
    form = LayoutForm()
    if not form.validate_on_submit():
        flash(_("Choose a layout for the badges."), "danger")
        return redirect(url_for("badges.organizer_badges", event_id=event.id), 303)
    holders = services.issue_badges(event)
    audit.record("export", current_user, target=event, event=event,
                 details={"what": "badges", "format": "pdf", "rows": len(holders)})
    return _pdf(pdf.badges_pdf(_faces(event, holders), form.layout.data),
                f"badges-{event.id}-{form.layout.data}.pdf")


@bp.route("/organizer/events/<int:event_id>/badges/<int:user_id>/reissue", methods=["POST"])
@event_staff(Capability.MANAGE)
def reissue(event_id: int, user_id: int):
    event = get_or_404(Event, event_id)
    user = get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.reissue(event, user, _actor())
    except services.BadgeRefused as refused:
        abort(404, str(refused))  # not an attendee of this event
    flash(_("A new badge is issued to %(name)s; the old one no longer works. Print the "
            "badges again.", name=user.name or user.email), "success")
    return redirect(url_for("badges.organizer_badges", event_id=event.id), 303)


# --- organizer: scan to check in -----------------------------------------------------------

@bp.route("/organizer/events/<int:event_id>/scan")
@event_staff(Capability.MANAGE)
def organizer_scan(event_id: int):
    viewer = access.event_viewer(event_id)
    form = ScanForm(data={"token": request.args.get("token", "")[:300]})
    return render_template("badges/scan.html", event=viewer.event, viewer=viewer, form=form,
                           mode="check-in", post_url=url_for("badges.organizer_check_in",
                                                             event_id=event_id),
                           list_url=url_for("badges.offline_list", event_id=event_id))


@bp.route("/organizer/events/<int:event_id>/scan/attendees.json")
@event_staff(Capability.MANAGE)
def offline_list(event_id: int):
    event = get_or_404(Event, event_id)
    response = jsonify(event=event.id, attendees=services.offline_attendees(event))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/organizer/events/<int:event_id>/scan/check-in", methods=["POST"])
@event_staff(Capability.MANAGE)
def organizer_check_in(event_id: int):
    event = get_or_404(Event, event_id)
    form, back = ScanForm(), url_for("badges.organizer_scan", event_id=event_id)
    if not form.validate_on_submit():
        return _refused(_("Scan a badge or type its code."), back)
    try:
        scanned, new = services.check_in_by_badge(event, form.token.data, _actor())
    except services.BadgeRefused as refused:
        return _refused(str(refused), back)
    name, company = scanned.user.name or scanned.user.email, scanned.registration.company.name
    message = (_("%(name)s (%(company)s) is checked in.", name=name, company=company) if new
               else _("%(name)s was already checked in.", name=name))
    if _wants_json():
        return jsonify(ok=True, status="checked_in" if new else "already", name=name,
                       company=company, message=message)
    flash(message, "success" if new else "info")
    return redirect(back, 303)


# --- participants: own badge, scanning others, contacts ------------------------------------

def _attending_viewer(event_id: int):
    """An approved participant of the event (organizers without a company have no badge)."""
    viewer = access.participant_viewer(event_id)
    if not viewer.is_participant:
        abort(404)
    return viewer


@bp.route("/events/<int:event_id>/badge.pdf", methods=["POST"])  # issues the badge: a write
@login_required
def own_badge(event_id: int):
    viewer = _attending_viewer(event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    holders = services.issue_badges(viewer.event, only=viewer.user)
    if not holders:
        flash(_("Badges are for the attendees your company named when it registered. Ask "
                "a colleague to add you, or the organizer."), "warning")
        return redirect(url_for("badges.my_contacts", event_id=event_id), 303)
    return _pdf(pdf.badges_pdf(_faces(viewer.event, holders), "a6"),
                f"badge-{viewer.event.id}.pdf")


@bp.route("/events/<int:event_id>/scan")
@login_required
def participant_scan(event_id: int):
    viewer = _attending_viewer(event_id)
    form = ContactForm(data={"token": request.args.get("token", "")[:300]})
    return render_template("badges/scan.html", event=viewer.event, viewer=viewer, form=form,
                           mode="contact", post_url=url_for("badges.capture",
                                                            event_id=event_id), list_url="")


@bp.route("/events/<int:event_id>/contacts/scan", methods=["POST"])
@login_required
def capture(event_id: int):
    viewer = _attending_viewer(event_id)
    form, back = ContactForm(), url_for("badges.participant_scan", event_id=event_id)
    if not form.validate_on_submit():
        return _refused(next(iter(form.errors.values()))[0], back)
    try:
        contact, new = contacts.capture(viewer.event, viewer.user, form.token.data,
                                        form.note.data, form.follow_up.data)
    except services.BadgeRefused as refused:
        return _refused(str(refused), back)
    person = contact.person
    name = person.name or _("(no name)")
    company = person.company.name if person.company else ""
    message = (_("%(name)s (%(company)s) is in your contacts.", name=name, company=company)
               if new else _("%(name)s was in your contacts already; the note is updated.",
                             name=name))
    if _wants_json():
        labels = contacts.field_labels()
        return jsonify(ok=True, status="new" if new else "updated", name=name, company=company,
                       shared={str(labels[k]): v for k, v in contacts.shared_fields(person)
                               .items()}, message=message)
    flash(message, "success")
    return redirect(url_for("badges.my_contacts", event_id=event_id) + f"#contact-{contact.id}",
                    303)


@bp.route("/events/<int:event_id>/contacts")
@login_required
def my_contacts(event_id: int):
    viewer = _attending_viewer(event_id)
    follow_up = request.args.get("follow_up") == "1"
    cards = contacts.my_contacts(viewer.event, viewer.user, follow_up)
    return render_template("badges/contacts.html", event=viewer.event, viewer=viewer,
                           cards=cards, follow_up=follow_up, labels=contacts.field_labels(),
                           scanned_me=contacts.scanned_me(viewer.event, viewer.user),
                           button=EmptyForm())


@bp.route("/events/<int:event_id>/contacts/<int:contact_id>", methods=["POST"])
@login_required
def update_contact(event_id: int, contact_id: int):
    viewer = _attending_viewer(event_id)
    contact = contacts.contact_of(viewer.event, viewer.user, contact_id) or abort(404)
    form = NoteForm()
    back = url_for("badges.my_contacts", event_id=event_id) + f"#contact-{contact.id}"
    if not form.validate_on_submit():
        flash(_("The note is too long."), "danger")
        return redirect(back, 303)
    contacts.update(contact, form.note.data, form.follow_up.data)
    flash(_("The contact is saved."), "success")
    return redirect(back, 303)


def _export(viewer, fmt: str) -> Response:
    cards = contacts.my_contacts(viewer.event, viewer.user)
    if fmt == "vcf":
        body, kind = contacts.contacts_vcard(cards, viewer.event), "text/vcard; charset=utf-8"
    else:
        body, kind = contacts.contacts_csv(cards), "text/csv; charset=utf-8"
    response = Response(body, content_type=kind)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="contacts-{viewer.event.id}.{fmt}"')
    return response


@bp.route("/events/<int:event_id>/contacts.vcf")
@login_required
def contacts_vcard(event_id: int):
    return _export(_attending_viewer(event_id), "vcf")


@bp.route("/events/<int:event_id>/contacts.csv")
@login_required
def contacts_csv(event_id: int):
    return _export(_attending_viewer(event_id), "csv")


# --- a company's choice of what scanners see -----------------------------------------------

@bp.route("/companies/<int:company_id>/contact-sharing", methods=["GET", "POST"])
@login_required
def sharing(company_id: int):
    company = get_or_404(Company, company_id)
    if not access.may_edit_company(current_user, company):
        abort(404)
    form = SharingForm(data={"fields": company.shared_contact_fields or []})
    if form.validate_on_submit():
        contacts.set_shared_fields(company, form.fields.data or [], _actor())
        flash(_("Saved: people who scan your badges see what you ticked."), "success")
        return redirect(url_for("badges.sharing", company_id=company.id), 303)
    return render_template("badges/sharing.html", company=company, form=form), \
        400 if form.errors else 200


# --- what a phone's own camera opens -------------------------------------------------------

@bp.route("/b/<token>")
@login_required
def open_badge(token: str):
    """The badge URL, opened by a phone's camera app: organizers go to the check-in scanner,
    attendees of the same event to "keep this contact", each with the code filled in."""
    badge = services.token_from_scan(token) and db.session.scalar(
        db.select(Badge).filter_by(token_hash=services.hash_token(token)))
    if not badge:
        abort(404)
    if current_user.is_organizer:
        return redirect(url_for("badges.organizer_scan", event_id=badge.event_id, token=token))
    return redirect(url_for("badges.participant_scan", event_id=badge.event_id, token=token))
