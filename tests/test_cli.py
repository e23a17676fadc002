"""The ``simworld`` command run as a user runs it: a subprocess, real files, real servers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from simworld.latents.intents import DEFAULT_INTENTS
from simworld.records import SESSIONS, TURNS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def simworld(
    *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simworld", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qs")
    proc = simworld("run", "scenarios/quickstart.yaml", "--out", str(out), "-q")
    assert proc.returncode == 0, proc.stderr
    assert "success rate" in proc.stdout
    return out


def test_quickstart_tables(quickstart: Path) -> None:
    turns = ds.dataset(quickstart / "turns").to_table()
    sessions = ds.dataset(quickstart / "sessions").to_table()
    assert turns.schema.equals(TURNS) and sessions.schema.equals(SESSIONS)
    # 200 agents, half active on each of 3 days: one sessions row per session run.
    assert sessions.num_rows == 300
    assert len(set(sessions.column("session_id").to_pylist())) == 300
    assert set(turns.column("session_id").to_pylist()) == set(
        sessions.column("session_id").to_pylist()
    )
    assert set(turns.column("intent").to_pylist()) <= set(DEFAULT_INTENTS)
    assert all(turns.column("user_text").to_pylist())
    # personas and goals visibly vary
    s = sessions.to_pylist()
    assert len({r["persona_occupation"] for r in s}) >= 8
    assert len({tuple(r["persona_favourite_genres"]) for r in s}) >= 50
    assert len({r["goal_item_id"] for r in s}) >= 150
    assert len({r["trait_decisiveness"] for r in s}) == 3
    texts = turns.column("user_text").to_pylist()
    assert len(set(texts)) / len(texts) > 0.9
    manifest = json.loads((quickstart / "manifest.json").read_text())
    assert manifest["rows"]["sessions"] == 300 and manifest["interrupted"] is False
    assert ds.dataset(quickstart / "population").count_rows() == 3
    assert ds.dataset(quickstart / "agents").count_rows() == 600


def test_quickstart_never_leaks_the_target(quickstart: Path) -> None:
    turns = ds.dataset(quickstart / "turns").to_table()
    assert not any(turns.column("target_named_by_user").to_pylist())


def test_validate_bad_scenario_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("population:\n  size: ten\n")
    proc = simworld("validate", str(bad))
    assert proc.returncode == 2
    assert proc.stderr == f'{bad}: population.size: expected an integer > 0, got "ten"\n'


def test_run_bad_scenario_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("schedule:\n  tick: 3\n")
    proc = simworld("run", str(bad))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert (
        proc.stderr.strip()
        == f"error: {bad}: schedule.tick: unknown key 'tick'; did you mean 'ticks'?"
    )


def test_bad_catalog_file_is_a_clear_error(tmp_path: Path) -> None:
    cat = tmp_path / "cat.csv"
    cat.write_text("item_id,title\n1,A\n")
    sc = tmp_path / "s.yaml"
    sc.write_text(f"catalog: {cat}\npopulation: {{size: 2}}\n")
    proc = simworld("run", str(sc), "-q", "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "cat.csv:1: missing column(s) year, genres, tags, popularity" in proc.stderr


def test_validate_all_shipped_scenarios() -> None:
    files = sorted(str(p.relative_to(ROOT)) for p in SCENARIOS.glob("*.yaml"))
    proc = simworld("validate", *files)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok (") == len(files)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_crs_speaks_protocol_v1() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "simworld", "serve-crs", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        assert "reference CRS" in proc.stdout.readline()
        deadline = time.monotonic() + 60
        while True:  # readiness poll, bounded
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/sessions/s1/turns",
            data=json.dumps({"user_id": "u", "text": "any good comedies from the 90s?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            body = json.loads(r.read())
        assert isinstance(body["text"], str) and body["text"]
        assert isinstance(body["items"], list) and isinstance(body["done"], bool)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
