"""Build the real-data link-prediction set from Debian's package index (public data, fetched
by ``apt-get update``): ``python benchmarks/debian_partners.py [PACKAGES_FILE]`` writes
``benchmarks/data/debian_partners.json``.

Debian's maintainers (people and teams) stand in for organisations: a maintainer's profile
is what its packages are (their one-line descriptions: the ``offers``) and the debtags
fields and uses its packages are filed under (the ``seeks``, as the call topics an
organisation bid for); two maintainers are partners when a package of one depends on a
package of the other. There are no dates, so the split is by a seeded coin: a quarter of
the partnerships are held out as the truth ("new partners"), the rest are ``known``.
Maintainers with at least 3 packages, at least one known and one held-out partnership.
"""

from __future__ import annotations

import glob
import json
import random
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "debian_partners.json"
_TOPIC = re.compile(r"^(field|use|works-with|interface|scope)::")


def packages(path: str):
    """Yield each stanza of a Packages file as {field: value} (continuation lines joined)."""
    text = (subprocess.run(["lz4cat", path], capture_output=True, check=True).stdout.decode()
            if path.endswith(".lz4") else Path(path).read_text(encoding="utf-8"))
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


def build(path: str, seed: int = 2016) -> dict:
    owner, texts, topics = {}, defaultdict(list), defaultdict(set)
    depends = []
    for stanza in packages(path):
        maintainer = stanza.get("Maintainer", "").split("<")[0].strip()
        if not maintainer:
            continue
        owner[stanza["Package"]] = maintainer
        texts[maintainer].append(stanza.get("Description", ""))
        for tag in stanza.get("Tag", "").replace(",", " ").split():
            if _TOPIC.match(tag):
                topics[maintainer].add(tag.split("::", 1)[1].replace("-", " ").replace(":", " "))
        for alternative in stanza.get("Depends", "").split(","):
            name = alternative.split("|")[0].split("(")[0].split(":")[0].strip()
            depends.append((maintainer, name))
    edges = sorted({tuple(sorted((a, owner[b]))) for a, b in depends
                    if b in owner and owner[b] != a})
    active = {m for m, t in texts.items() if len(t) >= 3}
    edges = [e for e in edges if e[0] in active and e[1] in active]
    rng = random.Random(seed)
    held = set(rng.sample(edges, len(edges) // 4))
    known, truth = defaultdict(set), defaultdict(set)
    for a, b in edges:
        (truth if (a, b) in held else known)[a].add(b)
        (truth if (a, b) in held else known)[b].add(a)
    ids = {m: f"m{i}" for i, m in enumerate(sorted(active))}
    companies = [
        {"id": ids[m], "name": m, "offers": "; ".join(sorted(set(texts[m]))[:40]),
         "seeks": ", ".join(sorted(topics[m])), "known": sorted(ids[o] for o in known[m])}
        for m in sorted(active)
    ]
    evaluated = {ids[m]: sorted(ids[o] for o in truth[m]) for m in sorted(active)
                 if truth[m] and known[m]}
    return {"about": __doc__.strip().splitlines()[0] + " Source: Debian bookworm main amd64.",
            "companies": companies, "truth": evaluated}


def main() -> None:
    found = glob.glob("/var/lib/apt/lists/*_debian_dists_*_main_binary-amd64_Packages*")
    path = sys.argv[1] if len(sys.argv) > 1 else max(found, key=lambda f: Path(f).stat().st_size)
    data = build(path)
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    pairs = sum(map(len, data["truth"].values()))
    print(f"{len(data['companies']):,} maintainers, {len(data['truth']):,} evaluated, "
          f"{pairs:,} held-out partnerships -> {OUT}")


if __name__ == "__main__":
    main()
