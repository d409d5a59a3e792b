from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from .. import dates
from ..choices import CheckboxesField, language_choices
from .runs import TIME_LIMITS


class GenerateForm(FlaskForm):
    time_limit = SelectField(_l("Time for the generator"), coerce=int, default=10,
                             choices=[SelectChoice(s, _l("%(n)d seconds", n=s))
                                      for s in TIME_LIMITS],
                             description=_l("It stops earlier once the schedule is proven "
                                            "the best possible. Locked meetings stay where "
                                            "they are."))
    submit = SubmitField(_l("Generate the schedule"))


class MoveForm(FlaskForm):
    slot = SelectField(_l("Time"), coerce=int, validators=[InputRequired()])
    table = SelectField(_l("Table"), coerce=int, default=0)
    interpreter = SelectField(_l("Interpreter"), coerce=int, default=0)
    submit = SubmitField(_l("Move here"))

    def __init__(self, event, problems: dict[int, str | None], interpreters=(), *args,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.slot.choices = [SelectChoice(s.id, dates.slot_label(s) + (
            f" — {problems[s.id]}" if problems.get(s.id) else "")) for s in event.slots]
        self.table.choices = [SelectChoice(0, _l("First free table"))] + [
            SelectChoice(t.id, t.name) for t in event.tables]
        self.interpreter.choices = [SelectChoice(0, _l("Its own, or any who is free"))] + [
            SelectChoice(i.id, i.name) for i in interpreters]


class SwapForm(FlaskForm):
    other = SelectField(_l("Swap with"), coerce=int, validators=[InputRequired()])
    submit = SubmitField(_l("Swap"))

    def __init__(self, meetings, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.other.choices = [SelectChoice(m.id, f"{dates.slot_label(m.slot)} · {m.table.name} · "
                                                 f"{m.sender.name} – {m.recipient.name}")
                              for m in meetings]


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to both companies)"),
                           validators=[Optional(), Length(max=600)])


class RatingForm(FlaskForm):
    rating = RadioField(_l("How useful was the meeting?"), coerce=int,
                        choices=[SelectChoice(n, str(n)) for n in range(1, 6)],
                        validators=[DataRequired(_l("Choose a rating from 1 to 5."))])
    follow_up = BooleanField(_l("We will follow up"))
    comment = TextAreaField(_l("Comment (only the organizer sees it)"),
                            validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Save rating"))


class InterpreterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    languages = CheckboxesField(_l("Languages"), validators=[DataRequired(
        _l("Choose the languages the interpreter speaks."))])
    slots = CheckboxesField(_l("Works at"), coerce=int)
    email = EmailField(_l("Account (email, optional)"), validators=[Optional(), Email(),
                                                                    Length(max=254)],
                       description=_l("With an account the interpreter sees their own agenda."))
    confirm = HiddenField(default="")
    submit = SubmitField(_l("Save interpreter"))

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.languages.choices = language_choices()
        self.slots.choices = [SelectChoice(s.id, dates.slot_label(s)) for s in event.slots]

    def validate_languages(self, field):
        if len(field.data or []) < 2:
            raise ValidationError(_l("An interpreter speaks at least two languages."))


class ConfirmForm(FlaskForm):
    confirm = HiddenField(default="")


class PlaceForm(FlaskForm):
    table = SelectField(_l("Table or booth"), coerce=int, validators=[InputRequired()])
    company = SelectField(_l("Reserved for"), coerce=int, default=0)
    submit = SubmitField(_l("Save the place"))

    def __init__(self, event, companies, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.table.choices = [SelectChoice(t.id, t.name) for t in event.tables]
        self.company.choices = [SelectChoice(0, _l("Nobody: a common table"))] + [
            SelectChoice(c.id, c.name) for c in companies]


class MarkInterpreterForm(FlaskForm):
    wanted = HiddenField(default="1")


class HeldForm(FlaskForm):
    """The participant's answer: "1" it took place, "0" it did not, "" take it back."""

    held = RadioField(_l("Did the meeting take place?"), choices=[
        SelectChoice("1", _l("Held")), SelectChoice("0", _l("Not held")),
        SelectChoice("", _l("Not said"))],
        validators=[Optional()], default="")


class NoteForm(FlaskForm):
    note = TextAreaField(_l("My note"), validators=[Length(max=2000)],
                         description=_l("Only your company sees it."))
