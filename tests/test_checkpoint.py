"""Checkpoint and resume: an interrupted run, resumed, has exactly the sessions of an
uninterrupted one (no duplicates, none missing), in-process and through the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest

from simworld.engine import checkpoint
from simworld.engine.runner import RunOutcome, run_scenario
from simworld.engine.session import SessionResult
from simworld.errors import SimworldError
from simworld.scenario import Scenario, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
SPEC: dict[str, Any] = {
    "name": "resume",
    "seed": 21,
    "population": {"size": 60},
    "endpoints": [
        {"name": "pref", "kind": "embedded", "strategy": "preference"},
        {"name": "pop", "kind": "embedded", "strategy": "popularity"},
    ],
    "assignment": "choice",
    "dynamics": {"activity": "adaptive"},
    "social": {"graph": "watts_strogatz", "k": 4, "influence": 0.5},
    "schedule": {"ticks": 5, "active_share": 0.5, "max_turns": 8},
}
# Wall-clock facts differ between any two runs; everything else must match.
VOLATILE = {"duration_ms", "latency_ms", "gen_latency_ms", "latency_p50_ms", "latency_p95_ms"}
TABLES = ("sessions", "turns", "agents", "population", "population_endpoints")


def scenario(**over: Any) -> Scenario:
    return validate_scenario({**SPEC, **over})


def content(out: Path, name: str) -> list[str]:
    table = ds.dataset(out / name, format="parquet").to_table()
    rows = [{k: v for k, v in r.items() if k not in VOLATILE} for r in table.to_pylist()]
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def assert_same_run(a: Path, b: Path) -> None:
    for name in TABLES:
        ra, rb = content(a, name), content(b, name)
        assert len(ra) == len(rb), name
        assert ra == rb, name
    ids = [r["session_id"] for r in ds.dataset(b / "sessions").to_table().to_pylist()]
    assert len(ids) == len(set(ids))  # no duplicates


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("uninterrupted")
    outcome = asyncio.run(run_scenario(scenario(), out_dir=out))
    assert not outcome.interrupted
    return out


class Interrupt:
    """A progress hook that cancels the run at a chosen point, like Ctrl-C would."""

    def __init__(self, tick: int, *, after_sessions: int | None = None) -> None:
        self.tick = tick
        self.after_sessions = after_sessions  # None: at the end of ``tick`` (a boundary)
        self.task: asyncio.Task[RunOutcome] | None = None
        self._current = -1
        self._done = 0

    def start_tick(self, tick: int, ticks: int, sessions: int) -> None:
        self._current, self._done = tick, 0

    def session_done(self, result: SessionResult) -> None:
        self._done += 1
        if self._current == self.tick and self._done == self.after_sessions:
            assert self.task is not None
            self.task.cancel()

    def end_tick(self, row: dict[str, Any]) -> None:
        if self.after_sessions is None and row["tick"] == self.tick:
            assert self.task is not None
            self.task.cancel()


async def interrupted_run(s: Scenario, out: Path, hook: Interrupt, resume: bool = False) -> None:
    task = asyncio.create_task(run_scenario(s, out_dir=out, progress=hook, resume=resume))
    hook.task = task
    outcome = await task
    assert outcome.interrupted


async def test_resume_after_interruption_mid_tick(tmp_path: Path, reference: Path) -> None:
    await interrupted_run(scenario(), tmp_path, Interrupt(2, after_sessions=5))
    partial = ds.dataset(tmp_path / "sessions").to_table().to_pylist()
    assert any(r["tick"] == 2 for r in partial)  # the interrupted tick wrote rows...
    assert checkpoint.load(tmp_path).tick == 2  # ...after the last boundary
    outcome = await run_scenario(scenario(), out_dir=tmp_path, resume=True)
    assert not outcome.interrupted
    assert_same_run(reference, tmp_path)  # ...which were discarded and run again
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["resumed_at"] == [2] and manifest["ticks_done"] == 5
    assert outcome.summary["sessions"] == len(content(reference, "sessions"))


async def test_resume_at_a_boundary_then_again_mid_tick(tmp_path: Path, reference: Path) -> None:
    await interrupted_run(scenario(), tmp_path, Interrupt(0))
    assert checkpoint.load(tmp_path).tick == 1
    await interrupted_run(scenario(), tmp_path, Interrupt(3, after_sessions=1), resume=True)
    assert checkpoint.load(tmp_path).tick == 3
    await run_scenario(scenario(), out_dir=tmp_path, resume=True)
    assert_same_run(reference, tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["resumed_at"] == [1, 3]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".staging-")]


async def test_resume_refuses_a_changed_scenario_or_a_missing_checkpoint(tmp_path: Path) -> None:
    with pytest.raises(SimworldError, match=r"no checkpoint to resume from"):
        await run_scenario(scenario(), out_dir=tmp_path, resume=True)
    await interrupted_run(scenario(), tmp_path, Interrupt(0))
    changed = scenario(seed=22)
    with pytest.raises(SimworldError, match=r"the scenario changed since this run started") as e:
        await run_scenario(changed, out_dir=tmp_path, resume=True)
    assert "\n" not in str(e.value)
    # the output section may differ (where it goes, how it is batched)
    await run_scenario(scenario(output={"batch_rows": 7}), out_dir=tmp_path, resume=True)
    with pytest.raises(SimworldError, match=r"already complete \(5/5 ticks\)"):
        await run_scenario(scenario(), out_dir=tmp_path, resume=True)


async def test_checkpoint_is_json_and_parquet_at_every_boundary(tmp_path: Path) -> None:
    await interrupted_run(scenario(), tmp_path, Interrupt(1))
    cdir = tmp_path / "checkpoint"
    names = sorted(p.name for p in cdir.iterdir())
    assert names == ["agents-000002.parquet", "graph.parquet", "state.json"]
    state = json.loads((cdir / "state.json").read_text())
    assert state["tick"] == 2 and state["format"] == "simworld-checkpoint/1"
    assert state["stage"] is None  # finalised: the committed parts are the run's tables
    assert state["tables"]["population"] == {"parts": 2, "rows": 2}
    agents = ds.dataset(cdir / "agents-000002.parquet").to_table()
    assert agents.num_rows == 60 and "trust" in agents.column_names


# -- the command line, with a hard kill -----------------------------------------------------------
def simworld(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simworld", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def test_cli_resume_after_a_hard_kill(tmp_path: Path) -> None:
    spec = {
        **SPEC,
        "population": {"size": 40},
        "schedule": {"ticks": 6, "active_share": 0.5, "max_turns": 8},
    }
    sc = tmp_path / "s.yaml"
    sc.write_text(json.dumps(spec))  # JSON is YAML
    ref = simworld("run", str(sc), "--out", str(tmp_path / "ref"), "-q")
    assert ref.returncode == 0, ref.stderr
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "simworld", "run", str(sc), "--out", str(out), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    state = out / "checkpoint" / "state.json"
    deadline = time.monotonic() + 120
    while True:  # readiness poll, bounded: wait for the first tick's checkpoint
        try:
            if json.loads(state.read_text())["tick"] >= 1:
                break
        except (OSError, ValueError):
            pass
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert not (out / "manifest.json").exists()  # nothing was finalised
    resumed = simworld("run", "--resume", str(out), "-q")
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming at tick" in " ".join(resumed.stderr.split())
    assert_same_run(tmp_path / "ref", out)
    again = simworld("run", "--resume", str(out), "-q")
    assert again.returncode == 2
    assert again.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "already complete" in again.stderr and "Traceback" not in again.stderr


def test_cli_resume_errors_are_one_line(tmp_path: Path) -> None:
    proc = simworld("run", "--resume", str(tmp_path / "nothing"))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"error: {tmp_path / 'nothing'}: no checkpoint to resume from "
        "(checkpoint/state.json not found)"
    )
    proc = simworld("run")
    assert proc.returncode == 2 and "a scenario file is required" in proc.stderr
