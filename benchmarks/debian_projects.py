"""Build the consortium-shaped real-data set from Debian's source index (public data):
``python benchmarks/debian_projects.py [--abstracts N] [--out FILE] [SOURCES TRANSLATIONS
PACKAGES]`` writes ``benchmarks/data/debian_projects.json.xz`` (when not given, the files are
fetched from deb.debian.org: ``dists/bookworm/main/source/Sources.xz`` and
``main/i18n/Translation-en.xz``; the Packages file is apt's).

Shaped like the EU security-research consortia that the matcher is judged on: a source package
is a project, its maintainer and uploaders (people and teams) are the consortium's members, and
a member's profile is made of its projects' abstracts (the packages' long descriptions, in the
``description``, so that partners carry the same passages word for word, as consortium members
carry their project's abstract) with the projects' debtags topics as its ``seeks`` (the call
topics it bid for) and no tags. A seeded half of the projects are new: profiles and known
partners come from the old ones, the truth is the partners a member meets in new projects only.
Members with at least two old projects.
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import sys
import urllib.request
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from debian_partners import packages  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "debian_projects.json.xz"
MIRROR = "http://deb.debian.org/debian/dists/"
RELEASE = "bookworm"
NEW_SHARE = 1 / 2
MIN_OLD_PROJECTS = 2
#: A profile keeps the abstracts of at most this many of its projects (seeded choice), as a
#: profile page would.
MAX_ABSTRACTS = 40
_TOPIC = re.compile(r"^(field|use|works-with|interface|scope)::")
_PERSON = re.compile(r"\s*([^<,]+?)\s*<[^>]*>")


def abstracts(path: str) -> dict[str, str]:
    """Package → its long description as one paragraph (the short one first)."""
    out = {}
    for stanza in packages(path):
        text = stanza.get("Description-en", "")
        out[stanza["Package"]] = re.sub(r"\s+\.\s+|\s+", " ", text).strip()
    return out


def topics_by_binary(path: str) -> dict[str, set[str]]:
    return {stanza["Package"]: {tag.split("::", 1)[1].replace("-", " ").replace(":", " ")
                                for tag in stanza.get("Tag", "").replace(",", " ").split()
                                if _TOPIC.match(tag)}
            for stanza in packages(path)}


def members_of(stanza: dict[str, str]) -> list[str]:
    """A source package's maintainer and uploaders, by name."""
    return sorted({m.group(1).strip('" ') for field in ("Maintainer", "Uploaders")
                   for m in _PERSON.finditer(stanza.get(field, ""))})


def projects(sources: str, translations: str, packages_file: str):
    """Per source package with at least two members: (name, members, abstract, topics)."""
    text, topics = abstracts(translations), topics_by_binary(packages_file)
    out = []
    for stanza in packages(sources):
        members = members_of(stanza)
        binaries = [b.strip() for b in stanza.get("Binary", "").split(",") if b.strip()]
        described = [b for b in [stanza["Package"], *binaries] if text.get(b)]
        if len(members) < 2 or not described:
            continue
        found = set().union(*(topics.get(b, set()) for b in binaries))
        out.append((stanza["Package"], members, text[described[0]], found))
    return out


def build(sources: str, translations: str, packages_file: str, most: int = MAX_ABSTRACTS,
          seed: int = 2016) -> dict:
    rng = random.Random(seed)
    old_texts, old_topics = defaultdict(list), defaultdict(set)
    known, later = defaultdict(set), defaultdict(set)
    for _, members, abstract, topics in projects(sources, translations, packages_file):
        new = rng.random() < NEW_SHARE
        for member in members:
            others = set(members) - {member}
            if new:
                later[member] |= others
            else:
                old_texts[member].append(abstract)
                old_topics[member] |= topics
                known[member] |= others
    about = ("Debian source packages as projects, their maintainers and uploaders as members; "
             "a seeded half of the projects new. Source: Debian bookworm main.")
    return data_set(about, old_texts, old_topics, known, later, rng, most)


def data_set(about: str, old_texts: dict, old_topics: dict, known: dict, later: dict,
             rng: random.Random, most: int = MAX_ABSTRACTS) -> dict:
    """The set's file: the members with at least MIN_OLD_PROJECTS old projects, each profiled
    from up to ``most`` of their abstracts (a seeded choice) with their topics as ``seeks``;
    the truth is the partners in ``later`` that are not ``known``."""
    active = sorted(m for m, t in old_texts.items() if len(t) >= MIN_OLD_PROJECTS)
    ids = {m: f"o{i}" for i, m in enumerate(active)}
    companies = []
    for m in active:
        texts = sorted(set(old_texts[m]))
        chosen = sorted(rng.sample(texts, min(most, len(texts))))
        companies.append({"id": ids[m], "name": m, "description": "\n".join(chosen),
                          "seeks": ", ".join(sorted(old_topics[m])),
                          "known": sorted(ids[o] for o in known[m] if o in ids)})
    truth = {ids[m]: sorted(ids[o] for o in later[m] - known[m] if o in ids) for m in active}
    truth = {k: v for k, v in truth.items() if v}
    return {"about": about, "companies": companies, "truth": truth}


def fetched(name: str, release: str = RELEASE) -> str:
    """A file of ``release``'s main section from deb.debian.org, kept in /tmp."""
    path = Path("/tmp") / f"{release}_{name.replace('/', '_')}"
    if not path.exists():
        urllib.request.urlretrieve(f"{MIRROR}{release}/main/{name}", path)
    return str(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--abstracts", type=int, default=MAX_ABSTRACTS,
                        help="most project abstracts in one profile")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("files", nargs="*", help="Sources, Translation-en and Packages files")
    args = parser.parse_args()
    if len(args.files) == 3:
        sources, translations, packages_file = args.files
    else:
        sources, translations = fetched("source/Sources.xz"), fetched("i18n/Translation-en.xz")
        packages_file = max(Path("/var/lib/apt/lists").glob("*_debian_dists_bookworm_main_"
                                                            "binary-amd64_Packages*"),
                            key=lambda f: f.stat().st_size).as_posix()
    data = build(sources, translations, packages_file, args.abstracts)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    args.out.write_bytes(lzma.compress(text, preset=9) if args.out.suffix == ".xz" else text)
    pairs = sum(map(len, data["truth"].values())) // 2
    print(f"{len(data['companies']):,} members, {len(data['truth']):,} evaluated, "
          f"~{pairs:,} new partnerships -> {args.out}")


if __name__ == "__main__":
    main()
