"""Idle gaps (Definition 2.3 of Bofill et al., JAIR 2022): between two consecutive meetings of
one participant, a run of one or more free slots is one hole; free slots before the first or
after the last meeting are not holes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Protocol


class _Placed(Protocol):
    a: str
    b: str
    slot: str


def holes_in_mask(mask: int) -> int:
    """Holes of one participant whose busy slots are the set bits of ``mask`` (bit i = slot i)."""
    runs = (mask & ~(mask << 1)).bit_count()
    return max(0, runs - 1)


def gaps_per_participant(slot_order: Sequence[str], meetings: Iterable[_Placed]) -> dict[str, int]:
    """Holes of every participant that has a meeting, slots taken in ``slot_order``."""
    position = {s: i for i, s in enumerate(slot_order)}
    masks: dict[str, int] = defaultdict(int)
    for m in meetings:
        bit = 1 << position[m.slot]
        masks[m.a] |= bit
        masks[m.b] |= bit
    return {p: holes_in_mask(mask) for p, mask in masks.items()}


def idle_gaps(slot_order: Sequence[str], meetings: Iterable[_Placed]) -> int:
    """Total holes over all participants: the secondary objective (fewer is better)."""
    return sum(gaps_per_participant(slot_order, meetings).values())
