"""The ``matchmaker`` console script: Flask's CLI over the app factory, plus our commands."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from . import create_app
from .commands.schedule import schedule
from .commands.suggest import suggest
from .models import Role
from .unit_of_work import commit, rollback


@click.group(cls=FlaskGroup, create_app=create_app)
def cli():
    """Matchmaker: B2B matchmaking for defence and security events."""


# Commands that read interchange files: no app, no database.
cli.add_command(suggest)
cli.add_command(schedule)


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(expire_requests_command)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.PARTICIPANT.value,
              show_default=True)
@click.option("--name", default="", help="Display name.")
@click.password_option(help="Password (asked for when not given).")
def create_user_command(email: str, role: str, name: str, password: str) -> None:
    """Create a user account, e.g. an organizer."""
    from .auth.services import AccountError, create_user
    from .security import password_problem

    problem = password_problem(password, (email, name))
    if problem:
        raise click.UsageError(problem)
    try:
        create_user(email, password, name=name, role=role)
    except AccountError as error:
        raise click.UsageError(str(error)) from error
    commit()
    click.echo(f"Created {role} {email}.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load the demo delegation, organizer and admin (adds only what is missing)."""
    from .demo.seed import seed_demo

    summary = seed_demo()
    commit()
    click.echo(summary.report())


@click.command("expire-requests")
def expire_requests_command() -> None:
    """Mark pending meeting requests past their expiry as expired and notify both sides.

    Pages show overdue requests as expired already; this makes it durable and sends the
    emails. Run it from cron (or the RQ scheduler) every few minutes."""
    from .meetings.services import expire_due

    expired = expire_due()
    commit()
    click.echo(f"{expired} request(s) expired.")


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Email the reminders that phase changes make due ("meeting requests are open now",
    "2 days left to answer 3 requests", "registration closes tomorrow").

    Each reminder goes once to each person: run it from cron (or the RQ scheduler) every
    hour; a second run, or two at once, sends nothing twice."""
    from sqlalchemy.exc import IntegrityError

    from .notifications.phase_reminders import send_due

    try:
        sent = send_due()  # its flush meets the other run's rows on PostgreSQL,
        commit()  # its commit on SQLite
    except IntegrityError:  # another run recorded the same reminders first: it sends them
        rollback()
        click.echo("Another run sent these reminders; nothing sent.")
        return
    click.echo(f"{sent} reminder(s) sent.")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path) -> None:
    """Copy the SQLite database to TARGET while the app keeps running."""
    from .backup import BackupError, backup

    try:
        backup(current_app.config["SQLALCHEMY_DATABASE_URI"], target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {target}.")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="This replaces every row of the current database. Go on?")
def restore_command(source: Path) -> None:
    """Replace the SQLite database with the backup in SOURCE."""
    from .backup import BackupError, restore
    from .extensions import db

    db.engine.dispose()  # no pooled connection may keep the old pages
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {source}.")
