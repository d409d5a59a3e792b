"""Primal heuristics on the compiled problem: LP-guided greedy, then ejection-chain repair.

The state keeps, per participant, the bitmask of busy slots and, per slot, the meetings in it,
so "can request r go to slot s" is a few integer operations. Every move keeps the hard rules;
the repair only accepts changes that raise the held weight.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable

from matchmaker.engine.scheduling.gaps import holes_in_mask
from matchmaker.engine.scheduling.model import Problem


class State:
    """A partial schedule: which free request sits in which slot (-1: not held), and which
    interpreter serves it (-1: none). Per slot the interpreters form a matching; placing a
    request that needs one may reassign others in that slot along an augmenting path."""

    def __init__(self, pb: Problem):
        self.pb = pb
        self.busy = list(pb.busy)
        self.count = [0] * pb.n_people
        self.load = [0] * pb.n_slots  # common tables in use
        self.full = sum(1 << s for s, c in enumerate(pb.capacity) if c <= 0)
        self.slot_of = [-1] * len(pb.ra)
        self.members: list[set[int]] = [set() for _ in range(pb.n_slots)]
        self.at: dict[tuple[int, int], int] = {}  # (participant, slot) -> request
        self.interp_of = [-1] * len(pb.ra)
        self.serving: list[dict[int, int]] = [{} for _ in range(pb.n_slots)]  # interp -> request
        self.ibusy = list(pb.interp_busy)
        self.no_path: list[set[tuple[int, ...]]] = [set() for _ in range(pb.n_slots)]
        self.weight = 0.0
        self.log: list[tuple[int, int]] = []  # (request, slot it had before the change)

    def can_take(self, r: int) -> bool:
        pb = self.pb
        return self.count[pb.ra[r]] < pb.cap[pb.ra[r]] and self.count[pb.rb[r]] < pb.cap[pb.rb[r]]

    def free_slots(self, r: int) -> int:
        pb = self.pb
        free = pb.allowed[r] & ~self.busy[pb.ra[r]] & ~self.busy[pb.rb[r]]
        if pb.uses_table[r]:
            free &= ~self.full
        if pb.eligible[r] and free:
            free = self._interpretable(r, free)
        return free

    def _interpretable(self, r: int, slots: int) -> int:
        """Those of ``slots`` where r can get an interpreter (free, or by reassigning)."""
        direct = 0
        for i in self.pb.eligible[r]:
            direct |= self.pb.interp_avail[i] & ~self.ibusy[i]
        out = slots & direct
        for s in bits(slots & ~direct):
            if self.pb.eligible[r] in self.no_path[s]:
                continue
            if self._path(r, s) is not None:
                out |= 1 << s
            else:  # stays so until a meeting leaves slot s
                self.no_path[s].add(self.pb.eligible[r])
        return out

    def _path(self, r: int, s: int) -> list[tuple[int, int]] | None:
        """An augmenting path in slot s: (request, interpreter) pairs, the last one free."""
        pb, seen = self.pb, set()

        def go(q: int) -> list[tuple[int, int]] | None:
            for i in pb.eligible[q]:
                if i in seen or not pb.interp_avail[i] >> s & 1:
                    continue
                seen.add(i)
                holder = self.serving[s].get(i)
                if holder is None:
                    return [(q, i)]
                rest = go(holder)
                if rest is not None:
                    return [(q, i), *rest]
            return None

        return go(r)

    def _seat_interpreter(self, r: int, s: int, prefer: int) -> None:
        pb = self.pb
        free = [i for i in pb.eligible[r]
                if (pb.interp_avail[i] & ~self.ibusy[i]) >> s & 1]
        if prefer in free:
            path = [(r, prefer)]
        elif free:  # next to its other meetings first: fewer idle gaps
            near = 1 << s + 1 | 1 << s >> 1
            path = [(r, max(free, key=lambda i: (self.ibusy[i] & near).bit_count()))]
        else:
            path = self._path(r, s)
            if path is None:
                raise ValueError("no interpreter")
        for q, i in path:
            self.serving[s][i] = q
            self.interp_of[q] = i
        self.ibusy[path[-1][1]] |= 1 << s

    def place(self, r: int, s: int, interpreter: int = -1) -> None:
        pb = self.pb
        a, b = pb.ra[r], pb.rb[r]
        if pb.eligible[r]:
            self._seat_interpreter(r, s, interpreter)
        self.log.append((r, -1))
        self.slot_of[r] = s
        self.busy[a] |= 1 << s
        self.busy[b] |= 1 << s
        self.count[a] += 1
        self.count[b] += 1
        self.at[a, s] = self.at[b, s] = r
        self.members[s].add(r)
        if pb.uses_table[r]:
            self.load[s] += 1
            if self.load[s] >= pb.capacity[s]:
                self.full |= 1 << s
        self.weight += pb.weight[r]

    def remove(self, r: int) -> None:
        pb = self.pb
        s = self.slot_of[r]
        a, b = pb.ra[r], pb.rb[r]
        self.log.append((r, s))
        self.slot_of[r] = -1
        self.busy[a] &= ~(1 << s)
        self.busy[b] &= ~(1 << s)
        self.count[a] -= 1
        self.count[b] -= 1
        del self.at[a, s], self.at[b, s]
        self.members[s].discard(r)
        if pb.uses_table[r]:
            self.load[s] -= 1
            self.full &= ~(1 << s)
        i = self.interp_of[r]
        if i >= 0:
            self.no_path[s].clear()
            del self.serving[s][i]
            self.ibusy[i] &= ~(1 << s)
            self.interp_of[r] = -1
        self.weight -= pb.weight[r]

    def rollback(self, mark: int) -> None:
        """Undo every change logged after ``mark`` (interpreters may end up reassigned)."""
        while len(self.log) > mark:
            r, before = self.log.pop()
            if before == -1:
                self.remove(r)
            else:
                self.place(r, before)
            self.log.pop()

    def blockers(self, r: int, s: int) -> set[int]:
        """Meetings in slot s that share a participant with request r."""
        pb = self.pb
        out = set()
        for p in (pb.ra[r], pb.rb[r]):
            m = self.at.get((p, s))
            if m is not None:
                out.add(m)
        return out

    def interpreted(self) -> dict[int, int]:
        """Request -> interpreter of every held request that has one."""
        return {r: i for r, i in enumerate(self.interp_of) if i >= 0}

    def interpreter_holes(self) -> int:
        return sum(holes_in_mask(m) for m in self.ibusy)


def pick_slot(st: State, r: int, free: int) -> int:
    """Among free slots prefer one next to both sides' meetings, then next to one (fewer gaps),
    and within that the least loaded slot (tables left for the meetings still to come)."""
    pb = st.pb
    ba, bb = st.busy[pb.ra[r]], st.busy[pb.rb[r]]
    near_a = (ba << 1 | ba >> 1) & ~ba
    near_b = (bb << 1 | bb >> 1) & ~bb
    for choice in (free & near_a & near_b, free & (near_a | near_b), free):
        if choice:
            return min(bits(choice), key=st.load.__getitem__)
    raise ValueError("no free slot")


def kempe(st: State, r: int) -> bool:
    """Hold r by swapping two slots along an alternating chain (edge-colouring repair): with
    slot x free for a but not b, and y free for b, swap x and y on the chain from b."""
    pb = st.pb
    for first, second in ((pb.ra[r], pb.rb[r]), (pb.rb[r], pb.ra[r])):
        open_first = pb.allowed[r] & ~st.busy[first] & ~(st.full if pb.uses_table[r] else 0)
        open_second = ~st.busy[second] & pb.full_mask
        for x in bits(open_first):
            for y in bits(open_second & ~(1 << x)):
                if _swap_chain(st, second, x, y, first) and st.free_slots(r) >> x & 1:
                    st.place(r, x)
                    return True
    return False


def _swap_chain(st: State, start: int, x: int, y: int, avoid: int) -> bool:
    """Swap slots x and y on the chain of meetings from ``start`` (its meeting in x, then the
    next person's meeting in y, ...); refuse if the chain reaches ``avoid`` or breaks a rule."""
    pb = st.pb
    chain, person, slot, seen = [], start, x, set()
    while (m := st.at.get((person, slot))) is not None:
        other = y if slot == x else x
        if not pb.allowed[m] >> other & 1 or m in seen:
            return False  # a loop (a pair meeting twice, say): leave it
        seen.add(m)
        chain.append(m)
        person = pb.rb[m] if pb.ra[m] == person else pb.ra[m]
        if person == avoid:
            return False
        slot = other
    # common tables moving x -> y
    net = sum((1 if st.slot_of[m] == x else -1) for m in chain if pb.uses_table[m])
    if net > 0 and st.load[y] + net > pb.capacity[y]:
        return False
    if net < 0 and st.load[x] - net > pb.capacity[x]:
        return False
    return move_all(st, [(m, y if st.slot_of[m] == x else x) for m in chain])


def move_all(st: State, targets: list[tuple[int, int]]) -> bool:
    """Move each held meeting to its target slot at once, or change nothing if one does not
    fit there (tables, interpreters)."""
    mark = len(st.log)
    for m, _ in targets:
        st.remove(m)
    for m, s in targets:
        if not st.free_slots(m) >> s & 1:
            st.rollback(mark)
            return False
        st.place(m, s)
    return True


def greedy(st: State, order: Iterable[int]) -> None:
    """Hold each request in turn where it fits."""
    for r in order:
        if st.slot_of[r] < 0 and st.can_take(r):
            free = st.free_slots(r)
            if free:
                st.place(r, pick_slot(st, r, free))


def relocate(st: State, m: int, banned: int, depth: int) -> bool:
    """Move held meeting m to another slot outside ``banned``, moving others if depth allows."""
    s0 = st.slot_of[m]
    st.remove(m)
    free = st.free_slots(m) & ~banned & ~(1 << s0)
    if free:
        st.place(m, pick_slot(st, m, free))
        return True
    if depth > 0:
        mark = len(st.log)
        for s in bits(st.pb.allowed[m] & ~banned & ~(1 << s0) & ~_full_for(st, m)):
            if all(relocate(st, x, banned | 1 << s, depth - 1) for x in st.blockers(m, s)) \
                    and st.free_slots(m) >> s & 1:
                st.place(m, s)
                return True
            st.rollback(mark)
    st.place(m, s0)
    return False


def insert(st: State, r: int, depth: int) -> bool:
    """Hold request r, moving other meetings (never dropping any) if needed."""
    free = st.free_slots(r)
    if free:
        st.place(r, pick_slot(st, r, free))
        return True
    mark = len(st.log)
    for s in bits(st.pb.allowed[r] & ~_full_for(st, r)):
        if all(relocate(st, x, 1 << s, depth - 1) for x in st.blockers(r, s)) \
                and st.free_slots(r) >> s & 1:
            st.place(r, s)
            return True
        st.rollback(mark)
    return False


def _full_for(st: State, r: int) -> int:
    return st.full if st.pb.uses_table[r] else 0


def bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def deadline_passed(deadline: float) -> bool:
    return time.monotonic() >= deadline


def load(st: State, assignment: dict[int, int], interp: dict[int, int] | None = None) -> State:
    interp = interp or {}
    for r, s in assignment.items():
        st.place(r, s, interp.get(r, -1))
    st.log.clear()
    return st


def repair(st: State, order: list[int], favoured: set[int], deadline: float) -> None:
    """Greedy fill with the favoured requests, then try to add each missing one by chain swaps
    and short relocations, then fill with whatever still fits (the others coming in first
    would take the tables a repair needs)."""
    greedy(st, [r for r in order if r in favoured])
    for r in order:
        if r not in favoured or deadline_passed(deadline):
            continue
        if st.slot_of[r] < 0 and st.can_take(r) and not kempe(st, r):
            mark = len(st.log)
            if not insert(st, r, 2):
                st.rollback(mark)
    greedy(st, order)
    st.log.clear()


def exchange(st: State, order: list[int]) -> None:
    """Hold a missing request in place of a lighter meeting: where both its sides are free but
    the tables (or its interpreters) are taken, drop the lightest meeting that frees one."""
    pb = st.pb
    for r in order:
        if st.slot_of[r] >= 0 or not st.can_take(r):
            continue
        for s in bits(pb.allowed[r] & ~st.busy[pb.ra[r]] & ~st.busy[pb.rb[r]]):
            if _swap_in(st, r, s):
                break
    st.log.clear()


def _swap_in(st: State, r: int, s: int) -> bool:
    pb = st.pb
    w = pb.weight[r]
    candidates = [m for i in pb.eligible[r] if (m := st.serving[s].get(i)) is not None
                  and pb.weight[m] < w]
    if pb.uses_table[r] and st.full >> s & 1:
        candidates += [m for m in st.members[s] if pb.weight[m] < w and pb.uses_table[m]]
    mark = len(st.log)
    for m in sorted(candidates, key=pb.weight.__getitem__):
        st.remove(m)
        if st.free_slots(r) >> s & 1:
            st.place(r, s)
            return True
        st.rollback(mark)
    return False


def spread(st: State, by_person: dict[int, list[int]]) -> None:
    """Give a meeting to participants left with none, trading one of equal or lower weight
    whose two sides keep another meeting: the held weight never drops."""
    pb = st.pb
    for p, reqs in by_person.items():
        if st.count[p] or pb.busy[p]:
            continue
        for r in sorted(reqs, key=lambda r: -pb.weight[r]):
            if st.can_take(r) and _trade(st, r):
                break
    st.log.clear()


def _trade(st: State, r: int) -> bool:
    pb = st.pb
    for s in bits(pb.allowed[r]):
        out = st.blockers(r, s)
        users = [m for m in st.members[s] if pb.uses_table[m]]
        if not out and st.full >> s & 1 and pb.uses_table[r] and users:
            out = {min(users, key=pb.weight.__getitem__)}
        if len(out) == 1 and _spare(st, m := out.pop(), pb.weight[r]):
            st.remove(m)
            if st.free_slots(r) >> s & 1 and st.can_take(r):
                st.place(r, s)
                return True
            st.place(m, s)
    return False


def _spare(st: State, m: int, weight: float) -> bool:
    pb = st.pb
    return pb.weight[m] <= weight and st.count[pb.ra[m]] > 1 and st.count[pb.rb[m]] > 1


def polish_gaps(st: State, deadline: float) -> None:
    """Local moves that lower the idle gaps and keep every meeting: move one meeting to another
    slot, swap the slots of two meetings of one participant (its own slots stay the same, so
    only its two counterparts' gaps change), hand a meeting to another interpreter. At equal
    gaps a meeting moves to an earlier slot (people prefer their meetings early). Stops when
    none helps, or at the deadline."""
    improved = True
    while improved and not deadline_passed(deadline):
        improved = _move_pass(st, deadline)
        improved = _swap_pass(st, deadline) or improved
        improved = _interpreter_pass(st) or improved
    _reorder(st)
    st.log.clear()


def _reorder(st: State) -> None:
    """The whole schedule played backwards (every hole stays a hole), or moved up into empty
    first slots, when the rules allow it and its meetings then sit earlier."""
    pb = st.pb
    held = [r for r, s in enumerate(st.slot_of) if s >= 0]
    if not held:
        return
    last = pb.n_slots - 1
    first = min(st.slot_of[r] for r in held)
    for remap in (lambda t: last - t, lambda t: t - first):
        targets = [(r, remap(st.slot_of[r])) for r in held]
        before = (_all_holes(st), sum(st.slot_of[r] for r in held))
        if sum(t for _, t in targets) >= before[1] or any(
                not pb.allowed[r] >> t & 1 for r, t in targets):
            continue  # no earlier, or a meeting cannot go there: spare the moves
        mark = len(st.log)
        if not move_all(st, targets):
            continue
        if (_all_holes(st), sum(st.slot_of[r] for r in held)) >= before:
            st.rollback(mark)


def _all_holes(st: State) -> int:
    return sum(holes_in_mask(m) for m in st.busy) + st.interpreter_holes()


def _move_pass(st: State, deadline: float) -> bool:
    pb = st.pb
    improved = False
    for r, s in enumerate(st.slot_of):
        if s < 0 or deadline_passed(deadline):
            continue
        a, b = pb.ra[r], pb.rb[r]
        ma, mb = st.busy[a] & ~(1 << s), st.busy[b] & ~(1 << s)
        now = holes_in_mask(st.busy[a]) + holes_in_mask(st.busy[b])
        better = []
        for t in bits(pb.allowed[r] & ~ma & ~mb & ~(1 << s)):
            after = holes_in_mask(ma | 1 << t) + holes_in_mask(mb | 1 << t)
            if after < now or after == now and t < s:
                better.append((after, t))
        if better and _move_to_best(st, r, s, now, sorted(better)):
            improved = True
    return improved


def _move_to_best(st: State, r: int, s: int, now: int, better: list[tuple[int, int]]) -> bool:
    """Move r to the first of ``better`` slots where it fits and, counting the interpreters'
    holes too, the gaps drop (or stay the same, the slot being earlier)."""
    pb = st.pb
    interpreted = bool(pb.eligible[r])
    before = now + (st.interpreter_holes() if interpreted else 0)
    was = st.interp_of[r]
    st.remove(r)
    free = st.free_slots(r)
    for after, t in better:
        if not free >> t & 1:
            continue
        st.place(r, t)
        if interpreted:
            after += st.interpreter_holes()
        if after < before or after == before and t < s:
            return True
        st.remove(r)
    st.place(r, s, was)
    return False


def _swap_pass(st: State, deadline: float) -> bool:
    pb = st.pb
    improved = False
    for p in range(pb.n_people):
        if deadline_passed(deadline):
            break
        mine = [(s, st.at[p, s]) for s in bits(st.busy[p] & ~pb.busy[p])]
        for (s1, r1), (s2, r2) in itertools.combinations(mine, 2):
            if st.slot_of[r1] == s1 and st.slot_of[r2] == s2 and _swap_helps(st, p, r1, r2):
                improved = _try_swap(st, r1, r2) or improved
    return improved


def _try_swap(st: State, r1: int, r2: int) -> bool:
    """Swap the slots of r1 and r2 if both fit (tables, interpreters) and the interpreters'
    holes do not grow by more than the participants' gain (already checked to be >= 1)."""
    pb = st.pb
    interpreted = bool(pb.eligible[r1] or pb.eligible[r2])
    before = st.interpreter_holes() if interpreted else 0
    mark = len(st.log)
    if not move_all(st, [(r1, st.slot_of[r2]), (r2, st.slot_of[r1])]):
        return False
    if interpreted and st.interpreter_holes() > before:
        st.rollback(mark)
        return False
    return True


def _swap_helps(st: State, p: int, r1: int, r2: int) -> bool:
    """Would swapping the slots of p's meetings r1 and r2 keep the rules and lower the gaps?"""
    pb = st.pb
    s1, s2 = st.slot_of[r1], st.slot_of[r2]
    q1 = pb.rb[r1] if pb.ra[r1] == p else pb.ra[r1]
    q2 = pb.rb[r2] if pb.ra[r2] == p else pb.ra[r2]
    if q1 == q2 or not (pb.allowed[r1] >> s2 & pb.allowed[r2] >> s1 & 1):
        return False
    if st.busy[q1] >> s2 & 1 or st.busy[q2] >> s1 & 1:
        return False
    m1 = st.busy[q1] & ~(1 << s1) | 1 << s2
    m2 = st.busy[q2] & ~(1 << s2) | 1 << s1
    before = holes_in_mask(st.busy[q1]) + holes_in_mask(st.busy[q2])
    return holes_in_mask(m1) + holes_in_mask(m2) < before


def _interpreter_pass(st: State) -> bool:
    """Hand a meeting to another interpreter free in its slot when that lowers the two
    interpreters' holes (trading within a slot would change nobody's busy slots)."""
    pb = st.pb
    improved = False
    for s in range(pb.n_slots):
        bit = 1 << s
        for i, r in list(st.serving[s].items()):
            for j in pb.eligible[r]:
                if j == i or not (pb.interp_avail[j] & ~st.ibusy[j]) & bit:
                    continue
                mi, mj = st.ibusy[i] & ~bit, st.ibusy[j] | bit
                if holes_in_mask(mi) + holes_in_mask(mj) < holes_in_mask(st.ibusy[i]) + \
                        holes_in_mask(st.ibusy[j]):
                    del st.serving[s][i]
                    st.serving[s][j], st.interp_of[r] = r, j
                    st.ibusy[i], st.ibusy[j] = mi, mj
                    improved = True
                    break
    return improved
