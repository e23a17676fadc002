"""The population: a Mesa ``Model`` of user agents with state kept across sessions.

The model owns the clock (one Mesa step = one simulated day = one tick), the agents and the
root of all randomness. The async runner drives it: ``begin_tick`` picks who starts a
session, sessions run concurrently, ``end_tick`` folds their outcomes into the agents and
advances the Mesa clock *before* the per-tick rows are collected (so per-agent rows of
different ticks never overwrite each other).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mesa
import numpy as np

from simworld.latents.sampling import AgentLatents
from simworld.users.goal import GoalState


@dataclass(slots=True)
class AgentState:
    """What an agent carries from one session to the next."""

    sessions_done: int = 0
    successes: int = 0
    satisfaction: float = 0.5  # exponentially weighted mean of session ratings
    accepted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)


class UserAgent(mesa.Agent):  # type: ignore[misc]
    """One simulated person: latents fixed at creation, state updated after each session."""

    def __init__(self, model: Population, index: int, agent_id: str, latents: AgentLatents) -> None:
        super().__init__(model)
        self.index = index  # position in the population; keys the agent's seed streams
        self.agent_id = agent_id
        self.latents = latents
        self.state = AgentState(seen=set(latents.seen_items))
        self.active = False

    def goal_exclusions(self) -> frozenset[str]:
        st = self.state
        return frozenset(st.seen) | frozenset(st.accepted) | frozenset(st.rejected)

    def absorb(self, session: dict[str, Any], goal_state: GoalState | None, alpha: float) -> None:
        st = self.state
        st.sessions_done += 1
        st.successes += int(bool(session["success"]))
        st.satisfaction = (1 - alpha) * st.satisfaction + alpha * float(session["satisfaction"])
        if goal_state is not None:
            if goal_state.accepted_item is not None:
                st.accepted.append(goal_state.accepted_item)
                st.seen.add(goal_state.accepted_item)
            st.rejected.extend(goal_state.rejected)

    def snapshot(self, run_id: str, tick: int) -> dict[str, Any]:
        st = self.state
        return {
            "run_id": run_id,
            "tick": tick,
            "agent_id": self.agent_id,
            "active": self.active,
            "sessions_done": st.sessions_done,
            "successes": st.successes,
            "satisfaction": st.satisfaction,
            "n_seen": len(st.seen),
            "n_accepted": len(st.accepted),
            "n_rejected": len(st.rejected),
        }


class Population(mesa.Model):  # type: ignore[misc]
    def __init__(
        self,
        latents: Sequence[AgentLatents],
        *,
        seed: int,
        active_share: float,
        satisfaction_alpha: float = 0.3,
    ) -> None:
        super().__init__(rng=np.random.default_rng(np.random.SeedSequence([seed, 0x5EED])))
        self.seed = seed
        self.active_share = active_share
        self.satisfaction_alpha = satisfaction_alpha
        width = max(5, len(str(len(latents))))
        self.user_agents: list[UserAgent] = [
            UserAgent(self, i, f"a{i:0{width}d}", lat) for i, lat in enumerate(latents)
        ]
        self.tick = 0

    def begin_tick(self) -> list[UserAgent]:
        """Agents that start a session this tick (a fixed share, drawn from the model RNG)."""
        n = len(self.user_agents)
        k = max(1, round(self.active_share * n))
        chosen = set(self.rng.choice(n, size=k, replace=False).tolist())
        for i, a in enumerate(self.user_agents):
            a.active = i in chosen
        return [a for a in self.user_agents if a.active]

    def end_tick(self) -> None:
        """Advance the Mesa clock; call after outcomes are absorbed, before collecting rows."""
        self.step()
        self.tick += 1

    def step(self) -> None:  # Mesa wraps this to advance ``steps``/``time``
        pass

    def agent_rows(self, run_id: str, tick: int) -> list[dict[str, Any]]:
        return [a.snapshot(run_id, tick) for a in self.user_agents]
