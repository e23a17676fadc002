"""Small statistics used by every metric: distributions, divergences, bootstrap, halves.

Pure numpy, no scipy: importing this module stays cheap. Every random choice takes a
``numpy.random.Generator`` so results are deterministic for a seed.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")
Distribution = Mapping[str, float]


def distribution(labels: Iterable[Hashable]) -> dict[str, float]:
    """Relative frequencies of ``labels`` (keys turned into strings), sorted by key."""
    counts = Counter(str(x) for x in labels)
    total = sum(counts.values())
    return {k: counts[k] / total for k in sorted(counts)} if total else {}


def _aligned(p: Distribution, q: Distribution) -> tuple[np.ndarray, np.ndarray]:
    keys = sorted(set(p) | set(q))
    a = np.array([max(float(p.get(k, 0.0)), 0.0) for k in keys])
    b = np.array([max(float(q.get(k, 0.0)), 0.0) for k in keys])
    if a.sum() <= 0 or b.sum() <= 0:
        raise ValueError("a distribution is empty (all weights are zero)")
    return a / a.sum(), b / b.sum()


def jsd(p: Distribution, q: Distribution) -> float:
    """Jensen-Shannon divergence in bits (base 2): symmetric, 0 iff equal, at most 1.

    ``p`` and ``q`` map category -> weight (counts or probabilities; each is normalised);
    categories missing from one side have weight 0 there.
    """
    a, b = _aligned(p, q)
    m = (a + b) / 2

    def kl(x: np.ndarray) -> float:
        mask = x > 0
        return float(np.sum(x[mask] * np.log2(x[mask] / m[mask])))

    return min(max(0.5 * kl(a) + 0.5 * kl(b), 0.0), 1.0)


def total_variation(p: Distribution, q: Distribution) -> float:
    """Total variation distance: half the L1 distance, in [0, 1]."""
    a, b = _aligned(p, q)
    return float(min(1.0, 0.5 * np.abs(a - b).sum()))  # rounding can exceed 1 by an ulp


def wasserstein_1d(u: Sequence[float] | np.ndarray, v: Sequence[float] | np.ndarray) -> float:
    """Earth mover's distance between two 1-D samples (the area between their CDFs)."""
    a = np.sort(np.asarray(u, dtype=np.float64))
    b = np.sort(np.asarray(v, dtype=np.float64))
    if a.size == 0 or b.size == 0:
        raise ValueError("wasserstein_1d needs two non-empty samples")
    grid = np.sort(np.concatenate([a, b]))
    widths = np.diff(grid)
    cdf_a = np.searchsorted(a, grid[:-1], side="right") / a.size
    cdf_b = np.searchsorted(b, grid[:-1], side="right") / b.size
    return float(np.sum(np.abs(cdf_a - cdf_b) * widths))


def bootstrap_ci(
    statistic: Callable[..., float],
    samples: Sequence[Sequence[Any]],
    *,
    rng: np.random.Generator,
    n_boot: int = 200,
    level: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(*samples)``.

    Each sample is resampled with replacement independently (so two-sample statistics
    such as a JSD between two sets get both sides' sampling noise). Resamples where the
    statistic is undefined (raises ValueError or returns NaN) are skipped; if none are
    left the interval is ``(nan, nan)``.
    """
    values: list[float] = []
    arrays = [list(s) for s in samples]
    for _ in range(n_boot):
        drawn = [[s[i] for i in rng.integers(0, len(s), len(s))] if s else [] for s in arrays]
        try:
            value = float(statistic(*drawn))
        except (ValueError, ZeroDivisionError):
            continue
        if not math.isnan(value):
            values.append(value)
    if not values:
        return (math.nan, math.nan)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(np.array(values), [alpha, 1 - alpha])
    return (float(lo), float(hi))


def bootstrap_intervals(
    statistic: Callable[..., Sequence[float]],
    samples: Sequence[np.ndarray],
    *,
    rng: np.random.Generator,
    n_boot: int = 200,
    level: float = 0.95,
) -> list[tuple[float, float]]:
    """Percentile bootstrap intervals of a statistic returning several numbers at once.

    The vector version of :func:`bootstrap_ci`, drawing the same way (each sample resampled
    with replacement along its first axis, independently): one set of resamples serves every
    component, so related figures cost one bootstrap. ``samples`` are numpy arrays (e.g. one
    row per session); a component that is NaN in a resample is skipped there, and a component
    undefined in every resample (or ``n_boot`` 0) gets ``(nan, nan)``.
    """
    rows: list[Sequence[float]] = []
    for _ in range(n_boot):
        drawn = [s[rng.integers(0, len(s), len(s))] if len(s) else s for s in samples]
        rows.append(statistic(*drawn))
    if not rows:  # no resamples: as many undefined intervals as the statistic has parts
        return [(math.nan, math.nan)] * len(statistic(*samples))
    alpha = (1 - level) / 2
    out: list[tuple[float, float]] = []
    for values in zip(*rows, strict=True):
        arr = np.asarray(values, dtype=np.float64)
        arr = arr[np.isfinite(arr)]
        if arr.size == 0:
            out.append((math.nan, math.nan))
            continue
        lo, hi = np.quantile(arr, [alpha, 1 - alpha])
        out.append((float(lo), float(hi)))
    return out


def split_halves(items: Sequence[T], rng: np.random.Generator) -> tuple[list[T], list[T]]:
    """Two random halves of ``items`` (the human floor compares one half with the other)."""
    order = rng.permutation(len(items))
    half = len(items) // 2
    return [items[i] for i in order[:half]], [items[i] for i in order[half:]]


def percentile(values: Sequence[float] | np.ndarray, q: float) -> float | None:
    """The ``q``-th percentile (0-100) of the finite values, or None when there are none."""
    arr = np.asarray(values, dtype=np.float64)
    arr = arr[np.isfinite(arr)]
    return float(np.percentile(arr, q)) if arr.size else None


def entropy_bits(counts: Iterable[float]) -> float:
    """Shannon entropy (bits) of non-negative weights."""
    arr = np.array([c for c in counts if c > 0], dtype=np.float64)
    if arr.size == 0:
        return 0.0
    p = arr / arr.sum()
    return float(-np.sum(p * np.log2(p)))


def subsample(items: Sequence[T], k: int, rng: np.random.Generator) -> list[T]:
    """At most ``k`` items drawn without replacement, keeping their original order."""
    if len(items) <= k:
        return list(items)
    idx = np.sort(rng.choice(len(items), size=k, replace=False))
    return [items[i] for i in idx]


def auc_from_scores(pos: Sequence[float] | np.ndarray, neg: Sequence[float] | np.ndarray) -> float:
    """ROC AUC = P(score of a positive > score of a negative), ties counting one half."""
    a = np.asarray(pos, dtype=np.float64)
    b = np.asarray(neg, dtype=np.float64)
    if a.size == 0 or b.size == 0:
        raise ValueError("AUC needs at least one positive and one negative score")
    scores = np.concatenate([a, b])
    _, inverse, counts = np.unique(scores, return_inverse=True, return_counts=True)
    average_rank = np.cumsum(counts) - (counts - 1) / 2.0  # 1-based ranks, ties averaged
    ranks = average_rank[inverse]
    return float((ranks[: a.size].sum() - a.size * (a.size + 1) / 2.0) / (a.size * b.size))
