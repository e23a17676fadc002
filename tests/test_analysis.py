"""simworld.analysis on synthetic run directories (real Parquet files written to the
records' schemas by tests/simrun.py) and on small hand-made frames."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from simrun import make_run

from simworld.analysis import (
    RunFrames,
    conversation,
    intent_mix,
    load_run,
    population_curves,
    success_by,
)
from simworld.errors import DataError
from simworld.records import TABLES

pd = pytest.importorskip("pandas")  # simworld.analysis imports it only when called


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("runs") / "run", seed=3, n_sessions=60, ticks=3)


@pytest.fixture(scope="module")
def frames(run_dir: Path) -> RunFrames:
    return load_run(run_dir)


def _frames(**tables: Any) -> RunFrames:
    empty = pd.DataFrame()
    return RunFrames(
        path=Path("/runs/handmade"),
        turns=tables.get("turns", empty),
        sessions=tables.get("sessions", empty),
        agents=tables.get("agents", empty),
        population=tables.get("population", empty),
        population_endpoints=tables.get("population_endpoints", empty),
    )


def test_load_run_reads_every_table_with_the_documented_columns(
    run_dir: Path, frames: RunFrames
) -> None:
    assert len(frames.sessions) == 60
    assert len(frames.turns) == len(pq.read_table(run_dir / "turns"))
    assert len(frames.population) == 3
    assert set(TABLES["turns"].names) <= set(frames.turns.columns)
    assert set(TABLES["sessions"].names) <= set(frames.sessions.columns)
    assert frames.population_endpoints.empty  # the synthetic run has no per-endpoint table
    assert frames.manifest["seed"] == 3
    assert frames.path == run_dir


def test_load_run_names_the_path_when_it_is_not_a_run(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    with pytest.raises(DataError, match="not a run directory") as err:
        load_run(tmp_path / "notes")
    assert str(tmp_path / "notes") in str(err.value)
    with pytest.raises(DataError, match="not found") as err:
        load_run(tmp_path / "missing")
    assert str(tmp_path / "missing") in str(err.value)


def test_to_polars_needs_polars(frames: RunFrames) -> None:
    if importlib.util.find_spec("polars") is None:
        with pytest.raises(ImportError, match="polars"):
            frames.to_polars()
    else:
        tables = frames.to_polars()
        assert tables["turns"].height == len(frames.turns)


def test_intent_mix_counts_and_shares(frames: RunFrames) -> None:
    mix = intent_mix(frames)
    labelled = frames.turns[frames.turns.intent.notna()]
    assert int(mix.turns.sum()) == len(labelled)
    assert math.isclose(float(mix.share.sum()), 1.0)
    assert list(mix.turns) == sorted(mix.turns, reverse=True)
    assert int(mix.loc["CLOSE", "turns"]) == int((labelled.intent == "CLOSE").sum())


def test_intent_mix_by_a_sessions_column_joins_on_the_session(frames: RunFrames) -> None:
    mix = intent_mix(frames, by="trait_verbosity")
    assert set(mix.columns) == set(frames.sessions.trait_verbosity.dropna())
    for column in mix.columns:
        assert math.isclose(float(mix[column].sum()), 1.0)
    chatty = set(frames.sessions.session_id[frames.sessions.trait_verbosity == "chatty"])
    turns = frames.turns[frames.turns.session_id.isin(chatty)]
    expected = float((turns.intent == "IQU").mean())
    assert math.isclose(float(mix.loc["IQU", "chatty"]), expected)
    with pytest.raises(ValueError, match="'shoe_size'"):
        intent_mix(frames, by="shoe_size")


def test_success_by_a_trait_in_level_order(frames: RunFrames) -> None:
    seg = success_by(frames, "trait_patience")
    order = [lv for lv in ("low", "medium", "high") if lv in set(seg.index)]
    assert list(seg.index) == order
    assert int(seg.sessions.sum()) == len(frames.sessions)
    for level, row in seg.iterrows():
        mine = frames.sessions[frames.sessions.trait_patience == level]
        assert row.sessions == len(mine)
        assert row.successes == int(mine.success.sum())
        assert row.ci_low <= row.success_rate <= row.ci_high


def test_success_by_a_list_column_counts_each_value() -> None:
    sessions = pd.DataFrame(
        {
            "session_id": ["a", "b", "c"],
            "persona_favourite_genres": [["Comedy", "Drama"], ["Drama"], []],
            "success": [True, False, True],
        }
    )
    seg = success_by(_frames(sessions=sessions), "persona_favourite_genres")
    assert list(seg.index) == ["Comedy", "Drama"]
    assert list(seg.sessions) == [1, 2]
    assert list(seg.successes) == [1, 1]


def test_success_by_wilson_interval_matches_the_formula() -> None:
    sessions = pd.DataFrame(
        {
            "session_id": [str(i) for i in range(10)],
            "tick": [0] * 10,
            "success": [True] * 5 + [False] * 5,
        }
    )
    row = success_by(_frames(sessions=sessions), "tick").loc[0]
    assert row.success_rate == 0.5
    # Wilson 95% interval of 5/10, computed by hand: 0.5 -+ 1.96*sqrt(2.5+0.96)/13.84.
    assert row.ci_low == pytest.approx(0.2366, abs=1e-4)
    assert row.ci_high == pytest.approx(0.7634, abs=1e-4)


def test_success_by_names_the_unknown_column(frames: RunFrames) -> None:
    with pytest.raises(ValueError, match=r"'trait_height'.*trait_patience"):
        success_by(frames, "trait_height")


def test_population_curves_without_endpoint_table(frames: RunFrames) -> None:
    curves = population_curves(frames)
    assert list(curves.index) == [0, 1, 2]
    assert set(curves.columns.get_level_values("endpoint")) == {"all"}
    assert list(curves[("success_rate", "all")]) == pytest.approx([0.3, 0.4, 0.5])
    assert "run_id" not in curves.columns.get_level_values("metric")
    with pytest.raises(ValueError, match="no per-endpoint"):
        population_curves(frames, by_endpoint=True)


def _write_endpoints(run: Path, names: list[str]) -> None:
    rows = [
        {
            "run_id": "r1",
            "tick": t,
            "endpoint": e,
            "sessions": 10 + t,
            "success_rate": 0.1 * k,
            "mean_trust": 0.5,
        }
        for t in range(3)
        for k, e in enumerate(names)
    ]
    schema = TABLES["population_endpoints"]
    table = pa.Table.from_pylist(
        [{f.name: r.get(f.name) for f in schema} for r in rows], schema=schema
    )
    (run / "population_endpoints").mkdir()
    pq.write_table(table, run / "population_endpoints" / "part-00000.parquet")


def test_population_curves_split_by_endpoint(tmp_path: Path) -> None:
    run = make_run(tmp_path / "two", seed=1, ticks=3)
    _write_endpoints(run, ["A", "B"])
    curves = population_curves(load_run(run))
    assert list(curves["success_rate"].columns) == ["all", "A", "B"]
    assert list(curves[("success_rate", "B")]) == pytest.approx([0.1, 0.1, 0.1])
    assert list(curves[("mean_trust", "A")]) == pytest.approx([0.5] * 3)
    only_all = population_curves(load_run(run), by_endpoint=False)
    assert set(only_all.columns.get_level_values("endpoint")) == {"all"}


def test_population_curves_one_endpoint_adds_only_what_all_lacks(tmp_path: Path) -> None:
    run = make_run(tmp_path / "one", seed=1, ticks=3)
    _write_endpoints(run, ["A"])
    curves = population_curves(load_run(run))
    assert list(curves["success_rate"].columns) == ["all"]  # no duplicate line
    assert list(curves["mean_trust"].columns) == ["A"]  # exists only per endpoint
    full = population_curves(load_run(run), by_endpoint=True)
    assert list(full["success_rate"].columns) == ["all", "A"]


def test_population_curves_from_a_population_table_with_endpoints() -> None:
    population = pd.DataFrame(
        {"tick": [0, 0, 1, 1], "endpoint": ["x", "y", "x", "y"], "sessions": [1, 2, 3, 4]}
    )
    curves = population_curves(_frames(population=population))
    assert list(curves["sessions"].columns) == ["x", "y"]
    assert list(curves[("sessions", "y")]) == [2, 4]


def test_population_curves_of_a_run_without_ticks() -> None:
    assert population_curves(_frames()).empty


def test_conversation_shows_intents_text_and_outcome(frames: RunFrames) -> None:
    session = frames.sessions.iloc[0]
    sid = str(session.session_id)
    text = conversation(frames, sid)
    turns = frames.turns[frames.turns.session_id == sid].sort_values("turn_index")
    assert text.splitlines()[0].startswith(f"session {sid}")
    assert f"outcome: {session.termination}" in text
    user_lines = [line for line in text.splitlines() if " USER (" in line]
    assert len(user_lines) == len(turns)
    for line, (_, turn) in zip(user_lines, turns.iterrows(), strict=True):
        assert line.startswith(f"[{turn.turn_index}] USER ({turn.intent}")
        assert line.endswith(str(turn.user_text))


def test_conversation_marks_errors_facets_and_the_goal_item() -> None:
    sessions = pd.DataFrame(
        [
            {
                "session_id": "s",
                "agent_id": "a",
                "endpoint": "e",
                "tick": 0,
                "goal_item_id": "m2",
                "goal_item_title": "Night Train",
                "termination": "endpoint_error",
                "success": False,
                "n_turns": 2,
                "satisfaction": None,
            }
        ]
    )
    turns = pd.DataFrame(
        [
            {
                "session_id": "s",
                "turn_index": 1,
                "intent": "REJ",
                "user_text": "not that",
                "crs_text": None,
                "items": [],
                "error": "timeout",
                "error_detail": "after 30 s",
            },
            {
                "session_id": "s",
                "turn_index": 0,
                "intent": "IQU",
                "facet_kind": "genre",
                "facet_value": "Drama",
                "user_text": "a drama please",
                "crs_text": "Try these",
                "items": ["m1", "m2"],
                "error": None,
                "error_detail": None,
            },
        ]
    )
    text = conversation(_frames(sessions=sessions, turns=turns), "s")
    lines = text.splitlines()
    assert "[0] USER (IQU, genre=Drama): a drama please" in lines
    assert "         items: m1, m2*" in lines
    assert "    CRS  ! error timeout: after 30 s" in lines
    assert lines.index("[0] USER (IQU, genre=Drama): a drama please") < lines.index(
        "[1] USER (REJ): not that"
    )
    assert "satisfaction" not in text  # unknown, so not printed


def test_conversation_names_an_unknown_session(frames: RunFrames) -> None:
    with pytest.raises(KeyError, match="'nope' is not in the run at"):
        conversation(frames, "nope")
