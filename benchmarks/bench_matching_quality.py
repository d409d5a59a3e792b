"""Matching quality: ``python benchmarks/bench_matching_quality.py [--no-encoder] [--cache F]``.

Real and labelled sets, each against baselines, and the engine as it was before round two ("before":
no look-alike penalty, no network, known partners only excluded afterwards):

* the labelled multilingual set (tests/data/matching_eval.json): hit@3, MRR and how often a
  look-alike ranks first;
* real public data, Debian's maintainers as organisations (benchmarks/debian_partners.py
  says how they are built), split two ways: a seeded quarter of the partnerships held out,
  and split by package (profiles from old packages, new partners from new ones): recall@10
  and MRR of the new partnerships, known partners excluded from every ranking. Baselines:
  character TF-IDF of the whole profile (resemblance), popularity (most known partners),
  partners of partners (most common known partners, popularity breaking ties);
* the same shaped as research consortia (benchmarks/debian_projects.py): source packages as
  projects, a member's profile made of its old projects' abstracts; "texts only" gives the
  engine no known partners, so that it infers them from the abstracts partners share, as it
  must when a file names none;
* large consortia (benchmarks/debian_consortia.py): real abstracts, consortia of 5-30 drawn
  by preferential attachment, so that activity and the network are all there is to know;
* teams formed over time (benchmarks/debian_releases.py): profiles and known partners from
  the projects of Debian 11, truth from the projects new in Debian 13 — cut in time, as the
  consortium benchmark is.
"""

from __future__ import annotations

import argparse
import json
import lzma
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.engine import embedding  # noqa: E402
from matchmaker.engine.matching import Matcher, Weights  # noqa: E402
from matchmaker.engine.matching.network import Network, adjacency, known_edges  # noqa: E402
from matchmaker.engine.profiles_io import parse_profiles  # noqa: E402
from matchmaker.engine.taxonomy import load_taxonomy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "matching_eval.json"
DEBIAN_SETS = {
    "real data, Debian maintainers, a seeded quarter of the partnerships held out":
        ROOT / "benchmarks/data/debian_partners.json",
    "real data, Debian maintainers, split by package, half of them new":
        ROOT / "benchmarks/data/debian_partners_by_package.json",
    "real data, Debian maintainers, source packages as projects, half of them new":
        ROOT / "benchmarks/data/debian_projects.json.xz",
    "large consortia drawn over real abstracts, 30 % of the projects new":
        ROOT / "benchmarks/data/debian_consortia.json.xz",
    "real data, Debian teams formed over time: bullseye's projects, then trixie's new ones":
        ROOT / "benchmarks/data/debian_releases.json.xz",
}
K = 10
#: Round one's engine: resemblance not penalised, no network signals.
BEFORE = Weights(competitor=0.0, hubness=0.0, network=0.0, activity=0.0)


def ranked_by(scores: np.ndarray, ids: list[str], hidden: list[set[int]]) -> dict[str, list[str]]:
    """Per row, the other ids best first, without itself and the ``hidden`` columns."""
    out = {}
    for i, row in enumerate(scores):
        row = row.astype(np.float64, copy=True)
        row[i] = -np.inf
        row[list(hidden[i])] = -np.inf
        order = np.argsort(-row, kind="stable")
        out[ids[i]] = [ids[j] for j in order[: K * 3] if np.isfinite(row[j])]
    return out


def engine(profiles, weights: Weights, encoder: bool, cache, with_known: bool) -> dict:
    if not with_known:
        profiles = [replace(p, known=()) for p in profiles]
    matcher = Matcher(weights=weights, encoder=encoder, cache=cache).fit(profiles)
    found = matcher.suggest_all(K * 3, explain=False)
    return {company: [s.id for s in items] for company, items in found.items()}


def unknown(rankings: dict, index, hidden) -> dict:
    """Rankings without each company's known partners."""
    return {c: [i for i in r if index[i] not in hidden[index[c]]] for c, r in rankings.items()}


def tfidf(profiles, hidden) -> dict:
    texts = [f"{p.description} {p.offers} {p.seeks}" for p in profiles]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectors.fit_transform(texts)
    return ranked_by((matrix @ matrix.T).toarray(), [p.id for p in profiles], hidden)


def network_baselines(profiles, hidden) -> tuple[dict, dict]:
    index = {p.id: i for i, p in enumerate(profiles)}
    graph = adjacency(len(profiles), known_edges(profiles, index))
    degree = Network(graph).degree
    common = (graph @ graph).toarray()
    ids = [p.id for p in profiles]
    popularity = ranked_by(np.tile(degree, (len(ids), 1)), ids, hidden)
    tie = degree / (degree.max() + 1.0)
    partners = ranked_by(common + tie[None, :], ids, hidden)
    return popularity, partners


def labelled_metrics(rankings, partners, lookalikes) -> str:
    hits = reciprocal = 0.0
    for company_id, right in partners.items():
        ranked = rankings[company_id]
        rank = next((i for i, other in enumerate(ranked) if other in right), None)
        hits += rank is not None and rank < 3
        reciprocal += 0.0 if rank is None else 1.0 / (rank + 1)
    firsts = sum(bool(rankings[a]) and rankings[a][0] in b for a, b in lookalikes.items())
    n = len(partners)
    alike = firsts / len(lookalikes)
    return f"hit@3 {hits / n:.3f}  MRR {reciprocal / n:.3f}  look-alike first {alike:.3f}"


def recall_metrics(rankings, truth) -> str:
    recall = reciprocal = 0.0
    for company_id, right in truth.items():
        top = rankings.get(company_id, [])[:K]
        recall += len(set(top) & right) / len(right)
        rank = next((i for i, other in enumerate(top) if other in right), None)
        reciprocal += 0.0 if rank is None else 1.0 / (rank + 1)
    n = len(truth)
    return f"recall@{K} {recall / n:.3f}  MRR@{K} {reciprocal / n:.3f}"


def labelled_set(encoder: bool, cache) -> None:
    raw = json.loads(EVAL_SET.read_text(encoding="utf-8"))
    profiles = parse_profiles(raw, load_taxonomy())
    partners: dict[str, set[str]] = {}
    for a, b in raw["pairs"]:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    lookalikes: dict[str, set[str]] = {}
    for a, b in raw["lookalikes"]:
        lookalikes.setdefault(a, set()).add(b)
    print(f"== labelled multilingual set: {len(profiles)} companies, {len(raw['pairs'])} pairs")
    hidden = [set() for _ in profiles]
    baseline = labelled_metrics(tfidf(profiles, hidden), partners, lookalikes)
    print(f"  char TF-IDF (resemblance)    {baseline}")
    modes = [("text and tags", False)] + ([("with the encoder", True)] if encoder else [])
    for label, use in modes:
        for name, weights in (("before", BEFORE), ("after ", Weights())):
            ranked = engine(profiles, weights, use, cache, True)
            print(f"  engine {name}, {label:17}{labelled_metrics(ranked, partners, lookalikes)}")


def debian_set(encoder: bool, cache, split: str, path: Path) -> None:
    raw = json.loads(lzma.decompress(path.read_bytes()) if path.suffix == ".xz"
                     else path.read_bytes())
    profiles = parse_profiles(raw, load_taxonomy())
    truth = {k: set(v) for k, v in raw["truth"].items()}
    index = {p.id: i for i, p in enumerate(profiles)}
    hidden = [{index[o] for o in p.known if o in index} for p in profiles]
    known_pairs = sum(map(len, hidden)) // 2
    print(f"== {split}: {len(profiles):,} profiles, "
          f"{known_pairs:,} known partnerships, {sum(map(len, truth.values())) // 2:,} new")
    popularity, partners = network_baselines(profiles, hidden)
    print(f"  char TF-IDF (resemblance)    {recall_metrics(tfidf(profiles, hidden), truth)}")
    print(f"  popularity                   {recall_metrics(popularity, truth)}")
    print(f"  partners of partners         {recall_metrics(partners, truth)}")
    started = time.perf_counter()
    before = unknown(engine(profiles, BEFORE, encoder, cache, False), index, hidden)
    print(f"  engine before                {recall_metrics(before, truth)}")
    text_only = unknown(engine(profiles, Weights(), encoder, cache, False), index, hidden)
    print(f"  engine after, texts only     {recall_metrics(text_only, truth)}")
    after = engine(profiles, Weights(), encoder, cache, True)
    print(f"  engine after, with network   {recall_metrics(after, truth)}")
    print(f"  ({time.perf_counter() - started:.1f} s for the engine's runs; encoder: {encoder})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-encoder", action="store_true", help="TF-IDF and tags only")
    parser.add_argument("--cache", help="sentence-vector cache file (.npz) kept between runs")
    parser.add_argument("--quick", action="store_true", help="accepted for make bench; no effect")
    args, _ = parser.parse_known_args()
    encoder = not args.no_encoder and embedding.encoder_available()
    cache = embedding.VectorCache(args.cache)
    labelled_set(encoder, cache)
    for split, path in DEBIAN_SETS.items():
        debian_set(encoder, cache, split, path)
    cache.save()


if __name__ == "__main__":
    main()
