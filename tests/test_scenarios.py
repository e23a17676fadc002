"""Every shipped scenario validates and is run end to end by some test, through the real CLI.

The list is globbed from ``scenarios/``, so a new scenario file is covered (validated and
run) without touching this module:

- scenarios already run through the CLI by another test (``RUN_ELSEWHERE``) are not run a
  second time; the check here is that the named test still exists and still runs that file;
- LLM scenarios are run here. ``kind: local`` runs as shipped; it needs llama-cpp-python and
  the SmolLM2 GGUF (skipped with a reason otherwise). ``kind: openai`` is pointed (``--set``)
  at a real ``python -m llama_cpp.server`` on 127.0.0.1 (``tests/llm_server.py``), with an
  API key read from an environment variable as a user would set it, and with at most
  ``OPENAI_TEST_AGENTS`` agents (that server answers one request at a time);
- any other scenario is run here, shrunk (at most ``MAX_AGENTS`` agents, ``MAX_TICKS`` ticks)
  so the suite stays quick.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest

from simworld.cli import main as simworld_main
from simworld.errors import ConfigError
from simworld.latents.intents import DEFAULT_INTENTS
from simworld.records import SESSIONS, TURNS, TerminationReason
from simworld.scenario import Scenario, load_scenario

pytest_plugins = ["llm_server"]

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
SCENARIOS = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))

# Scenario file -> (test module, test or fixture function) that runs it through the CLI.
RUN_ELSEWHERE: dict[str, tuple[str, str]] = {
    "quickstart.yaml": ("test_cli.py", "quickstart"),  # full size; fixture of 2 tests
    "population-30days.yaml": (
        "test_population.py",
        "test_population_scenario_prints_curves_per_endpoint",
    ),
    "ab-test.yaml": ("test_abtest.py", "test_ab_scenario_reports_which_crs_did_better"),
}
MAX_AGENTS, MAX_TICKS = 40, 2
OPENAI_TEST_AGENTS = 4
RUN_TIMEOUT_S = 1800  # a bound on a hung run, not a speed assertion
BAD_ENDINGS = {
    TerminationReason.ENDPOINT_ERROR,
    TerminationReason.USER_MODEL_ERROR,
    TerminationReason.TIMEOUT,
    TerminationReason.CANCELLED,
}


def test_the_scenario_directory_is_not_empty() -> None:
    assert {"quickstart.yaml", "llm-local.yaml", "llm-openai.yaml"} <= set(SCENARIOS)


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenario_validates(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    status = simworld_main(["validate", str(ROOT / "scenarios" / name)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert f"{name}: ok (" in out


@pytest.mark.parametrize("name", sorted(RUN_ELSEWHERE))
def test_scenarios_run_elsewhere_are_still_run_there(name: str) -> None:
    """The named test exists and runs ``simworld run scenarios/<name>`` (so this module can
    leave the scenario out without leaving it untested)."""
    module, func = RUN_ELSEWHERE[name]
    source = (TESTS / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    found = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == func
    ]
    assert found, f"tests/{module} has no function {func} (update RUN_ELSEWHERE)"
    body = ast.get_source_segment(source, found[0]) or ""
    assert f"scenarios/{name}" in body and '"run"' in body
    if not func.startswith("test_"):  # a fixture: some test must use it
        users = [
            n for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
            and any(a.arg == func for a in n.args.args)
        ]
        assert users, f"no test in tests/{module} uses the fixture {func}"


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in SCENARIOS if n not in RUN_ELSEWHERE])
def test_scenario_runs(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    path = ROOT / "scenarios" / name
    scenario = load_scenario(path)
    kind = scenario.user_model.kind
    overrides: dict[str, Any] = {}
    env: dict[str, str] = {}
    if kind == "local":
        pytest.importorskip("llama_cpp", reason="kind local needs pip install 'simworld[llm]'")
        from simworld.users.models.local_model import smollm2_gguf_path

        if scenario.user_model.model_path is None:
            try:
                gguf = smollm2_gguf_path()
            except ConfigError as exc:
                pytest.skip(str(exc))
            expected_model = f"local:{gguf.stem}"
        else:
            expected_model = f"local:{Path(scenario.user_model.model_path).stem}"
    elif kind == "openai":
        from llm_server import KEY_ENV, LlamaServer

        server: LlamaServer = request.getfixturevalue("llama_server")
        overrides = {
            "user_model.base_url": server.base_url,
            "user_model.model": server.model,
            "user_model.api_key_env": KEY_ENV,
            # The test server is llama.cpp on CPU with no batching and no prompt cache: it
            # answers one request at a time, evaluating each prompt in full (the 12-agent run
            # was not done after 10 minutes here). A third of the agents keeps the run to a
            # few minutes; every other setting is the shipped one.
            "population.size": min(scenario.population.size, OPENAI_TEST_AGENTS),
        }
        env = {KEY_ENV: server.key}
        expected_model = f"openai:{server.model}"
    else:
        expected_model = kind
        if scenario.population.size > MAX_AGENTS:
            overrides["population.size"] = MAX_AGENTS
        if scenario.schedule.ticks > MAX_TICKS:
            overrides["schedule.ticks"] = MAX_TICKS
    out = tmp_path / "run"
    sets = [arg for k, v in overrides.items() for arg in ("--set", f"{k}={v}")]
    proc = subprocess.run(
        [sys.executable, "-m", "simworld", "run", f"scenarios/{name}", "--out", str(out),
         "-q", *sets],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    ran = load_scenario(path, overrides=dict(overrides))
    sessions, turns = _check_tables(out, ran)
    if kind in ("local", "openai"):
        _check_llm_turns(ran, sessions, turns, expected_model)


def _rows(run: Path, table: str) -> list[dict[str, Any]]:
    return list(ds.dataset(run / table, format="parquet").to_table().to_pylist())


def _check_tables(
    run: Path, scenario: Scenario
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What holds for every run: schemas, no lost or failed sessions, labels from the
    taxonomy, no target leaks; the sessions count as configured when it is determined."""
    assert ds.dataset(run / "turns").schema.equals(TURNS)
    assert ds.dataset(run / "sessions").schema.equals(SESSIONS)
    sessions, turns = _rows(run, "sessions"), _rows(run, "turns")
    ids = [s["session_id"] for s in sessions]
    assert sessions and len(set(ids)) == len(ids)
    assert {t["session_id"] for t in turns} == set(ids)  # every session has its turns
    assert sum(s["n_turns"] for s in sessions) == len(turns)
    assert not [s["termination"] for s in sessions if s["termination"] in BAD_ENDINGS]
    assert {t["intent"] for t in turns} <= set(DEFAULT_INTENTS)
    assert all(t["user_text"] for t in turns)
    assert not any(t["target_named_by_user"] for t in turns)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["interrupted"] is False
    assert manifest["rows"]["sessions"] == len(sessions)
    sched = scenario.schedule
    fixed = scenario.dynamics.activity == "fixed" and scenario.assignment.mode == "split"
    if fixed and sched.active_share == 1.0:
        assert len(sessions) == scenario.population.size * sched.ticks
    return sessions, turns


def _check_llm_turns(
    scenario: Scenario,
    sessions: list[dict[str, Any]],
    turns: list[dict[str, Any]],
    expected_model: str,
) -> None:
    """Every turn went through the LLM model and recorded what it did."""
    assert {s["user_model"] for s in sessions} == {expected_model}
    assert {t["user_model"] for t in turns} == {expected_model}
    assert {t["mode"] for t in turns} == {scenario.user_model.mode}
    for t in turns:
        assert re.fullmatch(r"[0-9a-f]{16}", t["prompt_hash"] or ""), t
        assert t["gen_latency_ms"] is not None and t["gen_latency_ms"] > 0
        assert t["tokens_in"] is not None and t["tokens_in"] > 0
        assert t["tokens_out"] is not None and t["tokens_out"] > 0
        assert t["guards"] is not None and t["fallback"] is not None
        if t["fallback"]:  # the draft is used only after a guard (or an error) fired
            assert t["guards"], t
        assert "llm_error" not in t["guards"]  # the server/model never failed
    written = [t for t in turns if not t["fallback"]]
    assert written, "every turn fell back to the template: the model wrote nothing usable"
