"""The population: a Mesa ``Model`` of user agents with state kept across sessions.

The model owns the clock (one Mesa step = one simulated day = one tick), the agents, the
social graph and the population's side of the randomness. The async runner drives it:

1. :meth:`Population.begin_tick` decides, from the state at the tick boundary alone, who
   visits, which endpoint(s) each visit goes to, whose goal comes from a friend and who
   mentions an earlier session (:class:`Visit`);
2. the sessions of those visits run concurrently;
3. :meth:`Population.end_tick` folds their outcomes into the agents *in agent order* (never
   completion order), applies fatigue recovery and preference drift, and advances the Mesa
   clock before per-tick rows are collected (so rows of different ticks never overwrite
   each other).

Every draw comes from a stream keyed by (purpose, tick) or (purpose, tick, agent) (see
:mod:`simworld.build`), never from a generator carried across ticks, so the state at a
tick boundary -- saved by :meth:`Population.state_table` and restored by
:meth:`Population.restore` -- is all a resumed run needs to continue exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import mesa
import numpy as np
import pyarrow as pa

from simworld import build
from simworld.catalog import Catalog
from simworld.engine import assignment, dynamics
from simworld.engine.session import SessionResult
from simworld.engine.social import SocialGraph
from simworld.errors import SimworldError
from simworld.latents.persona import Persona
from simworld.latents.sampling import AgentLatents
from simworld.scenario import AssignmentConfig, DynamicsConfig, SocialConfig


@dataclass(slots=True)
class AgentState:
    """What an agent carries from one session to the next (lists are per endpoint)."""

    sessions_done: int = 0
    successes: int = 0
    satisfaction: float = 0.5  # exponentially weighted mean of session ratings
    fatigue: float = 0.0
    accepted: list[str] = field(default_factory=list)
    accepted_via: list[int] = field(default_factory=list)  # endpoint of each accepted film
    rejected: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    favourites: tuple[str, ...] = ()  # current favourite genres (drift from the persona's)
    trust: list[float] = field(default_factory=list)
    streak: list[int] = field(default_factory=list)  # bad sessions in a row
    churned: list[bool] = field(default_factory=list)
    ep_sessions: list[int] = field(default_factory=list)
    friend_goals: int = 0
    last_tick: int = -1
    last_satisfaction: float | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    """One agent's visit on one tick: the endpoints its session(s) go to and their context."""

    agent: UserAgent
    endpoints: tuple[int, ...]
    persona: Persona  # with the agent's current (drifted) favourites
    friend_item: str | None = None  # the goal's target is this film a neighbour accepted
    hint: str | None = None
    hint_title: str = ""
    returning: bool = False


class UserAgent(mesa.Agent):  # type: ignore[misc]
    """One simulated person: latents fixed at creation, state updated after each tick."""

    def __init__(
        self, model: Population, index: int, agent_id: str, latents: AgentLatents, n_ep: int
    ) -> None:
        super().__init__(model)
        self.index = index  # position in the population; keys the agent's seed streams
        self.agent_id = agent_id
        self.latents = latents
        self.state = AgentState(
            seen=set(latents.seen_items),
            favourites=latents.persona.favourite_genres,
            trust=[model.dynamics.trust_prior] * n_ep,
            streak=[0] * n_ep,
            churned=[False] * n_ep,
            ep_sessions=[0] * n_ep,
        )
        self.active = False
        self.p_active: float | None = None
        self.entropy: float | None = None
        self.entropy_by_ep: list[float | None] = [None] * n_ep

    @property
    def persona(self) -> Persona:
        """The persona with the current favourites (the latent label of the next session)."""
        fav = self.state.favourites
        p = self.latents.persona
        return p if fav == p.favourite_genres else replace(p, favourite_genres=fav)

    def goal_exclusions(self) -> frozenset[str]:
        st = self.state
        return frozenset(st.seen) | frozenset(st.accepted) | frozenset(st.rejected)

    def snapshot(self, run_id: str, tick: int, endpoints: Sequence[str]) -> dict[str, Any]:
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
            "fatigue": st.fatigue,
            "p_active": self.p_active,
            "favourite_genres": list(st.favourites),
            "genre_entropy": self.entropy,
            "trust": {e: st.trust[i] for i, e in enumerate(endpoints) if st.ep_sessions[i]},
            "churned_from": [e for i, e in enumerate(endpoints) if st.churned[i]],
            "friend_goals": st.friend_goals,
        }


@dataclass(frozen=True, slots=True)
class EndpointTick:
    """Agent-state statistics of one endpoint at a tick boundary."""

    users: int
    mean_trust: float | None
    churned: int
    new_churn: int
    genre_entropy: float | None


@dataclass(frozen=True, slots=True)
class TickState:
    """Agent-state statistics of the population at a tick boundary."""

    eligible: int
    churned_agents: int
    new_churn: int
    mean_p_active: float | None
    mean_satisfaction: float | None
    mean_fatigue: float
    genre_entropy: float | None
    endpoints: tuple[EndpointTick, ...]


class Population(mesa.Model):  # type: ignore[misc]
    def __init__(
        self,
        latents: Sequence[AgentLatents],
        *,
        seed: int,
        active_share: float,
        endpoints: Sequence[str] = ("reference",),
        catalog: Catalog | None = None,
        dynamics_cfg: DynamicsConfig | None = None,
        assignment_cfg: AssignmentConfig | None = None,
        social_cfg: SocialConfig | None = None,
        graph: SocialGraph | None = None,
        favourite_cap: int = 3,
    ) -> None:
        super().__init__(rng=np.random.default_rng(np.random.SeedSequence([seed, 0x5EED])))
        self.seed = seed
        self.active_share = active_share
        self.endpoints = tuple(endpoints)
        self.catalog = catalog
        self.dynamics = dynamics_cfg or DynamicsConfig()
        self.assign = assignment_cfg or AssignmentConfig()
        self.social = social_cfg or SocialConfig()
        self.graph = graph
        self.favourite_cap = favourite_cap
        n, n_ep = len(latents), len(self.endpoints)
        width = max(5, len(str(n)))
        self.user_agents: list[UserAgent] = [
            UserAgent(self, i, f"a{i:0{width}d}", lat, n_ep) for i, lat in enumerate(latents)
        ]
        self.levels = dynamics.activity_levels(
            build.rng_for(seed, build.SEED_LEVEL), n, self.dynamics.activity_spread
        )
        self.arms = assignment.split_arms(seed, n, n_ep)
        self.tick = 0
        self._new_churn = [0] * n_ep

    # -- who visits ---------------------------------------------------------------------
    def _eligible(self, a: UserAgent) -> bool:
        return assignment.eligible(
            self.assign.mode, arm=int(self.arms[a.index]), churned=a.state.churned
        )

    def begin_tick(self, tick: int | None = None) -> list[Visit]:
        """The visits of this tick (see the module docstring); sets ``active``/``p_active``."""
        tick = self.tick if tick is None else tick
        agents = self.user_agents
        n = len(agents)
        ok = np.array([self._eligible(a) for a in agents], dtype=bool)
        rng = build.rng_for(self.seed, build.SEED_ACTIVITY, tick)
        if self.dynamics.activity == "fixed":
            p = None
            k = max(1, round(self.active_share * n))
            pool = np.flatnonzero(ok)
            chosen = set(rng.permutation(pool)[:k].tolist())
            active = np.array([i in chosen for i in range(n)], dtype=bool)
        else:
            p = self._activity(ok)
            active = ok & (rng.random(n) < p)
        u_choice = build.rng_for(self.seed, build.SEED_ASSIGN, tick).random(n)
        u_friend = build.rng_for(self.seed, build.SEED_FRIEND, tick).random(n)
        u_recall = build.rng_for(self.seed, build.SEED_RECALL, tick).random(n)
        trust = self._effective_trust()
        recent = self._recent_accepts() if self._social_on() else None
        visits: list[Visit] = []
        for a in agents:
            i = a.index
            a.p_active = None if p is None or not ok[i] else float(p[i])
            a.active = bool(active[i])
            if not a.active:
                continue
            eps = assignment.endpoints_for(
                self.assign.mode,
                arm=int(self.arms[i]),
                churned=a.state.churned,
                trust=trust[i],
                u=float(u_choice[i]),
                temperature=self.assign.temperature,
            )
            friend = None
            if recent is not None and u_friend[i] < self.social.influence:
                friend = self._friend_item(tick, a, recent)
            hint, title = None, ""
            if friend is not None:
                hint = "friend"
            elif a.state.accepted and u_recall[i] < self.dynamics.recall_rate:
                hint, title = "returning", self._title(a.state.accepted[-1])
            visits.append(Visit(a, eps, a.persona, friend, hint, title, a.state.sessions_done > 0))
        return visits

    def _activity(self, ok: np.ndarray) -> np.ndarray:
        st = [a.state for a in self.user_agents]
        sat = np.array([s.satisfaction for s in st])
        fatigue = np.array([s.fatigue for s in st])
        neigh = None
        if self._social_on() and self.graph is not None:
            had = np.array([s.sessions_done > 0 for s in st], dtype=bool)
            neigh = self.graph.neighbour_mean(sat, had, dynamics.NEUTRAL)
        return dynamics.activity_probability(
            self.dynamics,
            self.active_share,
            self.levels,
            sat,
            fatigue,
            neigh,
            self.social.influence,
        )

    def _social_on(self) -> bool:
        return self.graph is not None and self.social.influence > 0

    def _effective_trust(self) -> np.ndarray:
        """Own trust per endpoint, blended by ``influence`` with neighbours' trust in it."""
        trust = np.array([a.state.trust for a in self.user_agents], dtype=np.float64)
        if not self._social_on() or self.graph is None or len(self.endpoints) < 2:
            return trust
        out = trust.copy()
        w = self.social.influence
        for e in range(len(self.endpoints)):
            tried = np.array([a.state.ep_sessions[e] > 0 for a in self.user_agents], dtype=bool)
            neigh = self.graph.neighbour_mean(trust[:, e], tried, np.nan)
            has = ~np.isnan(neigh)
            out[has, e] = (1 - w) * trust[has, e] + w * neigh[has]
        return out

    def _recent_accepts(self) -> list[list[str]]:
        k = self.social.window
        return [a.state.accepted[-k:] for a in self.user_agents]

    def _friend_item(self, tick: int, agent: UserAgent, recent: list[list[str]]) -> str | None:
        """A film neighbours accepted lately that the agent has not seen, drawn by how many
        neighbours accepted it."""
        assert self.graph is not None
        counts: Counter[str] = Counter()
        for j in self.graph.neighbours(agent.index):
            counts.update(recent[int(j)])
        if not counts:
            return None
        excluded = agent.goal_exclusions()
        cands = sorted(x for x in counts if x not in excluded and self._known(x))
        if not cands:
            return None
        w = np.array([counts[x] for x in cands], dtype=np.float64)
        rng = build.rng_for(self.seed, build.SEED_FRIEND, tick, agent.index)
        return cands[int(rng.choice(len(cands), p=w / w.sum()))]

    def _known(self, item_id: str) -> bool:
        return self.catalog is None or item_id in self.catalog

    def _title(self, item_id: str) -> str:
        if self.catalog is None or item_id not in self.catalog:
            return ""
        return self.catalog.get(item_id).title

    def _genres(self, item_id: str) -> tuple[str, ...]:
        if self.catalog is None or item_id not in self.catalog:
            return ()
        return self.catalog.get(item_id).genres

    # -- folding outcomes -----------------------------------------------------------------
    def end_tick(
        self, outcomes: Sequence[tuple[Visit, int, SessionResult]] = (), tick: int | None = None
    ) -> None:
        """Fold this tick's session outcomes into the agents (agent order, then endpoint
        order), let fatigue recover, and advance the Mesa clock."""
        tick = self.tick if tick is None else tick
        self._new_churn = [0] * len(self.endpoints)
        by_agent: dict[int, list[tuple[int, SessionResult]]] = {}
        for visit, ep, result in outcomes:
            by_agent.setdefault(visit.agent.index, []).append((ep, result))
        for i in sorted(by_agent):
            self._absorb(tick, self.user_agents[i], sorted(by_agent[i], key=lambda p: p[0]))
        rec = self.dynamics.fatigue_recovery
        for a in self.user_agents:
            a.state.fatigue = dynamics.recover(a.state.fatigue, rec)
        self.step()
        self.tick = tick + 1

    def _absorb(
        self, tick: int, agent: UserAgent, results: list[tuple[int, SessionResult]]
    ) -> None:
        cfg, st = self.dynamics, agent.state
        sats: list[float] = []
        patience = dynamics.churn_patience(cfg, agent.latents.traits.patience)
        for ep, result in results:
            s = result.session
            sat = float(s["satisfaction"])
            sats.append(sat)
            st.sessions_done += 1
            st.successes += int(bool(s["success"]))
            st.ep_sessions[ep] += 1
            st.trust[ep] = dynamics.ewma(st.trust[ep], sat, cfg.trust_alpha)
            st.streak[ep] = dynamics.bad_streak(st.streak[ep], sat, cfg.churn_threshold)
            if not st.churned[ep] and st.streak[ep] >= patience:
                st.churned[ep] = True
                self._new_churn[ep] += 1
            gs = result.state
            if gs is not None:
                for x in gs.accepted:
                    if x not in st.accepted:
                        st.accepted.append(x)
                        st.accepted_via.append(ep)
                        st.seen.add(x)
                for x in gs.rejected:
                    if x not in st.rejected:
                        st.rejected.append(x)
        if not sats:
            return
        st.friend_goals += int(any(r.session.get("goal_source") == "friend" for _, r in results))
        mean = float(np.mean(sats))
        st.satisfaction = dynamics.ewma(st.satisfaction, mean, cfg.satisfaction_alpha)
        st.last_satisfaction = mean
        st.last_tick = tick
        st.fatigue += cfg.fatigue_per_session
        accepted_now: list[str] = []
        for _, r in results:
            if r.state is not None:
                accepted_now.extend(r.state.accepted)
        if accepted_now and cfg.drift_rate > 0:
            rng = build.rng_for(self.seed, build.SEED_DRIFT, tick, agent.index)
            if rng.random() < cfg.drift_rate:
                st.favourites = dynamics.drift(
                    rng,
                    st.favourites,
                    agent.latents.persona.disliked_genres,
                    self._genres(accepted_now[0]),
                    self.favourite_cap,
                )
        self._update_entropy(agent)

    def _update_entropy(self, agent: UserAgent) -> None:
        """Genre entropy of the agent's last ``memory`` accepted films (overall and per
        endpoint); None until the window is full, since entropy grows with the film count."""
        st, k = agent.state, self.dynamics.memory
        agent.entropy = self._window_entropy(st.accepted, k)
        for e in range(len(self.endpoints)):
            mine = [x for x, via in zip(st.accepted, st.accepted_via, strict=True) if via == e]
            agent.entropy_by_ep[e] = self._window_entropy(mine, k)

    def _window_entropy(self, films: list[str], k: int) -> float | None:
        if len(films) < max(k, 2):
            return None
        return dynamics.genre_entropy([self._genres(x) for x in films[-k:]])

    def step(self) -> None:  # Mesa wraps this to advance ``steps``/``time``
        pass

    # -- statistics -----------------------------------------------------------------------
    def agent_rows(self, run_id: str, tick: int) -> list[dict[str, Any]]:
        return [a.snapshot(run_id, tick, self.endpoints) for a in self.user_agents]

    def tick_state(self) -> TickState:
        agents = self.user_agents
        eligible = [a for a in agents if self._eligible(a)]
        had = [a for a in agents if a.state.sessions_done > 0]
        ps = [a.p_active for a in eligible if a.p_active is not None]
        eps = []
        for e in range(len(self.endpoints)):
            users = [a for a in agents if a.state.ep_sessions[e] > 0]
            ent = [x for a in users if (x := a.entropy_by_ep[e]) is not None]
            eps.append(
                EndpointTick(
                    users=len(users),
                    mean_trust=_mean([a.state.trust[e] for a in users]),
                    churned=sum(a.state.churned[e] for a in agents),
                    new_churn=self._new_churn[e],
                    genre_entropy=_mean(ent),
                )
            )
        ent_all = [a.entropy for a in agents if a.entropy is not None]
        return TickState(
            eligible=len(eligible),
            churned_agents=len(agents) - len(eligible),
            new_churn=sum(self._new_churn),
            mean_p_active=_mean(ps),
            mean_satisfaction=_mean([a.state.satisfaction for a in had]),
            mean_fatigue=float(np.mean([a.state.fatigue for a in agents])) if agents else 0.0,
            genre_entropy=_mean(ent_all),
            endpoints=tuple(eps),
        )

    # -- checkpoint -------------------------------------------------------------------------
    def state_table(self) -> pa.Table:
        """Every agent's carried state as an Arrow table (one row per agent, exact floats)."""
        rows = []
        for a in self.user_agents:
            st = a.state
            rows.append(
                {
                    "index": a.index,
                    "agent_id": a.agent_id,
                    "sessions_done": st.sessions_done,
                    "successes": st.successes,
                    "satisfaction": st.satisfaction,
                    "fatigue": st.fatigue,
                    "accepted": st.accepted,
                    "accepted_via": st.accepted_via,
                    "rejected": st.rejected,
                    "seen": sorted(st.seen),
                    "favourites": list(st.favourites),
                    "trust": st.trust,
                    "streak": st.streak,
                    "churned": st.churned,
                    "ep_sessions": st.ep_sessions,
                    "friend_goals": st.friend_goals,
                    "last_tick": st.last_tick,
                    "last_satisfaction": st.last_satisfaction,
                    "arm": int(self.arms[a.index]),
                    "level": float(self.levels[a.index]),
                }
            )
        return pa.Table.from_pylist(rows, schema=STATE_SCHEMA)

    def restore(self, table: pa.Table, tick: int) -> None:
        """Load agent state saved by :meth:`state_table`; the clock resumes at ``tick``."""
        rows = table.to_pylist()
        if len(rows) != len(self.user_agents):
            raise SimworldError(
                f"checkpoint holds {len(rows)} agents but the scenario makes "
                f"{len(self.user_agents)}"
            )
        n_ep = len(self.endpoints)
        for a, r in zip(self.user_agents, rows, strict=True):
            if r["agent_id"] != a.agent_id or len(r["trust"]) != n_ep:
                raise SimworldError(
                    f"checkpoint agent {r['agent_id']} does not match the scenario's agents"
                )
            a.state = AgentState(
                sessions_done=r["sessions_done"],
                successes=r["successes"],
                satisfaction=r["satisfaction"],
                fatigue=r["fatigue"],
                accepted=list(r["accepted"]),
                accepted_via=list(r["accepted_via"]),
                rejected=list(r["rejected"]),
                seen=set(r["seen"]),
                favourites=tuple(r["favourites"]),
                trust=list(r["trust"]),
                streak=list(r["streak"]),
                churned=list(r["churned"]),
                ep_sessions=list(r["ep_sessions"]),
                friend_goals=r["friend_goals"],
                last_tick=r["last_tick"],
                last_satisfaction=r["last_satisfaction"],
            )
            self.arms[a.index] = r["arm"]
            self.levels[a.index] = r["level"]
            self._update_entropy(a)
        self.tick = tick
        self.steps = tick


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


_i32, _f64, _str = pa.int32(), pa.float64(), pa.string()
STATE_SCHEMA = pa.schema(
    [
        ("index", _i32),
        ("agent_id", _str),
        ("sessions_done", _i32),
        ("successes", _i32),
        ("satisfaction", _f64),
        ("fatigue", _f64),
        ("accepted", pa.list_(_str)),
        ("accepted_via", pa.list_(_i32)),
        ("rejected", pa.list_(_str)),
        ("seen", pa.list_(_str)),
        ("favourites", pa.list_(_str)),
        ("trust", pa.list_(_f64)),
        ("streak", pa.list_(_i32)),
        ("churned", pa.list_(pa.bool_())),
        ("ep_sessions", pa.list_(_i32)),
        ("friend_goals", _i32),
        ("last_tick", _i32),
        ("last_satisfaction", _f64),
        ("arm", _i32),
        ("level", _f64),
    ]
)
