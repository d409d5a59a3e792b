"""Meeting scheduling: requests into slots, tables and interpreters, most weight first, then
fewest idle gaps (participants' and interpreters'), then earliest slots.

    instance = parse_instance(json.load(f))      # raises InputError on a bad file
    result = solve(instance, time_limit=10.0)     # frozen dataclasses, proven upper bound
    json.dumps(result_to_dict(result))
    breaches(instance, placed, a, b, slot, table, interpreter)  # the hard rules, for a move
"""

from matchmaker.engine.scheduling.gaps import gaps_per_participant, idle_gaps
from matchmaker.engine.scheduling.io import parse_instance, result_to_dict
from matchmaker.engine.scheduling.rules import (
    Breach,
    breaches,
    can_interpret,
    needs_interpreter,
    reserved_places,
)
from matchmaker.engine.scheduling.solve import solve
from matchmaker.engine.scheduling.types import (
    FixedMeeting,
    Interpreter,
    Meeting,
    Participant,
    Request,
    ReservedPlace,
    ScheduleInstance,
    ScheduleResult,
    Slot,
    Unscheduled,
)

__all__ = [
    "Breach",
    "FixedMeeting",
    "Interpreter",
    "Meeting",
    "Participant",
    "Request",
    "ReservedPlace",
    "ScheduleInstance",
    "ScheduleResult",
    "Slot",
    "Unscheduled",
    "breaches",
    "can_interpret",
    "gaps_per_participant",
    "idle_gaps",
    "needs_interpreter",
    "parse_instance",
    "reserved_places",
    "result_to_dict",
    "solve",
]
