"""rules.breaches: each hard rule answers with its code and parameters."""

from __future__ import annotations

import pytest

from matchmaker.engine.scheduling import Breach, Meeting, breaches, parse_instance

EVENT = parse_instance({
    "slots": [{"id": "s1"}, {"id": "s2"}],
    "tables": ["T1", "T2", {"id": "Booth", "reserved_for": "c"}],
    "participants": [{"id": "a", "languages": ["de"]}, {"id": "b", "languages": ["fr"]},
                     {"id": "c", "available": ["s1"], "max_meetings": 1}, {"id": "d"},
                     {"id": "e", "languages": ["en"]}, {"id": "f"}],
    "interpreters": [{"id": "i1", "languages": ["de", "fr"], "available": ["s1"]},
                     {"id": "i2", "languages": ["de", "en"]}],
})
PLACED = [Meeting("a", "d", "s2", "T1"), Meeting("b", "e", "s1", "T2", interpreter="i1"),
          Meeting("c", "d", "s1", "Booth")]


@pytest.mark.parametrize("args, kwargs, expected", [
    (("a", "b", "s1", "T1", "i2"), {}, [Breach("interpreter_language", "i2"),
                                        Breach("participant_busy", "b", "e")]),
    (("a", "b", "s1", "T1", "i1"), {}, [Breach("interpreter_busy", "i1", "b"),
                                        Breach("participant_busy", "b", "e")]),
    (("a", "b", "s2", "T2", "i1"), {}, [Breach("participant_busy", "a", "d"),
                                        Breach("interpreter_unavailable", "i1")]),
    (("a", "b", "s2", "T2"), {}, [Breach("participant_busy", "a", "d"),
                                  Breach("interpreter_needed")]),
    (("d", "e", "s2", "T1"), {}, [Breach("participant_busy", "d", "a"),
                                  Breach("table_taken", "T1", "a")]),
    (("a", "e", "s1", "Booth", "i2"), {}, [Breach("table_reserved", "Booth", "c"),
                                           Breach("table_taken", "Booth", "c"),
                                           Breach("participant_busy", "e", "b")]),
    (("c", "e", "s2", "T2"), {}, [Breach("participant_unavailable", "c"),
                                  Breach("place_required", "c", "Booth"),
                                  Breach("cap_reached", "c", limit=1)]),
    (("f", "e", "s2", "T2"), {"interpreter_asked": True}, [Breach("interpreter_needed")]),
    (("f", "e", "s2", "T2"), {"request_slots": ["s1"]}, [Breach("slot_not_requested", "s2")]),
    (("f", "e", "s2", "T2", "i2"), {}, []),
    (("f", "e", "s2", "T2", "i1"), {}, [Breach("interpreter_unavailable", "i1"),
                                        Breach("interpreter_language", "i1")]),
    (("a", "d", "s9", "T9", "i9"), {}, [Breach("unknown_slot", "s9"),
                                        Breach("unknown_table", "T9"),
                                        Breach("unknown_interpreter", "i9")]),
])
def test_each_rule_gives_its_code(args, kwargs, expected):
    found = breaches(EVENT, PLACED, *args, **kwargs)
    assert sorted(found, key=repr) == sorted(expected, key=repr)


def test_a_meeting_at_the_other_sides_place_is_fine():
    event = parse_instance({
        "slots": [{"id": "s1"}], "participants": [{"id": "a"}, {"id": "b"}],
        "tables": [{"id": "A", "reserved_for": "a"}, {"id": "B", "reserved_for": "b"}, "T"]})
    assert breaches(event, [], "a", "b", "s1", "B") == ()
    assert breaches(event, [], "a", "b", "s1", "T") == (Breach("place_required", "a", "A"),
                                                        Breach("place_required", "b", "B"))
