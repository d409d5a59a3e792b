import json
import re

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, audit
from ..access import Capability, event_staff
from ..models import Event
from ..security import organizers_only
from ..web import get_or_404
from . import exports, screening, services
from .forms import (
    ConfirmForm,
    DeniedPartiesForm,
    ProfilesUploadForm,
    UploadForm,
    mapping_form,
    posted_mapping,
)
from .importer import FIELDS
from .tables import FileProblem

bp = Blueprint("exchange", __name__, url_prefix="/organizer")

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json; charset=utf-8",
}


def _page(event, upload_form=None, profiles_form=None, status=200):
    return render_template("exchange/index.html", event=event, viewer=access.viewer_of(event),
                           form=upload_form or UploadForm(),
                           profiles_form=profiles_form or ProfilesUploadForm()), status


@bp.route("/events/<int:event_id>/import", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def import_start(event_id: int):
    event = get_or_404(Event, event_id)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            stored = services.store_upload(event, current_user, upload.filename or "",
                                           upload.read())
        except FileProblem as problem:
            form.file.errors.append(str(problem))
        else:
            return redirect(url_for("exchange.import_check", event_id=event.id,
                                    token=stored.token))
    return _page(event, form, status=400 if form.errors else 200)


@bp.route("/events/<int:event_id>/import/<token>", methods=["GET", "POST"])
@event_staff(Capability.MANAGE)
def import_check(event_id: int, token: str):
    event = get_or_404(Event, event_id)
    upload = services.find_upload(event, token) or abort(404)
    try:
        table, report = services.check(upload)
    except FileProblem:  # stored only after it was read once: cannot happen, but never a 500
        abort(400)
    form = mapping_form(table.headers, upload.mapping)
    if form.validate_on_submit():
        services.save_mapping(upload, posted_mapping(form))
        return redirect(url_for("exchange.import_check", event_id=event.id, token=token))
    return _render_check(event, upload, table, report, form, ConfirmForm())


def _render_check(event, upload, table, report, form, confirm_form, status=200):
    return render_template("exchange/check.html", event=event, viewer=access.viewer_of(event),
                           upload=upload, table=table, report=report, form=form,
                           confirm_form=confirm_form, fields=FIELDS), status


@bp.route("/events/<int:event_id>/import/<token>/confirm", methods=["POST"])
@event_staff(Capability.MANAGE)
def import_confirm(event_id: int, token: str):
    event = get_or_404(Event, event_id)
    upload = services.find_upload(event, token) or abort(404)
    confirm_form = ConfirmForm()
    if not confirm_form.validate_on_submit():
        abort(400)
    try:
        summary = services.run_import(upload, event, current_user, confirm_form.approve.data)
    except services.ImportRefused as refused:
        if refused.report is None:
            flash(refused.message, "danger")
            return redirect(url_for("exchange.import_start", event_id=event.id), 303)
        table, report = services.check(upload)
        flash(_("Nothing was imported: the file has errors. Correct them and upload it again."),
              "danger")
        return _render_check(event, upload, table, report,
                             mapping_form(table.headers, upload.mapping), confirm_form, 400)
    flash(_("Imported: %(new)d new and %(updated)d updated companies, %(contacts)d new contacts "
            "invited by email.", new=summary.companies_created,
            updated=summary.companies_updated, contacts=summary.contacts_created), "success")
    return redirect(url_for("organizer.registrations", event_id=event.id, status="all"))


@bp.route("/events/<int:event_id>/import-profiles", methods=["POST"])
@event_staff(Capability.MANAGE)
def import_profiles(event_id: int):
    event = get_or_404(Event, event_id)
    form = ProfilesUploadForm()
    if form.validate_on_submit():
        content = form.file.data.read()
        try:
            raw = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError) as error:  # nested too deep
            form.file.errors.append(_("The file is not valid JSON: %(error)s", error=str(error)))
        else:
            try:
                summary = services.import_profiles(event, current_user,
                                                   form.file.data.filename or "", raw,
                                                   form.approve.data)
            except services.ImportRefused as refused:
                form.file.errors.append(_("Nothing was imported: %(problem)s",
                                          problem=refused.message))
            else:
                flash(_("Imported: %(new)d new and %(updated)d updated companies.",
                        new=summary.companies_created, updated=summary.companies_updated),
                      "success")
                return redirect(url_for("organizer.registrations", event_id=event.id,
                                        status="all"))
    return _page(event, profiles_form=form, status=400)


# --- exports -------------------------------------------------------------------------------

def _filename(event: Event, what: str, fmt: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", event.name.lower()).strip("-")[:40] or "event"
    return f"{slug}-{what}.{fmt}"


def _download(body, event: Event, what: str, fmt: str) -> Response:
    response = Response(body, content_type=CONTENT_TYPES[fmt])
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(event, what, fmt)}"')
    return response


def _log_export(event: Event, what: str, fmt: str, rows: int) -> None:
    audit.record("export", current_user, target=event, event=event,
                 details={"what": what, "format": fmt, "rows": rows})


@bp.route("/events/<int:event_id>/export/<what>.<fmt>", methods=["POST"])  # recorded: a write
@event_staff(Capability.MANAGE)
def export(event_id: int, what: str, fmt: str):
    event = get_or_404(Event, event_id)
    if fmt not in CONTENT_TYPES or what not in (*exports.SHEETS, "all", "profiles"):
        abort(404)
    if what == "profiles":
        if fmt != "json":
            abort(404)
        document = exports.profiles_document(event)
        _log_export(event, what, fmt, len(document["companies"]))
        return _download(json.dumps(document, ensure_ascii=False, indent=1), event, what, fmt)
    sheets = ([make(event) for make in exports.SHEETS.values()] if what == "all"
              else [exports.SHEETS[what](event)])
    if fmt == "csv":
        if what == "all":
            abort(404)
        _log_export(event, what, fmt, len(sheets[0].rows))
        # rows are read already: the generator only formats them, no context needed
        return _download(exports.csv_stream(sheets[0]), event, what, fmt)
    _log_export(event, what, fmt, sum(len(s.rows) for s in sheets))
    if fmt == "json":
        return _download(exports.json_text(event, sheets), event, what, fmt)
    if what in ("schedule", "all"):
        sheets += exports.table_sheets(event)
    return _download(exports.xlsx_bytes(sheets), event, what, fmt)


# --- screening -----------------------------------------------------------------------------

@bp.route("/screening", methods=["GET", "POST"])
@organizers_only
def screening_list():
    form = DeniedPartiesForm()
    if form.validate_on_submit():
        try:
            count = screening.replace_list(current_user, form.file.data.filename or "",
                                           form.file.data.read())
        except FileProblem as problem:
            form.file.errors.append(str(problem))
        else:
            flash(_("The denied-party list is loaded: %(n)d entries.", n=count), "success")
            return redirect(url_for("exchange.screening_list"))
    count, last = screening.list_info()
    return render_template("exchange/screening.html", form=form, count=count,
                           last=last), 400 if form.errors else 200
