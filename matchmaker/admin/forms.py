from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from ..models import Role

ROLE_LABELS = {Role.PARTICIPANT: _l("Participant"), Role.ORGANIZER: _l("Organizer"),
               Role.ADMIN: _l("Administrator")}


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, label)
                                            for r, label in ROLE_LABELS.items()])
    submit = SubmitField(_l("Change role"))
