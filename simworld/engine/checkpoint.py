"""Checkpoints at tick boundaries, so ``simworld run --resume DIR`` continues a run exactly.

A checkpoint lives in ``DIR/checkpoint/``:

- ``state.json`` -- the commit point, replaced atomically (temp file + rename) after
  everything it names is on disk: the tick boundary reached, the scenario and its
  simulation digest, the run id, where the committed part files are (a staging directory,
  or the run directory's tables once finalised) and how many parts/rows each table holds;
- ``agents-TTTTTT.parquet`` -- every agent's carried state at that boundary
  (:meth:`~simworld.engine.population.Population.state_table`; exact float64 values);
- ``graph.parquet`` -- the social graph's edges (``u``, ``v`` agent indices), if any.

Nothing else is needed: every random draw is keyed by (purpose, tick[, agent]) and the
agents' state is folded in agent order, so the state at a boundary determines the rest of
the run. No pickles: Parquet and JSON only.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from simworld.errors import SimworldError
from simworld.store import write_json_atomic

FORMAT = "simworld-checkpoint/1"
DIRNAME = "checkpoint"
STATE = "state.json"
GRAPH = "graph.parquet"


@dataclass(slots=True)
class Checkpoint:
    """What ``state.json`` holds (see the module docstring)."""

    tick: int  # ticks completed: the next tick to run
    ticks: int
    run_id: str
    seed: int
    sim_digest: str
    scenario_json: str  # the scenario as JSON, key order kept (it orders the draws)
    base_dir: str | None
    stage: str | None  # staging dir (name inside DIR) holding the committed parts; None: DIR
    tables: dict[str, dict[str, int]]
    agents_file: str = ""
    graph_file: str | None = None
    started_at: str = ""
    wall_seconds: float = 0.0  # summed over the invocations that reached this boundary
    resumed_at: list[int] = field(default_factory=list)
    format: str = FORMAT

    @property
    def finalised(self) -> bool:
        return self.stage is None


def directory(out_dir: Path) -> Path:
    return Path(out_dir) / DIRNAME


def exists(out_dir: Path) -> bool:
    return (directory(out_dir) / STATE).is_file()


def save(
    out_dir: Path,
    cp: Checkpoint,
    agents: pa.Table,
    edges: npt.NDArray[np.int64] | None = None,
) -> None:
    """Write the agents' state (and the graph, once), then ``state.json`` atomically."""
    cdir = directory(out_dir)
    cdir.mkdir(parents=True, exist_ok=True)
    cp.agents_file = f"agents-{cp.tick:06d}.parquet"
    _write_parquet_atomic(cdir / cp.agents_file, agents)
    if edges is not None:
        if not (cdir / GRAPH).is_file():
            table = pa.table(
                {"u": pa.array(edges[:, 0], pa.int32()), "v": pa.array(edges[:, 1], pa.int32())}
            )
            _write_parquet_atomic(cdir / GRAPH, table)
        cp.graph_file = GRAPH
    write_json_atomic(cdir / STATE, asdict(cp))
    for old in cdir.glob("agents-*.parquet"):
        if old.name != cp.agents_file:
            old.unlink(missing_ok=True)


def mark_finalised(out_dir: Path, cp: Checkpoint) -> None:
    """After the tables moved into ``out_dir``: the committed parts are found there now."""
    cp.stage = None
    write_json_atomic(directory(out_dir) / STATE, asdict(cp))


def load(out_dir: Path) -> Checkpoint:
    """Read ``state.json``; a clear one-line error when there is none or it is not ours."""
    path = directory(out_dir) / STATE
    if not path.is_file():
        raise SimworldError(
            f"{out_dir}: no checkpoint to resume from ({DIRNAME}/{STATE} not found)"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SimworldError(f"{path}: unreadable checkpoint: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = data.get("format") if isinstance(data, dict) else None
        raise SimworldError(f"{path}: not a {FORMAT} checkpoint (format {got!r})")
    try:
        return Checkpoint(**data)
    except TypeError as exc:
        raise SimworldError(f"{path}: malformed checkpoint: {exc}") from None


def load_agents(out_dir: Path, cp: Checkpoint) -> pa.Table:
    path = directory(out_dir) / cp.agents_file
    if not path.is_file():
        raise SimworldError(f"{path}: checkpoint agent state is missing")
    return pq.read_table(path)


def load_edges(out_dir: Path, cp: Checkpoint) -> npt.NDArray[np.int64] | None:
    if cp.graph_file is None:
        return None
    path = directory(out_dir) / cp.graph_file
    if not path.is_file():
        raise SimworldError(f"{path}: checkpoint social graph is missing")
    t = pq.read_table(path)
    u = t.column("u").to_numpy().astype(np.int64)
    v = t.column("v").to_numpy().astype(np.int64)
    return np.stack([u, v], axis=1)


def reset(out_dir: Path) -> None:
    """Before a fresh run: drop an earlier run's checkpoint and its unfinalised staging dir."""
    cdir = directory(out_dir)
    if not cdir.exists():
        return
    try:
        old = load(out_dir)
    except SimworldError:
        old = None
    if old is not None and old.stage:
        stage = Path(out_dir) / old.stage
        if stage.parent == Path(out_dir) and stage.name.startswith(".staging-"):
            shutil.rmtree(stage, ignore_errors=True)
    shutil.rmtree(cdir, ignore_errors=True)


def _write_parquet_atomic(path: Path, table: pa.Table) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
