"""Endpoint assignment: split arms, paired visits, choice by trust (against real CRSs)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.dataset as ds
import pytest

from simworld.engine import assignment
from simworld.engine.runner import run_scenario
from simworld.errors import ConfigError
from simworld.scenario import Scenario, validate_scenario

TWO_CRS = [
    {"name": "pop", "kind": "embedded", "strategy": "popularity"},
    {"name": "pref", "kind": "embedded", "strategy": "preference"},
]


def scenario(**over: Any) -> Scenario:
    base: dict[str, Any] = {
        "name": "assign",
        "seed": 9,
        "population": {"size": 40},
        "endpoints": TWO_CRS,
        "schedule": {"ticks": 2, "active_share": 0.5, "max_turns": 8},
    }
    base.update(over)
    return validate_scenario(base)


def rows(out: Path, name: str) -> list[dict[str, Any]]:
    return list(ds.dataset(out / name, format="parquet").to_table().to_pylist())


def test_split_arms_are_balanced_random_and_seeded() -> None:
    arms = assignment.split_arms(3, 101, 2)
    assert sorted(Counter(arms.tolist()).values()) == [50, 51]
    assert np.array_equal(arms, assignment.split_arms(3, 101, 2))
    assert not np.array_equal(arms, assignment.split_arms(4, 101, 2))
    assert not np.array_equal(arms[:50], np.arange(50) % 2)  # shuffled, not round-robin


def test_choice_prefers_trusted_endpoints_and_never_a_churned_one() -> None:
    us = np.random.default_rng(0).random(2000)
    picks = Counter(assignment.choose([0.8, 0.4], [True, True], u, 0.1) for u in us)
    assert picks[0] > 0.9 * len(us) and picks[1] > 0  # softmax, not argmax
    assert {assignment.choose([0.9, 0.1], [False, True], u, 0.1) for u in us} == {1}
    assert assignment.choose([0.5, 0.5], [False, False], 0.3, 0.1) == -1
    even = Counter(assignment.choose([0.5, 0.5], [True, True], u, 0.1) for u in us)
    assert abs(even[0] - even[1]) < 200


def test_endpoints_for_each_mode() -> None:
    kw: dict[str, Any] = {"trust": [0.5, 0.5], "u": 0.2, "temperature": 0.1}
    assert assignment.endpoints_for("split", arm=1, churned=[False, False], **kw) == (1,)
    assert assignment.endpoints_for("split", arm=1, churned=[False, True], **kw) == ()
    assert assignment.endpoints_for("paired", arm=0, churned=[True, False], **kw) == (0, 1)
    assert assignment.endpoints_for("paired", arm=0, churned=[True, True], **kw) == ()
    assert assignment.endpoints_for("choice", arm=0, churned=[True, False], **kw) == (1,)
    assert assignment.eligible("split", arm=0, churned=[True, False]) is False
    assert assignment.eligible("choice", arm=0, churned=[True, False]) is True


def test_paired_needs_two_endpoints() -> None:
    with pytest.raises(ConfigError, match=r"assignment\.mode: paired assignment needs at least 2"):
        validate_scenario({"assignment": "paired"}, file="s.yaml")


async def test_paired_sessions_share_goal_latents_and_seed(tmp_path: Path) -> None:
    await run_scenario(scenario(assignment="paired"), out_dir=tmp_path)
    sessions = rows(tmp_path, "sessions")
    first = {r["session_id"]: r for r in rows(tmp_path, "turns") if r["turn_index"] == 0}
    pairs: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for r in sessions:
        pairs[(r["agent_id"], r["tick"])].append(r)
    assert len(pairs) == 2 * 20  # half of 40 agents on each of 2 ticks
    same = [c for c in sessions[0] if c.startswith(("persona_", "trait_", "goal_"))]
    same += ["returning", "hint"]
    for pair in pairs.values():
        assert sorted(r["endpoint"] for r in pair) == ["pop", "pref"]
        a, b = pair
        assert a["session_id"] != b["session_id"]
        assert {c: a[c] for c in same} == {c: b[c] for c in same}
        # same seed: the opening turn (written before any CRS reply) is the same text
        assert first[a["session_id"]]["user_text"] == first[b["session_id"]]["user_text"]
        assert first[a["session_id"]]["intent"] == first[b["session_id"]]["intent"]
    # ... and the CRSs then make the conversations differ
    diverged = sum(
        json.dumps(p[0]["intents"]) != json.dumps(p[1]["intents"]) for p in pairs.values()
    )
    assert diverged > len(pairs) // 4
    ab = json.loads((tmp_path / "ab.json").read_text())
    assert ab["design"] == "paired" and ab["comparisons"][0]["pairs"] == len(pairs)


async def test_split_keeps_each_agent_on_its_arm(tmp_path: Path) -> None:
    await run_scenario(
        scenario(assignment="split", schedule={"ticks": 3, "active_share": 1.0, "max_turns": 6}),
        out_dir=tmp_path,
    )
    sessions = rows(tmp_path, "sessions")
    used: dict[str, set[str]] = defaultdict(set)
    for r in sessions:
        used[r["agent_id"]].add(r["endpoint"])
    assert all(len(v) == 1 for v in used.values())
    arms = Counter(next(iter(v)) for v in used.values())
    assert arms == {"pop": 20, "pref": 20}
    ab = json.loads((tmp_path / "ab.json").read_text())
    assert ab["design"] == "unpaired"


async def test_choice_lets_agents_switch_and_drift_to_the_better_crs(tmp_path: Path) -> None:
    s = scenario(
        assignment={"mode": "choice", "temperature": 0.1},
        population={"size": 60},
        schedule={"ticks": 5, "active_share": 1.0, "max_turns": 8},
    )
    await run_scenario(s, out_dir=tmp_path)
    sessions = rows(tmp_path, "sessions")
    used: dict[str, set[str]] = defaultdict(set)
    for r in sessions:
        used[r["agent_id"]].add(r["endpoint"])
    assert any(len(v) == 2 for v in used.values())  # someone switched
    share = {
        t: sum(r["endpoint"] == "pref" for r in sessions if r["tick"] == t)
        / max(1, sum(r["tick"] == t for r in sessions))
        for t in (0, 4)
    }
    assert share[4] > share[0]  # trust moves visits to the CRS that satisfies
