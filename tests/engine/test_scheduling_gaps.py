"""Idle-gap search: the per-participant floor is a valid lower bound, proofs are right, a
schedule reaching the floor stops the search at once, and the local swap move lowers gaps."""

from __future__ import annotations

import importlib
import itertools
import time

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from matchmaker.engine.scheduling import parse_instance, satgaps, solve
from matchmaker.engine.scheduling.gapfloor import gap_floors
from matchmaker.engine.scheduling.heuristic import State, load, polish_gaps
from matchmaker.engine.scheduling.model import compile_problem
from matchmaker.engine.scheduling.satgaps import count_gaps, minimise_gaps


@st.composite
def gap_events(draw):
    """Small events where every request should be held: gaps are the only question. Few
    people with several meetings each and gappy availability, so holes are often forced."""
    n_slots = draw(st.integers(3, 6))
    slots = [f"s{i}" for i in range(n_slots)]
    people = []
    for i in range(draw(st.integers(3, 5))):
        p = {"id": f"p{i}"}
        if draw(st.booleans()):
            p["available"] = draw(st.lists(st.sampled_from(slots), min_size=3, unique=True))
        people.append(p)
    pairs = list(itertools.combinations(range(len(people)), 2))
    requests = []
    for a, b in draw(st.lists(st.sampled_from(pairs), min_size=2, max_size=7)):
        r = {"a": f"p{a}", "b": f"p{b}"}
        if draw(st.integers(0, 3)) == 0:
            r["slots"] = draw(st.lists(st.sampled_from(slots), min_size=1, unique=True))
        requests.append(r)
    return {"slots": [{"id": s} for s in slots],
            "tables": [f"T{i}" for i in range(draw(st.integers(2, 3)))],
            "participants": people, "requests": requests}


def fewest_gaps(pb, requests):
    """Fewest idle gaps over every schedule holding all ``requests`` (None: there is none),
    by depth-first search over the slot of each request in turn."""
    best = None
    assignment: dict[int, int] = {}
    busy, load = set(), [0] * pb.n_slots

    def go(i):
        nonlocal best
        if i == len(requests):
            gaps = count_gaps(pb, assignment)
            best = gaps if best is None else min(best, gaps)
            return
        r = requests[i]
        for t in range(pb.n_slots):
            seats = {(pb.ra[r], t), (pb.rb[r], t)}
            if pb.allowed[r] >> t & 1 and not seats & busy and load[t] < pb.capacity[t]:
                busy.update(seats)
                load[t] += 1
                assignment[r] = t
                go(i + 1)
                del assignment[r]
                load[t] -= 1
                busy.difference_update(seats)

    go(0)
    return best


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(gap_events())
def test_floor_is_a_lower_bound_and_the_search_proves_the_optimum(data):
    pb = compile_problem(parse_instance(data))
    requests = pb.open_requests()
    optimum = fewest_gaps(pb, requests)
    assume(optimum is not None)
    floor = sum(gap_floors(pb, requests, time.monotonic() + 5).values())
    assert floor <= optimum
    out = minimise_gaps(pb, requests, time.monotonic() + 20)
    assert out.proven and out.gaps == optimum
    assert count_gaps(pb, out.assignment) == optimum


def test_floor_counts_holes_a_participant_cannot_avoid():
    """b meets a, c and d but is only free in s0, s2 and s4: two holes whatever the others do."""
    data = {"slots": [{"id": f"s{i}"} for i in range(5)], "tables": ["T0", "T1"],
            "participants": [{"id": "a"}, {"id": "b", "available": ["s0", "s2", "s4"]},
                             {"id": "c"}, {"id": "d"}],
            "requests": [{"a": "a", "b": "b"}, {"a": "b", "b": "c"}, {"a": "b", "b": "d"}]}
    pb = compile_problem(parse_instance(data))
    assert gap_floors(pb, pb.open_requests(), time.monotonic() + 5) == {1: 2}


def test_reaching_the_floor_is_reported_optimal_without_a_search(monkeypatch):
    """Same event: any schedule gives b its two holes and nobody else one, so the result is
    proven, weight and gaps, without building the SAT model of the whole event."""
    data = {"slots": [{"id": f"s{i}"} for i in range(5)], "tables": ["T0", "T1"],
            "participants": [{"id": "a"}, {"id": "b", "available": ["s0", "s2", "s4"]},
                             {"id": "c"}, {"id": "d"}],
            "requests": [{"a": "a", "b": "b"}, {"a": "b", "b": "c"}, {"a": "b", "b": "d"}]}

    def no_search(*_):
        raise AssertionError("the floor already proves this schedule optimal")

    monkeypatch.setattr(satgaps, "_Encoding", no_search)
    # the third objective (meetings early) builds a model of its own, after the proof
    monkeypatch.setattr(importlib.import_module("matchmaker.engine.scheduling.solve"),
                        "earlier", lambda *_: None)
    result = solve(parse_instance(data), time_limit=60)
    assert result.optimal and result.gaps_optimal and result.idle_gaps == 2


def test_polish_swaps_two_meetings_when_no_single_move_helps():
    """One table; p meets q in s0 and r in s1, q meets x in s2: q has a hole. Every slot but
    s3 is full and no move to s3 helps; swapping p's two meetings closes q's hole."""
    data = {"slots": [{"id": f"s{i}"} for i in range(4)], "tables": ["T0"],
            "participants": [{"id": i} for i in ("p", "q", "r", "x")],
            "requests": [{"a": "p", "b": "q"}, {"a": "p", "b": "r"}, {"a": "q", "b": "x"}]}
    pb = compile_problem(parse_instance(data))
    st = load(State(pb), {0: 0, 1: 1, 2: 2})
    assert count_gaps(pb, {0: 0, 1: 1, 2: 2}) == 1
    polish_gaps(st, time.monotonic() + 5)
    assert st.slot_of == [1, 0, 2]
    assert count_gaps(pb, dict(enumerate(st.slot_of))) == 0
