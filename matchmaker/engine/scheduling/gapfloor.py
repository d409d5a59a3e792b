"""A proven lower bound on idle gaps: every participant scheduled on its own.

Whatever the others do, participant p's meetings sit in distinct slots its requests allow
(both sides available, a table left, clear of fixed meetings), next to its fixed meetings. The
fewest holes p can have under those rules alone bounds p's holes in every full schedule, so
the sum over participants bounds the total: the climbing search starts there, and a schedule
reaching it is proven optimal without any SAT proof of the whole event.
"""

from __future__ import annotations

import time
from collections import defaultdict

from pysat.card import CardEnc, EncType, ITotalizer
from pysat.formula import IDPool
from pysat.solvers import Solver

from matchmaker.engine.scheduling.gaps import holes_in_mask
from matchmaker.engine.scheduling.heuristic import bits
from matchmaker.engine.scheduling.model import Problem

SOLVER = "cadical195"
CONFLICTS = 2000  # per question: one person's slots are tiny, an unfinished one proves less


def gap_floors(pb: Problem, requests: list[int], deadline: float) -> dict[int, int]:
    """Fewest holes each participant can have alone, those above 0 (a question not settled
    in time or within its budget gives a smaller floor: still a valid one)."""
    mine: dict[int, list[int]] = defaultdict(list)
    for r in requests:
        mine[pb.ra[r]].append(r)
        mine[pb.rb[r]].append(r)
    floors = {p: holes_in_mask(pb.busy[p]) for p in range(pb.n_people) if p not in mine}
    for p, reqs in mine.items():
        if time.monotonic() >= deadline:
            break
        if len(reqs) + pb.busy[p].bit_count() >= 2 and not _one_block(pb, p, reqs):
            floors[p] = _alone(pb, p, reqs)
    return {p: f for p, f in floors.items() if f}


def _one_block(pb: Problem, p: int, reqs: list[int]) -> bool:
    """Can p's meetings fill one block of consecutive slots (no hole)? A quick check that
    settles most participants without a solver."""
    n = len(reqs) + pb.busy[p].bit_count()
    for first in range(pb.n_slots - n + 1):
        block = ((1 << n) - 1) << first
        if pb.busy[p] & ~block == 0 and _fills(
            [pb.allowed[r] for r in reqs], block & ~pb.busy[p]
        ):
            return True
    return False


def _fills(masks: list[int], slots: int) -> bool:
    """A perfect matching of requests (their allowed masks) to the given slots."""
    holder: dict[int, int] = {}  # slot -> index of the request in it
    seen = [0]  # slots visited by the current augmenting search (Kuhn's algorithm)

    def seat(i: int) -> bool:
        for t in bits(masks[i] & slots):
            if seen[0] >> t & 1:
                continue
            seen[0] |= 1 << t
            if t not in holder or seat(holder[t]):
                holder[t] = i
                return True
        return False

    for i in range(len(masks)):
        seen[0] = 0
        if not seat(i):
            return False
    return True


def _alone(pb: Problem, p: int, reqs: list[int]) -> int:
    """Fewest holes of p alone: ask for one run of busy slots, then two, ..."""
    pool = IDPool()
    clauses, starts = _person_cnf(pb, p, reqs, pool)
    most = (pb.n_slots + 1) // 2  # runs of a participant: never more than this
    tot = ITotalizer(lits=starts, ubound=most, top_id=pool.top)
    with Solver(name=SOLVER, bootstrap_with=clauses + tot.cnf.clauses) as solver:
        for runs in range(1, most + 1):
            solver.conf_budget(CONFLICTS)
            verdict = solver.solve_limited(assumptions=[-tot.rhs[runs]] if runs < most else [])
            if verdict is not False:  # a schedule with this many runs, or budget spent
                return runs - 1
    return 0  # no schedule of p's meetings at all: the gap search reports that itself


def _person_cnf(
    pb: Problem, p: int, reqs: list[int], pool: IDPool
) -> tuple[list[list[int]], list[int]]:
    """x[r,t]: p's request r in slot t; y[t]: p busy at t (exactly when a meeting is there:
    a spurious y would join two runs); start[t]: a run of busy slots begins at t."""
    x = {(r, t): pool.id(("x", r, t)) for r in reqs for t in bits(pb.allowed[r])}
    y = [pool.id(("y", t)) for t in range(pb.n_slots)]
    starts = [pool.id(("start", t)) for t in range(pb.n_slots)]
    clauses: list[list[int]] = []
    for r in reqs:
        lits = [x[r, t] for t in bits(pb.allowed[r])]
        clauses += CardEnc.equals(lits, 1, vpool=pool, encoding=EncType.seqcounter).clauses
    for t in range(pb.n_slots):
        lits = [x[r, t] for r in reqs if (r, t) in x]
        if len(lits) > 1:
            clauses += CardEnc.atmost(lits, 1, vpool=pool, encoding=EncType.seqcounter).clauses
        clauses += [[-v, y[t]] for v in lits]
        clauses.append([y[t]] if pb.busy[p] >> t & 1 else [-y[t], *lits])
        clauses.append([-y[t], *([y[t - 1]] if t else []), starts[t]])
    return clauses, starts
