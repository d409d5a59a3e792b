"""``matchmaker schedule FILE``: schedule an interchange file, no database needed."""

from __future__ import annotations

import json

import click

from matchmaker.engine.errors import InputError
from matchmaker.engine.scheduling import parse_instance, result_to_dict, solve


@click.command("schedule")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--time-limit", type=float, default=10.0, show_default=True,
              help="Seconds to search; stops earlier once the schedule is proven optimal.")
def schedule(file: str, time_limit: float) -> None:
    """Schedule the meeting requests of FILE (schedule instance JSON) and print the result."""
    try:
        with open(file, encoding="utf-8") as f:
            instance = parse_instance(json.load(f))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, InputError) as e:
        _fail(f"{file}: {e}")
    result = solve(instance, time_limit=time_limit)
    click.echo(json.dumps(result_to_dict(result), indent=1))


def _fail(message: str) -> None:
    click.echo("Error: " + " ".join(message.split()), err=True)
    raise SystemExit(2)
