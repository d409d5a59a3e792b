"""Matchmaker: B2B matchmaking for defence, security and dual-use networking events."""

import os
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from . import config as config_layers
from . import logs

# Templates, static files and migrations sit next to this file, as in Flask's tutorial (in a
# checkout, links to the top-level folders; in a wheel, the files). The instance folder holds a
# deployment's own data, so it is never inside the package: ./instance unless set.
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    instance_path = os.path.abspath(os.environ.get("MATCHMAKER_INSTANCE_PATH") or "instance")
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    from .web import IdConverter

    app.url_map.converters["int"] = IdConverter  # huge ids: 404, not a database error
    app.config.from_object(config_layers.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    config_layers.load_env(app.config)
    if test_config:
        app.config.update(test_config)
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # uploads (imports): a friendly 413
        app.config["MAX_CONTENT_LENGTH"] = 10 * 1024 * 1024
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config_layers.finalize(app.config, app.instance_path)
    logs.init_app(app)

    _init_extensions(app)
    _register_blueprints(app)

    from .cli import register_commands

    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import i18n, security, templating, unit_of_work
    from .extensions import babel, bootstrap, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    # Batch mode: SQLite cannot ALTER most things in place.
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    bootstrap.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    unit_of_work.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .auth.views import bp as auth_bp
    from .companies.views import bp as companies_bp
    from .dashboard.views import bp as dashboard_bp
    from .errors import register_error_handlers
    from .events.views import bp as events_bp
    from .main.views import bp as main_bp
    from .meetings.views import bp as meetings_bp
    from .notifications.views import bp as notifications_bp
    from .organizer.views import bp as organizer_bp
    from .schedule.views import bp as schedule_bp
    from .suggestions.views import bp as suggestions_bp

    for blueprint in (main_bp, auth_bp, companies_bp, admin_bp, events_bp, organizer_bp,
                      meetings_bp, notifications_bp, suggestions_bp, schedule_bp, dashboard_bp):
        app.register_blueprint(blueprint)
    from .audit.views import bp as audit_bp
    from .badges.views import bp as badges_bp
    from .dayof.views import bp as dayof_bp
    from .exchange.views import bp as exchange_bp
    from .market.views import bp as market_bp
    from .privacy.views import bp as privacy_bp
    from .pwa.views import bp as pwa_bp
    from .schedule.interpreter_views import bp as interpreters_bp
    from .teams.views import bp as teams_bp
    from .vetting.views import bp as vetting_bp

    for blueprint in (exchange_bp, audit_bp, privacy_bp, dayof_bp, pwa_bp, teams_bp, vetting_bp,
                      interpreters_bp, badges_bp, market_bp):
        app.register_blueprint(blueprint)
    from .report.views import bp as report_bp
    from .survey.views import bp as survey_bp

    for blueprint in (survey_bp, report_bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers work while a writer commits; SQLite needs foreign keys switched on."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
