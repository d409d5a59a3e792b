"""Idle-gap minimisation by incremental SAT, holding a given set of requests (all of them).

The encoding is the one that worked best in Bofill et al. (JAIR 2022): x[r,t] request r meets
in slot t; y[p,t] participant p meets in t; z[p,t] p met at some slot <= t; h[p,t] a hole
ends at t+1 (p meets at t+1, not at t, and met before). Exactly one slot per request, at most
one meeting per participant and slot, at most the free tables per slot. A totalizer over the h
variables bounds the number of holes; the search lowers that bound until the solver proves no
schedule has fewer, keeping the best schedule found when the time runs out.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool
from pysat.solvers import Solver

from matchmaker.engine.scheduling.gaps import holes_in_mask
from matchmaker.engine.scheduling.heuristic import bits
from matchmaker.engine.scheduling.model import Problem

SOLVER = "cadical195"


@dataclass(frozen=True)
class GapOutcome:
    assignment: dict[int, int] | None  # request -> slot, None if none found in time
    gaps: int
    proven: bool  # no schedule of these requests has fewer gaps (or: none exists at all)


class _Encoding:
    def __init__(self, pb: Problem, requests: list[int]):
        self.pb = pb
        self.requests = requests
        self.pool = IDPool()
        self.clauses: list[list[int]] = []
        self.x: dict[tuple[int, int], int] = {}
        self.holes: list[int] = []
        self.degree = [0] * pb.n_people
        for r in requests:
            self.degree[pb.ra[r]] += 1
            self.degree[pb.rb[r]] += 1
        self.true = self.pool.id("true")
        self.clauses.append([self.true])
        self._meetings()
        self._holes()

    def _card(self, lits: list[int], bound: int, enc: int = EncType.seqcounter) -> None:
        if len(lits) > bound:
            self.clauses += CardEnc.atmost(lits, bound, vpool=self.pool, encoding=enc).clauses

    def _meetings(self) -> None:
        pb = self.pb
        per_person_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
        per_slot: dict[int, list[int]] = defaultdict(list)
        for r in self.requests:
            lits = []
            for t in bits(pb.allowed[r]):
                v = self.x[r, t] = self.pool.id(("x", r, t))
                lits.append(v)
                per_slot[t].append(v)
                per_person_slot[pb.ra[r], t].append(v)
                per_person_slot[pb.rb[r], t].append(v)
            self.clauses.append(lits)
            self._card(lits, 1, EncType.pairwise if len(lits) <= 8 else EncType.seqcounter)
        for lits in per_person_slot.values():
            self._card(lits, 1, EncType.pairwise if len(lits) <= 6 else EncType.seqcounter)
        for t, lits in per_slot.items():
            self._card(lits, pb.capacity[t], EncType.seqcounter)
        self.meets = per_person_slot

    def y(self, p: int, t: int) -> int | None:
        """Literal for "p meets in t" (None: cannot)."""
        if self.pb.busy[p] >> t & 1:
            return self.true
        lits = self.meets.get((p, t))
        if not lits:
            return None
        key = ("y", p, t)
        if key in self.pool.obj2id:
            return self.pool.obj2id[key]
        v = self.pool.id(key)
        self.clauses.append([-v, *lits])
        self.clauses += [[-x, v] for x in lits]
        return v

    def _holes(self) -> None:
        pb = self.pb
        people = {p for p, _ in self.meets} | {p for p in range(pb.n_people) if pb.busy[p]}
        at_slot: dict[int, list[int]] = defaultdict(list)
        for p in sorted(people):
            ys = [self.y(p, t) for t in range(pb.n_slots)]
            for t, y in enumerate(ys):
                if y is not None and y != self.true:
                    at_slot[t].append(y)
            self._count(p, [y for y in ys if y is not None])
            if sum(y is not None for y in ys) >= 3:
                self._holes_of(p, ys)
        for t, lits in at_slot.items():  # implied: two people per table
            self._card(lits, 2 * pb.capacity[t])

    def _holes_of(self, p: int, ys: list[int | None]) -> None:
        z_prev, mine = None, []
        for t in range(self.pb.n_slots - 1):
            if ys[t] is not None or z_prev is not None:
                z_prev = self._met_by(ys[t], z_prev, ("z", p, t))
            if z_prev is not None and ys[t + 1] is not None:
                h = self.pool.id(("h", p, t))
                now = [ys[t]] if ys[t] is not None else []
                self.clauses.append([-z_prev, *now, -ys[t + 1], h])
                mine.append(h)
        self.holes += mine

    def _met_by(self, y: int | None, z_prev: int | None, key: tuple) -> int:
        """z <-> y or z_prev: "met at this slot or before"."""
        z = self.pool.id(key)
        self.clauses.append([-z, *(v for v in (y, z_prev) if v is not None)])
        self.clauses += [[-v, z] for v in (y, z_prev) if v is not None]
        return z

    def _count(self, p: int, ys: list[int]) -> None:
        """Implied: p meets in exactly as many slots as it has meetings (helps propagation)."""
        n = self.degree[p] + self.pb.busy[p].bit_count()
        if n < len(ys):
            self.clauses += CardEnc.equals(ys, n, vpool=self.pool,
                                           encoding=EncType.seqcounter).clauses

    def decode(self, model: list[int]) -> dict[int, int]:
        true = {v for v in model if v > 0}
        return {r: t for (r, t), v in self.x.items() if v in true}

    def phases(self, assignment: dict[int, int]) -> list[int]:
        return [v if assignment.get(r) == t else -v for (r, t), v in self.x.items()]


def count_gaps(pb: Problem, assignment: dict[int, int]) -> int:
    busy = list(pb.busy)
    for r, t in assignment.items():
        busy[pb.ra[r]] |= 1 << t
        busy[pb.rb[r]] |= 1 << t
    return sum(holes_in_mask(m) for m in busy)


def minimise_gaps(
    pb: Problem, requests: list[int], deadline: float, start: dict[int, int] | None = None,
) -> GapOutcome:
    """Best schedule of exactly ``requests`` by idle gaps; ``start`` is a known schedule.

    Descends from the best known count: each call asks for fewer gaps than the best so far,
    keeping what the solver learnt; an unsatisfiable call proves the best optimal.
    """
    enc = _Encoding(pb, requests)
    best = start
    ub = count_gaps(pb, start) if start is not None else None
    with Solver(name=SOLVER, bootstrap_with=enc.clauses) as solver, ITotalizer(
        lits=enc.holes, ubound=len(enc.holes), top_id=enc.pool.top
    ) as tot:
        solver.append_formula(tot.cnf.clauses)
        if start is not None:
            solver.set_phases(enc.phases(start))
        while ub != 0:
            verdict = _solve_until(solver, [] if ub is None else [-tot.rhs[ub - 1]], deadline)
            if verdict is None:
                return GapOutcome(best, ub or 0, False)
            if not verdict:
                return GapOutcome(best, ub or 0, True)
            best = enc.decode(solver.get_model())
            ub = count_gaps(pb, best)
    return GapOutcome(best, 0, True)


def _solve_until(solver: Solver, assumptions: list[int], deadline: float) -> bool | None:
    """Solve under assumptions in slices of conflicts sized to take about a quarter second
    each (CaDiCaL cannot be interrupted); None if the deadline came first."""
    step = 2000
    while (remaining := deadline - time.monotonic()) > 0:
        solver.conf_budget(step)
        began = time.monotonic()
        verdict = solver.solve_limited(assumptions=assumptions)
        if verdict is not None:
            return verdict
        took = max(time.monotonic() - began, 1e-3)
        step = max(200, min(2 * step, int(step * min(0.25, remaining) / took)))
    return None
