from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Email, Length, Optional, Regexp

from ..choices import (
    MAX_TAGS,
    TOO_MANY_TAGS,
    CheckboxesField,
    country_choices,
    language_choices,
    tag_choices,
)
from ..models import CERTIFICATIONS, COMPANY_SIZES

NO_CHOICE = SelectChoice("", "—")


class CompanyForm(FlaskForm):
    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=160)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=120)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=255)])
    phone = StringField(
        _l("Phone"),
        validators=[Optional(), Length(max=40),
                    Regexp(r"^\+?[0-9 ()/.-]{5,40}$", message=_l("Enter a phone number."))],
        description=_l("Shown only to companies you have an agreed meeting with, and to the "
                       "organizers."),
    )
    size = SelectField(_l("Employees"), validators=[Optional()],
                       choices=[NO_CHOICE, *(SelectChoice(s) for s in COMPANY_SIZES)])
    languages = CheckboxesField(_l("Working languages"), validators=[DataRequired()])
    description = TextAreaField(_l("About the company"),
                                validators=[DataRequired(), Length(max=3000)])
    offers = TextAreaField(_l("We offer"), validators=[DataRequired(), Length(max=3000)],
                           description=_l("Products, services and capabilities you bring."))
    seeks = TextAreaField(_l("We seek"), validators=[DataRequired(), Length(max=3000)],
                          description=_l("Partners, suppliers, customers or know-how you are "
                                         "looking for."))
    certifications = CheckboxesField(_l("Certifications"),
                                     choices=[SelectChoice(c) for c in CERTIFICATIONS])
    dual_use_items = BooleanField(
        _l("Our products include dual-use items (EU Regulation 2021/821, Annex I)"))
    military_items = BooleanField(_l("Our products include items of the EU Common Military List"))
    export_licences = TextAreaField(
        _l("Export licences held"), validators=[Optional(), Length(max=2000)],
        description=_l("For example: BAFA general licence AGG 12, individual licences, "
                       "French CIEEMG authorisation. Shown to your meeting partners."))
    tags = SelectMultipleField(
        _l("Capability tags"),
        validators=[DataRequired(message=_l("Choose at least one capability tag.")),
                    Length(max=MAX_TAGS, message=TOO_MANY_TAGS)],
    )
    submit = SubmitField(_l("Save profile"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = [NO_CHOICE, *country_choices()]
        self.languages.choices = language_choices()
        self.tags.choices = tag_choices()


class TagSuggestionForm(FlaskForm):
    """What the profile editor posts to ask for tag suggestions while the user types."""

    text = TextAreaField(validators=[Length(max=10_000)])
    chosen = StringField(validators=[Length(max=4000)])  # tag ids already ticked, space-separated


class AddMemberForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Invite colleague"))
