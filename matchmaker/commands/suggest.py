"""``matchmaker suggest FILE [--top K] [--cap N] [--cache FILE]``: suggestions for a profiles
file, no database."""

from __future__ import annotations

import json
import time

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
@click.option(
    "--cap",
    type=click.IntRange(min=1),
    default=None,
    help="The most lists one company may appear in (requests spread). Default: no cap.",
)
@click.option(
    "--cache",
    "cache_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Sentence-vector cache (.npz, keyed by a hash of each text): read if it exists, "
    "written back; a re-run encodes only the texts that changed.",
)
def suggest(file: str, top: int, cap: int | None, cache_file: str | None) -> None:
    """Print the top suggested counterparts of every company in FILE as JSON.

    FILE is in the profiles interchange format; its groups and may_meet are honoured and its
    companies' known partners are never suggested; companies with opportunities also get
    ``item_suggestions`` (request to offer). Reasons are in English. A bad file ends
    with a one-line error and exit status 2. How fast profiles were encoded goes to stderr.
    """
    # Imported here: the matching engine loads scikit-learn, most of a second that every
    # other ``matchmaker`` command (``schedule`` among them) would otherwise pay too.
    from matchmaker.engine import embedding
    from matchmaker.engine.errors import InputError
    from matchmaker.engine.matching import ItemMatcher, Matcher
    from matchmaker.engine.profiles_io import (
        item_suggestions_document,
        load_document,
        suggestions_document,
    )
    from matchmaker.engine.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    try:
        document = load_document(file, taxonomy)
    except InputError as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    profiles = document.profiles
    suggestions, items = {}, {}
    if profiles:
        cache = embedding.VectorCache(cache_file)
        started = time.perf_counter()
        matcher = Matcher(taxonomy, cache=cache).fit(profiles, document.may_meet)
        fitted = time.perf_counter() - started
        suggestions = matcher.suggest_all(top, cap=cap)
        if any(p.opportunities for p in profiles):
            vectors = cache.embed if matcher.uses_embeddings else None
            item_matcher = ItemMatcher(taxonomy, vectors).fit(profiles, document.may_meet)
            items = {p.id: item_matcher.suggest(p.id, top) for p in profiles if p.opportunities}
        cache.save()
        if matcher.uses_embeddings:
            click.echo(
                f"fitted {len(profiles):,} profiles in {fitted:.1f} s "
                f"({len(profiles) / fitted:,.0f} profiles/s; {cache.misses:,} texts encoded, "
                f"{cache.hits:,} from the cache)",
                err=True,
            )
    out = suggestions_document(suggestions, taxonomy.label)
    if items:
        out["item_suggestions"] = item_suggestions_document(items, taxonomy.label)
    click.echo(json.dumps(out, ensure_ascii=False, indent=2))
