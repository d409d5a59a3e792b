"""``matchmaker suggest FILE [--top K]``: suggestions for a profiles file, no database."""

from __future__ import annotations

import json

import click


@click.command("suggest")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--top",
    "top",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="Suggestions per company.",
)
def suggest(file: str, top: int) -> None:
    """Print the top suggested counterparts of every company in FILE as JSON.

    FILE is in the profiles interchange format. Reasons are in English. A bad file ends
    with a one-line error and exit status 2.
    """
    # Imported here: the matching engine loads scikit-learn, most of a second that every
    # other ``matchmaker`` command (``schedule`` among them) would otherwise pay too.
    from matchmaker.engine.errors import InputError
    from matchmaker.engine.matching import Matcher
    from matchmaker.engine.profiles_io import load_profiles, suggestions_document
    from matchmaker.engine.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    try:
        profiles = load_profiles(file, taxonomy)
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    suggestions = Matcher(taxonomy).fit(profiles).suggest_all(top) if profiles else {}
    document = suggestions_document(suggestions, taxonomy.label)
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))
