"""The batch layer: the only place that owns concurrency, ticks, output and interruption.

For each tick the population picks its active agents; their sessions run concurrently on
one event loop (bounded by ``schedule.max_in_flight_sessions``; each endpoint client
bounds its own in-flight requests and rate); every finished session is one event fed to
the output writer, the statistics and the progress display. After the tick, outcomes are
folded into the agents in a fixed order, the Mesa clock advances, and per-tick rows are
written. On interruption (Ctrl-C / cancellation) in-flight sessions are recorded as
``cancelled``, the partial output is finalised and the manifest says ``interrupted``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import aiohttp

import simworld
from simworld import build
from simworld.catalog import Catalog
from simworld.engine.population import Population, UserAgent
from simworld.engine.session import SessionResult, SessionSpec, run_session
from simworld.engine.stats import RunStats
from simworld.latents.policy import IntentPolicy
from simworld.latents.sampling import sample_goal
from simworld.scenario import Scenario
from simworld.store import RunWriter
from simworld.users.base import UserModel


class Progress(Protocol):
    def start_tick(self, tick: int, ticks: int, sessions: int) -> None: ...

    def session_done(self, result: SessionResult) -> None: ...

    def end_tick(self, row: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class RunOutcome:
    out_dir: Path
    run_id: str
    summary: dict[str, Any]
    manifest: dict[str, Any]
    interrupted: bool


def make_run_id(scenario: Scenario) -> str:
    return hashlib.sha256(f"{scenario.digest()}:{scenario.seed}".encode()).hexdigest()[:12]


def session_id(run_id: str, tick: int, agent_id: str, endpoint: str) -> str:
    """Opaque and deterministic: reveals nothing about the agent or its latents."""
    return hashlib.sha256(f"{run_id}/{tick}/{agent_id}/{endpoint}".encode()).hexdigest()[:20]


async def run_scenario(
    scenario: Scenario,
    *,
    out_dir: str | Path,
    base_dir: Path | None = None,
    progress: Progress | None = None,
    user_model_factory: Callable[[], UserModel] | None = None,
) -> RunOutcome:
    """Run a validated scenario and write its output; see the module docstring."""
    build.check_data_files()
    catalog = build.load_catalog(scenario.catalog, base=base_dir)
    policy = build.make_intent_policy(scenario, base_dir)
    latents = build.sample_population(scenario, catalog)
    population = Population(
        latents, seed=scenario.seed, active_share=scenario.schedule.active_share
    )
    user_model = (
        user_model_factory or (lambda: build.make_user_model(scenario.user_model, scenario))
    )()
    run_id = make_run_id(scenario)
    writer = RunWriter(out_dir, batch_rows=scenario.output.batch_rows)
    stats = RunStats()
    started = time.perf_counter()
    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    interrupted = False
    endpoints_desc: list[dict[str, object]] = []
    try:
        connector = aiohttp.TCPConnector(limit=0)
        async with (
            aiohttp.ClientSession(connector=connector) as http,
            build.open_endpoints(scenario, catalog, http) as endpoints,
        ):
            endpoints_desc = [e.description for e in endpoints]
            ticker = _Ticker(
                scenario, catalog, policy, user_model, endpoints, run_id, writer, stats, progress
            )
            try:
                for tick in range(scenario.schedule.ticks):
                    active = population.begin_tick()
                    await ticker.run_tick(tick, active)
                    population.end_tick()
                    writer.write("agents", population.agent_rows(run_id, tick))
                    row = stats.tick_row(run_id, tick, len(population.user_agents), len(active))
                    writer.write("population", [row])
                    if progress is not None:
                        progress.end_tick(row)
            except asyncio.CancelledError:
                interrupted = True
    except BaseException:
        writer.abort()
        await user_model.aclose()
        raise
    await user_model.aclose()
    summary = stats.summary()
    manifest = _manifest(
        scenario,
        run_id,
        started_at,
        time.perf_counter() - started,
        summary,
        interrupted,
        user_model,
        endpoints_desc,
        catalog,
    )
    path = writer.finalize(manifest)
    return RunOutcome(path, run_id, summary, manifest, interrupted)


class _Ticker:
    """Runs the sessions of one tick concurrently and streams their rows out."""

    def __init__(
        self,
        scenario: Scenario,
        catalog: Catalog,
        policy: IntentPolicy,
        user_model: UserModel,
        endpoints: list[build.Endpoint],
        run_id: str,
        writer: RunWriter,
        stats: RunStats,
        progress: Progress | None,
    ) -> None:
        self.s = scenario
        self.catalog = catalog
        self.policy = policy
        self.user_model = user_model
        self.endpoints = endpoints
        self.run_id = run_id
        self.writer = writer
        self.stats = stats
        self.progress = progress
        self.gate = asyncio.Semaphore(scenario.schedule.max_in_flight_sessions)

    def _spec(self, tick: int, agent: UserAgent, index: int) -> tuple[SessionSpec, Any, int]:
        s = self.s
        rng = build.rng_for(s.seed, build.SEED_SESSION, tick, index)
        # With several endpoints each session goes to one drawn from the session's stream.
        ep_index = int(rng.integers(len(self.endpoints))) if len(self.endpoints) > 1 else 0
        ep = self.endpoints[ep_index]
        lat = agent.latents
        goal = sample_goal(
            rng,
            self.catalog,
            lat.persona,
            exclude=agent.goal_exclusions(),
            facet_kinds=s.goal.facets,
            popularity_bias=s.goal.popularity_bias,
            accept_threshold=s.goal.accept_threshold[lat.traits.decisiveness],  # type: ignore[index]
            seen=frozenset(agent.state.seen),
        )
        spec = SessionSpec(
            run_id=self.run_id,
            session_id=session_id(self.run_id, tick, agent.agent_id, ep.name),
            agent_id=agent.agent_id,
            endpoint=ep.name,
            tick=tick,
            persona=lat.persona,
            traits=lat.traits,
            style=lat.style,
            goal=goal,
            seen_items=frozenset(agent.state.seen),
            max_turns=s.schedule.max_turns,
            timeout_s=s.schedule.session_timeout_s,
            max_consecutive_errors=s.endpoints[ep_index].max_consecutive_errors,
        )
        return spec, rng, ep_index

    async def _one(
        self, tick: int, agent: UserAgent, index: int
    ) -> tuple[UserAgent, SessionResult]:
        async with self.gate:
            spec, rng, ep_index = self._spec(tick, agent, index)
            result = await run_session(
                spec,
                user_model=self.user_model,
                client=self.endpoints[ep_index].client,
                policy=self.policy,
                catalog=self.catalog,
                rng=rng,
            )
        self.writer.write("sessions", [result.session])
        self.writer.write("turns", result.turns)
        self.stats.add(result)
        if self.progress is not None:
            self.progress.session_done(result)
        return agent, result

    async def run_tick(self, tick: int, active: list[UserAgent]) -> None:
        if self.progress is not None:
            self.progress.start_tick(tick, self.s.schedule.ticks, len(active))
        tasks = [asyncio.create_task(self._one(tick, a, a.index)) for a in active]
        try:
            done = await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for t in tasks:
                t.cancel()
            finished = await asyncio.gather(*tasks, return_exceptions=True)
            done = [r for r in finished if isinstance(r, tuple)]
            self._absorb(done)
            raise
        self._absorb(done)

    def _absorb(self, done: list[tuple[UserAgent, SessionResult]]) -> None:
        # A fixed order (by agent) keeps agent state independent of completion order.
        for agent, result in sorted(done, key=lambda p: p[0].index):
            agent.absorb(result.session, result.state, alpha=0.3)


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "simworld": simworld.__version__}
    for pkg in ("mesa", "aiohttp", "aiolimiter", "numpy", "networkx", "pyarrow", "pydantic"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[pkg] = metadata.version(pkg)
    return out


def _manifest(
    scenario: Scenario,
    run_id: str,
    started_at: str,
    seconds: float,
    summary: dict[str, Any],
    interrupted: bool,
    user_model: UserModel,
    endpoints: list[dict[str, object]],
    catalog: Catalog,
) -> dict[str, Any]:
    describe = getattr(user_model, "describe", None)
    um_desc = describe() if callable(describe) else {"name": user_model.name}
    return {
        "format": "simworld-run/1",
        "run_id": run_id,
        "scenario_name": scenario.name,
        "scenario_sha256": scenario.digest(),
        "scenario": scenario.model_dump(mode="json"),
        "seed": scenario.seed,
        "started_at": started_at,
        "wall_seconds": round(seconds, 3),
        "interrupted": interrupted,
        "versions": _versions(),
        "catalog": {"source": catalog.source, "items": len(catalog)},
        "user_model": um_desc,
        "endpoints": endpoints,
        "summary": summary,
    }
