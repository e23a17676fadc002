"""Notebook helpers: a run directory as pandas DataFrames, and the few views everyone wants.

::

    from simworld.analysis import load_run, conversation, intent_mix, success_by
    frames = load_run("out/quickstart")
    intent_mix(frames)                       # turns and share per intent
    success_by(frames, "trait_patience")     # success rate per level, with a 95% interval
    population_curves(frames)["success_rate"].plot()
    print(conversation(frames, frames.sessions.session_id.iloc[0]))

Tables are read with the same schemas as the metrics (:mod:`simworld.metrics.run`), so a
run written by an older or partial writer still gives every documented column (null where
absent), and a directory that is not a run raises :class:`~simworld.errors.DataError`
naming the path. pandas is imported inside the functions: it comes with the ``analysis``
extra, not with the core package. Polars is optional (:meth:`RunFrames.to_polars`).
"""

from __future__ import annotations

import importlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simworld.latents.persona import TRAIT_LEVELS

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "RunFrames",
    "conversation",
    "intent_mix",
    "load_run",
    "population_curves",
    "success_by",
]

TABLE_NAMES = ("turns", "sessions", "agents", "population", "population_endpoints")
ALL = "all"  # the endpoint label of population-wide curves
Z95 = 1.959963984540054  # two-sided 95% normal quantile (Wilson interval)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(
            "simworld.analysis needs pandas: pip install 'simworld[analysis]'"
        ) from exc
    return pandas


@dataclass(frozen=True)
class RunFrames:
    """One run's tables as pandas DataFrames, plus its manifest (``{}`` when absent).

    ``population_endpoints`` is the per-tick, per-endpoint table (empty when the run has
    none, e.g. runs written before it existed).
    """

    path: Path
    turns: pd.DataFrame
    sessions: pd.DataFrame
    agents: pd.DataFrame
    population: pd.DataFrame
    population_endpoints: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def to_polars(self) -> dict[str, Any]:
        """The tables as polars DataFrames, keyed by table name (needs polars installed)."""
        try:
            polars = importlib.import_module("polars")
        except ImportError as exc:
            raise ImportError(
                "RunFrames.to_polars needs polars, which simworld does not install: "
                "pip install polars"
            ) from exc
        return {
            name: polars.from_arrow(_to_arrow(name, getattr(self, name))) for name in TABLE_NAMES
        }


def _to_arrow(name: str, frame: pd.DataFrame) -> Any:
    """A frame back in Arrow, with its table's schema when it still has exactly those
    columns (object columns such as lists and maps need it to convert)."""
    import pyarrow as pa

    from simworld.records import TABLES

    schema = TABLES.get(name)
    if schema is not None and list(frame.columns) == schema.names:
        return pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    return pa.Table.from_pandas(frame, preserve_index=False)


def load_run(run_dir: str | Path) -> RunFrames:
    """Read a run directory written by ``simworld run`` into :class:`RunFrames`.

    Raises DataError naming the path when the directory is missing or holds none of the
    run tables.
    """
    from simworld.metrics import run as arrow_run
    from simworld.records import TABLES

    _pandas()
    data = arrow_run.load_run(run_dir)
    extra = (
        arrow_run.read_table(data.path, "population_endpoints")
        if "population_endpoints" in TABLES
        else None
    )

    def frame(table: Any) -> Any:
        return table.to_pandas()

    pd = _pandas()
    return RunFrames(
        path=data.path,
        turns=frame(data.turns),
        sessions=frame(data.sessions),
        agents=frame(data.agents),
        population=frame(data.population),
        population_endpoints=frame(extra) if extra is not None else pd.DataFrame(),
        manifest=dict(data.manifest),
    )


def _present(value: Any) -> bool:
    """False for None, NaN and pandas' missing markers; True for anything else (lists too)."""
    if value is None:
        return False
    if isinstance(value, float | np.floating) and math.isnan(float(value)):
        return False
    return type(value).__name__ not in ("NAType", "NaTType")


def _text(value: Any) -> str:
    return str(value) if _present(value) else ""


def _list(value: Any) -> list[Any]:
    return list(value) if _present(value) and not isinstance(value, str) else []


def conversation(frames: RunFrames, session_id: str) -> str:
    """One session as a readable transcript: a header with its latents and outcome, then
    each user turn with its intent label (and the facet it revealed), the CRS reply, the
    recommended item ids (the goal item starred) and any error."""
    sessions = frames.sessions
    match = sessions[sessions["session_id"] == session_id]
    if match.empty:
        examples = ", ".join(str(s) for s in sessions["session_id"].head(3))
        raise KeyError(
            f"session {session_id!r} is not in the run at {frames.path} "
            f"({len(sessions)} sessions; e.g. {examples or 'none'})"
        )
    s = match.iloc[0]
    goal = _text(s.get("goal_item_id"))
    lines = [
        f"session {session_id} · agent {_text(s.get('agent_id'))} · "
        f"endpoint {_text(s.get('endpoint'))} · tick {_text(s.get('tick'))}",
    ]
    persona = [
        _text(s.get("persona_age_band")),
        _text(s.get("persona_occupation")),
        f"era {_text(s.get('persona_era'))}" if _present(s.get("persona_era")) else "",
    ]
    likes = ", ".join(str(g) for g in _list(s.get("persona_favourite_genres")))
    dislikes = ", ".join(str(g) for g in _list(s.get("persona_disliked_genres")))
    lines.append(
        "persona: "
        + ", ".join(p for p in persona if p)
        + (f"; likes {likes}" if likes else "")
        + (f"; dislikes {dislikes}" if dislikes else "")
    )
    traits = [
        f"{name}={_text(s.get(f'trait_{name}'))}"
        for name in TRAIT_LEVELS
        if _present(s.get(f"trait_{name}"))
    ]
    if traits:
        lines.append("traits: " + " ".join(traits))
    facets = ", ".join(str(f) for f in _list(s.get("goal_facets")))
    title = _text(s.get("goal_item_title"))
    lines.append(f"goal: {title or '?'} ({goal or '?'})" + (f"; facets {facets}" if facets else ""))
    outcome = "success" if _present(s.get("success")) and bool(s.get("success")) else "no success"
    satisfaction = s.get("satisfaction")
    lines.append(
        f"outcome: {_text(s.get('termination')) or '?'} ({outcome}), "
        f"{_text(s.get('n_turns')) or '?'} turns"
        + (f", satisfaction {float(satisfaction):.2f}" if _present(satisfaction) else "")
    )
    lines.append("")
    turns = frames.turns[frames.turns["session_id"] == session_id].sort_values("turn_index")
    for _, t in turns.iterrows():
        label = _text(t.get("intent")) or "?"
        if _present(t.get("facet_kind")):
            label += f", {_text(t.get('facet_kind'))}={_text(t.get('facet_value'))}"
        lines.append(f"[{_text(t.get('turn_index'))}] USER ({label}): {_text(t.get('user_text'))}")
        if _present(t.get("error")):
            detail = _text(t.get("error_detail"))
            lines.append(
                f"    CRS  ! error {_text(t.get('error'))}" + (f": {detail}" if detail else "")
            )
            continue
        lines.append(f"    CRS: {_text(t.get('crs_text'))}")
        items = [str(i) + ("*" if goal and str(i) == goal else "") for i in _list(t.get("items"))]
        if items:
            lines.append(f"         items: {', '.join(items)}")
    return "\n".join(lines)


def _column_frame(frames: RunFrames, column: str) -> pd.DataFrame:
    """The turns with ``column`` (a turns column, or a sessions column joined by session)."""
    turns = frames.turns
    if column in turns.columns:
        return turns
    if column in frames.sessions.columns:
        joined = frames.sessions[["session_id", column]].drop_duplicates("session_id")
        return turns.merge(joined, on="session_id", how="left")
    raise ValueError(
        f"{column!r} is neither a turns nor a sessions column of the run at {frames.path}"
    )


def intent_mix(frames: RunFrames, by: str | None = None) -> pd.DataFrame:
    """Intent distribution of the user turns.

    Without ``by``: one row per intent (most frequent first) with ``turns`` and ``share``.
    With ``by`` (a turns column such as ``endpoint``, or a sessions column such as
    ``trait_verbosity``): the share of each intent (rows) within each value of ``by``
    (columns), each column summing to 1.
    """
    pd = _pandas()
    turns = frames.turns if by is None else _column_frame(frames, by)
    labelled = turns[turns["intent"].notna()]
    if by is None:
        counts = labelled["intent"].value_counts()
        total = int(counts.sum())
        out = pd.DataFrame(
            {"turns": counts.astype("int64"), "share": counts / total if total else counts}
        )
        out.index.name = "intent"
        return out.sort_values(["turns"], ascending=False, kind="stable")
    table = pd.crosstab(labelled["intent"], labelled[by].astype(str), normalize="columns")
    table.columns.name = by
    return table


def _order(column: str, values: list[Any]) -> list[Any]:
    """Trait levels in their natural order; other values sorted (numbers as numbers)."""
    levels = TRAIT_LEVELS.get(column.removeprefix("trait_"), ())
    try:
        plain = sorted(values)
    except TypeError:
        plain = sorted(values, key=str)
    return sorted(plain, key=lambda v: levels.index(v) if v in levels else len(levels))


def _is_sequence(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def success_by(frames: RunFrames, column: str) -> pd.DataFrame:
    """Session success per value of a sessions column (persona, trait, endpoint, tick...).

    One row per value (trait levels in their natural order, other values sorted) with
    ``sessions``, ``successes``, ``success_rate`` and a 95% Wilson interval
    ``ci_low``/``ci_high``. A list-valued column (``persona_favourite_genres``) counts a
    session once under each of its values; sessions with no value are left out.
    """
    pd = _pandas()
    sessions = frames.sessions
    if column not in sessions.columns:
        known = ", ".join(c for c in sessions.columns if c.startswith(("persona_", "trait_")))
        raise ValueError(
            f"{column!r} is not a sessions column of the run at {frames.path} "
            f"(persona and trait columns: {known})"
        )
    data = sessions[[column, "success"]].copy()
    if data[column].map(_is_sequence).any():
        data[column] = data[column].map(_list)
        data = data.explode(column)
    data = data[data[column].map(_present)]
    data["success"] = data["success"].map(lambda v: bool(v) if _present(v) else False)
    grouped = data.groupby(column)["success"].agg(["size", "sum"])
    grouped = grouped.reindex(_order(column, list(grouped.index)))
    n = grouped["size"].to_numpy(dtype=np.float64)
    k = grouped["sum"].to_numpy(dtype=np.float64)
    rate = k / n
    centre = (k + Z95**2 / 2) / (n + Z95**2)
    half = Z95 * np.sqrt(n * rate * (1 - rate) + Z95**2 / 4) / (n + Z95**2)
    out = pd.DataFrame(
        {
            "sessions": n.astype(np.int64),
            "successes": k.astype(np.int64),
            "success_rate": rate,
            "ci_low": np.clip(centre - half, 0.0, 1.0),
            "ci_high": np.clip(centre + half, 0.0, 1.0),
        },
        index=pd.Index(grouped.index, name=column),
    )
    return out


def _numeric(frame: pd.DataFrame, skip: set[str]) -> list[str]:
    pd = _pandas()
    return [
        c
        for c in frame.columns
        if c not in skip
        and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
        and frame[c].notna().any()
    ]


def population_curves(frames: RunFrames, by_endpoint: bool | None = None) -> pd.DataFrame:
    """Per-tick population statistics, one row per tick.

    Columns are a two-level index ``(metric, endpoint)``. ``endpoint`` is ``"all"`` for the
    population-wide table, and an endpoint's name for the per-endpoint statistics, which
    come from the population table itself when it has an ``endpoint`` column, else from the
    ``population_endpoints`` table. ``by_endpoint=None`` adds the per-endpoint columns when
    the run has two or more endpoints, and otherwise only for metrics the population-wide
    table lacks (``mean_trust``, ``users``...); True adds them all, False none.
    ``curves["success_rate"].plot()`` draws one line per endpoint. Only numeric columns
    with at least one value are kept; an empty frame when the run recorded no ticks.
    """
    pd = _pandas()
    skip = {"tick", "endpoint", "run_id"}
    columns: dict[tuple[str, str], Any] = {}
    pop = frames.population
    split_pop = "endpoint" in pop.columns
    per = pop if split_pop else frames.population_endpoints
    if not split_pop and "tick" in pop.columns and not pop.empty:
        wide = pop.drop_duplicates("tick", keep="last").set_index("tick")[_numeric(pop, skip)]
        for metric in wide.columns:
            columns[(metric, ALL)] = wide[metric]
    has_split = {"tick", "endpoint"} <= set(per.columns) and not per.empty
    if by_endpoint and not has_split:
        raise ValueError(f"the run at {frames.path} has no per-endpoint population statistics")
    if has_split and by_endpoint is not False:
        many = per["endpoint"].nunique() >= 2
        for metric in _numeric(per, skip):
            if by_endpoint is None and not many and not split_pop and (metric, ALL) in columns:
                continue
            wide = per.pivot_table(
                index="tick", columns="endpoint", values=metric, aggfunc="last", dropna=False
            )
            for endpoint in sorted(wide.columns, key=str):
                columns[(metric, str(endpoint))] = wide[endpoint]
    if not columns:
        return pd.DataFrame(index=pd.Index([], name="tick"))
    order = list(dict.fromkeys(metric for metric, _ in columns))
    keys = sorted(columns, key=lambda k: (order.index(k[0]), k[1] != ALL))
    out = pd.concat([columns[k] for k in keys], axis=1, keys=keys).sort_index()
    out.columns = pd.MultiIndex.from_tuples(keys, names=["metric", "endpoint"])
    out.index.name = "tick"
    return out
