"""The report's figures, drawn with matplotlib's object API (no pyplot, no global state).

Each function writes one PNG and returns its path, or returns None when the run has no
data for that figure. Figures are created with ``matplotlib.figure.Figure`` and saved by
the Agg canvas, so nothing depends on (or changes) the process-wide backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: Path) -> Path:
    fig.savefig(path, format="png")
    return path


def intent_bars(
    path: Path, sim: Mapping[str, float], real: Mapping[str, float] | None = None
) -> Path | None:
    """Intent shares of simulated turns, side by side with real ones when given."""
    if not sim:
        return None
    labels = sorted(set(sim) | set(real or {}))
    x = np.arange(len(labels))
    fig = _figure(max(6.0, 0.5 * len(labels)), 3.5)
    ax = fig.add_subplot()
    width = 0.4 if real else 0.8
    ax.bar(x - (width / 2 if real else 0), [sim.get(k, 0.0) for k in labels], width, label="sim")
    if real:
        ax.bar(x + width / 2, [real.get(k, 0.0) for k in labels], width, label="real")
        ax.legend()
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.set_ylabel("share of user turns")
    ax.set_title("Intent distribution")
    return _save(fig, path)


def heatmap(
    path: Path, rows: Sequence[str], cols: Sequence[str], matrix: np.ndarray, *, title: str
) -> Path | None:
    """A counts heatmap (log colour scale) with every cell annotated when small enough."""
    if matrix.size == 0 or matrix.sum() == 0:
        return None
    fig = _figure(max(6.0, 0.45 * len(cols) + 2), max(4.0, 0.3 * len(rows) + 1.5))
    ax = fig.add_subplot()
    image = ax.imshow(np.log1p(matrix), aspect="auto", cmap="viridis")
    ax.set_xticks(np.arange(len(cols)), list(cols), rotation=45, ha="right")
    ax.set_yticks(np.arange(len(rows)), list(rows))
    if matrix.size <= 400:
        top = np.log1p(matrix).max()
        for (i, j), v in np.ndenumerate(matrix):
            colour = "black" if np.log1p(v) > top / 2 else "white"
            ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color=colour)
    fig.colorbar(image, ax=ax, label="log(1 + turns)")
    ax.set_title(title)
    return _save(fig, path)


def segment_bars(
    path: Path, segments: Mapping[str, Mapping[str, tuple[float, int]]]
) -> Path | None:
    """One small bar chart of success rate per persona/trait attribute."""
    if not segments:
        return None
    names = list(segments)
    ncols = 3
    nrows = (len(names) + ncols - 1) // ncols
    fig = _figure(4.0 * ncols, 2.8 * nrows)
    for k, name in enumerate(names):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        values = segments[name]
        keys = list(values)
        ax.bar(range(len(keys)), [values[v][0] for v in keys], color="tab:green")
        ax.set_xticks(range(len(keys)), [f"{v}\n(n={values[v][1]})" for v in keys], fontsize=7)
        ax.set_ylim(0, 1)
        ax.set_title(name.removeprefix("persona_").removeprefix("trait_"), fontsize=9)
    fig.suptitle("Success rate by persona segment")
    return _save(fig, path)


def histogram(path: Path, values: Sequence[float], *, title: str, xlabel: str) -> Path | None:
    """A histogram with the p50/p95 marked."""
    arr = np.asarray([v for v in values if v is not None and np.isfinite(v)], dtype=np.float64)
    if arr.size == 0:
        return None
    fig = _figure(6.0, 3.5)
    ax = fig.add_subplot()
    ax.hist(arr, bins=min(50, max(5, arr.size // 5)), color="tab:blue")
    for q, style in ((50, "--"), (95, ":")):
        v = float(np.percentile(arr, q))
        ax.axvline(v, color="black", linestyle=style, label=f"p{q} = {v:.0f}")
    ax.legend()
    ax.set_xlabel(xlabel)
    ax.set_ylabel("turns")
    ax.set_title(title)
    return _save(fig, path)


def population_curves(path: Path, rows: Sequence[Mapping[str, Any]]) -> Path | None:
    """Per-tick curves of the population table (success, satisfaction, activity, volume)."""
    rows = sorted((r for r in rows if r.get("tick") is not None), key=lambda r: r["tick"])
    if not rows:
        return None
    ticks = [r["tick"] for r in rows]
    panels = (
        ("success_rate", "success rate"),
        ("mean_satisfaction", "mean satisfaction"),
        ("active_agents", "active agents"),
        ("sessions", "sessions per tick"),
    )
    from matplotlib.ticker import MaxNLocator

    fig = _figure(9.0, 5.5)
    for k, (col, label) in enumerate(panels):
        ax = fig.add_subplot(2, 2, k + 1)
        ys = [np.nan if r.get(col) is None else float(r[col]) for r in rows]
        ax.plot(ticks, ys, marker="o", markersize=3)
        ax.set_title(label, fontsize=9)
        ax.set_xlabel("tick")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if k < 2:  # rates in [0, 1]
            ax.set_ylim(0, 1.02)
        else:
            ax.set_ylim(bottom=0)
    fig.suptitle("Population over simulated time")
    return _save(fig, path)
