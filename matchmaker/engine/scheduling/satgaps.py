"""Idle-gap minimisation by SAT, holding a given set of requests (all of them).

The encoding follows Bofill et al. (JAIR 2022), whose SAT/MaxSAT models beat CP and MIP on
this objective: x[r,t] request r meets in slot t; y[p,t] participant p meets in t; z[p,t] p met
at some slot <= t; h[p,t] a hole ends at t+1; s[p,j] p has at least j holes (the cost is the
number of true s). Implied constraints make the solver prune early: p meets in exactly as many
slots as it has meetings, in at least as many slots of a window (a session, a request's slot
set) as it has meetings confined to it, and a hole-free p meets in one block of slots. The
holes each participant cannot avoid even alone (gapfloor) sum to a proven lower bound: the
climb starts there, and a schedule reaching it ends the search (as units in the model they
were measured slower: forum-14 in 13 s instead of 9 s).

Two processes search at once (the machine has two cores, and the solvers cannot be interrupted,
so a process is also the clean way to stop one on time): one climbs k = floor, floor + 1, ...
with the bound as hard clauses in a fresh Kissat (an UNSAT answer proves k+1 a lower bound, the
first SAT is optimal), the other descends from the known schedule in one incremental CaDiCaL,
reporting each better schedule and any bound it proves on the way. The search ends when the
bounds meet (at once if the known schedule reaches the floor), at the deadline, or when neither
has moved for a while; the best schedule found is kept.

Interpreters: u[r,i,t] interpreter i serves request r in slot t (one of them exactly when r is
in t, each interpreter once per slot); v[i,t] i works at t; their holes join the cost like a
participant's. Only meetings without a reserved place count against the tables.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool
from pysat.solvers import Solver

from matchmaker.engine.scheduling.gapfloor import gap_floors
from matchmaker.engine.scheduling.gaps import holes_in_mask
from matchmaker.engine.scheduling.heuristic import bits
from matchmaker.engine.scheduling.model import Problem

SOLVER = "cadical195"  # incremental, with assumptions and budgets: the descent
CLIMB_SOLVER = "kissat404"  # one fresh question per k: settled k = 0 on the hardest forums
# (ticf-13crafc, ticf-14crafa) in 60-85 % of CaDiCaL's time, run side by side
STALL_SECONDS = 60.0  # give up when no bound moved for this long and twice as long as before
LNS_CONFLICTS = 300  # budget for one neighbourhood: most answer fast or not at all
FULL_CONFLICTS = 3000  # budget for asking on the whole schedule
FULL_EVERY = 10  # neighbourhoods per question on the whole schedule
# Cardinality networks: measured against the sequential counter on the 20 forums at 10 s,
# 16 optima instead of 15 (ticf-14crafa's 0 gaps in 5.5 s instead of 12 s).
SEQ = EncType.cardnetwrk
_NONE = 1 << 30  # "lower" bound reported when no schedule holds every request


@dataclass(frozen=True)
class GapOutcome:
    assignment: dict[int, int] | None  # request -> slot; None: no schedule of them all found
    gaps: int
    proven: bool  # no schedule of these requests has fewer gaps (or: none exists at all)
    interp: dict[int, int] | None = None  # request -> interpreter


class _Encoding:
    """The CNF (``clauses``), the x variables to decode, and the cost literals ``cost``.

    Every (request, slot) and (person, slot) pair gets its variables, closed ones fixed false by
    units: measured faster than leaving them out (the solver simplifies them away, and the
    regular structure keeps the cardinality encodings aligned across people and slots)."""

    def __init__(self, pb: Problem, requests: list[int]):
        self.pb = pb
        self.pool = IDPool()
        self.clauses: list[list[int]] = []
        self.cost: list[int] = []
        self.mine: dict[int, list[int]] = defaultdict(list)
        for r in requests:
            self.mine[pb.ra[r]].append(r)
            self.mine[pb.rb[r]].append(r)
        slots = range(pb.n_slots)
        people = sorted(set(self.mine) | {p for p in range(pb.n_people) if pb.busy[p]})
        self.x = {(r, t): self.pool.id(("x", r, t)) for r in requests for t in slots}
        self.y = {(p, t): self.pool.id(("y", p, t)) for p in people for t in slots}
        self.u = {(r, i, t): self.pool.id(("u", r, i, t)) for r in requests
                  for i in pb.eligible[r] for t in bits(pb.allowed[r] & pb.interp_avail[i])}
        self._meetings(requests, people)
        for p in people:
            self._person(p)
        self._interpreters(requests)

    def _card(self, lits: list[int], bound: int, atleast: bool = False) -> list[list[int]]:
        if atleast:
            return CardEnc.atleast(lits, bound, vpool=self.pool, encoding=SEQ).clauses
        if len(lits) <= bound:
            return []
        return CardEnc.atmost(lits, bound, vpool=self.pool, encoding=SEQ).clauses

    def _meetings(self, requests: list[int], people: list[int]) -> None:
        """One slot per request in its allowed set, one meeting per person and slot, tables."""
        pb, x, y = self.pb, self.x, self.y
        slots = range(pb.n_slots)
        for r in requests:
            self.clauses += CardEnc.equals([x[r, t] for t in slots], 1, vpool=self.pool,
                                           encoding=SEQ).clauses
            self.clauses += [[-x[r, t]] for t in slots if not pb.allowed[r] >> t & 1]
            for t in slots:
                self.clauses += [[-x[r, t], y[pb.ra[r], t]], [-x[r, t], y[pb.rb[r], t]]]
        for p in people:
            for t in slots:
                lits = [x[r, t] for r in self.mine[p]]
                self.clauses += self._card(lits, 1)
                self.clauses.append([y[p, t]] if pb.busy[p] >> t & 1 else [-y[p, t], *lits])
        every_table = all(pb.uses_table[r] for r in requests)
        for t in slots:
            users = [x[r, t] for r in requests if pb.uses_table[r]]
            self.clauses += self._card(users, pb.capacity[t])
            if every_table:  # implied: the people meeting fill at most two seats per table
                self.clauses += self._card([y[p, t] for p in people], 2 * pb.capacity[t])

    def _interpreters(self, requests: list[int]) -> None:
        """r in slot t has exactly one interpreter then; one meeting per interpreter and slot;
        v[i,t] exactly when i serves at t (fixed meetings included); holes as for a person."""
        pb = self.pb
        served: dict[tuple[int, int], list[int]] = defaultdict(list)
        for r in requests:
            for t in range(pb.n_slots) if pb.eligible[r] else ():
                lits = [self.u[r, i, t] for i in pb.eligible[r] if (r, i, t) in self.u]
                self.clauses += [[-v, self.x[r, t]] for v in lits]
                self.clauses.append([-self.x[r, t], *lits])
                self.clauses += self._card(lits, 1)
                for i in pb.eligible[r]:
                    if (r, i, t) in self.u:
                        served[i, t].append(self.u[r, i, t])
        working = sorted({i for i, _ in served} | {i for i in range(pb.n_interp)
                                                    if pb.interp_busy[i]})
        for i in working:
            vs = [self.pool.id(("v", i, t)) for t in range(pb.n_slots)]
            for t, v in enumerate(vs):
                lits = served.get((i, t), [])
                self.clauses += self._card(lits, 1)
                self.clauses += [[-u, v] for u in lits]
                self.clauses.append([v] if pb.interp_busy[i] >> t & 1 else [-v, *lits])
            if pb.n_slots >= 3:
                self._ranks(("i", i), self._holes(("i", i), vs), (pb.n_slots - 1) // 2)

    def _person(self, p: int) -> None:
        ys = [self.y[p, t] for t in range(self.pb.n_slots)]
        n = len(self.mine[p]) + self.pb.busy[p].bit_count()
        self.clauses += CardEnc.equals(ys, n, vpool=self.pool, encoding=SEQ).clauses
        self._windows(p, ys)
        if n >= 2 and self.pb.n_slots >= 3:
            ranks = self._ranks(p, self._holes(p, ys), min(n - 1, (self.pb.n_slots - 1) // 2))
            self._block(p, ys, n, ranks[0])

    def _windows(self, p: int, ys: list[int]) -> None:
        """Implied: p meets in a window (a request's slot set) at least as often as it has
        meetings confined to it, and at most as often as it has meetings that may use it."""
        pb = self.pb
        for window in {pb.allowed[r] for r in self.mine[p]} - {pb.full_mask}:
            lits = [ys[t] for t in bits(window)]
            inside = sum(pb.allowed[r] & ~window == 0 for r in self.mine[p])
            touch = sum(pb.allowed[r] & window != 0 for r in self.mine[p])
            self.clauses += self._card(lits, inside, atleast=True)
            self.clauses += self._card(lits, touch)

    def _holes(self, p: int, ys: list[int]) -> list[int]:
        """h[p,t] is forced true when p met by t (z), not at t, and meets at t+1."""
        z = [self.pool.id(("z", p, t)) for t in range(len(ys))]
        h = [self.pool.id(("h", p, t)) for t in range(len(ys) - 1)]
        self.clauses.append([ys[0], -z[0]])
        for t in range(len(ys)):
            self.clauses.append([-ys[t], z[t]])
            if t:
                self.clauses += [[z[t - 1], ys[t], -z[t]], [-z[t - 1], z[t]]]
            if t < len(h):
                self.clauses.append([-ys[t + 1], h[t], -z[t], ys[t]])
        return h

    def _ranks(self, p: int, holes: list[int], most: int) -> list[int]:
        """s[p,j] <-> at least j of p's hole literals: the per-person unary count."""
        ranks = [self.pool.id(("s", p, j)) for j in range(1, most + 1)]
        for j, s in enumerate(ranks, start=1):
            self.clauses += [[-s, *c] for c in self._card(holes, j, atleast=True)]
            self.clauses += [[s, *c] for c in self._card(holes, j - 1)]
            if j > 1:
                self.clauses.append([-s, ranks[j - 2]])
        self.cost += ranks
        return ranks

    def _block(self, p: int, ys: list[int], n: int, holed: int) -> None:
        """Implied: without a hole, p's n meetings fill one of the blocks of n slots."""
        starts = [self.pool.id(("b", p, first)) for first in range(len(ys) - n + 1)]
        for first, b in enumerate(starts):
            self.clauses += [[-b, v] if first <= t < first + n else [-b, -v]
                             for t, v in enumerate(ys)]
        self.clauses.append([holed, *starts])

    def decode(self, model: list[int]) -> tuple[dict[int, int], dict[int, int]]:
        """Request -> slot, and request -> interpreter."""
        true = {v for v in model if v > 0}
        return ({r: t for (r, t), v in self.x.items() if v in true},
                {r: i for (r, i, _), v in self.u.items() if v in true})

    def phases(self, assignment: dict[int, int], interp: dict[int, int]) -> list[int]:
        xs = [v if assignment.get(r) == t else -v for (r, t), v in self.x.items()]
        return xs + [v if assignment.get(r) == t and interp.get(r) == i else -v
                     for (r, i, t), v in self.u.items()]

    def at_most(self, k: int) -> list[list[int]]:
        """Clauses allowing at most k true cost literals (fresh variables above the pool)."""
        if k == 0:
            return [[-v] for v in self.cost]
        if k >= len(self.cost):
            return []
        tot = ITotalizer(lits=self.cost, ubound=k + 1, top_id=self.pool.top)
        return [*tot.cnf.clauses, [-tot.rhs[k]]]


def earlier(pb: Problem, plan: Plan, gaps: int, deadline: float) -> Plan | None:
    """The same meetings with at most ``gaps`` idle gaps, ending as early as SAT finds (each
    question within a budget): the third objective. None: no earlier schedule found."""
    enc = _Encoding(pb, list(plan[0]))
    found = None
    last = max(plan[0].values())
    with Solver(name=SOLVER, bootstrap_with=enc.clauses + enc.at_most(gaps)) as solver:
        solver.set_phases(enc.phases(*plan))
        while last > 0 and time.monotonic() < deadline:
            solver.conf_budget(FULL_CONFLICTS)
            if not solver.solve_limited(assumptions=[
                    -v for (_, t), v in enc.x.items() if t >= last]):
                break
            found = enc.decode(solver.get_model())
            last = max(found[0].values())
    return found


def count_gaps(
    pb: Problem, assignment: dict[int, int], interp: dict[int, int] | None = None
) -> int:
    """Holes of the participants and (given ``interp``) of the interpreters."""
    busy = list(pb.busy)
    working = list(pb.interp_busy)
    for r, t in assignment.items():
        busy[pb.ra[r]] |= 1 << t
        busy[pb.rb[r]] |= 1 << t
        if interp and r in interp:
            working[interp[r]] |= 1 << t
    return sum(holes_in_mask(m) for m in busy) + sum(holes_in_mask(m) for m in working)


Plan = tuple[dict[int, int], dict[int, int]]  # request -> slot, request -> interpreter


def minimise_gaps(
    pb: Problem, requests: list[int], deadline: float, start: dict[int, int] | None = None,
    start_interp: dict[int, int] | None = None,
) -> GapOutcome:
    """Best schedule of exactly ``requests`` by idle gaps; ``start`` is a known schedule
    (without one, the search first looks for any schedule holding them all), ``start_interp``
    its interpreters."""
    floors = gap_floors(pb, requests, deadline)
    floor = sum(floors.values())
    plan = None if start is None else (start, start_interp or {})
    if plan is not None and count_gaps(pb, *plan) <= floor:
        return GapOutcome(start, count_gaps(pb, *plan), True, plan[1])
    enc = _Encoding(pb, requests)
    ctx = multiprocessing.get_context("fork")
    workers, conns = [], []
    for target, args in ((_descend, (enc, plan, floor)), (_ascend, (enc, floor))):
        here, there = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=target, args=(*args, there), daemon=True)
        proc.start()
        there.close()
        workers.append(proc)
        conns.append(here)
    try:
        return _collect(pb, conns, plan, floor, deadline)
    finally:
        for proc in workers:
            proc.kill()
            proc.join()


def _collect(
    pb: Problem, conns: list[Connection], best: Plan | None, lower: int, deadline: float,
) -> GapOutcome:
    """Merge the workers' reports until the bounds meet, the deadline, or a stall (counted
    from the first report: on a loaded machine loading the model alone can take seconds)."""
    began, moved = time.monotonic(), None
    upper = count_gaps(pb, *best) if best is not None else None
    while upper is None or lower < upper:
        now = time.monotonic()
        stall = deadline if moved is None else moved + max(STALL_SECONDS, 2 * (moved - began))
        ready = wait(conns, timeout=max(0.0, min(deadline, stall) - now)) if conns else []
        if not ready:
            return _outcome(best, upper or 0, False)
        for conn in ready:
            try:
                kind, value, found = conn.recv()
            except EOFError:
                conns.remove(conn)
                continue
            moved = time.monotonic()
            if kind == "lower":
                lower = max(lower, value)
            elif upper is None or value < upper:
                best, upper = found, value
        if lower == _NONE:
            return GapOutcome(None, 0, True)
    return _outcome(best, upper, True)


def _outcome(best: Plan | None, gaps: int, proven: bool) -> GapOutcome:
    if best is None:
        return GapOutcome(None, gaps, proven)
    return GapOutcome(best[0], gaps, proven, best[1])


def _descend(enc: _Encoding, start: Plan | None, floor: int, out: Connection) -> None:
    """Fewer gaps in one incremental solver. Questions on the whole schedule ask for a third
    of the way down to the lower bound within a budget (UNSAT raises the bound); while they
    miss, large-neighbourhood search: keep most meetings in place (assumptions), free those
    around one participant with holes, and ask for one fewer gap with a small budget."""
    with Solver(name=SOLVER, bootstrap_with=enc.clauses) as solver:
        start = _first(enc, solver, start, out)
        if start is None:
            return
        best = count_gaps(enc.pb, *start)
        tot = ITotalizer(lits=enc.cost, ubound=max(best, 1), top_id=enc.pool.top)
        solver.append_formula(tot.cnf.clauses)
        lower, step, whole, capped = floor, 0, True, best + 1
        while best > lower:
            if best < capped:  # from now on: fewer gaps than the best
                solver.add_clause([-tot.rhs[best - 1]])
                capped = best
            step += 1
            if whole:
                target = best - 1 - (best - 1 - lower) // 3
                solver.conf_budget(FULL_CONFLICTS)
                verdict = solver.solve_limited(assumptions=[-tot.rhs[target]])
                if verdict is False:
                    lower = target + 1
                    out.send(("lower", lower, None))
                    continue
            else:
                solver.conf_budget(LNS_CONFLICTS)
                verdict = solver.solve_limited(assumptions=_kept(enc, start[0], step))
            if verdict:
                start = enc.decode(solver.get_model())
                best = count_gaps(enc.pb, *start)
                out.send(("found", best, start))
            else:
                whole = step % FULL_EVERY == 0


def _first(
    enc: _Encoding, solver: Solver, start: Plan | None, out: Connection
) -> Plan | None:
    """The schedule to descend from: ``start`` (as the solver's phases), else any found."""
    if start is not None:
        solver.set_phases(enc.phases(*start))
        return start
    if not solver.solve():
        out.send(("lower", _NONE, None))
        return None
    found = enc.decode(solver.get_model())
    out.send(("found", count_gaps(enc.pb, *found), found))
    return found


def _kept(enc: _Encoding, current: dict[int, int], step: int) -> list[int]:
    """Assumptions holding every meeting in place but a neighbourhood, two kinds in turn: the
    meetings in a window of a third of the slots (moving along), or those around participants
    with holes."""
    pb = enc.pb
    if step % 2:
        width = max(2, pb.n_slots // 3)  # measured better than widening it sweep by sweep
        first = step // 2 % max(1, pb.n_slots - width + 1)
        return [enc.x[r, t] for r, t in current.items() if not first <= t < first + width]
    free = _around_holes(pb, current, step // 2)
    return [enc.x[r, t] for r, t in current.items() if pb.ra[r] not in free
            and pb.rb[r] not in free]


def _around_holes(pb: Problem, current: dict[int, int], turn: int) -> set[int]:
    """One participant with holes (the most holed first, in turn), more as turns go round,
    and everyone they meet."""
    busy: dict[int, int] = defaultdict(int)
    for r, t in current.items():
        busy[pb.ra[r]] |= 1 << t
        busy[pb.rb[r]] |= 1 << t
    holed = [p for _, p in sorted((-holes_in_mask(m), p) for p, m in busy.items()
                                  if holes_in_mask(m))]
    if not holed:
        return set(busy)
    rounds = turn // len(holed)
    centres = {holed[(turn + i) % len(holed)] for i in range(1 + rounds % 4)}
    free = set(centres)
    for r in current:
        if pb.ra[r] in centres or pb.rb[r] in centres:
            free |= {pb.ra[r], pb.rb[r]}
    return free


def _ascend(enc: _Encoding, k: int, out: Connection) -> None:
    """Ask for at most k gaps, k = the floor, +1, ...: the first schedule found is optimal."""
    while True:
        with Solver(name=CLIMB_SOLVER, bootstrap_with=enc.clauses + enc.at_most(k)) as solver:
            if solver.solve():
                found = enc.decode(solver.get_model())
                out.send(("found", count_gaps(enc.pb, *found), found))
                return
        k += 1
        out.send(("lower", k, None))
