"""The endpoint comparison: paired differences with cluster-bootstrap intervals, and the
A/B scenario run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simworld.abtest import compare_run, compare_sessions, headlines
from simworld.errors import SimworldError

ROOT = Path(__file__).resolve().parents[1]


def pairs(
    n_agents: int,
    ticks: int,
    p_a: float,
    p_b: float,
    *,
    seed: int = 0,
    same_within_agent: bool = False,
    a_extra_turns: int = 0,
) -> list[dict[str, Any]]:
    """Synthetic paired sessions: endpoint a succeeds with p_a, b with p_b."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n_agents):
        fixed = rng.random(2)
        for t in range(ticks):
            u = fixed if same_within_agent else rng.random(2)
            for ep, p, x in (("a", p_a, u[0]), ("b", p_b, u[1])):
                ok = bool(x < p)
                out.append(
                    {
                        "agent_id": f"a{i:05d}",
                        "tick": t,
                        "endpoint": ep,
                        "success": ok,
                        "satisfaction": 0.8 if ok else 0.3,
                        "n_turns": 4 + a_extra_turns * (ep == "a") if ok else 12,
                        "termination": "goal_reached" if ok else "user_quit",
                    }
                )
    return out


def compare(rows: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    kw.setdefault("mode", "paired")
    return compare_sessions(rows, endpoints=["a", "b"], seed=1, n_boot=1000, **kw)


def test_a_clearly_better_endpoint_wins_with_an_interval_excluding_zero() -> None:
    res = compare(pairs(200, 3, 0.3, 0.7, a_extra_turns=1))
    comp = res["comparisons"][0]
    m = comp["metrics"]["success_rate"]
    assert comp["pairs"] == 600 and comp["agents"] == 200
    assert m["diff"] == pytest.approx(m["b"] - m["a"])
    assert 0 < m["ci"][0] < m["diff"] < m["ci"][1]
    assert m["better"] == "b" and res["comparisons"][0]["metrics"]["satisfaction"]["better"] == "b"
    assert comp["metrics"]["turns_to_success"]["better"] == "b"  # fewer turns is better
    assert headlines(res)[0].startswith("b did better than a")


def test_equal_endpoints_give_no_verdict() -> None:
    res = compare(pairs(200, 3, 0.5, 0.5, seed=4))
    m = res["comparisons"][0]["metrics"]["success_rate"]
    assert m["ci"][0] < 0 < m["ci"][1] and m["better"] is None
    assert headlines(res)[0].startswith("no clear difference")


def test_seeded_and_agent_clustered() -> None:
    rows = pairs(100, 4, 0.4, 0.6, seed=2, same_within_agent=True)
    one, two = compare(rows), compare(rows)
    assert one == two
    assert one["seed"] == 1 and one["n_boot"] == 1000
    # An agent's pairs are copies of each other here: resampling agents must see 100 units,
    # not 400, so the interval is about twice as wide as if every pair were independent.
    clustered = one["comparisons"][0]["metrics"]["success_rate"]["ci"]
    relabel = [{**r, "agent_id": f"{r['agent_id']}-{r['tick']}"} for r in rows]
    naive = compare(relabel)["comparisons"][0]["metrics"]["success_rate"]["ci"]
    assert (clustered[1] - clustered[0]) > 1.6 * (naive[1] - naive[0])


def test_cancelled_sessions_and_incomplete_pairs_are_left_out() -> None:
    rows = pairs(50, 1, 0.5, 0.5)
    rows[0]["termination"] = "cancelled"  # agent 0's pair is gone
    rows.append({**rows[2], "tick": 9})  # a session without its partner
    res = compare(rows)
    assert res["comparisons"][0]["pairs"] == 49


def test_unpaired_arms() -> None:
    rows = [
        r for r in pairs(200, 2, 0.3, 0.7) if (r["endpoint"] == "a") == (r["agent_id"] < "a00100")
    ]
    res = compare(rows, mode="split")
    comp = res["comparisons"][0]
    assert res["design"] == "unpaired" and "pairs" not in comp
    assert comp["sessions"] == {"a": 200, "b": 200}
    assert comp["metrics"]["success_rate"]["better"] == "b"


def test_needs_two_endpoints() -> None:
    with pytest.raises(SimworldError, match="at least two endpoints"):
        compare_sessions([], endpoints=["a"], mode="paired", seed=0)


# -- as a user runs it ---------------------------------------------------------------------
def simworld(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simworld", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_ab_scenario_reports_which_crs_did_better(tmp_path: Path) -> None:
    out = tmp_path / "ab"
    proc = simworld(
        "run",
        "scenarios/ab-test.yaml",
        "--out",
        str(out),
        "-q",
        "--set",
        "population.size=80",
        "--set",
        "schedule.ticks=2",
    )
    assert proc.returncode == 0, proc.stderr
    text = " ".join(proc.stdout.split())
    assert "preference did better than popularity" in text
    assert "A/B: B = preference vs A = popularity (paired, 80 pairs)" in text
    saved = json.loads((out / "ab.json").read_text())
    assert saved["design"] == "paired" and saved["comparisons"][0]["pairs"] == 80
    assert saved == compare_run(out)  # the stored comparison is reproducible from the tables
    again = simworld("ab", str(out), "--json", str(tmp_path / "again.json"))
    assert again.returncode == 0, again.stderr
    assert json.loads((tmp_path / "again.json").read_text()) == saved


def test_ab_command_on_a_single_endpoint_run_is_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "one"
    ok = simworld(
        "run", "scenarios/quickstart.yaml", "--out", str(out), "-q", "--set", "population.size=10"
    )
    assert ok.returncode == 0, ok.stderr
    assert not (out / "ab.json").exists()
    proc = simworld("ab", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: {out}: the run has 1 endpoint(s); a comparison needs at least two"
    )
