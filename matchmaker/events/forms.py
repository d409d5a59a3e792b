from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from .. import dates
from ..choices import CheckboxesField
from ..models import Company, Event, Registration


class RegistrationForm(FlaskForm):
    attendees = CheckboxesField(_l("Who attends"), coerce=int)
    slots = CheckboxesField(_l("When you are available"), coerce=int)
    group = RadioField(_l("Your group"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Save registration"))

    def __init__(self, event: Event, company: Company, registration: Registration | None,
                 **kwargs):
        if registration is None:  # everyone, all evening, until told otherwise
            kwargs.setdefault("attendees", [m.id for m in company.members])
            kwargs.setdefault("slots", [s.id for s in event.slots])
        else:
            kwargs.setdefault("attendees", [u.id for u in registration.attendees])
            kwargs.setdefault("slots", [s.id for s in registration.available_slots])
        super().__init__(**kwargs)
        self.attendees.choices = [SelectChoice(m.id, m.name or m.email) for m in company.members]
        self.slots.choices = [SelectChoice(s.id, dates.slot_label(s)) for s in event.slots]
        groups = [g for g in event.groups if g.open_for_registration]
        if registration is not None and registration.group_id is not None or not groups:
            del self.group  # chosen once; the organizer moves a company later
        else:
            self.group.choices = [SelectChoice(g.id, g.name) for g in groups]

    def validate_attendees(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one person who attends."))

    def validate_group(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose the group your company belongs to."))

    def validate_slots(self, field):
        if self.slots.choices and not field.data:
            raise ValidationError(_l("Tick at least one slot when you are available."))


class AnswerForm(FlaskForm):
    """The company's answer to the organizer's vetting question (posted to ``vetting``)."""

    answer = TextAreaField(_l("Your answer"),
                           validators=[DataRequired(_l("Write your answer.")),
                                       Length(max=2000)])
    send = SubmitField(_l("Send the answer"))


class SignupForm(FlaskForm):
    """A bare POST with its CSRF token: take or give back a place on a programme item, or
    join or leave its waiting list."""
