"""Jinja filters for values the database stores as codes."""

from flask import Flask, get_flashed_messages

from . import dates
from .choices import country_name, language_name
from .engine.taxonomy import load_taxonomy
from .i18n import current_language
from .security import is_background_read


def tag_order(tag_ids) -> list[str]:
    """Taxonomy order (ml.2 before ml.10), not string order."""
    return sorted(tag_ids, key=load_taxonomy().sort_key)


def tag_label(tag_id: str) -> str:
    return load_taxonomy().label(tag_id, current_language())


def plain_text(value) -> str:
    """A plain ``str``, so autoescaping applies. Flash messages come back from the session as
    Markup when they were lazy strings, and lazy strings skip escaping: a company name in one
    must never become HTML."""
    return str.__str__(str(value))


def page_flashes() -> list[tuple[str, str]]:
    """(category, message) to show on this page. A page read in the background leaves them for
    the page the person opens next; the answer to an action (a POST, even one sent by script)
    shows them."""
    if is_background_read():
        return []
    return get_flashed_messages(with_categories=True)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["taxonomy"] = load_taxonomy()
    app.add_template_filter(tag_order)
    app.add_template_filter(plain_text)
    app.add_template_filter(tag_label)
    app.add_template_filter(country_name)
    app.add_template_filter(language_name)
    app.add_template_global(_on_a_team, "on_a_team")
    app.add_template_global(page_flashes)
    dates.init_app(app)


def _on_a_team() -> bool:
    """Whether the logged-in user runs or vets some event (the navbar's staff links)."""
    from flask_login import current_user

    from .access import is_on_any_team

    return bool(current_user.is_authenticated and is_on_any_team(current_user))
