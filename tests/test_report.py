"""The report and compare assembled from a synthetic run directory (real Parquet files
written to simworld.records' schemas) and synthetic real-data files."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from simrun import make_run, write_real_jsonl

from simworld.compare import compare, format_compare
from simworld.datasets import load_dialogues
from simworld.errors import DataError
from simworld.metrics.run import load_run
from simworld.records import TABLES
from simworld.report import build_report, run_metrics, summarize

REQUIRED_KEYS = (
    "diversity.distinct_1",
    "diversity.distinct_2",
    "diversity.vendi",
    "diversity.first_turn_distinct_2",
    "coverage.latent_grid",
    "coverage.latent_grid_entropy",
    "fidelity.intent_macro_f1",
    "fidelity.label_leak_rate",
    "crs.success_rate",
    "crs.success_at_1",
    "crs.success_at_5",
    "crs.recall_at_10",
    "crs.first_turn_success",
    "crs.target_leak_rate",
    "crs.success_rate_leak_free",
    "load.latency_p50_ms",
    "load.latency_p90_ms",
    "load.latency_p95_ms",
    "load.latency_p99_ms",
    "load.error_rate",
    "load.throughput_turns_per_s",
)
UNIT_PREFIXES = ("diversity.distinct", "diversity.first", "coverage.", "fidelity.", "crs.")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "run", seed=0)


@pytest.fixture(scope="module")
def report(run_dir: Path) -> Path:
    return build_report(run_dir)


def test_report_files_and_metrics(report: Path, run_dir: Path) -> None:
    out = run_dir / "report"
    assert report == out / "index.html"
    for name in (
        "metrics.json",
        "intents.png",
        "coverage.png",
        "success.png",
        "latency.png",
        "population.png",
        "confusion.png",
    ):
        assert (out / name).stat().st_size > 0, name
        if name.endswith(".png"):
            assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    metrics = json.loads((out / "metrics.json").read_text())
    assert not [k for k in REQUIRED_KEYS if k not in metrics]
    for key, value in metrics.items():
        if (
            key.startswith(UNIT_PREFIXES)
            and not key.startswith("crs.turns_to")
            and key not in ("crs.mean_turns", "coverage.latent_grid_cells")
            and key != "coverage.persona_intent_cells"
        ):
            assert value is None or 0.0 <= value <= 1.0, (key, value)
    assert metrics["run.n_sessions"] == 60
    assert metrics["run.n_turns"] == len(load_run(run_dir).turns)
    assert 1.0 <= metrics["diversity.vendi"] <= metrics["run.n_turns"]
    lat = [metrics[f"load.latency_p{q}_ms"] for q in (50, 90, 95, 99)]
    assert lat == sorted(lat) and lat[0] > 0
    assert metrics["load.throughput_turns_per_s"] == pytest.approx(metrics["run.n_turns"] / 12.5)
    assert metrics["load.errors.timeout"] >= 1
    # the synthetic text is generated from the intent: labels are learnable, nothing leaks
    assert metrics["fidelity.intent_macro_f1"] > 0.8
    per_intent = {k: v for k, v in metrics.items() if k.startswith("fidelity.intent_f1.")}
    assert len(per_intent) >= 2
    assert sum(per_intent.values()) / len(per_intent) == pytest.approx(
        metrics["fidelity.intent_macro_f1"]
    )
    confusion = json.loads((run_dir / "report" / "confusion.json").read_text())
    n = len(confusion["labels"])
    assert n >= len(per_intent) and all(len(row) == n for row in confusion["confusion"])
    assert sum(map(sum, confusion["confusion"])) == confusion["n_test"] > 0
    assert metrics["fidelity.label_leak_rate"] == 0.0
    assert metrics["crs.target_leak_rate"] == pytest.approx(6 / 60)
    success_at = [metrics[f"crs.success_at_{t}"] for t in range(1, 9)]
    assert success_at == sorted(success_at)
    assert success_at[-1] == pytest.approx(metrics["crs.success_rate"])
    assert (
        metrics["fidelity.separability.trait_verbosity"]
        > (metrics["fidelity.separability.trait_verbosity_majority"])
    )


def test_report_html_is_self_contained(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") == 6
    assert "crs.success_rate" in page and "</html>" in page
    assert "src='intents.png'" not in page  # images are embedded, not linked


def test_summarize(report: Path) -> None:
    metrics = json.loads((report.parent / "metrics.json").read_text())
    text = summarize(metrics)
    assert text.splitlines()[0].startswith("run        60 sessions")
    assert "turns/s" in text and "intent macro-F1" in text
    assert "realism" not in text  # no real data given


def test_report_with_real_data(tmp_path: Path, run_dir: Path) -> None:
    run = shutil.copytree(run_dir, tmp_path / "run", ignore=shutil.ignore_patterns("report"))
    real = load_dialogues(write_real_jsonl(tmp_path / "real.jsonl", style="sim"), "jsonl")
    index = build_report(run, real=real)
    metrics = json.loads((index.parent / "metrics.json").read_text())
    assert 0.0 <= metrics["realism.c2st_auc"] <= 1.0
    assert metrics["transfer.intent_macro_f1"] > 0.8
    assert "realism    C2ST AUC" in summarize(metrics)
    assert "vs real human labels" in index.read_text(encoding="utf-8")


def test_run_metrics_are_deterministic(run_dir: Path) -> None:
    assert run_metrics(run_dir, seed=3) == run_metrics(run_dir, seed=3)


# -- compare --------------------------------------------------------------------------


def _check_compare(result: dict[str, Any]) -> None:
    for key in (
        "realism.c2st_auc",
        "realism.c2st_auc_floor",
        "realism.intent_jsd",
        "realism.intent_jsd_floor",
        "realism.sentiment_jsd",
        "realism.topic_jsd",
        "realism.words_per_turn_w1",
        "realism.turns_per_session_w1",
        "realism.question_rate_diff",
        "realism.short_turn_share_diff",
    ):
        assert key in result, key
    for key, value in result.items():
        if key.endswith("_ci") and value is not None:
            lo, hi = value
            assert lo <= hi
            assert lo - 1e-9 <= result[key.removesuffix("_ci")] <= hi + 1e-9, key
        if "jsd" in key and isinstance(value, float):
            assert 0.0 <= value <= 1.0, key
    assert json.loads(json.dumps(result, allow_nan=False)) == result


def test_compare_same_style_vs_different_style(tmp_path: Path, run_dir: Path) -> None:
    same: dict[str, Any] = compare(
        run_dir, write_real_jsonl(tmp_path / "same.jsonl", style="sim"), "jsonl"
    )
    other: dict[str, Any] = compare(
        run_dir, write_real_jsonl(tmp_path / "other.jsonl", style="casual"), "jsonl"
    )
    _check_compare(same)
    _check_compare(other)
    assert other["realism.c2st_auc"] > 0.95
    assert other["realism.c2st_auc"] > same["realism.c2st_auc"]
    assert same["realism.c2st_auc_floor"] < 0.7
    assert other["realism.question_rate_diff"] > same["realism.question_rate_diff"]
    assert same["transfer.intent_macro_f1"] > 0.8
    assert other["transfer.intent_macro_f1"] < same["transfer.intent_macro_f1"]
    assert same["transfer.intent_macro_f1_ceiling"] > 0.8
    assert same["transfer.intent_macro_f1_augmented"] > 0.8
    assert f"transfer.f1.{same['transfer.intents'][0]}" in same
    table = format_compare(same)
    console = Console(record=True, width=140)
    console.print(table)
    rendered = console.export_text()
    assert "realism.c2st_auc" in rendered and "human floor" in rendered
    assert table.row_count == len([k for k in same if not k.endswith(("_ci", "_floor"))])


def test_compare_reports_the_c2st_sample_size(tmp_path: Path, run_dir: Path) -> None:
    real = write_real_jsonl(tmp_path / "other.jsonl", style="casual")
    full: dict[str, Any] = compare(run_dir, real, "jsonl")
    small: dict[str, Any] = compare(run_dir, real, "jsonl", c2st_n=20)
    assert small["realism.c2st_n"] == 20 < full["realism.c2st_n"]
    with pytest.raises(DataError, match="c2st_n"):
        compare(run_dir, real, "jsonl", c2st_n=5)


def test_compare_unlabelled_real_has_no_transfer(tmp_path: Path, run_dir: Path) -> None:
    path = write_real_jsonl(tmp_path / "plain.jsonl", style="sim", labelled=False)
    result = compare(run_dir, path, "jsonl", seed=1)
    _check_compare(result)
    assert not [k for k in result if k.startswith("transfer.")]
    assert result == compare(run_dir, path, "jsonl", seed=1)  # deterministic for a seed


def test_compare_and_report_errors(tmp_path: Path, run_dir: Path) -> None:
    real = write_real_jsonl(tmp_path / "real.jsonl")
    with pytest.raises(DataError, match="run directory not found"):
        compare(tmp_path / "missing", real, "jsonl")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="not a run directory"):
        build_report(tmp_path / "empty")
    empty_run = tmp_path / "no_turns"
    (empty_run / "turns").mkdir(parents=True)
    pq.write_table(TABLES["turns"].empty_table(), empty_run / "turns" / "part-0.parquet")
    with pytest.raises(DataError, match="no user turns"):
        compare(empty_run, real, "jsonl")
    broken = tmp_path / "broken"
    (broken / "turns").mkdir(parents=True)
    pq.write_table(pa.table({"turn_index": ["not-an-int"]}), broken / "turns" / "p.parquet")
    with pytest.raises(DataError, match="cannot read table 'turns'"):
        load_run(broken)


def test_report_on_sparse_run(tmp_path: Path) -> None:
    """Only turns and sessions, no population/agents/manifest: metrics degrade to None."""
    run = make_run(tmp_path / "run", n_sessions=6, n_agents=2, ticks=1)
    shutil.rmtree(run / "population")
    shutil.rmtree(run / "agents")
    (run / "manifest.json").unlink()
    index = build_report(run)
    metrics = json.loads((index.parent / "metrics.json").read_text())
    assert metrics["load.throughput_turns_per_tick"] > 0
    assert not (index.parent / "population.png").exists()
    assert all(v is None or not (isinstance(v, float) and math.isnan(v)) for v in metrics.values())
