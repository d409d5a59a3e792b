from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from .importer import FIELDS


class UploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("One line per contact; several lines with the same company "
                                    "name add several contacts to it. The first line names the "
                                    "columns."))
    submit = SubmitField(_l("Upload and check"))


class ProfilesUploadForm(FlaskForm):
    file = FileField(_l("Profiles file (JSON)"),
                     validators=[FileRequired(_l("Choose a file to upload."))])
    approve = BooleanField(_l("Approve the imported companies for this event"))
    submit = SubmitField(_l("Import profiles"))


class ConfirmForm(FlaskForm):
    approve = BooleanField(_l("Approve the new registrations right away (otherwise they wait in "
                              "the vetting queue)"))
    submit = SubmitField(_l("Import everything"))


class DeniedPartiesForm(FlaskForm):
    file = FileField(_l("Denied-party list (CSV)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("A CSV with a name column and/or a country column, for "
                                    "example the EU consolidated financial sanctions list. It "
                                    "replaces the current list."))
    submit = SubmitField(_l("Upload list"))


def mapping_form(headers: list[str], mapping: dict[str, str]):
    """A form with one select per field, offering the file's columns."""

    class MappingForm(FlaskForm):
        submit = SubmitField(_l("Check with this mapping"))

    choices = [SelectChoice("", str(_l("— not imported —"))),
               *(SelectChoice(h, h) for h in headers if h)]
    for f in FIELDS:
        setattr(MappingForm, f"map_{f.key}", SelectField(f.label, choices=choices, default=""))
    form = MappingForm(data={f"map_{k}": v for k, v in mapping.items()})
    form.fields = [(f, form[f"map_{f.key}"]) for f in FIELDS]
    return form


def posted_mapping(form) -> dict[str, str]:
    return {f.key: form[f"map_{f.key}"].data for f in FIELDS if form[f"map_{f.key}"].data}
