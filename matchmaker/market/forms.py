from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..choices import tag_choices
from ..models import OpportunityKind

#: Tags per item: a few, so that an item says what it is about.
MAX_ITEM_TAGS = 6


class OpportunityForm(FlaskForm):
    kind = RadioField(_l("Kind"), validators=[DataRequired()],
                      choices=[SelectChoice(OpportunityKind.OFFER.value, _l("We offer")),
                               SelectChoice(OpportunityKind.REQUEST.value,
                                            _l("We are looking for"))],
                      default=OpportunityKind.OFFER.value)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)],
                        description=_l("A short phrase, e.g. “Thermal camera housings in "
                                       "hard-anodised aluminium”."))
    text = TextAreaField(_l("Details"), validators=[Optional(), Length(max=3000)],
                         description=_l("Quantities, standards, timing: what a partner needs "
                                        "to know to answer."))
    tags = SelectMultipleField(
        _l("Capability tags"), validators=[Optional(), Length(
            max=MAX_ITEM_TAGS, message=_l("Choose at most %(max)d tags."))],
        render_kw={"size": 8},
        description=_l("Up to %(max)d; hold Ctrl (⌘ on a Mac) to choose several. Tags connect "
                       "your item with partners writing in other languages.", max=MAX_ITEM_TAGS))
    dual_use_items = BooleanField(_l("Concerns dual-use items (EU Regulation 2021/821, "
                                     "Annex I)"))
    military_items = BooleanField(_l("Concerns items of the EU Common Military List"))
    expires_on = DateField(_l("Shown until"), validators=[Optional()],
                           description=_l("Leave empty to show it until you delete it."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tags.choices = tag_choices()


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token: delete an item, mark a company as known."""
