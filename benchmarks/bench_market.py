"""Marketplace benchmark: ``python benchmarks/bench_market.py [--companies N]``.

Offers and requests as items, as the web layer uses them on a page view once an event is
fitted: synthetic items cut from the synthetic profiles (``matching_gen``: one offer and
one request per company, the first sentence of its offers and of its seeks), without the
encoder (vectors are stored on save; a page view never encodes them). Reports:
* ``ItemMatcher.fit`` over all items (a dense item × item matrix: its memory grows with the
  square of the items) and one company's item matches;
* the cross-language search over all items (``search``), for three queries.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching_gen import generate  # noqa: E402

from matchmaker.engine.matching import (  # noqa: E402
    Document,
    ItemKind,
    ItemMatcher,
    Opportunity,
    search,
)
from matchmaker.engine.taxonomy import load_taxonomy  # noqa: E402


def _first(text: str) -> str:
    return text.split(".")[0].strip()[:160] or text[:160]


def with_items(n: int):
    return [replace(p, opportunities=(
        Opportunity(f"{p.id}-o", ItemKind.OFFER, _first(p.offers), p.offers),
        Opportunity(f"{p.id}-r", ItemKind.REQUEST, _first(p.seeks), p.seeks),
    )) for p in generate(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=1000)
    args = parser.parse_args()
    taxonomy = load_taxonomy()
    profiles = with_items(args.companies)
    items = 2 * len(profiles)
    started = time.perf_counter()
    matcher = ItemMatcher(taxonomy).fit(profiles)
    fit = time.perf_counter() - started
    latencies = []
    for p in profiles[:: max(1, len(profiles) // 100)]:
        started = time.perf_counter()
        matcher.suggest(p.id, k=6)
        latencies.append(time.perf_counter() - started)
    print(f"{args.companies:,} companies, {items:,} items: item matching fit {fit:.2f} s "
          f"({matcher.scores.nbytes / 2**20:,.0f} MB of pair scores); one company's item "
          f"matches median {1000 * statistics.median(latencies):.1f} ms")
    documents = [Document(o.id, f"{o.title}. {o.text}", o.tags)
                 for p in profiles for o in p.opportunities]
    for query in ("thermal", "Gehäuse aus Aluminium", "usinage de précision"):
        started = time.perf_counter()
        hits = search(query, documents, taxonomy, limit=60)
        print(f"search {query!r} over {items:,} items: {1000 * (time.perf_counter() - started):.0f}"
              f" ms, {len(hits)} hits")


if __name__ == "__main__":
    main()
