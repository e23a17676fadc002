"""Realism scoreboard: how far simulated users are from real ones, per scenario and real set.

Runs each scenario with ``python -m simworld run`` into a temporary directory, then compares
its user turns with real human seekers (:func:`simworld.compare.compare_dialogues`):

- ReDial (``redial/train_subset_kgsf_valid.jsonl``, format ``redial``, no intent labels);
- IARD (``iard/iard_dev.json``, format ``iard``, human intent labels: adds the transfer
  figures).

Scenarios: ``scenarios/quickstart.yaml`` (template users), and ``scenarios/llm-local.yaml``
when that file exists and ``llama_cpp`` is importable (skip it with ``--skip-llm``).

Calibrated rows (skip them with ``--skip-calibrated``): ``simworld calibrate`` fits a bundle
on ReDial ``train_subset_kepler.jsonl`` -- dialogues *disjoint* from the ReDial dev file the
rows are compared with -- and the quickstart runs again with ``user_model.calibration`` set
(``quickstart+cal``), then with critic selection of 8 and 32 candidates per turn
(``quickstart+cal+K8``, ``quickstart+cal+K32``). The selection cost (candidates per kept
turn, milliseconds per turn) is read from each run's manifest.

Run-to-run spread: the C2ST of one template run moves by about 0.015-0.03 with the scenario
seed (more than its bootstrap interval, which holds the run fixed). The template rows are
therefore also run with the extra seeds ``--seeds`` (default 1 and 2) and the table adds the
mean C2ST over all runs (the scenario's seed 7 and the extras) with its range; the other
figures are from the seed-7 run.

The classifier two-sample test uses 1,000 turns per class (``C2ST_N``) on both sides; its
AUC grows with the sample, so a run with fewer turns (llm-local: about 75) is also compared
with the quickstart at its size ("same size" lines).

Printed: a Markdown table, one row per (scenario, real set), with each figure next to its
human floor (the same statistic between two random halves of the real dialogues) or, for
transfer, its real-data ceiling. ``distinct-2`` and ``vendi`` are measured on the same
number of user turns on both sides (diversity grows with corpus size), simulated then real.

Run from anywhere: ``python bench/realism.py [--out PATH.json] [--skip-llm] [--set K=V]``.
The real corpora are looked up at ``../shared/data`` beside the repository; without them the
script exits with status 2 and says so. Deterministic for a seed (scenario seeds, and
``--seed`` for the comparison's splits and bootstraps).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
REAL_SETS = (
    ("redial", "redial/train_subset_kgsf_valid.jsonl", "redial"),
    ("iard", "iard/iard_dev.json", "iard"),
)
QUICKSTART = ROOT / "scenarios" / "quickstart.yaml"
LLM_LOCAL = ROOT / "scenarios" / "llm-local.yaml"
CALIBRATION_SET = ("redial/train_subset_kepler.jsonl", "redial")  # disjoint from REAL_SETS[0]
SELECT_K = (8, 32)
EXTRA_SEEDS = (1, 2)


@dataclass(frozen=True)
class Row:
    """One (scenario, real set) comparison: the figures of the table, plus timings."""

    scenario: str
    real: str
    figures: dict[str, Any]


def scenarios(
    skip_llm: bool, calibration: Path | None
) -> tuple[list[tuple[str, Path, list[str]]], list[str]]:
    """The runs to make (label, scenario, extra overrides), and a note per run left out."""
    chosen: list[tuple[str, Path, list[str]]] = [("quickstart", QUICKSTART, [])]
    notes: list[str] = []
    if calibration is None:
        notes.append("calibrated rows: skipped (--skip-calibrated)")
    else:
        cal = [f"user_model.calibration={calibration}"]
        chosen.append(("quickstart+cal", QUICKSTART, cal))
        for k in SELECT_K:
            select = [*cal, f"user_model.select.candidates={k}"]
            chosen.append((f"quickstart+cal+K{k}", QUICKSTART, select))
    if skip_llm:
        notes.append("llm-local: skipped (--skip-llm)")
    elif not LLM_LOCAL.is_file():
        notes.append(f"llm-local: skipped ({LLM_LOCAL.relative_to(ROOT)} does not exist)")
    elif importlib.util.find_spec("llama_cpp") is None:
        notes.append("llm-local: skipped (llama_cpp is not installed: the llm extra)")
    else:
        chosen.append(("llm-local", LLM_LOCAL, []))
    return chosen, notes


def calibrate(out: Path) -> float:
    """``simworld calibrate`` on the calibration set in a subprocess; returns its wall time."""
    rel, fmt = CALIBRATION_SET
    command = [
        sys.executable,
        "-m",
        "simworld",
        "calibrate",
        "--real",
        str(SHARED_DATA / rel),
        "--format",
        fmt,
        "--out",
        str(out),
        "--seed",
        "0",
    ]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"realism: simworld calibrate failed ({proc.returncode}): {last}")
    return time.perf_counter() - start


def run_scenario(path: Path, out: Path, overrides: Sequence[str]) -> float:
    """``simworld run`` in a subprocess; returns its wall time in seconds."""
    command = [sys.executable, "-m", "simworld", "run", str(path), "--out", str(out), "-q"]
    for item in overrides:
        command += ["--set", item]
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"realism: {path.name}: simworld run failed ({proc.returncode}): {last}")
    return time.perf_counter() - start


def equal_n_diversity(sim: Sequence[str], real: Sequence[str], seed: int) -> dict[str, float | int]:
    """distinct-2 and Vendi of both sides on the same number of turns (seeded subsamples)."""
    from simworld.metrics.stats import subsample
    from simworld.metrics.text import distinct_n, vendi_score

    n = min(len(sim), len(real))
    rng = np.random.default_rng(seed)
    a, b = subsample(sim, n, rng), subsample(real, n, rng)
    return {
        "diversity.n_turns": n,
        "diversity.distinct_2_sim": distinct_n(a, 2),
        "diversity.distinct_2_real": distinct_n(b, 2),
        "diversity.vendi_sim": vendi_score(a, seed=seed),
        "diversity.vendi_real": vendi_score(b, seed=seed),
    }


def measure(
    overrides: Sequence[str],
    skip_llm: bool,
    skip_calibrated: bool,
    seed: int,
    work: Path,
    extra_seeds: Sequence[int] = EXTRA_SEEDS,
) -> tuple[list[Row], list[str], dict[str, float]]:
    """Run the scenarios and compare each with each real set; the template rows again with
    ``extra_seeds`` for the mean C2ST."""
    from simworld.compare import compare_dialogues
    from simworld.datasets import load_dialogues
    from simworld.metrics.classify import blas_single_thread
    from simworld.metrics.run import load_run

    real: dict[str, Any] = {}
    for name, rel, fmt in REAL_SETS:
        real[name] = load_dialogues(SHARED_DATA / rel, fmt)
    timings: dict[str, float] = {}
    bundle = None if skip_calibrated else work / "calibration"
    if bundle is not None:
        timings["calibrate_s"] = calibrate(bundle)
    chosen, notes = scenarios(skip_llm, bundle)
    rows: list[Row] = []
    texts: dict[str, list[str]] = {}
    for scenario, path, extra in chosen:
        out = work / scenario
        timings[f"run.{scenario}_s"] = run_scenario(path, out, [*overrides, *extra])
        data = load_run(out)
        select = (data.manifest.get("user_model") or {}).get("select") or {}
        sim_texts = [str(r["user_text"]) for r in data.user_turns()]
        texts[scenario] = sim_texts
        for name, _, _ in REAL_SETS:
            start = time.perf_counter()
            figures: dict[str, Any] = dict(compare_dialogues(data, real[name], seed=seed))
            real_texts = [t.text for d in real[name] for t in d.user_turns]
            with blas_single_thread():
                figures.update(equal_n_diversity(sim_texts, real_texts, seed))
            if select:
                figures["select.candidates_per_turn"] = select.get("candidates_per_turn")
                figures["select.mean_turn_ms"] = select.get("mean_turn_ms")
            timings[f"compare.{scenario}.{name}_s"] = time.perf_counter() - start
            rows.append(Row(scenario, name, figures))
    matched_baseline(rows, texts, real, seed)
    for scenario, path, extra in chosen:
        if path != QUICKSTART or not extra_seeds:
            continue
        for run_seed in extra_seeds:
            out = work / f"{scenario}_seed{run_seed}"
            timings[f"run.{scenario}_seed{run_seed}_s"] = run_scenario(
                path, out, [*overrides, *extra, f"seed={run_seed}"]
            )
            sim_texts = [str(r["user_text"]) for r in load_run(out).user_turns()]
            for row in rows:
                if row.scenario == scenario:
                    row.figures.setdefault(
                        "realism.c2st_auc_seeds", [row.figures["realism.c2st_auc"]]
                    ).append(c2st_only(sim_texts, real[row.real], seed))
    return rows, notes, timings


def c2st_only(sim_texts: Sequence[str], real: Sequence[Any], seed: int) -> float:
    """The C2ST AUC ``compare_dialogues`` would give these turns (same random stream)."""
    from simworld.compare import C2ST_STREAM, figure_rngs
    from simworld.metrics.classify import blas_single_thread
    from simworld.metrics.realism import c2st_auc

    real_texts = [t.text for d in real for t in d.user_turns]
    rng = figure_rngs(seed)[C2ST_STREAM]
    with blas_single_thread():
        return float(c2st_auc(sim_texts, real_texts, rng, n_boot=0)["auc"])


def matched_baseline(
    rows: Sequence[Row], texts: dict[str, list[str]], real: dict[str, Any], seed: int
) -> None:
    """For a row whose C2ST had fewer turns per class than the default (a small LLM run),
    the quickstart's C2ST at that same size (``realism.c2st_auc_quickstart_same_n``): the
    AUC grows with the sample, so only equal sizes compare."""
    from simworld.metrics.classify import blas_single_thread
    from simworld.metrics.realism import C2ST_N, c2st_auc

    baseline = texts.get("quickstart")
    for row in rows:
        n = row.figures.get("realism.c2st_n")
        if baseline is None or not isinstance(n, int) or n >= C2ST_N:
            continue
        real_texts = [t.text for d in real[row.real] for t in d.user_turns]
        with blas_single_thread():
            res = c2st_auc(baseline, real_texts, np.random.default_rng(seed), max_per_class=n)
        row.figures["realism.c2st_auc_quickstart_same_n"] = res["auc"]
        row.figures["realism.c2st_auc_quickstart_same_n_ci"] = res["ci"]


def _f(value: Any, spec: str = ".3f") -> str:
    return "–" if value is None else format(float(value), spec)


def _seeds(values: Sequence[float] | None) -> str:
    if not values:
        return "–"
    return (
        f"{_f(float(np.mean(values)))} [{_f(min(values))}-{_f(max(values))}] ({len(values)} runs)"
    )


def table(rows: Sequence[Row]) -> str:
    """The scoreboard as a Markdown table (value, then floor or ceiling in parentheses)."""
    head = (
        "| scenario | real set | c2st_auc (floor) @ turns/class | c2st mean [range] over seeds "
        "| intent_jsd (floor) "
        "| words_per_turn_w1 (floor) | distinct_2 sim / real | vendi sim / real "
        "| transfer.intent_macro_f1 (ceiling) | transfer augmented |"
    )
    lines = [head, "|" + "---|" * 10]
    for row in rows:
        f = row.figures
        transfer = (
            f"{_f(f.get('transfer.intent_macro_f1'))} "
            f"({_f(f.get('transfer.intent_macro_f1_ceiling'))})"
            if "transfer.intent_macro_f1" in f
            else "n/a (no labels)"
        )
        augmented = _f(f.get("transfer.intent_macro_f1_augmented"))
        cells = [
            row.scenario,
            row.real,
            f"{_f(f.get('realism.c2st_auc'))} ({_f(f.get('realism.c2st_auc_floor'))}) "
            f"@ {f.get('realism.c2st_n', '–')}",
            _seeds(f.get("realism.c2st_auc_seeds")),
            f"{_f(f.get('realism.intent_jsd'))} ({_f(f.get('realism.intent_jsd_floor'))})",
            f"{_f(f.get('realism.words_per_turn_w1'), '.2f')} "
            f"({_f(f.get('realism.words_per_turn_w1_floor'), '.2f')})",
            f"{_f(f.get('diversity.distinct_2_sim'))} / {_f(f.get('diversity.distinct_2_real'))}",
            f"{_f(f.get('diversity.vendi_sim'), '.1f')} / "
            f"{_f(f.get('diversity.vendi_real'), '.1f')}",
            transfer,
            augmented if "transfer.intent_macro_f1" in f else "n/a",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    from simworld import __version__

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "simworld": __version__,
        "commit": commit or None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", help="also write every figure to this JSON file")
    parser.add_argument("--skip-llm", action="store_true", help="do not run scenarios/llm-local")
    parser.add_argument(
        "--skip-calibrated", action="store_true", help="no calibrated / critic-selection rows"
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="scenario override passed to every run, e.g. population.size=100 (repeatable)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the comparisons")
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="*",
        default=list(EXTRA_SEEDS),
        metavar="SEED",
        help="extra scenario seeds for the template rows' mean C2ST (default: 1 2; none: "
        "--seeds with no value)",
    )
    args = parser.parse_args(argv)
    needed = [rel for _, rel, _ in REAL_SETS] + (
        [] if args.skip_calibrated else [CALIBRATION_SET[0]]
    )
    missing = [rel for rel in needed if not (SHARED_DATA / rel).is_file()]
    if missing:
        print(
            f"realism: the real corpora are not at {SHARED_DATA} (missing: {', '.join(missing)}); "
            "this benchmark needs the dev checkout's ../shared/data",
            file=sys.stderr,
        )
        return 2
    info = machine()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="simworld-realism-") as tmp:
        rows, notes, timings = measure(
            args.set, args.skip_llm, args.skip_calibrated, args.seed, Path(tmp), args.seeds
        )
    timings["total_s"] = time.perf_counter() - start
    print(
        f"realism scoreboard: {info['date']}, {info['cpus']} cpus, python {info['python']}, "
        f"simworld {info['simworld']} ({info['commit'] or 'no git'}), compare seed {args.seed}"
        + (f", overrides {' '.join(args.set)}" if args.set else "")
    )
    print()
    print(table(rows))
    print()
    for note in notes:
        print(f"note: {note}")
    for row in rows:
        f = row.figures
        if f.get("realism.c2st_auc_quickstart_same_n") is not None:
            lo, hi = f["realism.c2st_auc_quickstart_same_n_ci"]
            print(
                f"same size: {row.scenario} vs {row.real} used {f['realism.c2st_n']} turns per "
                f"class; quickstart at that size: {_f(f['realism.c2st_auc_quickstart_same_n'])} "
                f"({_f(lo)}-{_f(hi)})"
            )
    for row in rows:
        f = row.figures
        if row.real == REAL_SETS[0][0] and f.get("select.candidates_per_turn") is not None:
            print(
                f"cost: {row.scenario}: {f['select.candidates_per_turn']:.1f} candidates per "
                f"kept turn, {f['select.mean_turn_ms']:.1f} ms per turn"
            )
    print(
        "timings: " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()),
    )
    if args.out:
        payload = {
            "machine": info,
            "seed": args.seed,
            "extra_run_seeds": list(args.seeds),
            "overrides": list(args.set),
            "notes": notes,
            "timings": timings,
            "rows": [{"scenario": r.scenario, "real": r.real, **r.figures} for r in rows],
        }
        Path(args.out).write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        print(f"figures written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
