import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..models import Outcome

COMMENT_MAX = 2000


class SendForm(FlaskForm):
    closes_on = DateField(_l("Answers accepted until"), validators=[DataRequired()],
                          description=_l("The personal links stop working after this day."))
    # A new key each time the page is shown: a second click on the same form sends nothing.
    send_key = HiddenField(default=lambda: secrets.token_urlsafe(16),
                           validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Send the survey"))


class AnswerForm(FlaskForm):
    """The fields for the meetings are added per respondent (``answer_form``)."""

    overall_rating = RadioField(_l("Overall, how useful was the trip for your company?"),
                                coerce=int, validators=[Optional()],
                                choices=[SelectChoice(n, str(n)) for n in range(1, 6)])
    comment = TextAreaField(_l("Anything else the organizers should know? (optional)"),
                            validators=[Optional(), Length(max=COMMENT_MAX)])
    submit = SubmitField(_l("Save my answers"))


def meeting_field(meeting_id: int) -> str:
    return f"meeting_{meeting_id}"


def answer_form(meetings, answers: dict[int, str], invitation, **kwargs) -> AnswerForm:
    """A form with one optional choice of outcome per meeting, filled with the saved answers."""
    fields = {meeting_field(m.id): RadioField(
        _l("What did it lead to?"), validators=[Optional()],
        choices=[SelectChoice(o.value, o.label) for o in Outcome]) for m in meetings}
    form_class = type("MeetingAnswerForm", (AnswerForm,), fields)
    data = {meeting_field(m_id): outcome for m_id, outcome in answers.items()}
    return form_class(data={**data, "overall_rating": invitation.overall_rating,
                            "comment": invitation.comment}, **kwargs)
