"""Small helpers shared by the views of every blueprint."""

from flask import abort, render_template

from .extensions import db


def render_form(template: str, form, **context):
    """Render a page with a form; a submitted form with errors answers 400, not 200."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj
