from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import SHAREABLE_CONTACT_FIELDS
from .contacts import MAX_NOTE, field_labels
from .services import MAX_SCANNED_TEXT


class LayoutForm(FlaskForm):
    layout = RadioField(_l("Layout"), default="a6", choices=[
        SelectChoice("a6", _l("One badge per A6 page")),
        SelectChoice("a4", _l("Eight badges per A4 sheet"))])


class EmptyForm(FlaskForm):
    """A button that only needs its CSRF token."""


class ScanForm(FlaskForm):
    """What the camera read, or the code typed from under the QR code."""

    token = StringField(_l("Badge code"), validators=[
        DataRequired(message=_l("Scan a badge or type its code.")),
        Length(max=MAX_SCANNED_TEXT)])


class ContactForm(ScanForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE)])
    follow_up = BooleanField(_l("Follow up after the event"))


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=MAX_NOTE)])
    follow_up = BooleanField(_l("Follow up after the event"))


class SharingForm(FlaskForm):
    fields = SelectMultipleField(_l("Shared with people who scan your badges"),
                                 widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = field_labels()
        self.fields.choices = [SelectChoice(f, labels[f]) for f in SHAREABLE_CONTACT_FIELDS]
