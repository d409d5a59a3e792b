"""The hard rules of a schedule, stated once: which rules placing one meeting breaks.

The web layer checks a manual move with ``breaches`` (and words the codes in the reader's
language); the engine compiles the same language and place rules (``needs_interpreter``,
``can_interpret``, ``reserved_places``) into its model.

    breaches(instance, placed, "c1", "c2", "s3", "T4", interpreter="i1")
    -> (Breach("participant_busy", "c2", "c9"), Breach("interpreter_language", "i1"))

Codes (``subject`` / ``other`` / ``limit``):
  unknown_slot (slot), unknown_table (table), unknown_interpreter (interpreter),
  participant_unavailable (participant), slot_not_requested (slot),
  participant_busy (participant / the one it already meets), table_taken (table / a side of
  the meeting there), table_reserved (table / the company it is reserved for),
  place_required (company / its reserved place), cap_reached (participant, limit = cap),
  interpreter_needed (nothing), interpreter_unavailable (interpreter),
  interpreter_busy (interpreter / a side of the meeting it serves),
  interpreter_language (interpreter).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from matchmaker.engine.scheduling.types import Interpreter, ScheduleInstance


class Placed(Protocol):
    """A meeting already in the schedule (Meeting, FixedMeeting or the caller's own)."""

    a: str
    b: str
    slot: str
    table: str
    interpreter: str | None


@dataclass(frozen=True)
class Breach:
    code: str
    subject: str = ""
    other: str = ""
    limit: int | None = None


def needs_interpreter(
    languages_a: Iterable[str] | None, languages_b: Iterable[str] | None, asked: bool = False
) -> bool:
    """Asked for, or both sides state languages and share none (no list: shares any)."""
    if asked:
        return True
    if languages_a is None or languages_b is None:
        return False
    return not set(languages_a) & set(languages_b)


def can_interpret(
    interpreter: Interpreter,
    languages_a: Iterable[str] | None,
    languages_b: Iterable[str] | None,
) -> bool:
    """Speaks a language of each side (a side without a list accepts any interpreter)."""
    speaks = set(interpreter.languages)
    return all(langs is None or speaks & set(langs) for langs in (languages_a, languages_b))


def reserved_places(instance: ScheduleInstance) -> dict[str, str]:
    """Participant id -> the table reserved for it."""
    return {place.participant: place.table for place in instance.reserved}


def breaches(
    instance: ScheduleInstance,
    placed: Iterable[Placed],
    a: str,
    b: str,
    slot: str,
    table: str,
    interpreter: str | None = None,
    *,
    interpreter_asked: bool = False,
    request_slots: Iterable[str] | None = None,
) -> tuple[Breach, ...]:
    """Every hard rule that placing the meeting a-b at (slot, table, interpreter) breaks,
    given the meetings ``placed`` (leave out the one being moved); empty: it may go there."""
    people = {p.id: p for p in instance.participants}
    interpreters = {i.id: i for i in instance.interpreters}
    unknown = _unknown(instance, slot, table, interpreter, interpreters)
    if unknown:
        return unknown
    placed = list(placed)
    out: list[Breach] = []
    for p in (a, b):
        if people[p].available is not None and slot not in people[p].available:
            out.append(Breach("participant_unavailable", p))
    if request_slots is not None and slot not in set(request_slots):
        out.append(Breach("slot_not_requested", slot))
    out += _collisions(placed, a, b, slot, table, interpreter)
    out += _place_rules(instance, a, b, table)
    for p in (a, b):
        cap = people[p].max_meetings
        if cap is not None and sum(p in (m.a, m.b) for m in placed) >= cap:
            out.append(Breach("cap_reached", p, limit=cap))
    langs = people[a].languages, people[b].languages
    if interpreter is None:
        if needs_interpreter(*langs, interpreter_asked):
            out.append(Breach("interpreter_needed"))
        return tuple(out)
    chosen = interpreters[interpreter]
    if chosen.available is not None and slot not in chosen.available:
        out.append(Breach("interpreter_unavailable", interpreter))
    if not can_interpret(chosen, *langs):
        out.append(Breach("interpreter_language", interpreter))
    return tuple(out)


def _unknown(
    instance: ScheduleInstance, slot: str, table: str, interpreter: str | None,
    interpreters: dict[str, Interpreter],
) -> tuple[Breach, ...]:
    out = []
    if slot not in {s.id for s in instance.slots}:
        out.append(Breach("unknown_slot", slot))
    if table not in instance.tables:
        out.append(Breach("unknown_table", table))
    if interpreter is not None and interpreter not in interpreters:
        out.append(Breach("unknown_interpreter", interpreter))
    return tuple(out)


def _collisions(
    placed: list[Placed], a: str, b: str, slot: str, table: str, interpreter: str | None
) -> list[Breach]:
    out = []
    for m in placed:
        if m.slot != slot:
            continue
        for p in (a, b):
            if p in (m.a, m.b):
                out.append(Breach("participant_busy", p, m.b if m.a == p else m.a))
        if m.table == table:
            out.append(Breach("table_taken", table, m.a))
        if interpreter is not None and getattr(m, "interpreter", None) == interpreter:
            out.append(Breach("interpreter_busy", interpreter, m.a))
    return out


def _place_rules(instance: ScheduleInstance, a: str, b: str, table: str) -> list[Breach]:
    """A reserved place only for its company; a company with one meets only at a side's place
    (both have one: either will do)."""
    places = reserved_places(instance)
    owner = {t: p for p, t in places.items()}
    out = []
    if table in owner and owner[table] not in (a, b):
        out.append(Breach("table_reserved", table, owner[table]))
    ours = {places[p] for p in (a, b) if p in places}
    if ours and table not in ours:
        for p in (a, b):
            if p in places:
                out.append(Breach("place_required", p, places[p]))
    return out
