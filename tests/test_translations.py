"""The German and French catalogues cover every UI string, with the placeholders intact."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "matchmaker" / "translations"
METHODS = [("matchmaker/**.py", "python"), ("templates/**.html", "jinja2"),
           ("templates/**.txt", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, METHODS, keywords=KEYWORDS, directory_filter=lambda d: ".venv" not in d
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(lang: str):
    with open(CATALOGUES / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", ["de", "fr"])
def test_catalogue_translates_every_ui_string(lang):
    translated = {}
    for message in catalogue(lang):
        if message.id and not message.fuzzy:
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = [message.string] if isinstance(message.string, str) else message.string
            if all(strings):
                translated[key] = (message.id, strings)
    missing = sorted(source_messages() - set(translated))
    assert missing == [], f"untranslated in {lang} (run make extract-messages): {missing}"
    for key, (ids, strings) in translated.items():
        wanted = set(PLACEHOLDER.findall(key if isinstance(ids, str) else ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | set(PLACEHOLDER.findall(key)), key
