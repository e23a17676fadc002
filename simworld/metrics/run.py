"""Reading a run directory's tables for the metrics (turns, sessions, agents, population).

Each table is a directory of Parquet part files (see :mod:`simworld.records`); it is read
with ``pyarrow.dataset`` against the schema in ``records.TABLES``, so part files written by
older or partial writers still line up, and a missing table reads as an empty one. Files
whose names start with ``.`` or ``_`` (temporary files of an atomic writer) are ignored.
``manifest.json`` is read when present.

Rows are handed to metrics as plain Python lists of dicts / columns: runs are at most a few
hundred thousand turns, and this keeps pandas out of the package's dependencies.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from simworld.errors import DataError
from simworld.records import TABLES


@dataclass(frozen=True)
class RunData:
    """The four tables of one run, plus its manifest (``{}`` when there is none)."""

    path: Path
    turns: pa.Table
    sessions: pa.Table
    agents: pa.Table
    population: pa.Table
    manifest: dict[str, Any] = field(default_factory=dict)

    def column(self, table: str, name: str) -> list[Any]:
        """One column of one table as a Python list."""
        tab: pa.Table = getattr(self, table)
        return list(tab.column(name).to_pylist())

    def rows(self, table: str, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
        """Rows of one table as dicts (optionally only some columns)."""
        tab: pa.Table = getattr(self, table)
        if columns is not None:
            tab = tab.select(columns)
        yield from tab.to_pylist()

    def user_turns(self) -> list[dict[str, Any]]:
        """Turns with a non-empty ``user_text``, ordered by session then turn index."""
        cols = ["session_id", "turn_index", "intent", "user_text", "tick"]
        rows = [r for r in self.rows("turns", cols) if (r["user_text"] or "").strip()]
        rows.sort(key=lambda r: (str(r["session_id"]), r["turn_index"] or 0))
        return rows


def read_table(run_dir: Path, name: str) -> pa.Table:
    """One table of ``run_dir`` (empty with the right schema when its directory is absent)."""
    import pyarrow.dataset as ds

    schema = TABLES[name]
    path = run_dir / name
    if not path.exists():
        return schema.empty_table()
    try:
        dataset = ds.dataset(str(path), format="parquet", schema=schema, ignore_prefixes=[".", "_"])
        return dataset.to_table()
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DataError(f"cannot read table {name!r}: {first}", file=str(path)) from None


def load_run(run_dir: str | Path) -> RunData:
    """Read every table of a run directory; DataError if it is not one."""
    path = Path(run_dir)
    if not path.is_dir():
        raise DataError("run directory not found", file=str(path))
    if not any((path / name).exists() for name in TABLES):
        raise DataError(
            f"not a run directory (none of {', '.join(n + '/' for n in TABLES)} found)",
            file=str(path),
        )
    manifest: dict[str, Any] = {}
    mpath = path / "manifest.json"
    if mpath.exists():
        try:
            loaded = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read manifest: {exc}", file=str(mpath)) from None
        if isinstance(loaded, dict):
            manifest = loaded
    return RunData(
        path=path,
        turns=read_table(path, "turns"),
        sessions=read_table(path, "sessions"),
        agents=read_table(path, "agents"),
        population=read_table(path, "population"),
        manifest=manifest,
    )
