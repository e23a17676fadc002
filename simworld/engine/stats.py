"""Running statistics of a run: fed one session result at a time, read per tick and at the end.

One accumulator serves every consumer (the population tables, the progress display and the
end-of-run summary), in the Locust manner: each finished session is one event. Per-tick
rows combine the tick's sessions with the agents' state at the tick boundary
(:class:`~simworld.engine.population.TickState`). A resumed run rebuilds the accumulator by
replaying the committed ``sessions``/``turns`` rows (:meth:`RunStats.replay`), so its
summary and coverage cover the whole run.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simworld.engine.population import TickState
from simworld.engine.session import SessionResult

PERSONA_STRATA = ("age_band", "occupation", "era")


@dataclass
class _Window:
    sessions: int = 0
    turns: int = 0
    successes: int = 0
    success_turns: int = 0
    errors: int = 0
    ratings: list[float] = field(default_factory=list)  # satisfaction of each session
    latencies: list[float] = field(default_factory=list)
    agents: set[str] = field(default_factory=set)
    intents: Counter[str] = field(default_factory=Counter)
    friend_goals: int = 0
    returning: int = 0

    def rate(self, num: float) -> float | None:
        return num / self.sessions if self.sessions else None

    @property
    def satisfaction(self) -> float:
        """Sum of the ratings, exactly rounded (``fsum``): independent of the order sessions
        finished in, so per-tick rows are the same in every run with the seed."""
        return math.fsum(self.ratings)


@dataclass(frozen=True, slots=True)
class Coverage:
    """The latent grid coverage is measured on: persona/trait strata x intents.

    ``columns`` are the sessions-table columns naming an agent's cell (e.g. ``persona_era``,
    ``trait_patience``); ``cells`` is the number of (cell, intent) pairs possible.
    """

    columns: tuple[str, ...]
    cells: int

    @classmethod
    def from_strata(cls, strata: Sequence[str], levels: dict[str, int], intents: int) -> Coverage:
        cols = tuple(f"persona_{k}" if k in PERSONA_STRATA else f"trait_{k}" for k in strata)
        total = intents
        for k in strata:
            total *= max(levels.get(k, 1), 1)
        return cls(cols, total)


class RunStats:
    def __init__(self, endpoints: Sequence[str] = (), coverage: Coverage | None = None) -> None:
        self.total = _Window()
        self.tick = _Window()
        self.terminations: Counter[str] = Counter()
        self.intents: Counter[str] = Counter()
        self.errors_by_kind: Counter[str] = Counter()
        self.by_endpoint: dict[str, _Window] = {e: _Window() for e in endpoints}
        self.tick_by_endpoint: dict[str, _Window] = {e: _Window() for e in endpoints}
        self.coverage = coverage
        self.seen_cells: set[tuple[str, ...]] = set()

    def add(self, result: SessionResult) -> None:
        self._add(result.session, result.turns)

    def _add(self, s: dict[str, Any], turns: Sequence[dict[str, Any]]) -> None:
        name = str(s["endpoint"])
        ep = self.by_endpoint.setdefault(name, _Window())
        ep_tick = self.tick_by_endpoint.setdefault(name, _Window())
        success = bool(s["success"])
        for w in (self.total, self.tick, ep, ep_tick):
            w.sessions += 1
            w.turns += len(turns)
            w.successes += int(success)
            w.success_turns += len(turns) if success else 0
            w.ratings.append(float(s["satisfaction"]))
            w.agents.add(str(s["agent_id"]))
            w.friend_goals += int(s.get("goal_source") == "friend")
            w.returning += int(bool(s.get("returning")))
            for t in turns:
                w.intents[str(t["intent"])] += 1
                if t["error"]:
                    w.errors += 1
                elif t["latency_ms"] is not None:
                    w.latencies.append(float(t["latency_ms"]))
        self.terminations[str(s["termination"])] += 1
        cell: tuple[str, ...] | None = None
        if self.coverage is not None:
            cell = tuple(str(s.get(c)) for c in self.coverage.columns)
        for t in turns:
            self.intents[str(t["intent"])] += 1
            if t["error"]:
                self.errors_by_kind[str(t["error"])] += 1
            if cell is not None:
                self.seen_cells.add((*cell, str(t["intent"])))

    def replay(self, sessions: Iterable[dict[str, Any]], turns: Iterable[dict[str, Any]]) -> None:
        """Feed committed rows back in (resume); tick windows are left empty."""
        by_session: dict[str, list[dict[str, Any]]] = {}
        for t in turns:
            by_session.setdefault(str(t["session_id"]), []).append(t)
        for s in sessions:
            self._add(s, by_session.get(str(s["session_id"]), []))
        self.tick = _Window()
        self.tick_by_endpoint = {e: _Window() for e in self.tick_by_endpoint}

    @property
    def latent_coverage(self) -> float | None:
        if self.coverage is None or self.coverage.cells <= 0:
            return None
        return len(self.seen_cells) / self.coverage.cells

    # -- per tick -----------------------------------------------------------------------
    def tick_rows(
        self,
        run_id: str,
        tick: int,
        agents: int,
        active: int,
        state: TickState | None = None,
        endpoints: Sequence[str] = (),
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """The ``population`` row and the ``population_endpoints`` rows of a finished tick;
        resets the tick windows."""
        w = self.tick
        p50, p95 = _pcts(w.latencies, (50, 95))
        n_turns = sum(w.intents.values())
        row: dict[str, Any] = {
            "run_id": run_id,
            "tick": tick,
            "agents": agents,
            "active_agents": active,
            "sessions": w.sessions,
            "turns": w.turns,
            "successes": w.successes,
            "success_rate": w.rate(w.successes),
            "mean_satisfaction": w.rate(w.satisfaction),
            "errors": w.errors,
            "latency_p50_ms": p50,
            "latency_p95_ms": p95,
            "mean_turns_to_success": w.success_turns / w.successes if w.successes else None,
            "latent_coverage": self.latent_coverage,
            "intent_mix": json.dumps(
                {k: round(v / n_turns, 4) for k, v in sorted(w.intents.items())} if n_turns else {},
                sort_keys=True,
            ),
            "friend_goals": w.friend_goals,
            "returning_sessions": w.returning,
        }
        if state is not None:
            row.update(
                eligible_agents=state.eligible,
                churned_agents=state.churned_agents,
                new_churn=state.new_churn,
                mean_p_active=state.mean_p_active,
                mean_agent_satisfaction=state.mean_satisfaction,
                mean_fatigue=state.mean_fatigue,
                genre_entropy=state.genre_entropy,
            )
        ep_rows = []
        for k, name in enumerate(endpoints):
            e = self.tick_by_endpoint.get(name, _Window())
            ep_row: dict[str, Any] = {
                "run_id": run_id,
                "tick": tick,
                "endpoint": name,
                "sessions": e.sessions,
                "agents": len(e.agents),
                "successes": e.successes,
                "success_rate": e.rate(e.successes),
                "mean_satisfaction": e.rate(e.satisfaction),
                "mean_turns_to_success": e.success_turns / e.successes if e.successes else None,
                "errors": e.errors,
                "latency_p50_ms": _pcts(e.latencies, (50,))[0],
            }
            if state is not None and k < len(state.endpoints):
                es = state.endpoints[k]
                ep_row.update(
                    users=es.users,
                    mean_trust=es.mean_trust,
                    churned=es.churned,
                    new_churn=es.new_churn,
                    genre_entropy=es.genre_entropy,
                )
            ep_rows.append(ep_row)
        self.tick = _Window()
        self.tick_by_endpoint = {e: _Window() for e in self.tick_by_endpoint}
        return row, ep_rows

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
            "agents_served": len(w.agents),
            "friend_goals": w.friend_goals,
            "returning_sessions": w.returning,
            "latent_coverage": self.latent_coverage,
            "endpoints": {
                name: {
                    "sessions": e.sessions,
                    "success_rate": e.successes / e.sessions if e.sessions else 0.0,
                    "mean_satisfaction": e.satisfaction / e.sessions if e.sessions else 0.0,
                    "mean_turns_to_success": (
                        e.success_turns / e.successes if e.successes else None
                    ),
                    "agents": len(e.agents),
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
