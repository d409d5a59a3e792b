"""Build the set of teams formed over time: ``python benchmarks/debian_releases.py [--out
FILE] [OLD_SOURCES OLD_TRANSLATIONS OLD_PACKAGES NEW_SOURCES]`` writes
``benchmarks/data/debian_releases.json.xz`` (when not given, the files of Debian 11 "bullseye",
2021, and Debian 13 "trixie", 2025, are fetched from deb.debian.org).

The other Debian sets split the projects at random; here the cut is in time, as in the
benchmark of EU security-research consortia (profiles from the projects before a cut-off,
truth = the new partners of the projects after it): a source package is a project and its
maintainer and uploaders (people and teams) are its members, as in debian_projects.py. The
old projects are those of bullseye, which make the profiles (their abstracts, their debtags
topics as the ``seeks``) and the known partners; the truth is the partners a member has in
trixie's projects (new ones, and old ones that it or they joined) and had in none of
bullseye's: four years of teams that really formed. Nobody chose who joins them, so the set
says how the engine does where users are.
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from debian_partners import packages  # noqa: E402
from debian_projects import MAX_ABSTRACTS, data_set, fetched, members_of, projects  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "debian_releases.json.xz"
OLD, NEW = "bullseye", "trixie"


def teams(sources: str) -> list[list[str]]:
    """The members of each source package of ``sources`` that has two or more."""
    return [members for stanza in packages(sources) if len(members := members_of(stanza)) >= 2]


def build(old_sources: str, old_translations: str, old_packages: str, new_sources: str,
          seed: int = 2021, most: int = MAX_ABSTRACTS) -> dict:
    rng = random.Random(seed)
    old_texts, old_topics = defaultdict(list), defaultdict(set)
    known, later = defaultdict(set), defaultdict(set)
    for _, members, abstract, topics in projects(old_sources, old_translations, old_packages):
        for member in members:
            old_texts[member].append(abstract)
            old_topics[member] |= topics
            known[member] |= set(members) - {member}
    for members in teams(new_sources):
        for member in members:
            later[member] |= set(members) - {member}
    about = (f"Debian source packages as projects, their maintainers and uploaders as members: "
             f"profiles and known partners from {OLD} main, truth from the partners that "
             f"{NEW} main adds.")
    return data_set(about, old_texts, old_topics, known, later, rng, most)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--abstracts", type=int, default=MAX_ABSTRACTS,
                        help="most project abstracts in one profile")
    parser.add_argument("files", nargs="*", help="old Sources, Translation-en and Packages "
                        "files, then the new Sources file")
    args = parser.parse_args()
    if len(args.files) == 4:
        files = args.files
    else:
        files = [fetched("source/Sources.xz", OLD), fetched("i18n/Translation-en.bz2", OLD),
                 fetched("binary-amd64/Packages.xz", OLD), fetched("source/Sources.xz", NEW)]
    data = build(*files, most=args.abstracts)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    args.out.write_bytes(lzma.compress(text, preset=9) if args.out.suffix == ".xz" else text)
    pairs = sum(map(len, data["truth"].values())) // 2
    print(f"{len(data['companies']):,} members, {len(data['truth']):,} evaluated, "
          f"~{pairs:,} new partnerships -> {args.out}")


if __name__ == "__main__":
    main()
