"""Scheduling benchmark: the 20 real b2b-forum events and generated events of several sizes.

    python benchmarks/bench_scheduling.py [--quick] [--time-limit SECONDS]

(a) Forum instances (Bofill et al., JAIR 2022): meetings scheduled / requested, idle gaps
    against the published optimum, time; every schedule is validated with b2b-forums/check.py.
(b) Generated events: time of the whole `matchmaker schedule` path (parse, solve, serialise),
    objective, proven bound, objective / bound, and objective against a plain greedy baseline.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from schedule_gen import generate  # noqa: E402

from matchmaker.engine.scheduling import parse_instance, result_to_dict, solve  # noqa: E402

FORUMS = HERE / "b2b-forums"
SIZES = [  # companies, requests, slots, tables
    (60, 300, 10, 20),
    (200, 800, 12, 50),
    (500, 3000, 16, 150),
    (2000, 12000, 16, 600),
]
QUICK_FORUMS = ["tic-12", "tic-13crafb", "forumt-14"]


def _checker():
    spec = importlib.util.spec_from_file_location("forum_check", FORUMS / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check


def published_optima() -> dict[str, int]:
    """The reference cost column of RESULTS.md (proven optimal idle gaps)."""
    out = {}
    for line in (FORUMS / "RESULTS.md").read_text().splitlines():
        m = re.match(r"\| (\S+) \|(?:[^|]*\|){6} \*\*(\d+)\*\* \|", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def bench_forums(names: list[str], time_limit: float) -> None:
    check, optima = _checker(), published_optima()
    print(f"(a) b2b forums, time limit {time_limit:g} s")
    print(f"{'instance':16} {'meetings':>9} {'gaps':>5} {'optimum':>7} {'proven':>6} "
          f"{'time s':>7}  check")
    at_optimum = 0
    for name in names:
        data = json.loads((FORUMS / f"{name}.json").read_text())
        began = time.perf_counter()
        result = solve(parse_instance(data), time_limit=time_limit)
        took = time.perf_counter() - began
        res, _, _ = check(data, result_to_dict(result))
        valid = res["violation_total"] == 0 and res["unscheduled"] == 0
        at_optimum += valid and res["cost_idle_gaps"] <= optima[name]
        print(f"{name:16} {res['scheduled']:>4}/{res['requested']:<4} {res['cost_idle_gaps']:>5} "
              f"{optima[name]:>7} {'yes' if result.gaps_optimal else 'no':>6} {took:>7.2f}  "
              f"{'VALID' if valid else 'INVALID'}")
    print(f"all meetings and gaps at the published optimum: {at_optimum}/{len(names)}\n")


def greedy_baseline(data: dict) -> float:
    """Heaviest request first, into the first slot both sides and a table are free."""
    slots = [s["id"] for s in data["slots"]]
    avail = {p["id"]: set(p.get("available", slots)) for p in data["participants"]}
    cap = {p["id"]: p.get("max_meetings", len(slots)) for p in data["participants"]}
    busy = {p: set() for p in avail}
    load = dict.fromkeys(slots, 0)
    total = 0.0
    for f in data.get("fixed", []):
        busy[f["a"]].add(f["slot"])
        busy[f["b"]].add(f["slot"])
        load[f["slot"]] += 1
        cap[f["a"]] -= 1
        cap[f["b"]] -= 1
    for r in sorted(data["requests"], key=lambda r: -r.get("weight", 1.0)):
        a, b = r["a"], r["b"]
        if min(cap[a], cap[b]) <= 0:
            continue
        for s in r.get("slots", slots):
            if s in avail[a] and s in avail[b] and s not in busy[a] | busy[b] \
                    and load[s] < len(data["tables"]):
                busy[a].add(s)
                busy[b].add(s)
                load[s] += 1
                cap[a] -= 1
                cap[b] -= 1
                total += r.get("weight", 1.0)
                break
    return total


def bench_generated(sizes: list[tuple[int, int, int, int]], time_limit: float) -> None:
    print(f"(b) generated events (seed 1, 2% of requests fixed), time limit {time_limit:g} s")
    print(f"{'companies':>9} {'requests':>8} {'slots':>5} {'tables':>6} {'time s':>7} "
          f"{'objective':>10} {'bound':>10} {'obj/bound':>9} {'greedy':>10} {'vs greedy':>9} "
          f"{'gaps':>5}")
    for size in sizes:
        text = json.dumps(generate(*size, seed=1, fixed=size[1] // 50))
        began = time.perf_counter()
        result = solve(parse_instance(json.loads(text)), time_limit=time_limit)
        json.dumps(result_to_dict(result))
        took = time.perf_counter() - began
        base = greedy_baseline(json.loads(text))
        print(f"{size[0]:>9} {size[1]:>8} {size[2]:>5} {size[3]:>6} {took:>7.2f} "
              f"{result.objective:>10.1f} {result.upper_bound:>10.1f} "
              f"{result.objective / result.upper_bound:>9.4%} {base:>10.1f} "
              f"{result.objective / base:>9.4f} {result.idle_gaps:>5}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few forums, smaller events")
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    names = QUICK_FORUMS if args.quick else sorted(published_optima())
    bench_forums(names, args.time_limit)
    bench_generated(SIZES[:2] + SIZES[-1:] if args.quick else SIZES, args.time_limit)


if __name__ == "__main__":
    main()
