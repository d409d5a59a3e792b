"""Friendly error pages for the statuses a person can run into."""

import contextlib
import logging

from flask import Flask, g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30  # what the 503 page asks browsers and crawlers to wait

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check what you "
                                "entered and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("This page does not exist or is not visible to you.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way.")),
    413: (_l("Too large"), _l("The upload is larger than allowed.")),
    429: (_l("Too many attempts"), _l("Please wait a minute before you try again.")),
    500: (_l("Something went wrong"), _l("We have been told and will look into it. Please try "
                                         "again in a moment.")),
}


def _render(code: int, detail: str | None = None, event_id: int | None = None):
    title, message = MESSAGES.get(code, MESSAGES[400])
    return render_template("errors/error.html", code=code, title=title, message=message,
                           detail=detail, event_id=event_id), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        page, code = _render(400, str(_l("The form has expired. Please reload the page and "
                                         "try again.")))
        # The outbox (static/js/outbox.js) fetches a fresh token and sends again on this mark.
        return page, code, {"X-CSRF-Failed": "1"}

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # a page's own words; an event's id when the page points to the viewer's registration
        return _render(error.code, getattr(error, "detail", None),
                       getattr(error, "event_id", None))

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return _render(500)

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error):
        return _unavailable(error)


def _unavailable(error: SQLAlchemyError):
    """The database cannot be reached: a page that needs nothing from it, not a bare 500."""
    log.error("database unavailable: %s", getattr(error, "orig", None) or error)
    # The logged-in user comes from the database: show the page as to a visitor, so neither
    # the page nor the locale selector nor the after-request hooks look the user up again.
    g._login_user = login_manager.anonymous_user()
    with contextlib.suppress(SQLAlchemyError):
        db.session.rollback()
    return (render_template("errors/unavailable.html"), 503,
            {"Retry-After": str(RETRY_AFTER_SECONDS)})
