from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from ..auth.forms import NewPasswordMixin
from ..choices import country_choices
from ..models import TeamRole

# The roles an owner hands out (an owner may also make another owner).
ROLE_CHOICES = [SelectChoice(TeamRole.CO_ORGANIZER.value, _l("Co-organizer")),
                SelectChoice(TeamRole.VETTER.value, _l("Vetter")),
                SelectChoice(TeamRole.OWNER.value, _l("Owner"))]


class AddMemberForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                       description=_l("Without an account yet, they get an invitation by email."))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=TeamRole.CO_ORGANIZER.value)
    submit = SubmitField(_l("Add to the team"))


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    submit = SubmitField(_l("Change role"))


class RulesForm(FlaskForm):
    """Which companies a team member is responsible for: by country and by group."""

    countries = SelectMultipleField(_l("Countries"), validators=[Optional()])
    groups = SelectMultipleField(_l("Groups"), coerce=int, validators=[Optional()])
    submit = SubmitField(_l("Save responsibility"))

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.countries.choices = country_choices()
        self.groups.choices = [SelectChoice(g.id, g.name) for g in event.groups]


class AssignForm(FlaskForm):
    """A bare POST; the responsible person comes as ``responsible`` (empty: by the rules)."""


class AcceptForm(NewPasswordMixin, FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    submit = SubmitField(_l("Accept and set password"))


class JoinForm(FlaskForm):
    submit = SubmitField(_l("Accept the invitation"))
