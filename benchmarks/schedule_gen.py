"""Random networking events in the schedule interchange format, for benchmarks and tests.

The shape follows what organizers see: two sessions, most companies present throughout and some
arriving late or leaving early, a few caps, popular companies drawing many requests, and
weights 1 (one-sided wish), 2 (agreed) or 3 (agreed and marked important by both).

Variants, so the engine is not tuned to one shape: ``availability="sparse"`` gives each company
a random 60 % of the slots (``"blocks"``: one run of 60 %), ``popularity="flat"`` draws pairs
uniformly. ``interpreters`` > 0 gives companies languages (a German delegation, French hosts,
some speaking English too) and interpreters (de-fr, en-fr, de-en) working most slots; about
``need_share`` of the requests then fall between companies sharing no language. ``booths``
companies get a reserved place (extra tables).
"""

from __future__ import annotations

import random


def generate(
    companies: int, requests: int, slots: int, tables: int, seed: int = 0, fixed: int = 0,
    *, availability: str = "mostly", popularity: str = "pareto", interpreters: int = 0,
    need_share: float = 1 / 3, booths: int = 0,
) -> dict:
    """A reproducible event; ``fixed`` locks that many of the requests into a slot and table."""
    rng = random.Random(seed)
    half = slots // 2
    slot_list = [
        {"id": f"s{i + 1}", "session": "afternoon" if i < half else "evening"} for i in range(slots)
    ]
    ids = [s["id"] for s in slot_list]
    participants = [_participant(f"c{i + 1}", ids, rng, availability) for i in range(companies)]
    drawn = [rng.paretovariate(1.6) if popularity == "pareto" else 1.0 for _ in range(companies)]
    reqs = [_request(participants, drawn, ids, half, rng) for _ in range(requests)]
    data = {
        "slots": slot_list,
        "tables": [f"T{i + 1}" for i in range(tables)],
        "participants": participants,
        "requests": reqs,
    }
    if interpreters:
        _languages(participants, need_share, rng)
        data["interpreters"] = _interpreters(interpreters, ids, rng)
    for p in rng.sample(participants, booths):
        data["tables"].append({"id": f"Booth {p['id']}", "reserved_for": p["id"]})
    data["fixed"] = _fixed(data, fixed, rng)
    return data


def _languages(participants: list[dict], need_share: float, rng: random.Random) -> None:
    """Two camps (de, fr) with some English: pairs across camps without English need an
    interpreter, about ``need_share`` of random pairs (2 p q (1 - e)^2 = share, p = q)."""
    english = max(0.0, 1 - (2 * need_share) ** 0.5)
    for p in participants:
        p["languages"] = [rng.choice(["de", "fr"])] + (["en"] if rng.random() < english else [])


def _interpreters(count: int, ids: list[str], rng: random.Random) -> list[dict]:
    pairs = [["de", "fr"], ["de", "fr"], ["en", "fr"], ["de", "en"]]
    out = []
    for i in range(count):
        x: dict = {"id": f"i{i + 1}", "languages": pairs[i % len(pairs)]}
        if rng.random() < 0.5:
            x["available"] = sorted(rng.sample(ids, len(ids) - rng.randint(1, len(ids) // 3)),
                                    key=ids.index)
        out.append(x)
    return out


def _participant(pid: str, ids: list[str], rng: random.Random, availability: str) -> dict:
    p: dict = {"id": pid}
    roll = rng.random()
    n = len(ids)
    share = max(1, round(0.6 * n))
    if availability == "sparse":
        p["available"] = sorted(rng.sample(ids, share), key=ids.index)
    elif availability == "blocks":
        first = rng.randint(0, n - share)
        p["available"] = ids[first : first + share]
    elif roll < 0.10:
        p["available"] = ids[rng.randint(1, n // 2) :]  # arrives late
    elif roll < 0.20:
        p["available"] = ids[: n - rng.randint(1, n // 2)]  # leaves early
    elif roll < 0.30:
        p["available"] = sorted(rng.sample(ids, n - rng.randint(1, 3)), key=ids.index)
    if rng.random() < 0.3:
        p["max_meetings"] = rng.choice([4, 6, 8, 10])
    return p


def _request(
    participants: list[dict], popularity: list[float], ids: list[str], half: int, rng: random.Random
) -> dict:
    n = len(participants)
    a = rng.randrange(n)
    b = a
    while b == a:
        b = rng.choices(range(n), weights=popularity)[0] if rng.random() < 0.5 else rng.randrange(n)
    r: dict = {
        "a": participants[a]["id"],
        "b": participants[b]["id"],
        "weight": rng.choices([1.0, 2.0, 3.0], weights=[5, 4, 1])[0],
    }
    if rng.random() < 0.05:
        r["slots"] = ids[:half] if rng.random() < 0.5 else ids[half:]
    return r


def _fixed(data: dict, count: int, rng: random.Random) -> list[dict]:
    """Lock ``count`` requests where both sides and a table are free (skipping the rest)."""
    avail = {p["id"]: set(p.get("available", [s["id"] for s in data["slots"]]))
             for p in data["participants"]}
    placed = {t["reserved_for"] for t in data["tables"] if isinstance(t, dict)}
    common = [t for t in data["tables"] if isinstance(t, str)]
    langs = {p["id"]: set(p.get("languages", ["any"])) for p in data["participants"]}
    busy: set[tuple[str, str]] = set()
    used_tables: set[tuple[str, str]] = set()
    out = []
    for r in rng.sample(data["requests"], min(count, len(data["requests"]))):
        if r["a"] in placed or r["b"] in placed or not langs[r["a"]] & langs[r["b"]]:
            continue  # locked meetings here need no interpreter and no reserved place
        choices = [s for s in r.get("slots", [s["id"] for s in data["slots"]])
                   if s in avail[r["a"]] and s in avail[r["b"]]
                   and (s, r["a"]) not in busy and (s, r["b"]) not in busy]
        tables = [t for t in common if choices and (choices[0], t) not in used_tables]
        if not choices or not tables:
            continue
        s, t = choices[0], tables[0]
        busy |= {(s, r["a"]), (s, r["b"])}
        used_tables.add((s, t))
        out.append({"a": r["a"], "b": r["b"], "slot": s, "table": t})
    return out
