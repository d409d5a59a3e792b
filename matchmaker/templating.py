"""Jinja filters for values the database stores as codes."""

from flask import Flask, get_flashed_messages, request

from . import dates
from .choices import country_name, language_name
from .engine.taxonomy import load_taxonomy
from .i18n import current_language


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
    """(category, message) to show on this page. A page read in the background (the service
    worker keeping the agenda for offline use, a page refreshing itself: a GET that is no
    navigation) leaves them for the page the person opens next, where they would otherwise be
    missing; the answer to an action (a POST, even one sent by script) shows them. Browsers
    send Sec-Fetch-Mode on secure origins, which a service worker needs anyway."""
    if request.method == "GET" and request.headers.get("Sec-Fetch-Mode",
                                                       "navigate") != "navigate":
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
