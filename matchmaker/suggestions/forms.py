from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A bare POST with its CSRF token: "not interested" and its undo."""
