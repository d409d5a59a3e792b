from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from .. import dates
from .services import MARKS


class MarkForm(FlaskForm):
    status = SelectField(_l("Status"), choices=[SelectChoice(mark) for mark in MARKS])


class BumpForm(FlaskForm):
    """0 stands for the first later slot that works."""

    slot = SelectField(_l("Move to"), coerce=int, default=0)

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = [SelectChoice(0, _l("First slot that works"))] + [
            SelectChoice(s.id, dates.slot_label(s)) for s in event.slots]
