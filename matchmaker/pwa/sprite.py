"""Trims Bootstrap Icons' sprite (2,000 icons, 1,097 KiB, from Bootstrap-Flask) to the icons
our templates and scripts name (static/icons/icons.svg, a few KiB): a phone on a 400 kbit/s
fair-floor network spent half a minute on the full sprite before its first icon showed.

    python -m matchmaker.pwa.sprite

The trimmed copy is committed rather than made at build time: the app then runs from a
checkout, from the wheel and in the tests alike with no build step, and
tests/test_icon_sprite.py fails when a template names an icon the copy lacks or when the copy
is stale (run the command above and commit). An icon is kept when its name appears quoted
anywhere in templates/ or static/js/ (``icon('geo-alt')``, ``icon_name='people'``, a dict of
names in a template): a few unused extras cost bytes, a missing icon would show nothing."""

from __future__ import annotations

import re
from pathlib import Path

import flask_bootstrap

ROOT = Path(__file__).resolve().parents[2]
SOURCE = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "icons" \
    / "bootstrap-icons.svg"
TARGET = ROOT / "static" / "icons" / "icons.svg"
SYMBOL = re.compile(r'<symbol\b[^>]*\bid="([^"]+)"[^>]*>.*?</symbol>', re.S)
QUOTED = re.compile(r"""['"]([a-z0-9][a-z0-9-]*)['"]""")
HEADER = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
          "<!-- Bootstrap Icons (MIT licence, https://icons.getbootstrap.com), only those the "
          "app uses: made by python -m matchmaker.pwa.sprite -->\n")


def symbols() -> dict[str, str]:
    return {match.group(1): match.group(0) for match in SYMBOL.finditer(SOURCE.read_text())}


def names_used() -> set[str]:
    files = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "static" / "js").glob("*.js")]
    return {name for path in files for name in QUOTED.findall(path.read_text())}


def trimmed() -> str:
    every = symbols()
    kept = sorted(names_used() & every.keys())
    return HEADER + "\n".join(every[name] for name in kept) + "\n</svg>\n"


if __name__ == "__main__":
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(trimmed())
    print(f"{TARGET.relative_to(ROOT)}: {TARGET.stat().st_size / 1024:.1f} KiB")
