"""analysis/quickstart.ipynb executed for real: a small quickstart run made by the CLI in a
subprocess, then every cell run in a python3 kernel with SIMWORLD_RUN pointing at it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "analysis" / "quickstart.ipynb"
SCENARIO = ROOT / "scenarios" / "quickstart.yaml"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def quickstart_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 40-agent quickstart run written by ``python -m simworld run``."""
    work = tmp_path_factory.mktemp("notebook")
    out = work / "run"
    command = [sys.executable, "-m", "simworld", "run", str(SCENARIO), "--out", str(out)]
    proc = subprocess.run(
        [*command, "-q", "--set", "population.size=40"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "manifest.json").is_file()
    return out


def test_committed_notebook_has_no_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code
    for cell in code:
        assert cell["outputs"] == [] and cell["execution_count"] is None, cell["source"][:80]


def test_notebook_runs_on_a_quickstart_run(quickstart_run: Path, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the notebook draws with matplotlib")
    try:
        import nbformat
        from nbclient import NotebookClient
    except ImportError:
        pytest.skip("nbclient and nbformat are not installed (the analysis extra)")
    try:
        import ipykernel  # noqa: F401
    except ImportError:
        pytest.skip("ipykernel is not installed: no python3 kernel to run the notebook")

    text = NOTEBOOK.read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernel's own inline
    env["SIMWORLD_RUN"] = str(quickstart_run)
    client.execute(env=env)  # raises CellExecutionError on the first failing cell

    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # intents, success by segment, latency, population curves
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert f"run {quickstart_run}" in text
    assert " USER (" in text  # the example conversation, with its intent labels


def test_analysis_agrees_with_the_run_tables(quickstart_run: Path) -> None:
    pytest.importorskip("pandas")
    from simworld.analysis import intent_mix, load_run, population_curves, success_by

    frames = load_run(quickstart_run)
    assert len(frames.sessions) == frames.manifest["rows"]["sessions"]
    per_tick = success_by(frames, "tick")
    curves = population_curves(frames)
    assert list(curves.index) == list(per_tick.index)
    # The engine's per-tick success rate is the share of that tick's sessions that succeeded.
    assert list(curves[("success_rate", "all")]) == pytest.approx(list(per_tick.success_rate))
    assert list(curves[("sessions", "all")]) == list(per_tick.sessions)
    mix = intent_mix(frames)
    assert int(mix.turns.sum()) == int(frames.turns.intent.notna().sum())
