"""The trimmed icon sprite (static/icons/icons.svg) holds every icon the templates name and is
what ``python -m matchmaker.pwa.sprite`` makes today (else: run it and commit)."""

import re

from matchmaker.pwa import sprite

LITERAL = re.compile(r"""(?:icon\(|icon_name=)\s*'([a-z0-9-]+)'""")


def test_every_icon_named_in_a_template_is_in_the_sprite():
    kept = set(re.findall(r'<symbol\b[^>]*\bid="([^"]+)"', sprite.TARGET.read_text()))
    named = {name for path in (sprite.ROOT / "templates").rglob("*.html")
             for name in LITERAL.findall(path.read_text())}
    assert named and named - kept == set()
    assert len(kept) < 150  # trimmed: the full sprite has some 2,000


def test_the_committed_sprite_is_up_to_date():
    assert sprite.TARGET.read_text() == sprite.trimmed(), \
        "run: python -m matchmaker.pwa.sprite, and commit static/icons/icons.svg"
