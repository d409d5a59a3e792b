"""Turn a solver assignment into the result: tables, fixed meetings, reasons for the rest."""

from __future__ import annotations

from matchmaker.engine.scheduling.gaps import idle_gaps
from matchmaker.engine.scheduling.model import Problem
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
    upper: float,
    gaps_optimal: bool,
) -> ScheduleResult:
    table_pos = {t: i for i, t in enumerate(inst.tables)}
    placed = _fixed_meetings(inst, pb) + _placed(inst, pb, assignment)
    held = [m for _, m in sorted(placed, key=lambda x: (x[0], table_pos[x[1].table]))]
    objective = sum(inst.requests[m.request].weight for m in held if m.request is not None)
    upper = max(upper + _fixed_weight(inst, pb), objective)
    return ScheduleResult(
        meetings=tuple(held),
        unscheduled=tuple(_unscheduled(inst, pb, assignment)),
        objective=objective,
        upper_bound=upper,
        idle_gaps=idle_gaps([s.id for s in inst.slots], held),
        optimal=objective >= upper - 1e-9 * max(1.0, upper),
        gaps_optimal=gaps_optimal,
    )


def _fixed_weight(inst: ScheduleInstance, pb: Problem) -> float:
    return sum(inst.requests[r].weight for r in pb.fixed_requests if r is not None)


def _fixed_meetings(inst: ScheduleInstance, pb: Problem) -> list[tuple[int, Meeting]]:
    return [
        (s, Meeting(f.a, f.b, f.slot, f.table, request=r, fixed=True))
        for f, r, s in zip(inst.fixed, pb.fixed_requests, pb.fixed_slots, strict=True)
    ]


def _placed(
    inst: ScheduleInstance, pb: Problem, assignment: dict[int, int]
) -> list[tuple[int, Meeting]]:
    """Give each slot's meetings the tables the fixed meetings left, in the listed order."""
    taken = {(f.slot, f.table) for f in inst.fixed}
    out = []
    for s in range(pb.n_slots):
        slot = inst.slots[s].id
        tables = iter(t for t in inst.tables if (slot, t) not in taken)
        for r in sorted(r for r, t in assignment.items() if t == s):
            i = pb.requests[r]
            req = inst.requests[i]
            out.append((s, Meeting(req.a, req.b, slot, next(tables), request=i)))
    return out


def _unscheduled(
    inst: ScheduleInstance, pb: Problem, assignment: dict[int, int]
) -> list[Unscheduled]:
    count = [0] * pb.n_people
    for r in assignment:
        count[pb.ra[r]] += 1
        count[pb.rb[r]] += 1
    return [_why_not(inst, pb, r, count) for r in range(len(pb.requests)) if r not in assignment]


def _why_not(inst: ScheduleInstance, pb: Problem, r: int, count: list[int]) -> Unscheduled:
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
    if not pb.allowed[r]:
        return Unscheduled(a_id, b_id, "no common free slot: fixed meetings take the slots both "
                           "could use", index, "fixed_block")
    for p in (a, b):
        person = inst.participants[p]
        if person.max_meetings is not None and count[p] >= pb.cap[p]:
            return Unscheduled(a_id, b_id, f"cap of {person.max_meetings} meetings reached for "
                               f"{person.id}", index, "cap", person.id, person.max_meetings)
    return Unscheduled(a_id, b_id, "no common free slot left: in every slot both could use, one "
                       "of them or every table is already taken", index, "taken")
