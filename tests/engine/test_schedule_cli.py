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
