from functools import cache
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..choices import CheckboxesField
from ..events.definition import DefinitionError, Window, parse_breaks, parse_tables
from ..models import RegistrationStatus
from ..phases import LABELS as PHASE_LABELS
from ..phases import ORDER as PHASE_ORDER
from ..phases import PHASES
from ..web import DB_INT_MAX

WINDOW_ROWS = 3
# datetime-local inputs send "2026-11-05T09:00"; the first format is also how a value is shown.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


@cache
def timezone_choices() -> list[str]:
    return sorted(tz for tz in available_timezones() if "/" in tz and not tz.startswith("Etc/"))


class WindowForm(Form):
    """One meeting window; a row without a date is ignored."""

    day = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("From"), validators=[Optional()])
    end = TimeField(_l("To"), validators=[Optional()])
    slot_minutes = IntegerField(_l("Slot length (minutes)"),
                                validators=[Optional(), NumberRange(min=5, max=240)])
    breaks = StringField(_l("Breaks"), validators=[Optional(), Length(max=200)],
                         description=_l("e.g. 19:40-20:00; a single time is one slot long"))

    window: Window | None = None

    def validate(self, extra_validators=None) -> bool:
        """Field checks, then the row as a whole; the errors land at the fields."""
        self.window = None
        if not super().validate(extra_validators) or not self.day.data:
            return not self.errors
        for name in ("start", "end", "slot_minutes"):
            if not self[name].data:
                self[name].errors.append(_l("Needed when the row has a date."))
        if self.errors:
            return False
        if self.end.data <= self.start.data:
            self.end.errors.append(_l("Must be after the start."))
            return False
        try:
            breaks = parse_breaks(self.breaks.data, self.slot_minutes.data)
        except DefinitionError as error:
            self.breaks.errors.append(_l("Write a break as 19:40-20:00 (not %(text)s).",
                                         text=str(error)))
            return False
        if any(a < self.start.data or b > self.end.data for a, b in breaks):
            self.breaks.errors.append(_l("Breaks must lie inside the window."))
            return False
        self.window = Window(self.day.data, self.start.data, self.end.data,
                             self.slot_minutes.data, breaks)
        return True


def _phase_date(phase: str, description) -> DateTimeLocalField:
    """An optional phase date of the event (phases.LABELS names it)."""
    return DateTimeLocalField(format=LOCAL_FORMATS, label=PHASE_LABELS[phase],
                              validators=[Optional()], description=description)


class EventForm(FlaskForm):
    name = StringField(_l("Event name"), validators=[DataRequired(), Length(max=160)])
    template = SelectField(
        _l("Start from"), default="",
        choices=[SelectChoice("", _l("An open event: everyone may meet everyone")),
                 SelectChoice("delegation_trip",
                              _l("A delegation trip: the delegation meets its hosts only"))],
        description=_l("Groups and who meets whom can be changed later."))
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=160)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    timezone = SelectField(_l("Time zone"), default="Europe/Paris")
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=3000)])
    windows = FieldList(FormField(WindowForm), min_entries=WINDOW_ROWS, max_entries=10)
    tables = TextAreaField(
        _l("Tables and meeting points"), default="T1-T30",
        validators=[DataRequired(), Length(max=10000)],
        description=_l('One per line. "T1-T30" stands for thirty tables; add a note after a bar, '
                       'e.g. "Booth Optronique | Hall 5A, B12".'))
    max_meetings_per_company = IntegerField(
        _l("Max meetings per company"), validators=[Optional(), NumberRange(min=1, max=200)],
        description=_l("Empty: no cap."))
    max_open_requests = IntegerField(
        _l("Max open requests per company"), validators=[Optional(), NumberRange(min=1, max=500)],
        description=_l("Pending requests a company may have sent at one time. Empty: no cap."))
    request_expiry_hours = IntegerField(
        _l("Pending requests expire after (hours)"),
        validators=[Optional(), NumberRange(min=1, max=24 * 90)],
        description=_l("Empty: requests wait until answered."))
    registration_closes_at = _phase_date(
        "registration_closes", _l("After this, companies cannot register any more."))
    profiles_visible_at = _phase_date(
        "profiles_visible",
        _l("Before this, participants see neither the directory nor suggestions."))
    requests_open_at = _phase_date(
        "requests_open", _l("Participants send meeting requests from this time on."))
    requests_close_at = _phase_date(
        "requests_close", _l("After this, requests can neither be sent nor answered."))
    schedule_release_at = _phase_date(
        "schedule_release", _l("You can publish the schedule from this time on."))
    confirm = HiddenField()
    submit = SubmitField(_l("Save event"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()
        self.parsed_windows: list[Window] = []
        self.parsed_tables: list[tuple[str, str]] = []

    def validate_tables(self, field):
        try:
            self.parsed_tables = parse_tables(field.data)
        except DefinitionError as error:
            raise ValidationError(_l("Check the line %(line)s: names must be unique, ranges like "
                                     "T1-T30.", line=str(error))) from error

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        valid = self._phases_in_order() and valid
        self.parsed_windows = [row.form.window for row in self.windows if row.form.window]
        if not self.parsed_windows and not self.windows.errors:
            self.form_errors.append(str(_l("Add at least one meeting window with a date.")))
            return False
        return valid

    def phase_fields(self) -> list:
        return [self[f"{phase}_at"] for phase in PHASES]

    def _phases_in_order(self) -> bool:
        """Each date that depends on another comes after it; the message is at the later one."""
        in_order = True
        for earlier, later, strict, message in PHASE_ORDER:
            first, second = self[f"{earlier}_at"].data, self[f"{later}_at"].data
            if first and second and (second < first or (strict and second == first)):
                self[f"{later}_at"].errors.append(message)
                in_order = False
        return in_order


class DecisionForm(FlaskForm):
    ids = SelectMultipleField(coerce=int, validate_choice=False)
    reason = TextAreaField(_l("Reason (shown to the company when rejected)"),
                           validators=[Optional(), Length(max=1000)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))

    def validate_ids(self, field):
        field.data = [i for i in field.data or [] if 0 < i <= DB_INT_MAX]  # others name no row
        if not field.data:
            raise ValidationError(_l("Select at least one registration."))


STATUS_FILTERS = [s.value for s in RegistrationStatus]


class ProgramItemForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)],
                        description=_l("e.g. Market workshop, guided tour of the fair, dinner"))
    place = StringField(_l("Place"), validators=[Optional(), Length(max=160)])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start = TimeField(_l("From"), validators=[DataRequired()])
    end = TimeField(_l("To"), validators=[DataRequired()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    for_everyone = BooleanField(_l("For every participant"), default=True)
    companies = CheckboxesField(_l("Only for these companies"), coerce=int)
    capacity = IntegerField(
        _l("Places for sign-up"), validators=[Optional(), NumberRange(min=1, max=5000)],
        description=_l("Companies sign up themselves until the item is full (one place per "
                       "company), e.g. a guided tour in groups. Empty: no sign-up."))
    submit = SubmitField(_l("Add to the programme"))

    def validate_end(self, field):
        if self.start.data and field.data and field.data <= self.start.data:
            raise ValidationError(_l("Must be after the start."))

    def validate_companies(self, field):
        if not self.for_everyone.data and not field.data and not self.capacity.data:
            raise ValidationError(_l("Choose the companies, or make it for everyone."))


class GroupForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=80)],
                       description=_l("In your words, e.g. “Delegation Pforzheim”."))
    open_for_registration = BooleanField(_l("Companies may choose it when they register"),
                                         default=True)
    shown_to_all = BooleanField(
        _l("Show its companies in the directory of groups that may not meet it"),
        description=_l("They see the profiles but cannot request a meeting."))
    max_meetings = IntegerField(_l("Max meetings per company"),
                                validators=[Optional(), NumberRange(min=1, max=200)],
                                description=_l("Empty: the event's rule."))
    max_open_requests = IntegerField(_l("Max open requests per company"),
                                     validators=[Optional(), NumberRange(min=1, max=500)],
                                     description=_l("Empty: the event's rule."))
    submit = SubmitField(_l("Save group"))


class MatrixForm(FlaskForm):
    """Which groups may meet: one checkbox per unordered pair, valued "<id>-<id>"."""

    pairs = SelectMultipleField(validate_choice=False)
    confirm = HiddenField()
    submit = SubmitField(_l("Save who meets whom"))

    def parsed_pairs(self) -> set[tuple[int, int]]:
        pairs = set()
        for value in self.pairs.data or []:
            first, _sep, second = str(value).partition("-")
            if first.isdigit() and second.isdigit() and max(len(first), len(second)) < 10:
                pairs.add((int(first), int(second)))
        return pairs


class GroupMoveForm(FlaskForm):
    """Put the registrations ticked on the registrations page into one group."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)
    group = SelectField(_l("Group"), coerce=int, validate_choice=False)
    confirm = HiddenField()
    move = SubmitField(_l("Move to group"))

    def validate_ids(self, field):
        field.data = [i for i in field.data or [] if 0 < i <= DB_INT_MAX]
        if not field.data:
            raise ValidationError(_l("Select at least one registration."))


class AskManyForm(FlaskForm):
    """The same question to the registrations ticked on the registrations page."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)
    question = TextAreaField(_l("Question to the selected companies"),
                             validators=[DataRequired(_l("Write the question for the company.")),
                                         Length(max=2000)],
                             description=_l("Each company reads it on its registration page "
                                            "and gets an email."))
    ask = SubmitField(_l("Ask for more information"))

    def validate_ids(self, field):
        field.data = [i for i in field.data or [] if 0 < i <= DB_INT_MAX]
        if not field.data:
            raise ValidationError(_l("Select at least one registration."))


class PhaseOverrideForm(FlaskForm):
    """A bare POST with its CSRF token: lift one phase now."""
