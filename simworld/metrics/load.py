"""How the CRS endpoints held up under the simulated load: latency, errors, throughput.

- latency percentiles (p50/p90/p95/p99, ms) over turns that got an answer (``error`` null
  and a finite ``latency_ms``);
- errors by type: count of turns per ``error`` kind (``timeout``, ``http_500``, ...) and the
  error rate (erroneous turns / all turns);
- throughput: turns per second of wall-clock time when the run's ``manifest.json`` records
  it (``wall_seconds``, ``wall_time_s``, ``duration_s`` or ``elapsed_s``, or ISO ``started_at`` and
  ``finished_at``), else turns per simulated tick.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from simworld.metrics.stats import percentile

PERCENTILES = (50, 90, 95, 99)


def wall_time_s(manifest: Mapping[str, Any]) -> float | None:
    """The run's wall-clock duration in seconds from its manifest, if recorded."""
    for key in ("wall_seconds", "wall_time_s", "duration_s", "elapsed_s"):
        value = manifest.get(key)
        if isinstance(value, int | float) and value > 0:
            return float(value)
    start, end = manifest.get("started_at"), manifest.get("finished_at")
    if isinstance(start, str) and isinstance(end, str):
        try:
            seconds = (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()
        except (ValueError, TypeError):
            return None
        return seconds if seconds > 0 else None
    return None


def load_stats(
    turns: Sequence[Mapping[str, Any]], manifest: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``{"latency_p50_ms", ..., "latency_mean_ms", "errors": {kind: n}, "error_rate",
    "n_turns", "throughput", "throughput_unit"}`` (``turns/s`` or ``turns/tick``)."""
    latencies = [
        float(t["latency_ms"])
        for t in turns
        if t.get("error") is None
        and t.get("latency_ms") is not None
        and math.isfinite(float(t["latency_ms"]))
    ]
    errors = Counter(str(t["error"]) for t in turns if t.get("error") is not None)
    n = len(turns)
    out: dict[str, Any] = {
        f"latency_p{q}_ms": percentile(latencies, q) if latencies else None for q in PERCENTILES
    }
    out["latency_mean_ms"] = sum(latencies) / len(latencies) if latencies else None
    out["errors"] = dict(sorted(errors.items()))
    out["error_rate"] = sum(errors.values()) / n if n else None
    out["n_turns"] = n
    wall = wall_time_s(manifest or {})
    ticks = {t.get("tick") for t in turns if t.get("tick") is not None}
    if wall is not None:
        out["throughput"], out["throughput_unit"] = n / wall, "turns/s"
    elif ticks:
        out["throughput"], out["throughput_unit"] = n / len(ticks), "turns/tick"
    else:
        out["throughput"], out["throughput_unit"] = None, None
    return out
