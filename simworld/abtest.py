"""Comparing endpoints: which CRS did better, with bootstrap confidence intervals.

Three outcomes per endpoint: **success rate** (the user accepted something), **satisfaction**
(the user's own rating in [0, 1]) and **turns to success** (lower is better).

- **Paired** runs (``assignment: paired``) ran every visit against every endpoint with the
  same agent, goal and seed. A *pair* is one (agent, tick) with a session at both endpoints;
  each pair gives a difference (B - A). The estimate is the mean paired difference (turns
  to success: over pairs where both succeeded); its confidence interval comes from a
  cluster bootstrap that resamples *agents* (an agent's pairs on different ticks are not
  independent).
- **Unpaired** runs (``split``/``choice``) compare the arms' means; each arm's agents are
  resampled independently. Agents choosing by trust are not a randomised design, so read
  those differences as descriptive.

Sessions ended by an interruption (``cancelled``) are left out, with their pair. The first
endpoint of the scenario is the baseline A; every other endpoint is compared with it.
Everything is seeded: the same run and seed give the same intervals. numpy only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from simworld import build
from simworld.errors import DataError, SimworldError

COLUMNS = ("agent_id", "tick", "endpoint", "success", "satisfaction", "n_turns", "termination")
#: (key, label, higher is better)
METRICS: tuple[tuple[str, str, bool], ...] = (
    ("success_rate", "success rate", True),
    ("satisfaction", "satisfaction", True),
    ("turns_to_success", "turns to success", False),
)
FloatArray = npt.NDArray[np.float64]


def compare_sessions(
    rows: Iterable[Mapping[str, Any]],
    *,
    endpoints: Sequence[str],
    mode: str,
    seed: int,
    n_boot: int = 2000,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Compare every endpoint with the first one; see the module docstring."""
    if len(endpoints) < 2:
        raise SimworldError("a comparison needs at least two endpoints")
    kept = [r for r in rows if r["termination"] != "cancelled" and r["endpoint"] in endpoints]
    # Row order follows completion order; sort so sums (and so intervals) do not depend on it.
    kept.sort(key=lambda r: (str(r["agent_id"]), int(r["tick"]), str(r["endpoint"])))
    paired = mode == "paired"
    result: dict[str, Any] = {
        "design": "paired" if paired else "unpaired",
        "assignment": mode,
        "baseline": endpoints[0],
        "confidence": confidence,
        "n_boot": n_boot,
        "seed": seed,
        "resampling": "agents (cluster bootstrap)"
        if paired
        else "agents within each arm (independent bootstrap)",
        "endpoints": {e: _describe([r for r in kept if r["endpoint"] == e]) for e in endpoints},
        "comparisons": [],
    }
    a = endpoints[0]
    for ci, b in enumerate(endpoints[1:]):
        comp = (_paired if paired else _unpaired)(
            kept, a, b, seed=seed, index=ci, n_boot=n_boot, confidence=confidence
        )
        comp["verdict"] = _verdict(comp, confidence)
        result["comparisons"].append(comp)
    return result


def compare_run(
    run_dir: str | Path,
    *,
    seed: int | None = None,
    n_boot: int = 2000,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Read a run directory's manifest and sessions and compare its endpoints."""
    import pyarrow.dataset as ds

    run = Path(run_dir)
    mpath = run / "manifest.json"
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError("not a simworld run directory (no manifest.json)", file=str(run)) from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read manifest: {exc}", file=str(mpath)) from None
    scenario = manifest.get("scenario") or {}
    endpoints = [str(e["name"]) for e in scenario.get("endpoints", [])]
    if len(endpoints) < 2:
        raise SimworldError(
            f"{run}: the run has {len(endpoints)} endpoint(s); a comparison needs at least two"
        )
    mode = str((scenario.get("assignment") or {}).get("mode", "split"))
    table = ds.dataset(run / "sessions", format="parquet", ignore_prefixes=[".", "_"]).to_table(
        columns=list(COLUMNS)
    )
    return compare_sessions(
        table.to_pylist(),
        endpoints=endpoints,
        mode=mode,
        seed=int(manifest.get("seed", 0)) if seed is None else seed,
        n_boot=n_boot,
        confidence=confidence,
    )


# -- estimates ---------------------------------------------------------------------------------
def _describe(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    ok = [r for r in rows if r["success"]]
    return {
        "sessions": len(rows),
        "agents": len({r["agent_id"] for r in rows}),
        "success_rate": _mean([float(bool(r["success"])) for r in rows]),
        "satisfaction": _mean([float(r["satisfaction"]) for r in rows]),
        "turns_to_success": _mean([float(r["n_turns"]) for r in ok]),
    }


def _value(metric: str, r: Mapping[str, Any]) -> float | None:
    if metric == "success_rate":
        return float(bool(r["success"]))
    if metric == "satisfaction":
        return float(r["satisfaction"])
    return float(r["n_turns"]) if r["success"] else None


def _paired(
    rows: Sequence[Mapping[str, Any]],
    a: str,
    b: str,
    *,
    seed: int,
    index: int,
    n_boot: int,
    confidence: float,
) -> dict[str, Any]:
    by_unit: dict[tuple[str, int], dict[str, Mapping[str, Any]]] = {}
    for r in rows:
        by_unit.setdefault((str(r["agent_id"]), int(r["tick"])), {})[str(r["endpoint"])] = r
    units = sorted(k for k, v in by_unit.items() if a in v and b in v)
    metrics: dict[str, Any] = {}
    for m, (key, _, higher) in enumerate(METRICS):
        va, vb, groups = [], [], []
        for k in units:
            xa, xb = _value(key, by_unit[k][a]), _value(key, by_unit[k][b])
            if xa is not None and xb is not None:
                va.append(xa)
                vb.append(xb)
                groups.append(k[0])
        d = np.array(vb) - np.array(va)
        rng = build.rng_for(seed, build.SEED_BOOTSTRAP, index, m)
        ci = _cluster_ci(d, groups, rng, n_boot, confidence)
        metrics[key] = _metric(a, b, _mean(va), _mean(vb), _mean(list(d)), ci, len(d), higher)
    return {
        "a": a,
        "b": b,
        "pairs": len(units),
        "agents": len({k[0] for k in units}),
        "metrics": metrics,
    }


def _unpaired(
    rows: Sequence[Mapping[str, Any]],
    a: str,
    b: str,
    *,
    seed: int,
    index: int,
    n_boot: int,
    confidence: float,
) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    arm_a = [r for r in rows if r["endpoint"] == a]
    arm_b = [r for r in rows if r["endpoint"] == b]
    for m, (key, _, higher) in enumerate(METRICS):
        rng = build.rng_for(seed, build.SEED_BOOTSTRAP, index, m)
        sides = []
        for arm in (arm_a, arm_b):
            vals = [(v, str(r["agent_id"])) for r in arm if (v := _value(key, r)) is not None]
            sides.append((np.array([v for v, _ in vals]), [g for _, g in vals]))
        (xa, ga), (xb, gb) = sides
        ci = None
        if len(xa) and len(xb):
            boot_a = _cluster_boot(xa, ga, rng, n_boot)
            boot_b = _cluster_boot(xb, gb, rng, n_boot)
            ci = _interval(boot_b - boot_a, confidence)
        ma, mb = _mean(list(xa)), _mean(list(xb))
        diff = None if ma is None or mb is None else mb - ma
        metrics[key] = _metric(a, b, ma, mb, diff, ci, len(xa) + len(xb), higher)
    return {
        "a": a,
        "b": b,
        "sessions": {a: len(arm_a), b: len(arm_b)},
        "agents": len({r["agent_id"] for r in arm_a} | {r["agent_id"] for r in arm_b}),
        "metrics": metrics,
    }


def _metric(
    a: str,
    b: str,
    va: float | None,
    vb: float | None,
    diff: float | None,
    ci: tuple[float, float] | None,
    n: int,
    higher: bool,
) -> dict[str, Any]:
    better = None
    if ci is not None and (ci[0] > 0 or ci[1] < 0):
        b_up = ci[0] > 0
        better = b if b_up == higher else a
    return {
        "a": va,
        "b": vb,
        "diff": diff,
        "ci": list(ci) if ci is not None else None,
        "n": n,
        "better": better,
    }


def _cluster_boot(
    x: FloatArray, groups: Sequence[str], rng: np.random.Generator, n_boot: int
) -> FloatArray:
    """Bootstrap distribution of the mean of ``x``, resampling whole groups (agents)."""
    _, inv = np.unique(np.asarray(groups), return_inverse=True)
    sums = np.bincount(inv, weights=x)
    counts = np.bincount(inv).astype(np.float64)
    g = len(sums)
    out = np.empty(n_boot, dtype=np.float64)
    chunk = max(1, 2_000_000 // max(g, 1))
    for start in range(0, n_boot, chunk):
        m = min(chunk, n_boot - start)
        idx = rng.integers(g, size=(m, g))
        out[start : start + m] = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    return out


def _cluster_ci(
    d: FloatArray,
    groups: Sequence[str],
    rng: np.random.Generator,
    n_boot: int,
    confidence: float,
) -> tuple[float, float] | None:
    if len(d) == 0:
        return None
    return _interval(_cluster_boot(d, groups, rng, n_boot), confidence)


def _interval(boot: FloatArray, confidence: float) -> tuple[float, float]:
    alpha = (1.0 - confidence) / 2
    lo, hi = np.quantile(boot, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


# -- presentation --------------------------------------------------------------------------------
def _fmt(key: str, v: float | None, *, diff: bool = False) -> str:
    if v is None:
        return "n/a"
    if key == "success_rate":
        return f"{v * 100:+.1f} pts" if diff else f"{v:.1%}"
    if key == "satisfaction":
        return f"{v:+.3f}" if diff else f"{v:.3f}"
    return f"{v:+.2f}" if diff else f"{v:.2f}"


def _fmt_ci(key: str, ci: Sequence[float] | None) -> str:
    if ci is None:
        return "n/a"
    scale = 100.0 if key == "success_rate" else 1.0
    digits = 1 if key == "success_rate" else 3 if key == "satisfaction" else 2
    return f"[{ci[0] * scale:+.{digits}f}, {ci[1] * scale:+.{digits}f}]"


def _verdict(comp: Mapping[str, Any], confidence: float) -> str:
    a, b = comp["a"], comp["b"]
    wins: dict[str, list[str]] = {a: [], b: []}
    for key, label, _ in METRICS:
        m = comp["metrics"][key]
        if m["better"] is not None:
            wins[m["better"]].append(
                f"{label} {_fmt(key, m['diff'], diff=True)} {_fmt_ci(key, m['ci'])}"
            )
    level = f"{confidence:.0%}"
    if wins[b] and not wins[a]:
        return f"{b} did better than {a} ({level} CI, {b} - {a}): " + "; ".join(wins[b])
    if wins[a] and not wins[b]:
        return f"{a} did better than {b} ({level} CI, {b} - {a}): " + "; ".join(wins[a])
    if wins[a] and wins[b]:
        return (
            f"mixed: {b} better on "
            + "; ".join(wins[b])
            + f" -- {a} better on "
            + "; ".join(wins[a])
        )
    return f"no clear difference between {b} and {a} at {level} confidence"


def headlines(result: Mapping[str, Any]) -> list[str]:
    """One verdict line per comparison."""
    return [str(c["verdict"]) for c in result.get("comparisons", [])]


def format_ab(result: Mapping[str, Any]) -> list[Any]:
    """Rich tables of the comparison, one per (B vs A): metric, A, B, B - A, CI, better."""
    from rich.table import Table

    level = f"{result['confidence']:.0%}"
    out = []
    for comp in result["comparisons"]:
        a, b = comp["a"], comp["b"]
        n = comp.get("pairs")
        size = f"{n} pairs" if n is not None else f"{sum(comp['sessions'].values())} sessions"
        t = Table(
            title=f"A/B: B = {b} vs A = {a} ({result['design']}, {size})",
            caption=f"{level} CI of B - A: bootstrap resampling "
            f"{result['resampling']}, {result['n_boot']} resamples",
            title_justify="left",
            caption_justify="left",
        )
        t.add_column("metric", no_wrap=True)
        t.add_column("A", justify="right")
        t.add_column("B", justify="right")
        t.add_column("B - A", justify="right", no_wrap=True)
        t.add_column(f"{level} CI", justify="right", no_wrap=True)
        t.add_column("better")
        for key, name, _ in METRICS:
            m = comp["metrics"][key]
            t.add_row(
                name,
                _fmt(key, m["a"]),
                _fmt(key, m["b"]),
                _fmt(key, m["diff"], diff=True),
                _fmt_ci(key, m["ci"]),
                {a: "A", b: "B"}.get(m["better"], "unclear"),
            )
        out.append(t)
    return out
