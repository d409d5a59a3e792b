"""The scheduler: most weight first, then fewest idle gaps, with a proven bound.

1. A slot-free LP gives the proven bound and says which requests to favour.
2. An LP-guided greedy with chain-swap repair reaches the bound on most events, and within a
   fraction of a percent of it on large ones, in well under a second.
3. If the bound is not reached but says every request could be held, SAT looks for a schedule
   holding them all (and minimises its gaps at once); else, on small events, the full MILP
   (HiGHS) finds the optimum and tightens the bound.
4. Participants left without any meeting get one where a trade of equal weight allows.
5. Holding that set of meetings, local moves and swaps lower the idle gaps, then SAT (small
   events) until proven minimal (a schedule at the per-participant floor is, at once),
   stalled, or out of time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from matchmaker.engine.scheduling.bound import lp_bound
from matchmaker.engine.scheduling.exact import milp_size, solve_milp
from matchmaker.engine.scheduling.heuristic import (
    State,
    exchange,
    load,
    polish_gaps,
    repair,
    spread,
)
from matchmaker.engine.scheduling.model import Problem, compile_problem
from matchmaker.engine.scheduling.result import build_result
from matchmaker.engine.scheduling.satgaps import count_gaps, earlier, minimise_gaps
from matchmaker.engine.scheduling.types import ScheduleInstance, ScheduleResult

MILP_MAX_COLUMNS = 40_000  # (request, slot) pairs: HiGHS proves such events in seconds
MILP_SHARE = 0.6  # of the time left: HiGHS overruns its limit on a loaded machine
SAT_MAX_COLUMNS = 20_000  # (request, slot) pairs in the gap encoding; larger: local search
POLISH_SECONDS = 1.0
EARLY_SECONDS = 2.0  # SAT moving the meetings of a small event earlier (third objective)
ENCODE_SECONDS = 4e-4  # per (request, slot) pair: 8,400 pairs took 4.3 s on a loaded machine
SAT_MARGIN = 0.15  # reading the workers' last report and stopping them
FEASIBLE_SHARE = 0.4  # time kept for the MILP when SAT finds no schedule holding every request

Progress = Callable[[str, float, float], None]


def solve(
    instance: ScheduleInstance, time_limit: float = 10.0, progress: Progress | None = None
) -> ScheduleResult:
    """Schedule ``instance`` within about ``time_limit`` seconds; stops early once proven.

    ``progress(phase, objective, upper_bound)`` is called after each phase (for a web job).
    """
    deadline = time.monotonic() + time_limit
    report = progress or (lambda *_: None)
    pb = compile_problem(instance)
    requests = pb.open_requests()
    bound = lp_bound(pb, requests)
    order = sorted(requests, key=lambda r: (-bound.x[r], -pb.weight[r], pb.allowed[r].bit_count()))
    st = State(pb)
    repair(st, order, {r for r in requests if bound.x[r] > 0.5}, deadline)
    exchange(st, order)
    upper = bound.value
    report("heuristic", st.weight, upper)
    every = sum(pb.weight[r] for r in requests)
    if not _reached(st.weight, upper) and _reached(upper, every) and _small(pb, requests):
        out = minimise_gaps(pb, requests, deadline - FEASIBLE_SHARE * (deadline - time.monotonic()))
        if out.assignment is not None:
            report("gaps", every, upper)
            st = load(State(pb), out.assignment, out.interp)
            if out.proven:
                polish_gaps(st, min(deadline, time.monotonic() + POLISH_SECONDS))  # earlier
                return _result(instance, pb, st, upper, True, deadline)
            st, gaps_optimal = _fewer_gaps(pb, st, deadline)  # the time kept for the MILP
            return _result(instance, pb, st, upper, gaps_optimal, deadline)
    if not _reached(st.weight, upper) and milp_size(pb, requests) <= MILP_MAX_COLUMNS:
        st, upper = _exact(pb, requests, st, upper, deadline)
        report("milp", st.weight, upper)
    spread(st, _by_person(pb, requests))
    st, gaps_optimal = _fewer_gaps(pb, st, deadline)
    report("gaps", st.weight, upper)
    return _result(instance, pb, st, upper, gaps_optimal, deadline)


def _result(
    instance: ScheduleInstance, pb: Problem, st: State, upper: float, gaps_optimal: bool,
    deadline: float,
) -> ScheduleResult:
    st = _earlier(pb, st, deadline)
    assignment = {r: s for r, s in enumerate(st.slot_of) if s >= 0}
    return build_result(instance, pb, assignment, st.interpreted(), upper, gaps_optimal)


def _earlier(pb: Problem, st: State, deadline: float) -> State:
    """On small events, the same meetings and no more gaps, ending as early as SAT finds;
    the local moves then pull single meetings earlier again."""
    assignment = {r: s for r, s in enumerate(st.slot_of) if s >= 0}
    left = deadline - time.monotonic() - SAT_MARGIN
    if not assignment or not _small(pb, list(assignment)) or left < 2 * _encoding_seconds(
            pb, list(assignment)):
        return st
    if not _may_end_earlier(pb, st, max(assignment.values())):
        return st
    interp = st.interpreted()
    out = earlier(pb, (assignment, interp), count_gaps(pb, assignment, interp),
                  time.monotonic() + min(EARLY_SECONDS, left))
    if out is None or sum(out[0].values()) >= sum(assignment.values()):
        return st
    better = load(State(pb), *out)
    polish_gaps(better, min(deadline, time.monotonic() + POLISH_SECONDS))
    return better


def _may_end_earlier(pb: Problem, st: State, last: int) -> bool:
    """Before the last slot used, are there enough tables, and slots for each participant?
    (When not, as on most forums, the SAT model is not worth building.)"""
    before = (1 << last) - 1
    tables = sum(pb.capacity[t] for t in range(last))
    if sum(st.load) > tables:
        return False
    return all(n <= (pb.avail[p] & before).bit_count() for p, n in enumerate(st.count) if n)


def _reached(weight: float, upper: float) -> bool:
    return weight >= upper - 1e-9 * max(1.0, abs(upper))


def _exact(
    pb: Problem, requests: list[int], st: State, upper: float, deadline: float
) -> tuple[State, float]:
    """Run the MILP with most of the time left; keep whichever schedule weighs more."""
    out = solve_milp(pb, requests, MILP_SHARE * (deadline - time.monotonic()))
    upper = min(upper, out.dual_bound)
    if out.assignment is not None and sum(pb.weight[r] for r in out.assignment) > st.weight:
        st = load(State(pb), out.assignment, out.interp)
    if out.optimal:  # HiGHS proved it (to 1e-9): snap the bound to the optimum
        upper = min(upper, st.weight)
    return st, upper


def _fewer_gaps(pb: Problem, st: State, deadline: float) -> tuple[State, bool]:
    """Local moves first (cheap; they also move meetings earlier at equal gaps), then SAT on
    events small enough to encode, then the local moves again (earlier, same gaps)."""
    polish_gaps(st, min(deadline, time.monotonic() + POLISH_SECONDS))
    assignment = {r: s for r, s in enumerate(st.slot_of) if s >= 0}
    interp = st.interpreted()
    if count_gaps(pb, assignment, interp) == 0:
        return st, True
    if not _small(pb, list(assignment)) or deadline - time.monotonic() < _encoding_seconds(
            pb, list(assignment)):
        return st, False
    out = minimise_gaps(pb, list(assignment), deadline - SAT_MARGIN, assignment, interp)
    if out.assignment is None or out.assignment == assignment and out.interp == interp:
        return st, out.proven
    st = load(State(pb), out.assignment, out.interp)
    polish_gaps(st, min(deadline, time.monotonic() + POLISH_SECONDS))
    return st, out.proven


def _small(pb: Problem, requests: list[int]) -> bool:
    """Small enough for the SAT encoding, which has a variable per (request, slot) pair."""
    return len(requests) * pb.n_slots <= SAT_MAX_COLUMNS


def _encoding_seconds(pb: Problem, requests: list[int]) -> float:
    """Time to build the gap encoding (not interruptible), measured on a loaded machine."""
    return ENCODE_SECONDS * len(requests) * pb.n_slots


def _by_person(pb: Problem, requests: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for r in requests:
        out.setdefault(pb.ra[r], []).append(r)
        out.setdefault(pb.rb[r], []).append(r)
    return out
