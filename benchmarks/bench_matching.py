"""Matching benchmark: ``python benchmarks/bench_matching.py [--quick] [--n N]``.

Reports, on synthetic profiles (``matching_gen``):
* sentence-embedding throughput (texts/s), measured in a child process so that the encoder's
  memory does not count against the matcher;
* fit + top-10 suggestions (with reasons) for every company, with the cached vectors given;
* one company's suggestions once fitted (median and 99th percentile);
* peak resident memory of the matching process;
* a naive baseline: dense all-pairs cosine over the same features with full sorts.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

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


def embed_in_child(n: int, folder: str) -> tuple[np.ndarray, float]:
    out = str(Path(folder) / "vectors.npy")
    queue = mp.get_context("spawn").SimpleQueue()
    child = mp.get_context("spawn").Process(target=_embed, args=(n, out, queue))
    child.start()
    child.join()
    return np.load(out), queue.get()


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
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    n = args.n or (2000 if args.quick else 10000)
    profiles = generate(n)
    vectors = None
    if embedding.encoder_available():
        with tempfile.TemporaryDirectory() as folder:
            vectors, throughput = embed_in_child(n, folder)
        print(f"embedding throughput: {throughput:,.0f} texts/s ({3 * n:,} texts)")
        profiles = [replace(p, embeddings=vectors[i]) for i, p in enumerate(profiles)]
    else:
        print("encoder not installed: TF-IDF and tags only")

    started = time.perf_counter()
    matcher = Matcher(encoder=vectors is not None).fit(profiles)
    fitted = time.perf_counter()
    matcher.suggest_all(args.k)
    done = time.perf_counter()
    print(
        f"{n:,} profiles: fit {fitted - started:.2f} s + top-{args.k} for all "
        f"{done - fitted:.2f} s = {done - started:.2f} s"
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
    if not args.no_baseline:
        naive = naive_baseline(matcher, args.k)
        print(
            f"naive dense all-pairs baseline (scores only, no reasons): {naive:.2f} s; "
            f"engine scoring+reasons {done - fitted:.2f} s, ratio {naive / (done - fitted):.1f}x"
        )


if __name__ == "__main__":
    main()
