"""The ``schedule`` command: JSON out, one-line errors and exit status 2 on bad files."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from matchmaker.commands.schedule import schedule

GOOD = {
    "slots": [{"id": "s1"}, {"id": "s2"}],
    "tables": ["T1"],
    "participants": [{"id": "a"}, {"id": "b"}, {"id": "c", "available": ["s2"]}],
    "requests": [{"a": "a", "b": "b", "weight": 2}, {"a": "a", "b": "c"}],
}


def run(tmp_path, content, *args):
    path = tmp_path / "event.json"
    path.write_text(content)
    return CliRunner().invoke(schedule, [str(path), *args])


def test_prints_the_result_format(tmp_path):
    result = run(tmp_path, json.dumps(GOOD), "--time-limit", "2")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["objective"] == out["upper_bound"] == 3.0
    assert len(out["meetings"]) == 2 and out["unscheduled"] == []
    assert out["idle_gaps"] == 0


@pytest.mark.parametrize("content, words", [
    ("{not json", "Expecting"),
    (json.dumps({**GOOD, "requests": [{"a": "a", "b": "x"}]}), "unknown participant 'x'"),
    (json.dumps([1, 2]), "must be a JSON object"),
])
def test_bad_file_gives_one_line_and_status_2(tmp_path, content, words):
    result = run(tmp_path, content)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0]


def test_missing_file_gives_status_2(tmp_path):
    result = CliRunner().invoke(schedule, [str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")


RESOURCES = {
    "slots": [{"id": "s1"}, {"id": "s2"}],
    "tables": ["T1", {"id": "Booth B12", "reserved_for": "c"}],
    "participants": [{"id": "a", "languages": ["de"]}, {"id": "b", "languages": ["fr"]},
                     {"id": "c", "languages": ["fr", "en"]}],
    "interpreters": [{"id": "i1", "languages": ["de", "fr"], "available": ["s1"]}],
    "requests": [{"a": "a", "b": "b", "weight": 3.0}, {"a": "a", "b": "c", "interpreter": True},
                 {"a": "b", "b": "c"}],
}


def test_interpreters_and_reserved_places_in_the_output(tmp_path):
    result = run(tmp_path, json.dumps(RESOURCES), "--time-limit", "2")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    held = {(m["a"], m["b"]): m for m in out["meetings"]}
    assert held[("a", "b")] == {"a": "a", "b": "b", "slot": "s1", "table": "T1",
                                "interpreter": "i1"}
    assert held[("b", "c")]["table"] == "Booth B12" and "interpreter" not in held[("b", "c")]
    assert [(u["a"], u["b"]) for u in out["unscheduled"]] == [("a", "c")]  # i1 is taken
    assert out["objective"] == out["upper_bound"] == 4.0
    assert out["interpreter_gaps"] == 0 and 0 <= out["mean_slot"] <= 1


@pytest.mark.parametrize("mutate, words", [
    (lambda d: d["tables"].append({"id": "B2", "reserved_for": "c"}),
     "'c' already has the reserved place 'Booth B12'"),
    (lambda d: d["tables"].append({"id": "B2", "reserved_for": "nobody"}),
     "unknown participant 'nobody'"),
    (lambda d: d["requests"].append({"a": "a", "b": "zz", "interpreter": True}),
     "unknown participant 'zz'"),
    (lambda d: d["interpreters"].append({"id": "i2", "available": ["s7"]}),
     "unknown slot 's7'"),
    (lambda d: d["interpreters"].append({"id": "i1", "languages": ["en"]}),
     "duplicate interpreter id 'i1'"),
    (lambda d: d.update(fixed=[{"a": "a", "b": "b", "slot": "s1", "table": "T1",
                                "interpreter": "i7"}]), "unknown interpreter 'i7'"),
    (lambda d: d.update(fixed=[{"a": "a", "b": "b", "slot": "s1", "table": "Booth B12"}]),
     "reserved for 'c'"),
])
def test_bad_resource_files_give_one_line_and_status_2(tmp_path, mutate, words):
    data = json.loads(json.dumps(RESOURCES))
    mutate(data)
    result = run(tmp_path, json.dumps(data))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and words in lines[0]
