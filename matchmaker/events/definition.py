"""Pure helpers for an event's definition: slots cut from meeting windows, table lists.

No Flask and no database here: times in, times out, so the rules are easy to test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

_TIME = r"([01]?\d|2[0-3]):([0-5]\d)"
_BREAK = re.compile(rf"^{_TIME}(?:\s*[-–]\s*{_TIME})?$")
_RANGE = re.compile(r"^(?P<prefix>\D*?)(?P<first>\d+)\s*[-–]\s*(?P=prefix)(?P<last>\d+)$")
MAX_TABLES = 500


class DefinitionError(ValueError):
    """The definition cannot be used; the message says why, in English (views translate)."""


@dataclass(frozen=True)
class Window:
    day: date
    start: time
    end: time
    slot_minutes: int
    breaks: tuple[tuple[time, time], ...] = field(default=())


def parse_breaks(text: str, slot_minutes: int) -> tuple[tuple[time, time], ...]:
    """"19:40-20:00, 20:40" → ((19:40, 20:00), (20:40, 21:00)); a bare time lasts one slot."""
    breaks = []
    for part in filter(None, (p.strip() for p in re.split(r"[,;\n]", text or ""))):
        match = _BREAK.match(part)
        if not match:
            raise DefinitionError(part)
        start = time(int(match[1]), int(match[2]))
        if match[3]:
            end = time(int(match[3]), int(match[4]))
        else:
            end = (datetime.combine(date.min, start) + timedelta(minutes=slot_minutes)).time()
        if end <= start:
            raise DefinitionError(part)
        breaks.append((start, end))
    return tuple(sorted(breaks))


def format_breaks(breaks) -> str:
    return ", ".join(f"{start}-{end}" for start, end in breaks)


def generate_slots(window: Window) -> list[tuple[datetime, datetime]]:
    """Consecutive slots from the window's start; a slot touching a break starts after it."""
    step = timedelta(minutes=window.slot_minutes)
    current = datetime.combine(window.day, window.start)
    stop = datetime.combine(window.day, window.end)
    pauses = [(datetime.combine(window.day, a), datetime.combine(window.day, b))
              for a, b in window.breaks]
    slots = []
    while current + step <= stop:
        clash = next((b for a, b in pauses if current < b and a < current + step), None)
        if clash is not None:
            current = clash
            continue
        slots.append((current, current + step))
        current += step
    return slots


def all_slots(windows: list[Window]) -> list[tuple[datetime, datetime]]:
    """The slots of every window in time order; overlapping windows are an error."""
    slots = sorted(slot for window in windows for slot in generate_slots(window))
    for (_, end), (start, _) in zip(slots, slots[1:], strict=False):
        if start < end:
            raise DefinitionError("overlap")
    return slots


def parse_tables(text: str) -> list[tuple[str, str]]:
    """One table per line, "name" or "name | note"; "T1-T30" stands for T1, T2, …, T30."""
    tables: list[tuple[str, str]] = []
    for line in filter(None, (raw.strip() for raw in (text or "").splitlines())):
        name, _, note = (part.strip() for part in line.partition("|"))
        match = _RANGE.match(name)
        if match and not note:
            first, last = int(match["first"]), int(match["last"])
            if last < first or last - first >= MAX_TABLES:
                raise DefinitionError(line)
            tables += [(f"{match['prefix']}{n}", "") for n in range(first, last + 1)]
        else:
            tables.append((name[:60], note[:160]))
    names = [name for name, _ in tables]
    if len(set(names)) != len(names) or len(names) > MAX_TABLES:
        raise DefinitionError("duplicate")
    return tables


def format_tables(tables: list[tuple[str, str]]) -> str:
    """The inverse of parse_tables, folding runs like T1, T2, …, T30 back into "T1-T30"."""
    lines: list[str] = []
    run: list[tuple[str, int]] = []

    def flush():
        if len(run) > 2:
            lines.append(f"{run[0][0]}{run[0][1]}-{run[-1][0]}{run[-1][1]}")
        else:
            lines.extend(f"{prefix}{n}" for prefix, n in run)
        run.clear()

    for name, note in tables:
        match = re.fullmatch(r"(\D*?)(\d+)", name)
        if match and not note:
            prefix, number = match[1], int(match[2])
            if run and (run[-1][0] != prefix or run[-1][1] + 1 != number):
                flush()
            run.append((prefix, number))
            continue
        flush()
        lines.append(f"{name} | {note}" if note else name)
    flush()
    return "\n".join(lines)
