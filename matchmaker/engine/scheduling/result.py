"""Turn a solver assignment into the result: tables, interpreters, fixed meetings, reasons for
the rest."""

from __future__ import annotations

from matchmaker.engine.scheduling.gaps import holes_in_mask, idle_gaps
from matchmaker.engine.scheduling.model import Problem
from matchmaker.engine.scheduling.rules import reserved_places
from matchmaker.engine.scheduling.types import (
    Meeting,
    ScheduleInstance,
    ScheduleResult,
    Unscheduled,
)


def build_result(
    inst: ScheduleInstance,
    pb: Problem,
    assignment: dict[int, int],
    interp: dict[int, int],
    upper: float,
    gaps_optimal: bool,
) -> ScheduleResult:
    """``assignment``: free request -> slot; ``interp``: free request -> interpreter."""
    table_pos = {t: i for i, t in enumerate(inst.tables)}
    placed = _fixed_meetings(inst, pb) + _placed(inst, pb, assignment, interp)
    held = [m for _, m in sorted(placed, key=lambda x: (x[0], table_pos[x[1].table]))]
    objective = sum(inst.requests[m.request].weight for m in held if m.request is not None)
    upper = max(upper + _fixed_weight(inst, pb), objective)
    slot_ids = [s.id for s in inst.slots]
    interpreter_gaps = _interpreter_gaps(slot_ids, held)
    return ScheduleResult(
        meetings=tuple(held),
        unscheduled=tuple(_unscheduled(inst, pb, assignment)),
        objective=objective,
        upper_bound=upper,
        idle_gaps=idle_gaps(slot_ids, held) + interpreter_gaps,
        optimal=objective >= upper - 1e-9 * max(1.0, upper),
        gaps_optimal=gaps_optimal,
        interpreter_gaps=interpreter_gaps,
        mean_slot=_mean_slot(slot_ids, held),
    )


def _interpreter_gaps(slot_ids: list[str], held: list[Meeting]) -> int:
    position = {s: i for i, s in enumerate(slot_ids)}
    masks: dict[str, int] = {}
    for m in held:
        if m.interpreter is not None:
            masks[m.interpreter] = masks.get(m.interpreter, 0) | 1 << position[m.slot]
    return sum(holes_in_mask(mask) for mask in masks.values())


def _mean_slot(slot_ids: list[str], held: list[Meeting]) -> float:
    """Mean position of the meetings' slots, 0 = first: lower is earlier."""
    position = {s: i for i, s in enumerate(slot_ids)}
    return sum(position[m.slot] for m in held) / len(held) if held else 0.0


def _fixed_weight(inst: ScheduleInstance, pb: Problem) -> float:
    return sum(inst.requests[r].weight for r in pb.fixed_requests if r is not None)


def _fixed_meetings(inst: ScheduleInstance, pb: Problem) -> list[tuple[int, Meeting]]:
    return [
        (s, Meeting(f.a, f.b, f.slot, f.table, request=r, fixed=True, interpreter=f.interpreter))
        for f, r, s in zip(inst.fixed, pb.fixed_requests, pb.fixed_slots, strict=True)
    ]


def _placed(
    inst: ScheduleInstance, pb: Problem, assignment: dict[int, int], interp: dict[int, int]
) -> list[tuple[int, Meeting]]:
    """Meetings of a company with a reserved place go there (the first side's, if both have
    one); the others get the common tables the fixed meetings left, in the listed order."""
    places = reserved_places(inst)
    taken = {(f.slot, f.table) for f in inst.fixed}
    common = [t for t in inst.tables if t not in set(places.values())]
    by_slot: dict[int, list[int]] = {}
    for r, t in sorted(assignment.items()):
        by_slot.setdefault(t, []).append(r)
    out = []
    for s, requests in sorted(by_slot.items()):
        slot = inst.slots[s].id
        tables = iter(t for t in common if (slot, t) not in taken)
        for r in requests:
            i = pb.requests[r]
            req = inst.requests[i]
            table = places.get(req.a) or places.get(req.b) or next(tables)
            who = inst.interpreters[interp[r]].id if r in interp else None
            out.append((s, Meeting(req.a, req.b, slot, table, request=i, interpreter=who)))
    return out


def _unscheduled(
    inst: ScheduleInstance, pb: Problem, assignment: dict[int, int]
) -> list[Unscheduled]:
    count = [0] * pb.n_people
    busy = list(pb.busy)
    load = [0] * pb.n_slots
    for r, s in assignment.items():
        count[pb.ra[r]] += 1
        count[pb.rb[r]] += 1
        busy[pb.ra[r]] |= 1 << s
        busy[pb.rb[r]] |= 1 << s
        load[s] += pb.uses_table[r]
    full = sum(1 << s for s in range(pb.n_slots) if load[s] >= pb.capacity[s])
    return [_why_not(inst, pb, r, count, busy, full) for r in range(len(pb.requests))
            if r not in assignment]


def _why_not(
    inst: ScheduleInstance, pb: Problem, r: int, count: list[int], busy: list[int], full: int
) -> Unscheduled:
    """Why request r is not held, in the organizer's words."""
    a, b = pb.ra[r], pb.rb[r]
    index = pb.requests[r]
    req = inst.requests[index]
    a_id, b_id = req.a, req.b
    want = pb.full_mask if req.slots is None else sum(
        1 << i for i, s in enumerate(inst.slots) if s.id in req.slots
    )
    if not want & pb.avail[a] & pb.avail[b]:
        if req.slots is None:
            return Unscheduled(a_id, b_id, "no common free slot", index, "no_common_slot")
        return Unscheduled(a_id, b_id, "no common free slot among the requested slots", index,
                           "no_requested_slot")
    if r in pb.unserved:
        return Unscheduled(a_id, b_id, "no interpreter who speaks a language of each side works "
                           "in a slot both could use", index, "no_interpreter")
    if not pb.allowed[r]:
        return Unscheduled(a_id, b_id, "no common free slot: fixed meetings take the slots both "
                           "could use", index, "fixed_block")
    for p in (a, b):
        person = inst.participants[p]
        if person.max_meetings is not None and count[p] >= pb.cap[p]:
            return Unscheduled(a_id, b_id, f"cap of {person.max_meetings} meetings reached for "
                               f"{person.id}", index, "cap", person.id, person.max_meetings)
    # slots where the two sides and a table are free: only an interpreter is missing there
    idle = want & pb.avail[a] & pb.avail[b] & ~busy[a] & ~busy[b] & ~(
        full if pb.uses_table[r] else 0)
    if pb.eligible[r] and idle:
        return Unscheduled(a_id, b_id, "no interpreter left: in the slots where both are still "
                           "free, no interpreter who could serve them is", index,
                           "no_interpreter")
    return Unscheduled(a_id, b_id, "no common free slot left: in every slot both could use, one "
                       "of them or every table is already taken", index, "taken")
