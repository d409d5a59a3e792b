"""Build the large-consortia set: ``python benchmarks/debian_consortia.py [--seed N] [--out
FILE] [TRANSLATIONS]`` writes ``benchmarks/data/debian_consortia.json.xz`` (the Debian
``Translation-en.xz`` of bookworm main is fetched when not given).

Research consortia have 10-30 partners, and the most active organisations are in most of them;
the Debian projects set (debian_projects.py) has teams of two to eight. Here the abstracts are
real (Debian long descriptions of at least four sentences) and the consortia are drawn: 900
projects of 5-30 members among 2,300 organisations, each member drawn in proportion to one
plus the projects it already has (preferential attachment). The first 70 % of the projects
are old: they make the profiles (their abstracts) and the known partners; the truth is the
partners met only in the new ones. Nothing in the texts says who joins a new project; activity
and the network do, so the set asks whether the engine keeps what popularity knows.
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

from debian_projects import abstracts, fetched  # noqa: E402

OUT = Path(__file__).resolve().parent / "data" / "debian_consortia.json.xz"
ORGANISATIONS, PROJECTS, OLD_SHARE = 2300, 900, 0.7
SMALLEST, LARGEST = 5, 30


def build(translations: str, seed: int = 1) -> dict:
    rng = random.Random(seed)
    texts = [t for t in abstracts(translations).values() if t.count(". ") >= 3 and len(t) > 400]
    rng.shuffle(texts)
    weight = [1.0] * ORGANISATIONS
    projects = []
    for text in texts[:PROJECTS]:
        size, members = rng.randint(SMALLEST, LARGEST), set()
        while len(members) < size:
            members.add(rng.choices(range(ORGANISATIONS), weights=weight)[0])
        for m in members:
            weight[m] += 1.0
        projects.append((sorted(members), text))
    old = int(PROJECTS * OLD_SHARE)
    profile, known, later = defaultdict(list), defaultdict(set), defaultdict(set)
    for number, (members, text) in enumerate(projects):
        for m in members:
            if number < old:
                profile[m].append(text)
                known[m] |= set(members) - {m}
            else:
                later[m] |= set(members) - {m}
    companies = [{"id": f"o{m}", "name": f"Organisation {m}", "description": "\n".join(profile[m]),
                  "known": sorted(f"o{o}" for o in known[m])} for m in sorted(profile)]
    truth = {f"o{m}": sorted(f"o{o}" for o in later[m] - known[m] if o in profile)
             for m in sorted(profile)}
    about = ("Debian bookworm long descriptions as project abstracts; consortia of 5-30 "
             "members drawn by preferential attachment; the first 70 % of the projects old.")
    return {"about": about, "companies": companies, "truth": {k: v for k, v in truth.items() if v}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("translations", nargs="?", help="Translation-en(.xz) file")
    args = parser.parse_args()
    data = build(args.translations or fetched("i18n/Translation-en.xz"), args.seed)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    args.out.write_bytes(lzma.compress(text, preset=9) if args.out.suffix == ".xz" else text)
    pairs = sum(map(len, data["truth"].values())) // 2
    print(f"{len(data['companies']):,} organisations, ~{pairs:,} new partnerships -> {args.out}")


if __name__ == "__main__":
    main()
