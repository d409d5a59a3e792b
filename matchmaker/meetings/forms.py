from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional


class RequestForm(FlaskForm):
    note = TextAreaField(_l("Why should you meet?"), validators=[Optional(), Length(max=600)],
                         description=_l("A few lines: what you offer them, what you look for."))
    interpreter = BooleanField(_l("We would like an interpreter"),
                               description=_l("The organizer plans one for the meeting. "
                                              "Companies without a common language get one "
                                              "anyway."))
    submit = SubmitField(_l("Request a meeting"))


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=600)])


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Send message"))


class DiscussionLevelForm(FlaskForm):
    level = SelectField(_l("Discussion level"), choices=[
        SelectChoice("public", _l("Public information only")),
        SelectChoice("nda", _l("Under NDA")),
        SelectChoice("licence", _l("Export licence required"))], validators=[DataRequired()])
    submit = SubmitField(_l("Save level"))
