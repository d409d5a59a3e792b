"""``matchmaker suggest FILE [--top K]``: JSON out, one-line errors with exit status 2."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from matchmaker.commands.suggest import suggest
from matchmaker.engine import embedding

COMPANIES = [
    {
        "id": "optr",
        "name": "Optronique",
        "country": "FR",
        "languages": ["fr"],
        "description": "Caméras thermiques.",
        "offers": "Caméras thermiques et viseurs.",
        "seeks": "Anodisation dure de boîtiers en aluminium.",
        "tags": ["du.6"],
    },
    {
        "id": "anod",
        "name": "Enz Oberflächentechnik",
        "country": "DE",
        "languages": ["de"],
        "description": "Oberflächentechnik.",
        "offers": "Harteloxal von Aluminiumgehäusen.",
        "seeks": "Kunden aus der Optronik.",
        "tags": ["du.2"],
    },
    {
        "id": "turn",
        "name": "Drehteile",
        "country": "DE",
        "languages": ["de"],
        "description": "",
        "offers": "CNC-Drehteile aus Titan.",
        "seeks": "Luftfahrtkunden.",
        "tags": [],
    },
]


@pytest.fixture(autouse=True)
def no_encoder(monkeypatch):
    """The CLI's output format does not depend on the encoder; keep these tests fast."""
    monkeypatch.setattr(embedding, "encoder_available", lambda: False)


def run(tmp_path, content, *args):
    path = tmp_path / "profiles.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return CliRunner().invoke(suggest, [str(path), *args])


def test_prints_suggestions_best_first_never_self(tmp_path):
    result = run(tmp_path, {"companies": COMPANIES}, "--top", "1")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)["suggestions"]
    assert set(out) == {"optr", "anod", "turn"}
    assert out["optr"][0]["id"] == "anod"
    assert out["optr"][0]["reasons"][0].startswith(
        "Their offer meets your need: «Harteloxal von Aluminiumgehäusen» ↔ «Anodisation dure")
    for company_id, items in out.items():
        assert len(items) <= 1
        assert all(item["id"] != company_id and 0 <= item["score"] <= 1 for item in items)


def test_default_top_is_five(tmp_path):
    many = [dict(COMPANIES[0], id=f"c{i}") for i in range(8)]
    out = json.loads(run(tmp_path, {"companies": many}).output)["suggestions"]
    assert all(len(items) == 5 for items in out.values())


def test_empty_company_list(tmp_path):
    result = run(tmp_path, {"companies": []})
    assert result.exit_code == 0 and json.loads(result.output) == {"suggestions": {}}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "Error: invalid JSON"),
        ({"companies": [{"id": "c1"}]}, "Error: companies[0]: missing field 'name'"),
        ({"companies": [COMPANIES[0], COMPANIES[0]]}, "Error: duplicate company id 'optr'"),
        ({"companies": [dict(COMPANIES[0], tags=["du.42"])]}, "unknown tag id 'du.42'"),
    ],
)
def test_bad_files_exit_2_with_one_line(tmp_path, content, message):
    result = run(tmp_path, content)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(suggest, [str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and result.stderr.startswith("Error: ")


GROUPED = {
    "groups": [{"id": "delegation", "name": "Delegation"}, {"id": "hosts", "name": "Hosts"}],
    "may_meet": [["delegation", "hosts"]],
    "companies": [
        dict(COMPANIES[0], group="hosts"),
        dict(COMPANIES[1], group="delegation"),
        dict(COMPANIES[2], group="delegation", offers="Harteloxal von Aluminiumgehäusen."),
    ],
}


def test_groups_that_may_not_meet_are_never_paired(tmp_path):
    out = json.loads(run(tmp_path, GROUPED, "--top", "5").output)["suggestions"]
    assert {s["id"] for s in out["anod"]} <= {"optr"}
    assert {s["id"] for s in out["turn"]} <= {"optr"}
    assert {s["id"] for s in out["optr"]} == {"anod", "turn"}


def test_known_partners_are_not_suggested(tmp_path):
    companies = [dict(COMPANIES[0], known=["anod"]), *COMPANIES[1:]]
    out = json.loads(run(tmp_path, {"companies": companies}).output)["suggestions"]
    assert "anod" not in {s["id"] for s in out["optr"]}
    assert "optr" not in {s["id"] for s in out["anod"]}


def test_cap_spreads_suggestions(tmp_path):
    many = [*COMPANIES[1:], *(dict(COMPANIES[0], id=f"o{i}") for i in range(6))]
    out = json.loads(run(tmp_path, {"companies": many}, "--top", "3", "--cap", "2").output)
    listed = [s["id"] for items in out["suggestions"].values() for s in items]
    assert max(listed.count(i) for i in set(listed)) <= 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (dict(GROUPED, companies=[dict(COMPANIES[0])]), "companies[0]: names no group"),
        (dict(GROUPED, may_meet=[["delegation", "press"]]), "may_meet[0]: unknown group 'press'"),
        (dict(GROUPED, may_meet=[["delegation"]]), "may_meet[0]: expected a pair of group ids"),
        ({"companies": [dict(COMPANIES[0], group="hosts")]}, "no 'groups' defined"),
        ({"may_meet": [], "companies": COMPANIES}, "'may_meet' given but no 'groups' defined"),
    ],
)
def test_bad_groups_exit_2_with_one_line(tmp_path, document, message):
    result = run(tmp_path, document)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_opportunities_get_item_suggestions(tmp_path):
    companies = [
        dict(COMPANIES[0], opportunities=[{"id": "r1", "kind": "request", "title": "Boîtiers",
                                            "text": "Anodisation dure de boîtiers en aluminium"}]),
        dict(COMPANIES[1], opportunities=[{"id": "o1", "kind": "offer", "title": "Harteloxal",
                                            "text": "Harteloxal von Aluminiumgehäusen"}]),
        COMPANIES[2],
    ]
    out = json.loads(run(tmp_path, {"companies": companies}).output)["item_suggestions"]
    assert out["optr"][0] == {"company": "anod", "yours": "r1", "theirs": "o1",
                              "score": out["optr"][0]["score"],
                              "reason": "Your request «Boîtiers» meets their offer «Harteloxal»"}
    assert out["anod"][0]["theirs"] == "r1" and "turn" not in out


def test_a_vector_cache_is_written_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(embedding, "encoder_available", lambda: True)
    calls = []

    def fake_embed(texts, batch_size=512):
        calls.append(len(texts))
        return np.ones((len(texts), embedding.DIM), dtype=np.float32) / np.sqrt(embedding.DIM)

    monkeypatch.setattr(embedding, "embed_texts", fake_embed)
    cache = tmp_path / "vectors.npz"
    first = run(tmp_path, {"companies": COMPANIES}, "--cache", str(cache))
    assert first.exit_code == 0, first.output
    assert cache.exists() and calls and "profiles/s" in first.stderr
    calls.clear()
    again = run(tmp_path, {"companies": COMPANIES}, "--cache", str(cache))
    assert again.exit_code == 0 and again.stdout == first.stdout
    assert sum(calls) == 0 and "0 texts encoded" in again.stderr


def test_a_long_text_is_encoded_from_an_even_sample_of_its_sentences():
    from matchmaker.engine.embedding import MAX_ENCODED_CHARS, excerpt

    text = " ".join(f"Project {i} protects the grid of region {i}." for i in range(1000))
    short = excerpt(text)
    assert len(short) <= MAX_ENCODED_CHARS < len(text)
    assert short.startswith("Project 0 ") and "Project 9" in short[-60:]  # the end is in it
    assert excerpt("A profile of the usual length.") == "A profile of the usual length."
