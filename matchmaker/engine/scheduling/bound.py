"""A proven upper bound on the summed weight, from a slot-free LP relaxation.

Each request gets x in [0, 1]; constraints that every schedule satisfies: a participant meets
at most min(cap, usable slots) times, and for windows of slots (the whole day, each session,
each request's own allowed set) the meetings that must fall inside a window fit in its common
tables (meetings at a reserved place need none) and in each participant's slots there, and
those needing an interpreter of a set fit in that set's working slots there. The bound is
recomputed from the LP duals by weak duality, so it is valid whatever the LP solver's
tolerances.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from matchmaker.engine.scheduling.model import Problem


@dataclass(frozen=True)
class Bound:
    value: float  # bound on the weight of the free requests (fixed meetings not included)
    x: dict[int, float]  # LP value of each open request: a hint for the primal heuristics


def lp_bound(pb: Problem, requests: list[int], max_windows: int = 16) -> Bound:
    if not requests:
        return Bound(0.0, {})
    rows, rhs = _constraints(pb, requests, max_windows)
    w = np.array([pb.weight[r] for r in requests])
    a = _matrix(rows, len(requests))
    res = linprog(-w, A_ub=a, b_ub=np.array(rhs, float), bounds=(0, 1), method="highs")
    if res.status != 0:
        return Bound(float(w.sum()), {r: 1.0 for r in requests})
    y = np.maximum(-res.ineqlin.marginals, 0.0)
    reduced = w - a.T @ y
    value = float(y @ np.array(rhs, float) + np.maximum(reduced, 0.0).sum())
    return Bound(min(value, float(w.sum())), dict(zip(requests, res.x.tolist(), strict=True)))


def _matrix(rows: list[list[int]], n: int) -> csr_matrix:
    indptr = np.cumsum([0] + [len(r) for r in rows])
    indices = np.fromiter((j for row in rows for j in row), dtype=np.int64, count=indptr[-1])
    return csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), n))


def _constraints(pb: Problem, requests: list[int], max_windows: int):
    """Rows (lists of column indices) and right-hand sides of the relaxation."""
    rows: list[list[int]] = []
    rhs: list[float] = []
    sets = _interpreter_sets(pb, requests)
    for window in _windows(pb, requests, max_windows):
        inside = [j for j, r in enumerate(requests) if pb.allowed[r] & ~window == 0]
        if not inside:
            continue
        per_person: dict[int, list[int]] = {}
        reach: dict[int, int] = {}
        for j in inside:
            r = requests[j]
            for p in (pb.ra[r], pb.rb[r]):
                per_person.setdefault(p, []).append(j)
                reach[p] = reach.get(p, 0) | pb.allowed[r]
        if all(pb.uses_table[requests[j]] for j in inside):
            _room_row(pb, inside, reach, window, rows, rhs)
        else:
            users = [j for j in inside if pb.uses_table[requests[j]]]
            _room_row(pb, users, _reach(pb, requests, users), window, rows, rhs)
        for p, cols in per_person.items():
            limit = min(pb.cap[p], reach[p].bit_count())
            if limit < len(cols):
                rows.append(cols)
                rhs.append(limit)
        interpreted = [j for j in inside if pb.eligible[requests[j]]] if sets else []
        for group in sets:
            cols = [j for j in interpreted if group.issuperset(pb.eligible[requests[j]])]
            limit = sum((pb.interp_avail[i] & window).bit_count() for i in group)
            if limit < len(cols):
                rows.append(cols)
                rhs.append(limit)
    return rows, rhs


def _reach(pb: Problem, requests: list[int], cols: list[int]) -> dict[int, int]:
    """Slots each participant's requests among ``cols`` may use."""
    reach: dict[int, int] = {}
    for j in cols:
        r = requests[j]
        for p in (pb.ra[r], pb.rb[r]):
            reach[p] = reach.get(p, 0) | pb.allowed[r]
    return reach


def _room_row(pb: Problem, users: list[int], reach: dict[int, int], window: int,
              rows: list[list[int]], rhs: list[float]) -> None:
    """Meetings at common tables inside the window (``users``, whose participants can use
    the slots ``reach``) fit in its tables and in the pairs of participants who can be there."""
    people_at = Counter(s for m in reach.values() for s in _bits(m))
    room = sum(min(pb.capacity[s], people_at[s] // 2) for s in _bits(window))
    if room < len(users):
        rows.append(users)
        rhs.append(room)


def _interpreter_sets(pb: Problem, requests: list[int], most: int = 24) -> list[set[int]]:
    """The interpreter sets requests can draw on (the commonest), and all of them together."""
    common = Counter(pb.eligible[r] for r in requests if pb.eligible[r])
    if not common:
        return []
    picked = [set(e) for e, _ in common.most_common(most)]
    every = set().union(*common)
    return picked + ([every] if every not in picked else [])


def _windows(pb: Problem, requests: list[int], max_windows: int) -> list[int]:
    """The whole day first, then the allowed sets shared by the most requests."""
    common = Counter(pb.allowed[r] for r in requests)
    full = pb.full_mask
    picked = [m for m, _ in common.most_common(max_windows) if m != full]
    return [full, *picked]


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low
