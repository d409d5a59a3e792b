"""Matching benchmark: ``python benchmarks/bench_matching.py [--quick] [--n N] [--repeat R]``.

Reports, on synthetic profiles (``matching_gen``):
* sentence-embedding throughput (texts/s), measured in a child process so that the encoder's
  memory does not count against the matcher (``--vectors FILE`` keeps the vectors between
  runs; a cached file is not timed);
* fit + top-10 suggestions (with reasons) for every company, with the cached vectors given:
  the median of ``--repeat`` runs, wall and CPU (user + system) time, since a shared machine's
  load inflates the wall time (the load average is printed before and after);
* one company's suggestions once fitted (median and 99th percentile);
* peak resident memory of the matching process;
* a naive baseline: dense all-pairs cosine over the same features with full sorts.

``--partners P`` gives every profile about P known partners (seeded, a few companies partner
with many), so that the fit learns from the network and every score uses its model.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching_gen import generate  # noqa: E402

from matchmaker.engine import embedding  # noqa: E402
from matchmaker.engine.matching import Matcher  # noqa: E402


def _embed(n: int, out: str, queue) -> None:
    """Child process: embed the profiles' texts, save the vectors, report the throughput."""
    profiles = generate(n)
    started = time.perf_counter()
    vectors = embedding.embed_profile_texts([(p.description, p.offers, p.seeks) for p in profiles])
    elapsed = time.perf_counter() - started
    np.save(out, vectors)
    queue.put((3 * n) / elapsed)


def embed_in_child(n: int, out: str) -> tuple[np.ndarray, float]:
    queue = mp.get_context("spawn").SimpleQueue()
    child = mp.get_context("spawn").Process(target=_embed, args=(n, out, queue))
    child.start()
    child.join()
    return np.load(out), queue.get()


def vectors_for(n: int, cache: str | None) -> np.ndarray:
    """The profiles' vectors: from ``cache`` when it holds n of them, else embedded (timed)."""
    if cache and Path(cache).exists():
        vectors = np.load(cache)
        if len(vectors) == n:
            print(f"embedding throughput: not measured (vectors cached in {cache})")
            return vectors
    with tempfile.TemporaryDirectory() as folder:
        vectors, throughput = embed_in_child(n, cache or str(Path(folder) / "vectors.npy"))
    print(f"embedding throughput: {throughput:,.0f} texts/s ({3 * n:,} texts)")
    return vectors


def environment() -> str:
    blas = [f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info()]
    coretype = os.environ.get("OPENBLAS_CORETYPE", "unset")
    return f"{os.cpu_count()} CPUs; {', '.join(blas)}; OPENBLAS_CORETYPE={coretype}"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(function):
    """(result, wall seconds, CPU seconds of this process, all threads)."""
    cpu, wall = os.times(), time.perf_counter()
    result = function()
    after = os.times()
    return result, time.perf_counter() - wall, after.user - cpu.user + after.system - cpu.system


def with_partners(profiles: list, per: int, seed: int = 7) -> list:
    """About ``per`` known partners each, drawn with a chance that falls with the square root
    of a company's rank (a few hubs); the same seed gives the same network."""
    rng = np.random.default_rng(seed)
    n = len(profiles)
    chance = 1.0 / np.sqrt(np.arange(1, n + 1))
    chance /= chance.sum()
    known = [set() for _ in profiles]
    for i, others in enumerate(rng.choice(n, size=(n, max(1, per // 2)), p=chance).tolist()):
        for j in others:
            if j != i:
                known[i].add(j)
                known[j].add(i)
    return [replace(p, known=tuple(profiles[j].id for j in sorted(mine)))
            for p, mine in zip(profiles, known, strict=True)]


def fit_and_suggest_all(profiles, encoder: bool, k: int) -> tuple[Matcher, dict[str, float]]:
    matcher, fit, fit_cpu = timed(lambda: Matcher(encoder=encoder).fit(profiles))
    _, top, top_cpu = timed(lambda: matcher.suggest_all(k))
    return matcher, {"fit": fit, "top": top, "cpu": fit_cpu + top_cpu}


def naive_baseline(matcher: Matcher, k: int) -> float:
    """Dense all-pairs cosine of needs against offers, then a full sort of every row."""
    started = time.perf_counter()
    need = matcher.need.sparse.toarray()
    offer = matcher.offer.sparse.toarray()
    if matcher.need.dense is not None:
        need = np.hstack([need, matcher.need.dense])
        offer = np.hstack([offer, matcher.offer.dense])
    gain = need @ offer.T
    scores = 0.5 * (gain + gain.T)
    np.fill_diagonal(scores, -1.0)
    np.argsort(-scores, axis=1)[:, :k]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 profiles instead of 10,000")
    parser.add_argument("--n", type=int, help="number of profiles")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3, help="runs of fit + top-k for all")
    parser.add_argument("--vectors", help="a .npy file that keeps the vectors between runs")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--partners", type=int, default=0, help="known partners per profile")
    args = parser.parse_args()
    n = args.n or (2000 if args.quick else 10000)
    print(environment())
    print(load())
    profiles = generate(n)
    vectors = None
    if embedding.encoder_available():
        vectors = vectors_for(n, args.vectors)
        profiles = [replace(p, embeddings=vectors[i]) for i, p in enumerate(profiles)]
    else:
        print("encoder not installed: TF-IDF and tags only")

    if args.partners:
        profiles = with_partners(profiles, args.partners)
        edges = sum(len(p.known) for p in profiles) // 2
        print(f"network: {edges:,} known partnerships")

    runs = []
    for _ in range(args.repeat):
        matcher = None  # the previous run's matcher is not kept through the next fit
        matcher, timing = fit_and_suggest_all(profiles, vectors is not None, args.k)
        runs.append(timing)
    fit, top, cpu = (statistics.median(run[key] for run in runs) for key in ("fit", "top", "cpu"))
    totals = sorted(run["fit"] + run["top"] for run in runs)
    print(
        f"{n:,} profiles, median of {len(runs)}: fit {fit:.2f} s + top-{args.k} for all "
        f"{top:.2f} s = {fit + top:.2f} s (runs {', '.join(f'{t:.2f}' for t in totals)}; "
        f"CPU {cpu:.2f} s)"
    )

    ids = [p.id for p in profiles[:: max(1, n // 200)]]
    latencies = []
    for company_id in ids:
        t = time.perf_counter()
        matcher.suggest(company_id, args.k)
        latencies.append(time.perf_counter() - t)
    latencies.sort()
    p99 = latencies[int(0.99 * (len(latencies) - 1))]
    print(
        f"one company: median {1000 * statistics.median(latencies):.1f} ms, p99 {1000 * p99:.1f} ms"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (matching process): {peak:,.0f} MB")
    print(load())
    if not args.no_baseline:
        naive = naive_baseline(matcher, args.k)
        print(
            f"naive dense all-pairs baseline (scores only, no reasons): {naive:.2f} s; "
            f"engine scoring+reasons {top:.2f} s, ratio {naive / top:.1f}x"
        )


if __name__ == "__main__":
    main()
