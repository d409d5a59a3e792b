"""Reading and writing the schedule interchange format (DESIGN.md), with one-line errors."""

from __future__ import annotations

import math
from typing import Any

from matchmaker.engine.errors import InputError
from matchmaker.engine.scheduling.types import (
    FixedMeeting,
    Interpreter,
    Participant,
    Request,
    ReservedPlace,
    ScheduleInstance,
    ScheduleResult,
    Slot,
)


def parse_instance(data: Any) -> ScheduleInstance:
    """Validate a decoded JSON document and build the instance; raise InputError on any flaw."""
    if not isinstance(data, dict):
        raise InputError("the instance must be a JSON object")
    slots = tuple(_slot(s, f"slots[{i}]") for i, s in enumerate(_list(data, "slots")))
    slot_ids = _unique([s.id for s in slots], "slot")
    raw_tables = _list(data, "tables")
    participants = tuple(
        _participant(p, f"participants[{i}]", slot_ids)
        for i, p in enumerate(_list(data, "participants"))
    )
    people = _unique([p.id for p in participants], "participant")
    tables, reserved = _tables(raw_tables, people)
    table_ids = set(tables)
    interpreters = tuple(
        _interpreter(x, f"interpreters[{i}]", slot_ids)
        for i, x in enumerate(_list(data, "interpreters", required=False))
    )
    interpreter_ids = _unique([x.id for x in interpreters], "interpreter")
    requests = tuple(
        _request(r, f"requests[{i}]", people, slot_ids)
        for i, r in enumerate(_list(data, "requests", required=False))
    )
    fixed = tuple(
        _fixed(f, f"fixed[{i}]", people, slot_ids, table_ids, interpreter_ids)
        for i, f in enumerate(_list(data, "fixed", required=False))
    )
    _check_fixed_clashes(fixed)
    _check_fixed_places(fixed, reserved)
    return ScheduleInstance(slots, tables, participants, requests, fixed, interpreters, reserved)


def result_to_dict(result: ScheduleResult) -> dict:
    """The result format of DESIGN.md (JSON-ready)."""
    return {
        "meetings": [_meeting(m) for m in result.meetings],
        "unscheduled": [{"a": u.a, "b": u.b, "reason": u.reason} for u in result.unscheduled],
        "objective": result.objective,
        "upper_bound": result.upper_bound,
        "idle_gaps": result.idle_gaps,
        "interpreter_gaps": result.interpreter_gaps,
        "mean_slot": round(result.mean_slot, 4),
    }


def _meeting(m) -> dict:
    out = {"a": m.a, "b": m.b, "slot": m.slot, "table": m.table}
    if m.interpreter is not None:
        out["interpreter"] = m.interpreter
    return out


def _list(data: dict, key: str, required: bool = True) -> list:
    if key not in data:
        if required:
            raise InputError(f'missing "{key}" list')
        return []
    value = data[key]
    if not isinstance(value, list):
        raise InputError(f'"{key}" must be a list')
    return value


def _object(value: Any, where: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"{where} must be an object")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{where} must be a non-empty string")
    return value


def _opt_str(obj: dict, key: str, where: str) -> str | None:
    value = obj.get(key)
    return None if value is None else _str(value, f"{where}.{key}")


def _unique(ids: list[str], kind: str) -> set[str]:
    seen: set[str] = set()
    for x in ids:
        if x in seen:
            raise InputError(f"duplicate {kind} id {x!r}")
        seen.add(x)
    return seen


def _ref(value: Any, where: str, known: set[str], kind: str) -> str:
    value = _str(value, where)
    if value not in known:
        raise InputError(f"{where}: unknown {kind} {value!r}")
    return value


def _slot_list(obj: dict, key: str, where: str, slot_ids: set[str]) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise InputError(f"{where}.{key} must be a list of slot ids")
    refs = [_ref(s, f"{where}.{key}", slot_ids, "slot") for s in value]
    return tuple(dict.fromkeys(refs))


def _str_list(obj: dict, key: str, where: str) -> tuple[str, ...] | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise InputError(f"{where}.{key} must be a list of strings")
    return tuple(dict.fromkeys(_str(x, f"{where}.{key}") for x in value))


def _tables(raw: list, people: set[str]) -> tuple[tuple[str, ...], tuple[ReservedPlace, ...]]:
    """Table ids (a string, or an object with "id" and optionally "reserved_for")."""
    ids, reserved, owner = [], [], {}
    for i, value in enumerate(raw):
        where = f"tables[{i}]"
        if isinstance(value, dict):
            ids.append(_str(value.get("id"), f"{where}.id"))
            holder = value.get("reserved_for")
            if holder is None:
                continue
            holder = _ref(holder, f"{where}.reserved_for", people, "participant")
            if holder in owner:
                raise InputError(f"{where}: participant {holder!r} already has the reserved "
                                 f"place {owner[holder]!r}")
            owner[holder] = ids[-1]
            reserved.append(ReservedPlace(ids[-1], holder))
        else:
            ids.append(_str(value, where))
    _unique(ids, "table")
    return tuple(ids), tuple(reserved)


def _interpreter(value: Any, where: str, slot_ids: set[str]) -> Interpreter:
    obj = _object(value, where)
    return Interpreter(
        id=_str(obj.get("id"), f"{where}.id"),
        languages=_str_list(obj, "languages", where) or (),
        available=_slot_list(obj, "available", where, slot_ids),
    )


def _slot(value: Any, where: str) -> Slot:
    obj = _object(value, where)
    return Slot(
        id=_str(obj.get("id"), f"{where}.id"),
        start=_opt_str(obj, "start", where),
        end=_opt_str(obj, "end", where),
        session=_opt_str(obj, "session", where),
    )


def _participant(value: Any, where: str, slot_ids: set[str]) -> Participant:
    obj = _object(value, where)
    cap = obj.get("max_meetings")
    if cap is not None and (not isinstance(cap, int) or isinstance(cap, bool) or cap < 0):
        raise InputError(f"{where}.max_meetings must be a non-negative integer")
    return Participant(
        id=_str(obj.get("id"), f"{where}.id"),
        available=_slot_list(obj, "available", where, slot_ids),
        max_meetings=cap,
        languages=_str_list(obj, "languages", where),
    )


def _request(value: Any, where: str, people: set[str], slot_ids: set[str]) -> Request:
    obj = _object(value, where)
    a = _ref(obj.get("a"), f"{where}.a", people, "participant")
    b = _ref(obj.get("b"), f"{where}.b", people, "participant")
    if a == b:
        raise InputError(f"{where}: participant {a!r} cannot meet itself")
    weight = obj.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
        raise InputError(f"{where}.weight must be a number")
    if weight <= 0:
        raise InputError(f"{where}.weight must be positive")
    asked = obj.get("interpreter", False)
    if not isinstance(asked, bool):
        raise InputError(f"{where}.interpreter must be true or false")
    return Request(a, b, float(weight), _slot_list(obj, "slots", where, slot_ids), asked)


def _fixed(
    value: Any, where: str, people: set[str], slot_ids: set[str], table_ids: set[str],
    interpreter_ids: set[str],
) -> FixedMeeting:
    obj = _object(value, where)
    a = _ref(obj.get("a"), f"{where}.a", people, "participant")
    b = _ref(obj.get("b"), f"{where}.b", people, "participant")
    if a == b:
        raise InputError(f"{where}: participant {a!r} cannot meet itself")
    slot = _ref(obj.get("slot"), f"{where}.slot", slot_ids, "slot")
    table = _ref(obj.get("table"), f"{where}.table", table_ids, "table")
    interpreter = obj.get("interpreter")
    if interpreter is not None:
        interpreter = _ref(interpreter, f"{where}.interpreter", interpreter_ids, "interpreter")
    return FixedMeeting(a, b, slot, table, interpreter)


def _check_fixed_clashes(fixed: tuple[FixedMeeting, ...]) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for i, f in enumerate(fixed):
        uses = [("participant", f.a), ("participant", f.b), ("table", f.table)]
        if f.interpreter is not None:
            uses.append(("interpreter", f.interpreter))
        for kind, name in uses:
            key = (f.slot, kind, name)
            if key in seen:
                raise InputError(
                    f"fixed[{i}] clashes with fixed[{seen[key]}]: {kind} {name!r} twice in slot "
                    f"{f.slot!r}"
                )
            seen[key] = i


def _check_fixed_places(fixed: tuple[FixedMeeting, ...], reserved: tuple[ReservedPlace, ...]):
    """Locked meetings keep the place rules too: a reserved place only for its company, and
    a company with one meets there (or at the other side's place)."""
    place = {r.participant: r.table for r in reserved}
    owner = {r.table: r.participant for r in reserved}
    for i, f in enumerate(fixed):
        if f.table in owner and owner[f.table] not in (f.a, f.b):
            raise InputError(f"fixed[{i}]: table {f.table!r} is reserved for "
                             f"{owner[f.table]!r}")
        ours = {place[p] for p in (f.a, f.b) if p in place}
        if ours and f.table not in ours:
            holder = f.a if f.a in place else f.b
            raise InputError(f"fixed[{i}]: {holder!r} meets only at its reserved place "
                             f"{place[holder]!r}")
