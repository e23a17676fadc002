"""The batch layer: the only place that owns concurrency, ticks, output, checkpoints and
interruption.

For each tick the population plans its visits (who, which endpoint(s), with which context);
their sessions run concurrently on one event loop (bounded by
``schedule.max_in_flight_sessions``; each endpoint client bounds its own in-flight requests
and rate); every finished session is one event fed to the output writer, the statistics and
the progress display. After the tick, outcomes are folded into the agents in a fixed order,
the Mesa clock advances, per-tick rows are written, every table is flushed and a checkpoint
is saved (:mod:`simworld.engine.checkpoint`).

On interruption (Ctrl-C / cancellation) in-flight sessions are recorded as ``cancelled``,
the partial output is finalised and the manifest says ``interrupted``. ``resume=True``
continues from the last checkpoint: the committed parts are kept, whatever the interrupted
tick wrote is discarded, and that tick runs again from its start -- so the sessions of a
resumed run are exactly those of an uninterrupted one with the same seed.

With several endpoints, a comparison of them (:mod:`simworld.abtest`: paired differences
with bootstrap confidence intervals in ``paired`` mode) is written to ``ab.json``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import platform
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import aiohttp
import pyarrow.dataset as ds

import simworld
from simworld import build
from simworld.catalog import Catalog
from simworld.engine import checkpoint
from simworld.engine.population import Population, Visit
from simworld.engine.session import SessionResult, SessionSpec, run_session
from simworld.engine.social import SocialGraph
from simworld.engine.stats import Coverage, RunStats
from simworld.errors import SimworldError
from simworld.latents.policy import IntentPolicy
from simworld.latents.sampling import sample_goal
from simworld.records import SESSIONS, TURNS
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
    ab: dict[str, Any] | None = None  # endpoint comparison (several endpoints only)
    population: tuple[dict[str, Any], ...] = ()  # this invocation's per-tick rows


def make_run_id(scenario: Scenario) -> str:
    """Deterministic from what shapes the simulation (not from where the output goes)."""
    return hashlib.sha256(f"{scenario.sim_digest()}:{scenario.seed}".encode()).hexdigest()[:12]


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
    resume: bool = False,
) -> RunOutcome:
    """Run a validated scenario and write its output; see the module docstring.

    With ``resume=True``, ``out_dir`` must hold a checkpoint of the same scenario (same
    simulation digest); the run continues from its last completed tick.
    """
    out = Path(out_dir)
    build.check_data_files()
    cp = check_resume(out, scenario) if resume else None
    catalog = build.load_catalog(scenario.catalog, base=base_dir)
    policy = build.make_intent_policy(scenario, base_dir)
    latents = build.sample_population(scenario, catalog)
    if cp is not None:
        edges = checkpoint.load_edges(out, cp)
        n = scenario.population.size
        graph = None if edges is None else SocialGraph.from_edges(n, edges, scenario.social.graph)
    else:
        graph = build.make_graph(scenario, base_dir)
    population = build.make_population(scenario, latents, catalog, graph)
    if cp is not None:
        population.restore(checkpoint.load_agents(out, cp), cp.tick)
    user_model = (
        user_model_factory or (lambda: build.make_user_model(scenario.user_model, scenario))
    )()
    run_id = make_run_id(scenario)
    endpoint_names = [e.name for e in scenario.endpoints]
    levels = build.coverage_levels(scenario)
    stats = RunStats(
        endpoint_names,
        Coverage.from_strata(scenario.population.strata, levels, len(policy.intents)),
    )
    try:
        writer, state = _open_output(out, scenario, cp, run_id, base_dir, stats)
        edges_out = graph.edges() if graph is not None else None
        checkpoint.save(out, state, population.state_table(), edges_out)
        if cp is not None and cp.stage is not None and cp.stage != writer.stage.name:
            _remove_stage(out, cp.stage)
    except BaseException:
        await user_model.aclose()
        raise
    start_tick, previous_wall, resumed_at = state.tick, state.wall_seconds, state.resumed_at
    clock = time.perf_counter()
    interrupted = False
    endpoints_desc: list[dict[str, object]] = []
    tick_rows: list[dict[str, Any]] = []
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
                for tick in range(start_tick, scenario.schedule.ticks):
                    visits = population.begin_tick(tick)
                    outcomes = await ticker.run_tick(tick, visits)
                    population.end_tick(outcomes, tick)
                    row = _record_tick(writer, stats, population, run_id, tick, len(visits))
                    tick_rows.append(row)
                    state.tick = tick + 1
                    state.tables = writer.commit()
                    state.wall_seconds = previous_wall + time.perf_counter() - clock
                    checkpoint.save(out, state, population.state_table(), edges_out)
                    if progress is not None:
                        progress.end_tick(row)
            except asyncio.CancelledError:
                interrupted = True
    except BaseException:
        await user_model.aclose()
        if cp is None and state.tick == 0:  # nothing worth resuming: leave no trace
            writer.abort()
            checkpoint.reset(out)
        # otherwise the staging dir stays: the checkpoint names it, --resume continues
        raise
    await user_model.aclose()
    summary = stats.summary()
    seconds = time.perf_counter() - clock
    writer.commit()
    ab = _compare(scenario, writer.stage) if len(endpoint_names) > 1 else None
    manifest = _manifest(
        scenario,
        run_id,
        state.started_at,
        seconds,
        summary,
        interrupted,
        user_model,
        endpoints_desc,
        catalog,
        graph,
    )
    manifest.update(
        ticks_done=state.tick,
        resumed_at=resumed_at,
        wall_seconds_total=round(previous_wall + seconds, 3),
    )
    path = writer.finalize(manifest, extras={"ab.json": ab})
    checkpoint.mark_finalised(out, state)
    return RunOutcome(path, run_id, summary, manifest, interrupted, ab, tuple(tick_rows))


def _record_tick(
    writer: RunWriter,
    stats: RunStats,
    population: Population,
    run_id: str,
    tick: int,
    visits: int,
) -> dict[str, Any]:
    """Write the tick's agent snapshots and population rows; returns the population row."""
    writer.write("agents", population.agent_rows(run_id, tick))
    row, ep_rows = stats.tick_rows(
        run_id,
        tick,
        len(population.user_agents),
        visits,
        population.tick_state(),
        population.endpoints,
    )
    writer.write("population", [row])
    writer.write("population_endpoints", ep_rows)
    return row


def _open_output(
    out: Path,
    scenario: Scenario,
    cp: checkpoint.Checkpoint | None,
    run_id: str,
    base_dir: Path | None,
    stats: RunStats,
) -> tuple[RunWriter, checkpoint.Checkpoint]:
    """A fresh writer (dropping an earlier checkpoint), or one continuing after the
    checkpoint's committed parts (statistics rebuilt from them); and the checkpoint state
    describing it."""
    if cp is None:
        checkpoint.reset(out)
        writer = RunWriter(out, batch_rows=scenario.output.batch_rows)
        start, wall, resumed_at = 0, 0.0, []
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
    else:
        source = out if cp.stage is None else out / cp.stage
        writer = RunWriter.resume(
            out, cp.tables, source=source, batch_rows=scenario.output.batch_rows
        )
        stats.replay(*_committed_rows(writer.stage))
        start, wall = cp.tick, cp.wall_seconds
        resumed_at, started_at = [*cp.resumed_at, cp.tick], cp.started_at
    state = checkpoint.Checkpoint(
        tick=start,
        ticks=scenario.schedule.ticks,
        run_id=run_id,
        seed=scenario.seed,
        sim_digest=scenario.sim_digest(),
        scenario_json=json.dumps(scenario.model_dump(mode="json")),
        base_dir=str(base_dir) if base_dir is not None else None,
        stage=writer.stage.name,
        tables=writer.commit(),
        started_at=started_at,
        wall_seconds=wall,
        resumed_at=resumed_at,
    )
    return writer, state


def check_resume(out: Path, scenario: Scenario) -> checkpoint.Checkpoint:
    """The checkpoint in ``out`` if ``scenario`` may resume it; else a one-line error."""
    cp = checkpoint.load(out)
    if cp.sim_digest != scenario.sim_digest():
        raise SimworldError(
            f"{out}: the scenario changed since this run started (sha256 "
            f"{scenario.sim_digest()[:12]}, the checkpoint has {cp.sim_digest[:12]}); "
            "resume needs the same scenario, seed and overrides"
        )
    if cp.tick >= cp.ticks and cp.finalised:
        raise SimworldError(
            f"{out}: the run is already complete ({cp.tick}/{cp.ticks} ticks); nothing to resume"
        )
    return cp


def _remove_stage(out: Path, name: str) -> None:
    stage = out / name
    if stage.parent == out and name.startswith(".staging-"):
        shutil.rmtree(stage, ignore_errors=True)


def _committed_rows(stage: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sessions and turns rows already written (to rebuild the statistics on resume)."""
    sessions = ds.dataset(stage / "sessions", format="parquet", schema=SESSIONS).to_table()
    turns = ds.dataset(stage / "turns", format="parquet", schema=TURNS).to_table(
        columns=["session_id", "intent", "error", "latency_ms"]
    )
    return sessions.to_pylist(), turns.to_pylist()


def _compare(scenario: Scenario, stage: Path) -> dict[str, Any] | None:
    from simworld import abtest

    sessions = ds.dataset(stage / "sessions", format="parquet", schema=SESSIONS).to_table(
        columns=list(abtest.COLUMNS)
    )
    if sessions.num_rows == 0:
        return None
    return abtest.compare_sessions(
        sessions.to_pylist(),
        endpoints=[e.name for e in scenario.endpoints],
        mode=scenario.assignment.mode,
        seed=scenario.seed,
    )


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
        self.all_ids = frozenset(it.item_id for it in catalog.items)

    def _spec(self, tick: int, visit: Visit, ep_index: int) -> tuple[SessionSpec, Any]:
        # A fresh stream per (tick, agent): every endpoint of a paired visit gets the same one,
        # so their sessions differ only by the CRS.
        s = self.s
        agent = visit.agent
        rng = build.rng_for(s.seed, build.SEED_SESSION, tick, agent.index)
        ep = self.endpoints[ep_index]
        lat = agent.latents
        seen = frozenset(agent.state.seen)
        # A friend's film becomes the target by excluding every other film (facets are then
        # drawn as for any goal).
        exclude = (
            self.all_ids - {visit.friend_item}
            if visit.friend_item is not None
            else agent.goal_exclusions()
        )
        goal = sample_goal(
            rng,
            self.catalog,
            visit.persona,
            exclude=exclude,
            facet_kinds=s.goal.facets,
            popularity_bias=s.goal.popularity_bias,
            accept_threshold=s.goal.accept_threshold[lat.traits.decisiveness],  # type: ignore[index]
            seen=seen,
            films_wanted=s.goal.films_wanted,
        )
        spec = SessionSpec(
            run_id=self.run_id,
            session_id=session_id(self.run_id, tick, agent.agent_id, ep.name),
            agent_id=agent.agent_id,
            endpoint=ep.name,
            tick=tick,
            persona=visit.persona,
            traits=lat.traits,
            style=lat.style,
            goal=goal,
            seen_items=seen,
            max_turns=s.schedule.max_turns,
            timeout_s=s.schedule.session_timeout_s,
            max_consecutive_errors=s.endpoints[ep_index].max_consecutive_errors,
            goal_source="friend" if visit.friend_item is not None else "own",
            returning=visit.returning,
            hint=visit.hint,
            hint_title=visit.hint_title,
        )
        return spec, rng

    async def _one(
        self, tick: int, visit: Visit, ep_index: int
    ) -> tuple[Visit, int, SessionResult]:
        async with self.gate:
            spec, rng = self._spec(tick, visit, ep_index)
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
        return visit, ep_index, result

    async def run_tick(
        self, tick: int, visits: list[Visit]
    ) -> list[tuple[Visit, int, SessionResult]]:
        jobs = [(v, e) for v in visits for e in v.endpoints]
        if self.progress is not None:
            self.progress.start_tick(tick, self.s.schedule.ticks, len(jobs))
        tasks = [asyncio.create_task(self._one(tick, v, e)) for v, e in jobs]
        try:
            return list(await asyncio.gather(*tasks))
        except asyncio.CancelledError:
            # The interrupted tick is not folded into the agents: a resumed run restarts it.
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise


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
    graph: SocialGraph | None,
) -> dict[str, Any]:
    describe = getattr(user_model, "describe", None)
    um_desc = describe() if callable(describe) else {"name": user_model.name}
    return {
        "format": "simworld-run/1",
        "run_id": run_id,
        "scenario_name": scenario.name,
        "scenario_sha256": scenario.digest(),
        "simulation_sha256": scenario.sim_digest(),
        "scenario": scenario.model_dump(mode="json"),
        "seed": scenario.seed,
        "started_at": started_at,
        "wall_seconds": round(seconds, 3),
        "interrupted": interrupted,
        "versions": _versions(),
        "catalog": {"source": catalog.source, "items": len(catalog)},
        "user_model": um_desc,
        "endpoints": endpoints,
        "assignment": scenario.assignment.mode,
        "social_graph": graph.describe() if graph is not None else None,
        "summary": summary,
    }
