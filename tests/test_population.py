"""Population dynamics: activity, churn, drift, word of mouth and the per-tick tables.

Rules are checked on their own and on a real population fed session outcomes; the
end-to-end tests run small populations against the embedded reference CRS (real loopback
HTTP, real Parquet).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.dataset as ds
import pytest

from simworld import build
from simworld.catalog import Catalog
from simworld.engine import dynamics
from simworld.engine.population import Population, Visit
from simworld.engine.runner import run_scenario
from simworld.engine.session import SessionResult
from simworld.engine.social import SocialGraph, build_graph, read_edgelist
from simworld.errors import ConfigError, DataError
from simworld.records import AGENTS, POPULATION, POPULATION_ENDPOINTS
from simworld.scenario import DynamicsConfig, Scenario, SocialConfig, validate_scenario

TWO_CRS = [
    {"name": "pref", "kind": "embedded", "strategy": "preference"},
    {"name": "pop", "kind": "embedded", "strategy": "popularity"},
]


def scenario(**over: Any) -> Scenario:
    base: dict[str, Any] = {
        "name": "pop",
        "seed": 5,
        "population": {"size": 60},
        "schedule": {"ticks": 3, "active_share": 0.4, "max_turns": 10},
    }
    base.update(over)
    return validate_scenario(base)


def rows(out: Path, name: str) -> list[dict[str, Any]]:
    return list(ds.dataset(out / name, format="parquet").to_table().to_pylist())


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.bundled()


# -- the rules ---------------------------------------------------------------------------------
def test_activity_rises_with_satisfaction_and_falls_with_fatigue() -> None:
    cfg = DynamicsConfig()
    one = np.ones(3)
    sat = np.array([0.1, 0.5, 0.9])
    p = dynamics.activity_probability(cfg, 0.3, one, sat, np.zeros(3))
    assert p[0] < p[1] < p[2]
    assert p[1] == pytest.approx(0.3)  # neutral, rested, average agent: the base share
    tired = dynamics.activity_probability(cfg, 0.3, one, sat, np.full(3, 1.0))
    assert (tired < p).all()
    # neighbours' satisfaction only counts with influence
    happy_friends = np.full(3, 0.9)
    same = dynamics.activity_probability(cfg, 0.3, one, sat, np.zeros(3), happy_friends, 0.0)
    assert np.array_equal(same, p)
    more = dynamics.activity_probability(cfg, 0.3, one, sat, np.zeros(3), happy_friends, 0.5)
    assert (more > p).all()


def test_churn_needs_bad_sessions_in_a_row_and_patience_matters() -> None:
    cfg = DynamicsConfig(churn_threshold=0.35, churn_patience=3)
    streak = 0
    for sat in (0.2, 0.2, 0.9, 0.2):  # a good session resets the streak
        streak = dynamics.bad_streak(streak, sat, cfg.churn_threshold)
    assert streak == 1
    assert dynamics.churn_patience(cfg, "low") < dynamics.churn_patience(cfg, "medium")
    assert dynamics.churn_patience(cfg, "high") > dynamics.churn_patience(cfg, "medium")
    assert dynamics.churn_patience(DynamicsConfig(churn_patience=1), "low") == 1


def test_drift_adds_an_accepted_genre_within_the_cap() -> None:
    rng = np.random.default_rng(0)
    fav = dynamics.drift(rng, ("Comedy",), ("Horror",), ("Horror", "Drama"), cap=3)
    assert fav == ("Comedy", "Drama")  # disliked genres never join
    full = dynamics.drift(rng, ("A", "B", "C"), (), ("D",), cap=3)
    assert "D" in full and len(full) == 3
    assert dynamics.drift(rng, ("A",), (), ("A",), cap=3) == ("A",)  # nothing new: unchanged


def test_genre_entropy() -> None:
    assert dynamics.genre_entropy([("Drama",)]) is None
    assert dynamics.genre_entropy([("Drama",), ("Drama",)]) == pytest.approx(0.0)
    assert dynamics.genre_entropy([("Drama",), ("Comedy",)]) == pytest.approx(1.0)
    assert dynamics.genre_entropy([("A", "B"), ("C", "D")]) == pytest.approx(2.0)


# -- a real population fed outcomes -------------------------------------------------------------
def _population(catalog: Catalog, s: Scenario) -> Population:
    return build.make_population(s, build.sample_population(s, catalog), catalog)


def _result(sat: float) -> SessionResult:
    return SessionResult(
        session={"satisfaction": sat, "success": sat > 0.5, "goal_source": "own"}, state=None
    )


def _feed(pop: Population, ticks: int, rating: dict[int, float]) -> None:
    """Every agent still around has one session per tick, rated ``rating[index]``."""
    for tick in range(ticks):
        pop.begin_tick(tick)
        outcomes = [
            (Visit(a, (0,), a.persona), 0, _result(rating[a.index]))
            for a in pop.user_agents
            if not any(a.state.churned)
        ]
        pop.end_tick(outcomes, tick)


def test_bad_sessions_in_a_row_make_agents_churn_good_ones_never(catalog: Catalog) -> None:
    s = scenario(
        population={"size": 40},
        dynamics={"activity": "adaptive", "churn_patience": 2},
        traits={"patience": {"medium": 1.0}},
    )
    pop = _population(catalog, s)
    happy, unhappy = set(range(0, 40, 2)), set(range(1, 40, 2))
    _feed(pop, 3, {i: 0.95 if i in happy else 0.1 for i in range(40)})
    assert {a.index for a in pop.user_agents if a.state.churned[0]} == unhappy
    state = pop.tick_state()
    assert state.churned_agents == len(unhappy) and state.eligible == len(happy)
    visits = pop.begin_tick(3)
    assert {v.agent.index for v in visits} <= happy  # the churned never come back
    assert all(a.p_active is None for a in pop.user_agents if a.index in unhappy)


def test_satisfaction_moves_each_agents_chance_of_coming_back(catalog: Catalog) -> None:
    s = scenario(
        population={"size": 40},
        dynamics={"activity": "adaptive", "churn_patience": 50, "fatigue_per_session": 0.0},
    )
    pop = _population(catalog, s)
    happy = set(range(0, 40, 2))
    _feed(pop, 3, {i: 0.95 if i in happy else 0.2 for i in range(40)})
    pop.begin_tick(3)
    for a in pop.user_agents:
        neutral = dynamics.activity_probability(
            s.dynamics, 0.4, pop.levels[[a.index]], np.array([0.5]), np.zeros(1)
        )[0]
        assert a.p_active is not None
        if a.index in happy:
            assert a.p_active > neutral
        else:
            assert a.p_active < neutral
    mean = {
        k: np.mean([a.p_active for a in pop.user_agents if (a.index in happy) == k])
        for k in (True, False)
    }
    assert mean[True] > mean[False]


def test_fixed_activity_starts_exactly_the_active_share(catalog: Catalog) -> None:
    pop = _population(catalog, scenario(population={"size": 50}))
    for tick in range(3):
        visits = pop.begin_tick(tick)
        assert len(visits) == 20  # 0.4 x 50, whatever the state
        pop.end_tick([(v, 0, _result(0.9)) for v in visits], tick)
    again = _population(catalog, scenario(population={"size": 50}))
    assert [v.agent.index for v in again.begin_tick(2)] == [
        v.agent.index for v in pop.begin_tick(2)
    ]  # who visits depends on (seed, tick) alone


def test_state_table_round_trips_exactly(catalog: Catalog) -> None:
    s = scenario(population={"size": 30}, endpoints=TWO_CRS, assignment="choice")
    pop = _population(catalog, s)
    visits = pop.begin_tick(0)
    pop.end_tick([(v, v.endpoints[0], _result(0.123456789)) for v in visits], 0)
    other = _population(catalog, s)
    other.restore(pop.state_table(), 1)
    assert other.tick == 1
    assert other.state_table().equals(pop.state_table())
    assert [a.state for a in other.user_agents] == [a.state for a in pop.user_agents]


# -- social graph -------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["watts_strogatz", "barabasi_albert", "erdos_renyi"])
def test_graph_generators(kind: str) -> None:
    cfg = SocialConfig(graph=kind, k=4, m=2)  # type: ignore[arg-type]
    g = build_graph(cfg, 100, 7)
    assert g is not None and g.n == 100
    e = g.edges()
    assert len(e) > 50 and (e[:, 0] < e[:, 1]).all()
    assert g.degree().sum() == 2 * len(e)
    again = build_graph(cfg, 100, 7)
    assert again is not None and np.array_equal(again.edges(), e)
    assert build_graph(SocialConfig(), 100, 7) is None


def test_neighbour_mean_ignores_neighbours_without_an_opinion() -> None:
    g = SocialGraph.from_edges(4, [(0, 1), (0, 2), (3, 3)])  # 3 is isolated (self-loop dropped)
    vals = np.array([0.0, 1.0, 0.2, 0.7])
    has = np.array([True, True, False, True])
    out = g.neighbour_mean(vals, has, default=0.5)
    assert out.tolist() == [1.0, 0.0, 0.0, 0.5]


def test_edgelist_file_and_its_errors(tmp_path: Path) -> None:
    f = tmp_path / "g.txt"
    f.write_text("# friends\n0 1\na00002,a00003\n\n1 2 0.5\n")
    assert read_edgelist(f, 4).tolist() == [[0, 1], [2, 3], [1, 2]]
    f.write_text("0 1\n0 x\n")
    with pytest.raises(DataError, match=r"g\.txt:2: expected two agent indices"):
        read_edgelist(f, 4)
    f.write_text("0 9\n")
    with pytest.raises(DataError, match=r"g\.txt:1: agent index 9 is out of range"):
        read_edgelist(f, 4)
    with pytest.raises(ConfigError, match=r"social\.k: 8 neighbours need more than 5 agents"):
        build_graph(SocialConfig(graph="watts_strogatz", k=8), 5, 0)


# -- end to end against the reference CRS -------------------------------------------------------
async def test_tables_have_one_row_per_tick(tmp_path: Path) -> None:
    s = scenario(
        endpoints=TWO_CRS,
        assignment="choice",
        dynamics={"activity": "adaptive"},
        social={"graph": "watts_strogatz", "k": 4, "influence": 0.5},
        schedule={"ticks": 4, "active_share": 0.4, "max_turns": 10},
    )
    outcome = await run_scenario(s, out_dir=tmp_path)
    pop, per_ep = rows(tmp_path, "population"), rows(tmp_path, "population_endpoints")
    agents = rows(tmp_path, "agents")
    assert [r["tick"] for r in pop] == [0, 1, 2, 3]
    assert sorted((r["tick"], r["endpoint"]) for r in per_ep) == [
        (t, e) for t in range(4) for e in ("pop", "pref")
    ]
    assert len(agents) == 4 * 60
    for name, schema in (
        ("population", POPULATION),
        ("population_endpoints", POPULATION_ENDPOINTS),
        ("agents", AGENTS),
    ):
        assert ds.dataset(tmp_path / name).schema.equals(schema)
    coverage = [r["latent_coverage"] for r in pop]
    assert all(0 < c <= 1 for c in coverage) and coverage == sorted(coverage)
    for r in pop:
        mix = json.loads(r["intent_mix"])
        assert sum(mix.values()) == pytest.approx(1.0, abs=1e-3)
        assert r["sessions"] == sum(e["sessions"] for e in per_ep if e["tick"] == r["tick"])
        assert r["mean_p_active"] is not None and 0 < r["mean_p_active"] < 1
    assert sum(r["sessions"] for r in pop) == outcome.summary["sessions"]
    last = [a for a in agents if a["tick"] == 3 and a["sessions_done"] > 0]
    assert all(set(dict(a["trust"])) <= {"pref", "pop"} and a["trust"] for a in last)


async def test_bad_crs_loses_users_good_crs_keeps_them(tmp_path: Path) -> None:
    """Split arms, adaptive activity: the popularity-only CRS satisfies less, so its users
    churn more and come back less often."""
    s = scenario(
        population={"size": 160},
        endpoints=TWO_CRS,
        assignment="split",
        dynamics={"activity": "adaptive", "churn_patience": 2},
        schedule={"ticks": 6, "active_share": 0.5, "max_turns": 10},
    )
    await run_scenario(s, out_dir=tmp_path)
    per_ep = {(r["tick"], r["endpoint"]): r for r in rows(tmp_path, "population_endpoints")}
    good, bad = per_ep[(5, "pref")], per_ep[(5, "pop")]
    assert bad["churned"] > good["churned"]
    assert bad["mean_trust"] < good["mean_trust"]
    sessions = rows(tmp_path, "sessions")

    def visits(ep: str) -> int:
        return sum(1 for r in sessions if r["endpoint"] == ep and r["tick"] >= 3)

    assert visits("pop") < visits("pref")  # equal arms, fewer returning visits
    agents = [a for a in rows(tmp_path, "agents") if a["tick"] == 5]
    arm = {r["agent_id"]: r["endpoint"] for r in sessions}
    p = {
        ep: [a["p_active"] for a in agents if arm.get(a["agent_id"]) == ep and a["p_active"]]
        for ep in ("pref", "pop")
    }
    assert np.mean(p["pop"]) < np.mean(p["pref"])


def test_influence_zero_turns_word_of_mouth_off(catalog: Catalog) -> None:
    """With influence 0 a graph changes nothing; with influence > 0 friends shape visits."""
    graph = {"graph": "watts_strogatz", "k": 6}
    common: dict[str, Any] = {"population": {"size": 60}, "dynamics": {"activity": "adaptive"}}
    plans = {}
    for name, social in (
        ("none", {}),
        ("zero", {**graph, "influence": 0.0}),
        ("on", {**graph, "influence": 0.8}),
    ):
        s = scenario(social=social, **common)
        pop = build.make_population(
            s, build.sample_population(s, catalog), catalog, build.make_graph(s)
        )
        plan = []
        for tick in range(4):
            visits = pop.begin_tick(tick)
            plan.append([(v.agent.index, v.friend_item, v.hint, v.agent.p_active) for v in visits])
            # the same outcomes for every variant: agent i accepts film catalog[i]
            outcomes = []
            for v in visits:
                r = _result(0.9 if v.agent.index % 3 else 0.2)
                film = catalog.items[v.agent.index].item_id
                r.state = _accepting(catalog, film)
                outcomes.append((v, 0, r))
            pop.end_tick(outcomes, tick)
        plans[name] = plan
    assert plans["zero"] == plans["none"]
    friend_visits = [x for tick in plans["on"] for x in tick if x[1] is not None]
    assert friend_visits and all(x[2] == "friend" for x in friend_visits)
    assert plans["on"] != plans["none"]


def _accepting(catalog: Catalog, film: str) -> Any:
    from simworld.users.goal import Goal, make_state

    item = catalog.get(film)
    state = make_state(Goal(item, (), 0.5), catalog, frozenset(), 4)
    state.accepted = [film]
    return state


async def test_word_of_mouth_end_to_end(tmp_path: Path) -> None:
    s = scenario(
        dynamics={"activity": "adaptive"},
        social={"graph": "watts_strogatz", "k": 6, "influence": 0.8},
        schedule={"ticks": 4, "active_share": 0.5, "max_turns": 10},
    )
    await run_scenario(s, out_dir=tmp_path)
    on = rows(tmp_path, "sessions")
    friends = [r for r in on if r["goal_source"] == "friend"]
    assert friends and all(r["hint"] == "friend" for r in friends)
    # a friend's film is one a neighbour accepted on an earlier day
    g = ds.dataset(tmp_path / "checkpoint" / "graph.parquet").to_table().to_pylist()
    friends_of: dict[int, set[int]] = {}
    for e in g:
        friends_of.setdefault(e["u"], set()).add(e["v"])
        friends_of.setdefault(e["v"], set()).add(e["u"])
    for r in friends:
        me = int(r["agent_id"][1:])
        assert any(
            int(x["agent_id"][1:]) in friends_of[me]
            and r["goal_item_id"] in x["accepted_item_ids"]
            and x["tick"] < r["tick"]
            for x in on
        )
    pop = rows(tmp_path, "population")
    assert sum(r["friend_goals"] for r in pop) == len(friends)


async def test_returning_users_mention_last_times_film_never_the_target(tmp_path: Path) -> None:
    s = scenario(
        population={"size": 40},
        dynamics={"recall_rate": 1.0},
        schedule={"ticks": 3, "active_share": 1.0, "max_turns": 8},
    )
    await run_scenario(s, out_dir=tmp_path)
    sessions = rows(tmp_path, "sessions")
    first = {r["session_id"]: r for r in rows(tmp_path, "turns") if r["turn_index"] == 0}
    hinted = [r for r in sessions if r["hint"] == "returning"]
    assert hinted and all(r["returning"] and r["tick"] > 0 for r in hinted)
    assert not any(r["hint"] for r in sessions if r["tick"] == 0)
    catalog = Catalog.bundled()
    prev: dict[str, str] = {}
    for r in sorted(sessions, key=lambda r: r["tick"]):
        if r["hint"] == "returning":
            title = catalog.get(prev[r["agent_id"]]).title.lower()
            assert title in first[r["session_id"]]["user_text"].lower()
        if r["accepted_item_ids"]:
            prev[r["agent_id"]] = r["accepted_item_ids"][-1]  # the film accepted last
    assert not any(t["target_named_by_user"] for t in first.values())


def test_population_scenario_prints_curves_per_endpoint(tmp_path: Path) -> None:
    """The shipped 30-day scenario, shrunk, run as a user runs it."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "p"
    cmd = [sys.executable, "-m", "simworld", "run", "scenarios/population-30days.yaml"]
    args = ["--out", str(out), "--set", "population.size=120", "--set", "schedule.ticks=3", "-q"]
    proc = subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    assert "population per tick" in proc.stdout and "per endpoint" in proc.stdout
    assert [r["tick"] for r in rows(out, "population")] == [0, 1, 2]
    per_ep = rows(out, "population_endpoints")
    assert {r["endpoint"] for r in per_ep} == {"preference", "popularity"} and len(per_ep) == 6
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["social_graph"]["kind"] == "watts_strogatz"
    assert manifest["assignment"] == "choice"
