"""Scheduling benchmark: the 20 real b2b-forum events and generated events of several sizes.

    python benchmarks/bench_scheduling.py [--quick] [--time-limit SECONDS]

(a) Forum instances (Bofill et al., JAIR 2022): meetings scheduled / requested, idle gaps
    against the published optimum, time; every schedule is validated with b2b-forums/check.py.
(b) Generated events: time of the whole `matchmaker schedule` path (parse, solve, serialise),
    objective, proven bound, objective / bound, and objective against a plain greedy baseline;
    the same sizes with interpreters (a third of the pairs needing one) and booths, and other
    shapes of event (60 % availability at random or in one block, flat popularity) so the
    engine is not tuned to one generator. Every schedule is checked against the hard rules.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import time
from collections import Counter
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
VARIANTS = [  # label, size, generator options
    ("interpreters", (200, 1200, 12, 40), {"interpreters": 6}),
    ("interp+booths", (500, 3000, 16, 150), {"interpreters": 15, "booths": 20}),
    ("interpreters", (2000, 12000, 16, 600), {"interpreters": 60}),
    ("sparse", (2000, 12000, 16, 600), {"availability": "sparse", "seed": 2}),
    ("blocks", (2000, 12000, 16, 600), {"availability": "blocks", "seed": 3}),
    ("flat", (2000, 12000, 16, 600), {"popularity": "flat", "seed": 4}),
]
QUICK_VARIANTS = VARIANTS[:1] + VARIANTS[2:4]


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


def bench_generated(events: list[tuple[str, tuple[int, int, int, int], dict]],
                    time_limit: float) -> None:
    print(f"(b) generated events (2% of requests fixed), time limit {time_limit:g} s")
    print(f"{'event':14} {'companies':>9} {'requests':>8} {'slots':>5} {'tables':>6} "
          f"{'time s':>7} {'objective':>10} {'bound':>10} {'obj/bound':>9} {'greedy':>10} "
          f"{'vs greedy':>9} {'gaps':>5} {'i.gaps':>6} {'mean slot':>9} rules")
    for label, size, options in events:
        options = {"seed": 1, **options}
        text = json.dumps(generate(*size, fixed=size[1] // 50, **options))
        began = time.perf_counter()
        result = solve(parse_instance(json.loads(text)), time_limit=time_limit)
        out = result_to_dict(result)
        json.dumps(out)
        took = time.perf_counter() - began
        data = json.loads(text)
        plain = not data.get("interpreters") and all(isinstance(t, str) for t in data["tables"])
        base = greedy_baseline(data) if plain else float("nan")  # the greedy knows neither
        print(f"{label:14} {size[0]:>9} {size[1]:>8} {size[2]:>5} {size[3]:>6} {took:>7.2f} "
              f"{result.objective:>10.1f} {result.upper_bound:>10.1f} "
              f"{result.objective / result.upper_bound:>9.4%} {base:>10.1f} "
              f"{result.objective / base:>9.4f} {result.idle_gaps:>5} "
              f"{result.interpreter_gaps:>6} {result.mean_slot:>9.2f} "
              f"{'ok' if not broken_rules(data, out) else broken_rules(data, out)}")
    print()


def broken_rules(data: dict, out: dict) -> str:
    """The first hard rule the result breaks ("" if none), read from the instance itself."""
    slots = [s["id"] for s in data["slots"]]
    people = {p["id"]: p for p in data["participants"]}
    interpreters = {x["id"]: x for x in data.get("interpreters", [])}
    place = {t["reserved_for"]: t["id"] for t in data["tables"] if isinstance(t, dict)}
    owner = {t: p for p, t in place.items()}
    seen, count = set(), Counter()
    for m in out["meetings"]:
        a, b, slot, table, x = m["a"], m["b"], m["slot"], m["table"], m.get("interpreter")
        for key in ("p", a), ("p", b), ("t", table), ("i", x):
            if key[1] is not None and (slot, key) in seen:
                return f"{key[1]} twice in {slot}"
            seen.add((slot, key))
        count.update((a, b))
        if table in owner and owner[table] not in (a, b):
            return f"{table} is reserved for {owner[table]}"
        if {place.get(a), place.get(b)} - {None} and table not in {place.get(a), place.get(b)}:
            return f"{a}-{b} not at a reserved place"
        langs = [people[p].get("languages") for p in (a, b)]
        if x is not None and not all(
                ls is None or set(ls) & set(interpreters[x]["languages"]) for ls in langs):
            return f"{x} cannot interpret {a}-{b}"
        if x is not None and slot not in interpreters[x].get("available", slots):
            return f"{x} not working in {slot}"
        if x is None and None not in langs and not set(langs[0]) & set(langs[1]):
            return f"{a}-{b} without an interpreter"
    for p, n in count.items():
        if n > people[p].get("max_meetings", n):
            return f"{p} over its cap"
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few forums, smaller events")
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    names = QUICK_FORUMS if args.quick else sorted(published_optima())
    bench_forums(names, args.time_limit)
    plain = [("plain", size, {}) for size in (SIZES[:2] + SIZES[-1:] if args.quick else SIZES)]
    bench_generated(plain + (QUICK_VARIANTS if args.quick else VARIANTS), args.time_limit)


if __name__ == "__main__":
    main()
