from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..events.forms import AnswerForm  # noqa: F401  (the company's page shows it)
from .services import MAX_MESSAGE


class AskForm(FlaskForm):
    question = TextAreaField(_l("Your question to the company"),
                             validators=[DataRequired(_l("Write the question for the company.")),
                                         Length(max=MAX_MESSAGE)],
                             description=_l("The company reads it on its registration page and "
                                            "gets an email; the registration waits for its "
                                            "answer."))
    ask = SubmitField(_l("Ask for more information"))


class DetailDecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason (shown to the company when rejected)"),
                           validators=[Optional(), Length(max=1000)])
    approve = SubmitField(_l("Approve"))
    reject = SubmitField(_l("Reject"))


class RevokeForm(FlaskForm):
    revoke_reason = TextAreaField(
        _l("Why is the approval revoked?"),
        validators=[DataRequired(_l("Tell the company why its approval is revoked.")),
                    Length(max=1000)],
        description=_l("The company reads this reason."))
    revoke = SubmitField(_l("Revoke the approval"))


class VerdictUploadForm(FlaskForm):
    file = FileField(_l("Verdicts (CSV or XLSX)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     description=_l("The exported applicants file with the verdict column "
                                    "filled in: approved, rejected or needs_info, and a note "
                                    "(the reason or the question the company reads)."))
    submit = SubmitField(_l("Import the verdicts"))
