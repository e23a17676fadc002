"""Running statistics of a run: fed one session result at a time, read per tick and at the end.

One accumulator serves every consumer (the population table, the progress display and the
end-of-run summary), in the Locust manner: each finished session is one event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simworld.engine.session import SessionResult


@dataclass
class _Window:
    sessions: int = 0
    turns: int = 0
    successes: int = 0
    errors: int = 0
    satisfaction: float = 0.0
    latencies: list[float] = field(default_factory=list)


class RunStats:
    def __init__(self) -> None:
        self.total = _Window()
        self.tick = _Window()
        self.terminations: Counter[str] = Counter()
        self.intents: Counter[str] = Counter()
        self.errors_by_kind: Counter[str] = Counter()
        self.by_endpoint: dict[str, _Window] = {}

    def add(self, result: SessionResult) -> None:
        s = result.session
        ep = self.by_endpoint.setdefault(str(s["endpoint"]), _Window())
        for w in (self.total, self.tick, ep):
            w.sessions += 1
            w.turns += len(result.turns)
            w.successes += int(bool(s["success"]))
            w.satisfaction += float(s["satisfaction"])
            for t in result.turns:
                if t["error"]:
                    w.errors += 1
                else:
                    w.latencies.append(float(t["latency_ms"]))
        self.terminations[str(s["termination"])] += 1
        for t in result.turns:
            self.intents[str(t["intent"])] += 1
            if t["error"]:
                self.errors_by_kind[str(t["error"])] += 1

    def tick_row(self, run_id: str, tick: int, agents: int, active: int) -> dict[str, Any]:
        w = self.tick
        p50, p95 = _pcts(w.latencies, (50, 95))
        row = {
            "run_id": run_id,
            "tick": tick,
            "agents": agents,
            "active_agents": active,
            "sessions": w.sessions,
            "turns": w.turns,
            "successes": w.successes,
            "success_rate": w.successes / w.sessions if w.sessions else None,
            "mean_satisfaction": w.satisfaction / w.sessions if w.sessions else None,
            "errors": w.errors,
            "latency_p50_ms": p50,
            "latency_p95_ms": p95,
        }
        self.tick = _Window()
        return row

    def summary(self) -> dict[str, Any]:
        w = self.total
        p50, p95 = _pcts(w.latencies, (50, 95))
        return {
            "sessions": w.sessions,
            "turns": w.turns,
            "success_rate": w.successes / w.sessions if w.sessions else 0.0,
            "mean_satisfaction": w.satisfaction / w.sessions if w.sessions else 0.0,
            "mean_turns": w.turns / w.sessions if w.sessions else 0.0,
            "errors": w.errors,
            "errors_by_kind": dict(self.errors_by_kind),
            "latency_p50_ms": p50,
            "latency_p95_ms": p95,
            "terminations": dict(self.terminations),
            "intents": dict(self.intents.most_common()),
            "endpoints": {
                name: {
                    "sessions": e.sessions,
                    "success_rate": e.successes / e.sessions if e.sessions else 0.0,
                    "errors": e.errors,
                }
                for name, e in sorted(self.by_endpoint.items())
            },
        }


def _pcts(values: list[float], qs: tuple[int, ...]) -> tuple[float | None, ...]:
    if not values:
        return tuple(None for _ in qs)
    arr = np.asarray(values)
    return tuple(float(np.percentile(arr, q)) for q in qs)
