"""Small helpers shared by the views of every blueprint."""

from flask import abort, render_template
from werkzeug.routing import IntegerConverter

from .extensions import db

# The largest value of an INTEGER column (PostgreSQL's; SQLite's driver overflows past 2**63):
# a bigger number from a URL or a form names no row and must not reach the database as a 500.
DB_INT_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: a number too big for an id answers 404."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=DB_INT_MAX, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)


def db_int(text: str) -> int:
    """``type=`` for ``request.args.get``/``request.form.get``: a number the database can
    compare, else the caller's default (werkzeug treats the ValueError as a missing value)."""
    number = int(text)
    if abs(number) > DB_INT_MAX:
        raise ValueError(text)
    return number


def render_form(template: str, form, **context):
    """Render a page with a form; a submitted form with errors answers 400, not 200."""
    return render_template(template, form=form, **context), 400 if form.errors else 200


def get_or_404(model, ident):
    obj = db.session.get(model, ident)
    if obj is None:
        abort(404)
    return obj
