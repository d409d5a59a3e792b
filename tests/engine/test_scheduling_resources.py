"""Interpreters and reserved places: the hard rules hold on random small events (checked here
from issue 12's wording, not with the engine's rules.py), the weight is the brute-force
optimum, the bound is valid, and a gap optimum claimed is one."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.engine.errors import InputError
from matchmaker.engine.scheduling import parse_instance, result_to_dict, solve

LANGUAGES = ["de", "fr", "en"]


@st.composite
def resource_events(draw, slot_range=(2, 4), cap_share=4):
    n_slots = draw(st.integers(*slot_range))
    slots = [f"s{i}" for i in range(n_slots)]
    n_people = draw(st.integers(3, 5))
    people = []
    for i in range(n_people):
        p = {"id": f"p{i}"}
        if draw(st.integers(0, 3)):
            p["languages"] = draw(st.lists(st.sampled_from(LANGUAGES), min_size=1, max_size=2,
                                           unique=True))
        if draw(st.integers(0, 3)) == 0:
            p["available"] = draw(st.lists(st.sampled_from(slots), unique=True))
        if draw(st.integers(1, cap_share)) == 1:
            p["max_meetings"] = draw(st.integers(0, 2))
        people.append(p)
    tables = [f"T{i}" for i in range(draw(st.integers(1, 2)))]
    owners = draw(st.lists(st.sampled_from([p["id"] for p in people]), unique=True, max_size=2))
    tables += [{"id": f"B{k}", "reserved_for": owner} for k, owner in enumerate(owners)]
    interpreters = []
    for k in range(draw(st.integers(1, 2))):
        x = {"id": f"i{k}",
             "languages": draw(st.lists(st.sampled_from(LANGUAGES), min_size=2, unique=True))}
        if draw(st.booleans()):
            x["available"] = draw(st.lists(st.sampled_from(slots), unique=True))
        interpreters.append(x)
    pairs = list(itertools.combinations(range(n_people), 2))
    requests = []
    for a, b in draw(st.lists(st.sampled_from(pairs), min_size=3, max_size=6)):
        r = {"a": f"p{a}", "b": f"p{b}", "weight": float(draw(st.integers(1, 3)))}
        if draw(st.integers(0, 3)) == 0:
            r["slots"] = draw(st.lists(st.sampled_from(slots), min_size=1, unique=True))
        if draw(st.integers(0, 3)) == 0:
            r["interpreter"] = True
        requests.append(r)
    return {"slots": [{"id": s} for s in slots], "tables": tables, "participants": people,
            "interpreters": interpreters, "requests": requests}


class Rules:
    """Issue 12's rules, read straight from the instance dict."""

    def __init__(self, data):
        self.slots = [s["id"] for s in data["slots"]]
        self.people = {p["id"]: p for p in data["participants"]}
        self.interpreters = {x["id"]: x for x in data.get("interpreters", [])}
        self.place = {t["reserved_for"]: t["id"] for t in data["tables"]
                      if isinstance(t, dict) and "reserved_for" in t}
        self.tables = [t["id"] if isinstance(t, dict) else t for t in data["tables"]]
        self.common = [t for t in self.tables if t not in self.place.values()]

    def langs(self, p):
        return self.people[p].get("languages")

    def needs(self, req):
        la, lb = self.langs(req["a"]), self.langs(req["b"])
        return req.get("interpreter", False) or (
            la is not None and lb is not None and not set(la) & set(lb))

    def speaks(self, x, a, b):
        mine = set(self.interpreters[x]["languages"])
        return all(self.langs(p) is None or mine & set(self.langs(p)) for p in (a, b))

    def works(self, x, slot):
        return slot in self.interpreters[x].get("available", self.slots)

    def free(self, p, slot):
        return slot in self.people[p].get("available", self.slots)

    def cap(self, p):
        return self.people[p].get("max_meetings", 99)

    def may_use(self, req, slot):
        return (self.free(req["a"], slot) and self.free(req["b"], slot)
                and slot in req.get("slots", self.slots))


def holes(positions):
    ordered = sorted(set(positions))
    return sum(1 for x, y in zip(ordered, ordered[1:]) if y > x + 1)


def recount_gaps(rules, meetings):
    per_person, per_interpreter = {}, {}
    for m in meetings:
        t = rules.slots.index(m["slot"])
        for p in (m["a"], m["b"]):
            per_person.setdefault(p, []).append(t)
        if m.get("interpreter"):
            per_interpreter.setdefault(m["interpreter"], []).append(t)
    return (sum(holes(v) for v in per_person.values()),
            sum(holes(v) for v in per_interpreter.values()))


def check(data, result):
    """Every hard rule of the issue on the result; returns the rules for further checks."""
    rules = Rules(data)
    out = result_to_dict(result)
    seen, used = set(), Counter()
    count = Counter()
    for m, held in zip(out["meetings"], result.meetings, strict=True):
        slot, table, x = m["slot"], m["table"], m.get("interpreter")
        assert table in rules.tables
        for key in [("table", table), ("person", m["a"]), ("person", m["b"]),
                    *([("interpreter", x)] if x else [])]:
            assert (slot, key) not in seen, f"{key} twice in {slot}"
            seen.add((slot, key))
        owner = {t: p for p, t in rules.place.items()}.get(table)
        assert owner is None or owner in (m["a"], m["b"]), "someone else's reserved place"
        ours = {rules.place[p] for p in (m["a"], m["b"]) if p in rules.place}
        assert not ours or table in ours, "a company with a place met elsewhere"
        count[m["a"]] += 1
        count[m["b"]] += 1
        req = data["requests"][held.request]
        used[held.request] += 1
        assert {req["a"], req["b"]} == {m["a"], m["b"]}
        assert rules.may_use(req, slot)
        assert bool(x) == rules.needs(req), "interpreter missing, or given when not needed"
        if x:
            assert rules.speaks(x, m["a"], m["b"]) and rules.works(x, slot)
    assert all(v == 1 for v in used.values())
    assert all(count[p] <= rules.cap(p) for p in rules.people)
    assert {u.request for u in result.unscheduled} == set(range(len(data["requests"]))) - set(
        used)
    weights = [data["requests"][r].get("weight", 1.0) for r in used]
    assert out["objective"] == pytest.approx(sum(weights))
    assert out["objective"] <= out["upper_bound"] + 1e-9
    people_gaps, interpreter_gaps = recount_gaps(rules, out["meetings"])
    assert (out["idle_gaps"], out["interpreter_gaps"]) == (
        people_gaps + interpreter_gaps, interpreter_gaps)
    if out["meetings"]:
        positions = [rules.slots.index(m["slot"]) for m in out["meetings"]]
        assert out["mean_slot"] == pytest.approx(sum(positions) / len(positions), abs=1e-4)
    return rules


def _slot_fits(rules, reqs, interpreters_needed):
    """Can these requests share one slot: common tables, and a distinct interpreter each?"""
    if sum(1 for r in reqs if r["a"] not in rules.place and r["b"] not in rules.place) \
            > len(rules.common):
        return False
    return any(len(set(pick)) == len(pick) for pick in itertools.product(*interpreters_needed))


def schedules(data, rules, requests):
    """Every placement (request -> slot) of ``requests`` keeping the rules but the caps, with
    per slot the lists of interpreters able to serve each meeting needing one."""
    options = []
    for i in requests:
        req = data["requests"][i]
        options.append([s for s in rules.slots if rules.may_use(req, s)])
    for choice in itertools.product(*options):
        by_slot = {}
        busy = set()
        ok = True
        for i, s in zip(requests, choice, strict=True):
            req = data["requests"][i]
            if {(s, req["a"]), (s, req["b"])} & busy:
                ok = False
                break
            busy |= {(s, req["a"]), (s, req["b"])}
            by_slot.setdefault(s, []).append(i)
        if ok:
            yield dict(zip(requests, choice, strict=True)), by_slot


def _capable(data, rules, i, slot):
    req = data["requests"][i]
    return [x for x in rules.interpreters
            if rules.speaks(x, req["a"], req["b"]) and rules.works(x, slot)]


def _fits(data, rules, by_slot):
    for s, reqs in by_slot.items():
        needing = [_capable(data, rules, i, s) for i in reqs if rules.needs(data["requests"][i])]
        if not _slot_fits(rules, [data["requests"][i] for i in reqs], needing):
            return False
    return True


def best_weight(data, rules):
    """Heaviest set of requests that has a schedule (subsets, heaviest first)."""
    n = len(data["requests"])
    best = 0.0
    for size in range(n, -1, -1):
        for subset in itertools.combinations(range(n), size):
            weight = sum(data["requests"][i].get("weight", 1.0) for i in subset)
            if weight <= best:
                continue
            count = Counter(p for i in subset for p in (data["requests"][i]["a"],
                                                        data["requests"][i]["b"]))
            if any(count[p] > rules.cap(p) for p in count):
                continue
            if any(_fits(data, rules, by_slot) for _, by_slot in schedules(data, rules, subset)):
                best = weight
    return best


def fewest_gaps(data, rules, held):
    """Fewest idle gaps (participants and interpreters) of any schedule of ``held``."""
    best = None
    for placement, by_slot in schedules(data, rules, held):
        if not _fits(data, rules, by_slot):
            continue
        needing = [i for i in held if rules.needs(data["requests"][i])]
        for pick in itertools.product(*[_capable(data, rules, i, placement[i]) for i in needing]):
            taken = [(placement[i], x) for i, x in zip(needing, pick, strict=True)]
            if len(set(taken)) < len(taken):
                continue
            meetings = {i: {"a": data["requests"][i]["a"], "b": data["requests"][i]["b"],
                            "slot": placement[i]} for i in held}
            for i, x in zip(needing, pick, strict=True):
                meetings[i]["interpreter"] = x
            gaps = sum(recount_gaps(rules, list(meetings.values())))
            best = gaps if best is None else min(best, gaps)
    return best


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(resource_events())
def test_rules_weight_bound_and_gaps_on_random_events(data):
    result = solve(parse_instance(data), time_limit=3.0)
    rules = check(data, result)
    optimum = best_weight(data, rules)
    assert result.objective == pytest.approx(optimum)
    assert result.upper_bound >= optimum - 1e-9
    if result.gaps_optimal:
        held = sorted(m.request for m in result.meetings)
        assert result.idle_gaps == fewest_gaps(data, rules, held)


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(resource_events(slot_range=(4, 5), cap_share=99))
def test_gap_optimum_claims_with_interpreters(data):
    """More slots than meetings per person: holes of people and interpreters are the question."""
    result = solve(parse_instance(data), time_limit=3.0)
    rules = check(data, result)
    held = sorted(m.request for m in result.meetings)
    fewest = fewest_gaps(data, rules, held)
    assert result.idle_gaps >= fewest
    assert not result.gaps_optimal or result.idle_gaps == fewest


def _event(**extra):
    data = {"slots": [{"id": "s1"}, {"id": "s2"}, {"id": "s3"}],
            "tables": ["T1", {"id": "Booth", "reserved_for": "c"}],
            "participants": [{"id": "a", "languages": ["de"]}, {"id": "b", "languages": ["fr"]},
                             {"id": "c", "languages": ["fr", "en"]}, {"id": "d"}],
            "interpreters": [{"id": "i1", "languages": ["de", "fr"], "available": ["s2"]}],
            "requests": [{"a": "a", "b": "b", "weight": 2}, {"a": "a", "b": "c"},
                         {"a": "c", "b": "d"}, {"a": "b", "b": "d"}]}
    data.update(extra)
    return data


def test_one_interpreter_serves_one_meeting_and_the_other_is_unscheduled():
    """a (de) meets b and c (fr): both need i1, who works only in s2."""
    data = _event()
    result = solve(parse_instance(data), time_limit=3)
    check(data, result)
    assert result.objective == result.upper_bound == 4.0  # a-b (2), c-d, b-d
    [missing] = result.unscheduled
    assert (missing.a, missing.b, missing.code) == ("a", "c", "no_interpreter")
    booth = [m for m in result.meetings if "c" in (m.a, m.b)]
    assert [m.table for m in booth] == ["Booth"]
    assert [m.interpreter for m in result.meetings if m.a == "a"] == ["i1"]


def test_no_interpreter_speaking_both_sides_is_the_reason():
    data = _event(interpreters=[{"id": "i1", "languages": ["de", "en"]}],
                  requests=[{"a": "a", "b": "b"}])
    [missing] = solve(parse_instance(data), time_limit=2).unscheduled
    assert missing.code == "no_interpreter"


def test_asked_interpreter_and_fixed_meeting_with_one():
    data = _event(interpreters=[{"id": "i1", "languages": ["fr"]},
                                {"id": "i2", "languages": ["en"]}],
                  requests=[{"a": "c", "b": "d", "interpreter": True},
                            {"a": "b", "b": "d", "interpreter": True}],
                  fixed=[{"a": "b", "b": "c", "slot": "s1", "table": "Booth",
                          "interpreter": "i1"}])
    result = solve(parse_instance(data), time_limit=2)
    held = {(m.a, m.b): m for m in result.meetings}
    assert held[("b", "c")].interpreter == "i1" and held[("b", "c")].fixed
    assert held[("c", "d")].table == "Booth" and held[("c", "d")].interpreter in ("i1", "i2")
    assert held[("b", "d")].interpreter == "i1"  # i2 speaks no French
    assert not result.unscheduled


def test_meetings_go_early_at_equal_weight_and_gaps():
    """One table: a-b and c-d take the first two slots, b-e joins b's block next to it."""
    data = {"slots": [{"id": f"s{i}"} for i in range(6)], "tables": ["T1"],
            "participants": [{"id": p} for p in "abcde"],
            "requests": [{"a": "a", "b": "b"}, {"a": "c", "b": "d"}, {"a": "b", "b": "e"}]}
    result = solve(parse_instance(data), time_limit=2)
    assert result.idle_gaps == 0 and result.gaps_optimal
    assert sorted(m.slot for m in result.meetings) == ["s0", "s1", "s2"]
    assert result.mean_slot == pytest.approx(1.0)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["tables"].append({"id": "B2", "reserved_for": "c"}),
     "'c' already has the reserved place 'Booth'"),
    (lambda d: d["tables"].append({"id": "B2", "reserved_for": "zz"}),
     r"tables\[2\].reserved_for: unknown participant 'zz'"),
    (lambda d: d["tables"].append("Booth"), "duplicate table id 'Booth'"),
    (lambda d: d["interpreters"].append({"id": "i1"}), "duplicate interpreter id 'i1'"),
    (lambda d: d["interpreters"].append({"id": "i2", "available": ["s9"]}), "unknown slot 's9'"),
    (lambda d: d["participants"][0].update(languages="de"), "must be a list of strings"),
    (lambda d: d["requests"][0].update(interpreter="yes"), "must be true or false"),
    (lambda d: d.update(fixed=[{"a": "a", "b": "b", "slot": "s1", "table": "T1",
                                "interpreter": "i9"}]), "unknown interpreter 'i9'"),
    (lambda d: d.update(fixed=[{"a": "a", "b": "b", "slot": "s2", "table": "T1",
                                "interpreter": "i1"},
                               {"a": "c", "b": "d", "slot": "s2", "table": "Booth",
                                "interpreter": "i1"}]), "interpreter 'i1' twice in slot 's2'"),
    (lambda d: d.update(fixed=[{"a": "a", "b": "b", "slot": "s1", "table": "Booth"}]),
     "table 'Booth' is reserved for 'c'"),
    (lambda d: d.update(fixed=[{"a": "c", "b": "d", "slot": "s1", "table": "T1"}]),
     "'c' meets only at its reserved place 'Booth'"),
])
def test_bad_resources_raise_one_line_input_error(mutate, message):
    data = _event()
    mutate(data)
    with pytest.raises(InputError, match=message) as info:
        parse_instance(data)
    assert "\n" not in str(info.value)


def test_a_late_schedule_moves_up_into_empty_first_slots():
    """Meetings packed into the last slots (as a gap search may leave them) move up together:
    the same gaps, earlier."""
    from matchmaker.engine.scheduling.heuristic import State, load, polish_gaps
    from matchmaker.engine.scheduling.model import compile_problem

    data = {"slots": [{"id": f"s{i}"} for i in range(6)], "tables": ["T1", "T2"],
            "participants": [{"id": p} for p in "abcd"],
            "requests": [{"a": "a", "b": "b"}, {"a": "c", "b": "d"}, {"a": "a", "b": "c"},
                         {"a": "b", "b": "d"}]}
    pb = compile_problem(parse_instance(data))
    st = load(State(pb), {0: 4, 1: 4, 2: 5, 3: 5})
    polish_gaps(st, deadline=float("inf"))
    assert sorted(st.slot_of) == [0, 0, 1, 1]
