"""Plain frozen dataclasses in and out of the scheduler: the schedule interchange format."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    """A time slot; slots are listed in time order, which is what idle gaps are counted in."""

    id: str
    start: str | None = None
    end: str | None = None
    session: str | None = None


@dataclass(frozen=True)
class Participant:
    """``available`` None means every slot; ``max_meetings`` None means no cap; ``languages``
    None means the participant shares a language with everybody."""

    id: str
    available: tuple[str, ...] | None = None
    max_meetings: int | None = None
    languages: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Interpreter:
    """Serves at most one meeting per slot, only in ``available`` slots (None: every slot),
    and only meetings where it speaks a language of each side."""

    id: str
    languages: tuple[str, ...] = ()
    available: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ReservedPlace:
    """Table ``table`` (a booth, a fixed table) is reserved for ``participant``: all of that
    participant's meetings happen there and nobody else's do."""

    table: str
    participant: str


@dataclass(frozen=True)
class Request:
    """A wanted meeting; ``slots`` None means any slot, else the meeting takes one of them."""

    a: str
    b: str
    weight: float = 1.0
    slots: tuple[str, ...] | None = None
    interpreter: bool = False  # asked for one even if the sides share a language


@dataclass(frozen=True)
class FixedMeeting:
    """A meeting the organizer locked: it is kept exactly as given (with its interpreter)."""

    a: str
    b: str
    slot: str
    table: str
    interpreter: str | None = None


@dataclass(frozen=True)
class ScheduleInstance:
    slots: tuple[Slot, ...]
    tables: tuple[str, ...]
    participants: tuple[Participant, ...]
    requests: tuple[Request, ...] = ()
    fixed: tuple[FixedMeeting, ...] = ()
    interpreters: tuple[Interpreter, ...] = ()
    reserved: tuple[ReservedPlace, ...] = ()  # tables (listed in ``tables``) reserved for one


@dataclass(frozen=True)
class Meeting:
    """A scheduled meeting; ``request`` is the index of the request it holds (None: a fixed
    meeting nobody requested), so callers can map duplicate pairs back to their requests."""

    a: str
    b: str
    slot: str
    table: str
    request: int | None = None
    fixed: bool = False
    interpreter: str | None = None


@dataclass(frozen=True)
class Unscheduled:
    """``reason`` in English for the interchange format; ``code`` (and ``holder``, the
    participant whose cap is reached) for an app that words it in the reader's language."""

    a: str
    b: str
    reason: str
    request: int
    # no_common_slot | no_requested_slot | fixed_block | no_interpreter | cap | taken
    code: str = ""
    holder: str = ""
    cap: int | None = None


@dataclass(frozen=True)
class ScheduleResult:
    """``upper_bound`` is a proven bound on the best objective; ``optimal`` says the objective
    reaches it, ``gaps_optimal`` that no schedule of the same meetings has fewer idle gaps.
    ``idle_gaps`` counts the holes of participants and interpreters (``interpreter_gaps`` is
    the interpreters' share); ``mean_slot`` is the mean position of the meetings' slots (0 =
    first slot): lower is earlier, the third objective after weight and gaps."""

    meetings: tuple[Meeting, ...]
    unscheduled: tuple[Unscheduled, ...]
    objective: float
    upper_bound: float
    idle_gaps: int
    optimal: bool = False
    gaps_optimal: bool = False
    interpreter_gaps: int = 0
    mean_slot: float = 0.0
