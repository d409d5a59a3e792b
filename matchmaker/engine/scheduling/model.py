"""The instance compiled to integers and slot bitmasks (bit i = i-th slot in time order).

Fixed meetings are taken out first: each one holds the request of its pair (if any), occupies
its participants, its table and a unit of both caps. What remains is the problem the solvers
see: free requests with the mask of slots still open to them.
"""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.engine.scheduling.types import ScheduleInstance

NO_CAP = 1 << 30


@dataclass(frozen=True)
class Problem:
    n_slots: int
    n_people: int
    capacity: tuple[int, ...]  # tables left per slot after the fixed meetings
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
    every = (1 << len(inst.slots)) - 1
    avail = [every if p.available is None else _mask(p.available, slot_pos)
             for p in inst.participants]
    cap = [NO_CAP if p.max_meetings is None else p.max_meetings for p in inst.participants]
    busy = [0] * len(person)
    capacity = [len(inst.tables)] * len(inst.slots)
    held = _match_fixed(inst)
    for f in inst.fixed:
        s = slot_pos[f.slot]
        capacity[s] -= 1
        for p in (person[f.a], person[f.b]):
            busy[p] |= 1 << s
            cap[p] = max(0, cap[p] - 1)
    full = sum(1 << s for s, c in enumerate(capacity) if c <= 0)
    taken = {r for r in held if r is not None}
    free = [i for i in range(len(inst.requests)) if i not in taken]
    ra, rb, weight, allowed = [], [], [], []
    for i in free:
        r = inst.requests[i]
        a, b = person[r.a], person[r.b]
        want = every if r.slots is None else _mask(r.slots, slot_pos)
        ra.append(a)
        rb.append(b)
        weight.append(r.weight)
        allowed.append(want & avail[a] & avail[b] & ~busy[a] & ~busy[b] & ~full)
    return Problem(
        n_slots=len(inst.slots), n_people=len(person), capacity=tuple(capacity), cap=tuple(cap),
        busy=tuple(busy), avail=tuple(avail), requests=tuple(free), ra=tuple(ra), rb=tuple(rb),
        weight=tuple(weight), allowed=tuple(allowed), fixed_requests=tuple(held),
        fixed_slots=tuple(slot_pos[f.slot] for f in inst.fixed),
    )


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
