"""The full time-indexed MILP (HiGHS via scipy): exact on small events, and its dual bound.

A binary per (request, open slot), and per (request, open slot, interpreter) for a request that
needs one; rows: each request at most once, each participant at most once per slot and at most
its cap, each slot at most its common tables (meetings at a reserved place need none), each
interpreter at most once per slot. Rows that can never bind are left out, which keeps small
instances small.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix

from matchmaker.engine.scheduling.heuristic import bits
from matchmaker.engine.scheduling.model import Problem


@dataclass(frozen=True)
class MilpOutcome:
    assignment: dict[int, int] | None  # request -> slot of the best schedule found
    interp: dict[int, int]  # request -> interpreter, for those that need one
    dual_bound: float  # proven bound on the weight of the free requests
    optimal: bool


def milp_size(pb: Problem, requests: list[int]) -> int:
    """Number of columns, counted without building them."""
    return sum(
        sum((pb.allowed[r] & pb.interp_avail[i]).bit_count() for i in pb.eligible[r])
        if pb.eligible[r] else pb.allowed[r].bit_count()
        for r in requests
    )


def _columns(pb: Problem, requests: list[int]) -> list[tuple[int, int, int]]:
    """(request, slot, interpreter or -1)."""
    cols = []
    for r in requests:
        for s in bits(pb.allowed[r]):
            if not pb.eligible[r]:
                cols.append((r, s, -1))
            else:
                cols += [(r, s, i) for i in pb.eligible[r] if pb.interp_avail[i] >> s & 1]
    return cols


def solve_milp(pb: Problem, requests: list[int], time_limit: float) -> MilpOutcome:
    """Within about ``time_limit`` seconds, building the model included."""
    began = time.monotonic()
    cols = _columns(pb, requests)
    rows = _rows(pb, cols)
    n = len(cols)
    indptr = np.cumsum([0] + [len(idx) for idx, _ in rows])
    indices = np.fromiter((j for idx, _ in rows for j in idx), dtype=np.int64, count=indptr[-1])
    a = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), n))
    c = -np.array([pb.weight[r] for r, _, _ in cols])
    res = milp(
        c,
        constraints=LinearConstraint(a, -np.inf, np.array([ub for _, ub in rows], float)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        options={"time_limit": max(time_limit - (time.monotonic() - began), 0.1),
                 "mip_rel_gap": 1e-9, "disp": False},
    )
    total = sum(pb.weight[r] for r in {r for r, _, _ in cols})
    bound = min(total, -float(getattr(res, "mip_dual_bound", -total) or -total))
    if res.x is None:
        return MilpOutcome(None, {}, bound, False)
    picked = [cols[j] for j in np.flatnonzero(res.x > 0.5)]
    chosen = {r: s for r, s, _ in picked}
    interp = {r: i for r, _, i in picked if i >= 0}
    return MilpOutcome(chosen, interp, bound, res.status == 0)


def _rows(pb: Problem, cols: list[tuple[int, int, int]]) -> list[tuple[list[int], float]]:
    per_request: dict[int, list[int]] = defaultdict(list)
    per_person_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    per_person: dict[int, list[int]] = defaultdict(list)
    per_slot: dict[int, list[int]] = defaultdict(list)
    per_interp_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, (r, s, i) in enumerate(cols):
        per_request[r].append(j)
        if pb.uses_table[r]:
            per_slot[s].append(j)
        if i >= 0:
            per_interp_slot[i, s].append(j)
        for p in (pb.ra[r], pb.rb[r]):
            per_person_slot[p, s].append(j)
            per_person[p].append(j)
    rows = [(idx, 1.0) for idx in per_request.values() if len(idx) > 1]
    rows += [(idx, 1.0) for idx in per_person_slot.values() if len(idx) > 1]
    rows += [(idx, 1.0) for idx in per_interp_slot.values() if len(idx) > 1]
    rows += [(idx, float(pb.cap[p])) for p, idx in per_person.items() if len(idx) > pb.cap[p]]
    rows += [(idx, float(pb.capacity[s])) for s, idx in per_slot.items()
             if len(idx) > pb.capacity[s]]
    return rows

