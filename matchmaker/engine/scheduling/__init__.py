"""Meeting scheduling: requests into slots and tables, most weight first, then fewest idle gaps.

    instance = parse_instance(json.load(f))      # raises InputError on a bad file
    result = solve(instance, time_limit=10.0)     # frozen dataclasses, proven upper bound
    json.dumps(result_to_dict(result))
"""

from matchmaker.engine.scheduling.gaps import gaps_per_participant, idle_gaps
from matchmaker.engine.scheduling.io import parse_instance, result_to_dict
from matchmaker.engine.scheduling.solve import solve
from matchmaker.engine.scheduling.types import (
    FixedMeeting,
    Meeting,
    Participant,
    Request,
    ScheduleInstance,
    ScheduleResult,
    Slot,
    Unscheduled,
)

__all__ = [
    "FixedMeeting",
    "Meeting",
    "Participant",
    "Request",
    "ScheduleInstance",
    "ScheduleResult",
    "Slot",
    "Unscheduled",
    "gaps_per_participant",
    "idle_gaps",
    "parse_instance",
    "result_to_dict",
    "solve",
]
