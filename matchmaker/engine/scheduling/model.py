"""The instance compiled to integers and slot bitmasks (bit i = i-th slot in time order).

Fixed meetings are taken out first: each one holds the request of its pair (if any), occupies
its participants, its table, its interpreter and a unit of both caps. What remains is the
problem the solvers see: free requests with the mask of slots still open to them.

Reserved places: a company with one meets only there, and nobody else does; it is in one
meeting per slot, so its place is free whenever it is: its meetings need no common table
(``uses_table`` false) and the common tables are the others. Interpreters: a request that
needs one lists the interpreters who can serve it (``eligible``); per slot the meetings that
need one must be matched to distinct eligible interpreters working then.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.engine.scheduling.rules import can_interpret, needs_interpreter, reserved_places
from matchmaker.engine.scheduling.types import ScheduleInstance

NO_CAP = 1 << 30


@dataclass(frozen=True)
class Problem:
    n_slots: int
    n_people: int
    capacity: tuple[int, ...]  # common tables left per slot after the fixed meetings
    cap: tuple[int, ...]  # meetings left per participant after the fixed meetings
    busy: tuple[int, ...]  # slots each participant spends in fixed meetings
    avail: tuple[int, ...]  # slots each participant is available
    requests: tuple[int, ...]  # instance index of each free request
    ra: tuple[int, ...]
    rb: tuple[int, ...]
    weight: tuple[float, ...]
    allowed: tuple[int, ...]  # slots open to each free request (both free, a table left)
    fixed_requests: tuple[int | None, ...]  # request held by each fixed meeting
    fixed_slots: tuple[int, ...]
    uses_table: tuple[bool, ...] = ()  # free request needs a common table (no reserved place)
    eligible: tuple[tuple[int, ...], ...] = ()  # interpreters able to serve it (): needs none
    interp_avail: tuple[int, ...] = ()  # slots each interpreter works, not in fixed meetings
    interp_busy: tuple[int, ...] = ()  # slots each interpreter spends in fixed meetings
    unserved: frozenset[int] = frozenset()  # free requests needing an interpreter none can give

    @property
    def n_interp(self) -> int:
        return len(self.interp_avail)

    @property
    def full_mask(self) -> int:
        return (1 << self.n_slots) - 1

    def open_requests(self) -> list[int]:
        """Free requests that could be held at all (a slot open and both caps not used up)."""
        return [
            r for r in range(len(self.ra))
            if self.allowed[r] and self.cap[self.ra[r]] > 0 and self.cap[self.rb[r]] > 0
        ]


def compile_problem(inst: ScheduleInstance) -> Problem:
    slot_pos = {s.id: i for i, s in enumerate(inst.slots)}
    person = {p.id: i for i, p in enumerate(inst.participants)}
    interp = {x.id: i for i, x in enumerate(inst.interpreters)}
    every = (1 << len(inst.slots)) - 1
    avail = [every if p.available is None else _mask(p.available, slot_pos)
             for p in inst.participants]
    cap = [NO_CAP if p.max_meetings is None else p.max_meetings for p in inst.participants]
    busy = [0] * len(person)
    places = reserved_places(inst)
    common = len(inst.tables) - len(places)
    capacity = [common] * len(inst.slots)
    interp_busy = [0] * len(interp)
    held = _match_fixed(inst)
    for f in inst.fixed:
        s = slot_pos[f.slot]
        if f.table not in places.values():
            capacity[s] -= 1
        if f.interpreter is not None:
            interp_busy[interp[f.interpreter]] |= 1 << s
        for p in (person[f.a], person[f.b]):
            busy[p] |= 1 << s
            cap[p] = max(0, cap[p] - 1)
    interp_avail = [
        (every if x.available is None else _mask(x.available, slot_pos)) & ~interp_busy[i]
        for i, x in enumerate(inst.interpreters)
    ]
    full = sum(1 << s for s, c in enumerate(capacity) if c <= 0)
    taken = {r for r in held if r is not None}
    free = [i for i in range(len(inst.requests)) if i not in taken]
    ra, rb, weight, allowed, uses_table, eligible, unserved = [], [], [], [], [], [], set()
    serving = _Eligible(inst)
    for i in free:
        r = inst.requests[i]
        a, b = person[r.a], person[r.b]
        want = every if r.slots is None else _mask(r.slots, slot_pos)
        ra.append(a)
        rb.append(b)
        weight.append(r.weight)
        table = r.a not in places and r.b not in places
        uses_table.append(table)
        ok = want & avail[a] & avail[b] & ~busy[a] & ~busy[b] & ~(full if table else 0)
        serve = serving(r.a, r.b, r.interpreter)
        if serve is not None:
            served = 0
            for x in serve:
                served |= interp_avail[x]
            if ok and not ok & served:
                unserved.add(len(allowed))
            ok &= served
            serve = tuple(x for x in serve if interp_avail[x] & ok)
        eligible.append(serve or ())
        allowed.append(ok)
    return Problem(
        n_slots=len(inst.slots), n_people=len(person), capacity=tuple(capacity), cap=tuple(cap),
        busy=tuple(busy), avail=tuple(avail), requests=tuple(free), ra=tuple(ra), rb=tuple(rb),
        weight=tuple(weight), allowed=tuple(allowed), fixed_requests=tuple(held),
        fixed_slots=tuple(slot_pos[f.slot] for f in inst.fixed), uses_table=tuple(uses_table),
        eligible=tuple(eligible), interp_avail=tuple(interp_avail),
        interp_busy=tuple(interp_busy), unserved=frozenset(unserved),
    )


class _Eligible:
    """Interpreters who can serve a meeting of a and b (None: it needs none), computed once
    per pair of language lists."""

    def __init__(self, inst: ScheduleInstance):
        self.inst = inst
        self.langs = {p.id: p.languages for p in inst.participants}
        self.seen: dict[tuple, list[int] | None] = {}

    def __call__(self, a: str, b: str, asked: bool) -> list[int] | None:
        la, lb = self.langs[a], self.langs[b]
        key = (la, lb, asked)
        if key not in self.seen:
            needed = needs_interpreter(la, lb, asked)
            self.seen[key] = [i for i, x in enumerate(self.inst.interpreters)
                              if can_interpret(x, la, lb)] if needed else None
        return self.seen[key]


def _mask(ids: tuple[str, ...], slot_pos: dict[str, int]) -> int:
    return sum(1 << slot_pos[s] for s in set(ids))


def _match_fixed(inst: ScheduleInstance) -> list[int | None]:
    """Pair each fixed meeting with a request of the same pair, preferring one allowing its slot."""
    by_pair: dict[frozenset[str], list[int]] = {}
    for i, r in enumerate(inst.requests):
        by_pair.setdefault(frozenset((r.a, r.b)), []).append(i)
    held: list[int | None] = []
    for f in inst.fixed:
        options = by_pair.get(frozenset((f.a, f.b)), [])
        fits = [i for i in options if inst.requests[i].slots is None
                or f.slot in inst.requests[i].slots]
        pick = (fits or options or [None])[0]
        if pick is not None:
            options.remove(pick)
        held.append(pick)
    return held
