"""Jinja filters for values the database stores as codes."""

from flask import Flask

from .choices import country_name, language_name
from .engine.taxonomy import load_taxonomy


def tag_order(tag_ids) -> list[str]:
    """Taxonomy order (ml.2 before ml.10), not string order."""
    return sorted(tag_ids, key=load_taxonomy().sort_key)


def init_app(app: Flask) -> None:
    app.add_template_filter(tag_order)
    app.add_template_filter(country_name)
    app.add_template_filter(language_name)
