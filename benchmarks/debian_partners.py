"""Build the real-data link-prediction sets from Debian's package index (public data, fetched
by ``apt-get update``): ``python benchmarks/debian_partners.py [PACKAGES_FILE]`` writes
``benchmarks/data/debian_partners.json`` and ``debian_partners_by_package.json``.

Debian's maintainers (people and teams) stand in for organisations: a maintainer's profile
is what its packages are (their one-line descriptions: the ``offers``) and the debtags
fields and uses its packages are filed under (the ``seeks``, as the call topics an
organisation bid for); two maintainers are partners when a package of one depends on a
package of the other. There are no dates, so the split is by a seeded coin: a quarter of
the partnerships are held out as the truth ("new partners"), the rest are ``known``.
Maintainers with at least 3 packages, at least one known and one held-out partnership.

The second set, split by package, is shaped like "projects before and after a cut-off": a
seeded half of the packages are new, so a maintainer's profile is made of its old packages
only, and its new partners are those that only links through new packages make (a
partnership that an old link already made stays known). Fewer known partners per
maintainer, and the truth comes from work its profile does not describe.
"""

from __future__ import annotations

import bz2
import glob
import json
import lzma
import random
import re
import subprocess
import sys
from collections import defaultdict
from functools import partial
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "debian_partners.json"
BY_PACKAGE = OUT.with_name("debian_partners_by_package.json")
#: Share of packages taken as new in the split by package.
NEW_SHARE = 1 / 2
_TOPIC = re.compile(r"^(field|use|works-with|interface|scope)::")


def packages(path: str):
    """Yield each stanza of a Packages file as {field: value} (continuation lines joined)."""
    if path.endswith(".lz4"):
        text = subprocess.run(["lz4cat", path], capture_output=True, check=True).stdout.decode()
    elif path.endswith(".xz"):
        text = lzma.decompress(Path(path).read_bytes()).decode("utf-8", "replace")
    elif path.endswith(".bz2"):
        text = bz2.decompress(Path(path).read_bytes()).decode("utf-8", "replace")
    else:
        text = Path(path).read_text(encoding="utf-8")
    for stanza in text.split("\n\n"):
        fields, key = {}, None
        for line in stanza.splitlines():
            if line.startswith(" ") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                fields[key] = value.strip()
        if "Package" in fields:
            yield fields


def read(path: str) -> list[tuple[str, str, str, set[str], list[str]]]:
    """Per package of a maintainer: (package, maintainer, description, topics, depends)."""
    out = []
    for stanza in packages(path):
        maintainer = stanza.get("Maintainer", "").split("<")[0].strip()
        if not maintainer:
            continue
        topics = {tag.split("::", 1)[1].replace("-", " ").replace(":", " ")
                  for tag in stanza.get("Tag", "").replace(",", " ").split() if _TOPIC.match(tag)}
        depends = [alternative.split("|")[0].split("(")[0].split(":")[0].strip()
                   for alternative in stanza.get("Depends", "").split(",")]
        out.append((stanza["Package"], maintainer, stanza.get("Description", ""), topics,
                    depends))
    return out


def links(stanzas, packages=None) -> set[tuple[str, str]]:
    """Partnerships (sorted maintainer pairs) that the dependencies of ``packages`` (all when
    None) make, in either direction."""
    owner = {package: maintainer for package, maintainer, *_ in stanzas}
    return {tuple(sorted((maintainer, owner[other])))
            for package, maintainer, _, _, depends in stanzas for other in depends
            if other in owner and owner[other] != maintainer
            and (packages is None or package in packages or other in packages)}


def build(path: str, seed: int = 2016) -> dict:
    """A seeded quarter of the partnerships held out."""
    stanzas = read(path)
    texts, topics = profiles(stanzas)
    active = {m for m, t in texts.items() if len(t) >= 3}
    edges = sorted(e for e in links(stanzas) if e[0] in active and e[1] in active)
    rng = random.Random(seed)
    held = set(rng.sample(edges, len(edges) // 4))
    about = "Debian maintainers, a seeded quarter of their partnerships held out."
    return dataset(about, active, texts, topics, set(edges) - held, held)


def build_by_package(path: str, seed: int = 2016) -> dict:
    """A seeded half of the packages new: profiles from the old ones, the truth from links
    that only new ones make."""
    stanzas = read(path)
    rng = random.Random(seed)
    new = {package for package, *_ in stanzas if rng.random() < NEW_SHARE}
    old = [stanza for stanza in stanzas if stanza[0] not in new]
    texts, topics = profiles(old)
    active = {m for m, t in texts.items() if len(t) >= 3}
    known = links(old)
    fresh = links(stanzas, new) - known
    keep = partial(filter, lambda e: e[0] in active and e[1] in active)
    about = "Debian maintainers, a seeded half of the packages new: new partners from them."
    return dataset(about, active, texts, topics, set(keep(known)), set(keep(fresh)))


def profiles(stanzas) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Per maintainer the descriptions and the topics of its packages."""
    texts, topics = defaultdict(list), defaultdict(set)
    for _, maintainer, description, tags, _ in stanzas:
        texts[maintainer].append(description)
        topics[maintainer] |= tags
    return texts, topics


def dataset(about: str, active, texts, topics, known_edges, held_edges) -> dict:
    known, truth = defaultdict(set), defaultdict(set)
    for side, edges in ((known, known_edges), (truth, held_edges)):
        for a, b in edges:
            side[a].add(b)
            side[b].add(a)
    ids = {m: f"m{i}" for i, m in enumerate(sorted(active))}
    companies = [
        {"id": ids[m], "name": m, "offers": "; ".join(sorted(set(texts[m]))[:40]),
         "seeks": ", ".join(sorted(topics[m])), "known": sorted(ids[o] for o in known[m])}
        for m in sorted(active)
    ]
    evaluated = {ids[m]: sorted(ids[o] for o in truth[m]) for m in sorted(active)
                 if truth[m] and known[m]}
    return {"about": about + " Source: Debian bookworm main amd64.", "companies": companies,
            "truth": evaluated}


def main() -> None:
    found = glob.glob("/var/lib/apt/lists/*_debian_dists_*_main_binary-amd64_Packages*")
    path = sys.argv[1] if len(sys.argv) > 1 else max(found, key=lambda f: Path(f).stat().st_size)
    for out, data in ((OUT, build(path)), (BY_PACKAGE, build_by_package(path))):
        out.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
        pairs = sum(map(len, data["truth"].values()))
        print(f"{len(data['companies']):,} maintainers, {len(data['truth']):,} evaluated, "
              f"{pairs:,} held-out partnerships -> {out}")


if __name__ == "__main__":
    main()
