"""Localised choice lists (countries, languages, tags) for forms and filters."""

from __future__ import annotations

from functools import cache

from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .engine.taxonomy import load_taxonomy
from .i18n import current_language


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Territory codes Babel knows that are not countries a company can be registered in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"}

# Working languages offered on profiles: the EU's official languages plus a few trade languages.
PROFILE_LANGUAGES = (
    "en", "de", "fr", "es", "it", "nl", "pl", "pt", "cs", "sk", "sl", "hr", "hu", "ro", "bg",
    "el", "da", "sv", "fi", "et", "lv", "lt", "ga", "mt", "no", "uk", "tr", "ar", "zh", "ja",
)


@cache
def _countries(lang: str) -> tuple[tuple[str, str], ...]:
    territories = Locale.parse(lang).territories
    codes = [c for c in territories if len(c) == 2 and c.isalpha() and c not in _NOT_COUNTRIES]
    return tuple(sorted(((c, territories[c]) for c in codes), key=lambda item: item[1]))


def country_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, name in _countries(current_language())]


def country_name(code: str) -> str:
    return Locale.parse(current_language()).territories.get(code, code)


def language_choices() -> list[SelectChoice]:
    names = Locale.parse(current_language()).languages
    return [SelectChoice(code, names.get(code, code)) for code in PROFILE_LANGUAGES]


def language_name(code: str) -> str:
    return Locale.parse(current_language()).languages.get(code, code)


# Capability tags a profile may carry: enough to describe any company, few enough that matching
# on shared tags still means something (the demo's companies have up to 6).
MAX_TAGS = 20
# Keys as WTForms' Length validator fills them, so the form and the services say it alike.
TOO_MANY_TAGS = _l("A company can have at most %(max)d capability tags; this one has "
                   "%(length)d.")


def too_many_tags(tags: list[str]) -> str | None:
    """Why a list of tags is refused for its length, or None."""
    return str(TOO_MANY_TAGS % {"max": MAX_TAGS, "length": len(tags)}) \
        if len(tags) > MAX_TAGS else None


def tag_choices() -> list[SelectChoice]:
    lang = current_language()
    return [SelectChoice(tag.id, tag.label(lang)) for tag in load_taxonomy().tags]
