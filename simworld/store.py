"""Streaming, atomic Parquet output and the run manifest.

Rows are buffered per table and flushed as part files (``part-00000.parquet``...) into a
hidden staging directory inside the output directory, so memory stays bounded by
``batch_rows`` per table whatever the run size. :meth:`RunWriter.finalize` moves the
finished tables into place and writes ``manifest.json`` last (temp file + rename): a
reader never sees a half-written run. A previous run in the same directory is replaced
only at that moment.

For checkpoints, :meth:`RunWriter.commit` flushes every table at a tick boundary and
returns how many parts (and rows) each holds: parts are numbered in order and never
rewritten, so "the first N parts" is exactly the output up to that boundary. A resumed
writer (:meth:`RunWriter.resume`) starts a new staging directory holding links to those
committed parts only -- whatever an interrupted tick wrote after them is left behind -- and
numbers its new parts after them.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from simworld.errors import SimworldError
from simworld.records import TABLES

STAGE_PREFIX = ".staging-"


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


class TableWriter:
    def __init__(self, directory: Path, schema: pa.Schema, batch_rows: int) -> None:
        self.directory = directory
        self.schema = schema
        self.batch_rows = batch_rows
        self.rows = 0
        self.parts = 0
        self._buffer: list[dict[str, Any]] = []
        directory.mkdir(parents=True, exist_ok=True)

    def write(self, rows: list[dict[str, Any]]) -> None:
        self._buffer.extend(rows)
        if len(self._buffer) >= self.batch_rows:
            self.flush()

    @property
    def pending(self) -> int:
        return len(self._buffer)

    def flush(self) -> None:
        if not self._buffer:
            return
        table = pa.Table.from_pylist(self._buffer, schema=self.schema)
        pq.write_table(table, self.directory / part_name(self.parts))
        self.parts += 1
        self.rows += len(self._buffer)
        self._buffer.clear()

    def close(self) -> None:
        self.flush()
        if self.parts == 0:
            # An empty table still has its schema, so readers get the columns.
            pq.write_table(self.schema.empty_table(), self.directory / part_name(0))
            self.parts = 1


class RunWriter:
    """Writes the run's tables into ``out_dir`` atomically at :meth:`finalize`."""

    def __init__(self, out_dir: str | Path, *, batch_rows: int = 5000) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=self.out_dir))
        self.tables = {
            name: TableWriter(self._stage / name, schema, batch_rows)
            for name, schema in TABLES.items()
        }

    @property
    def stage(self) -> Path:
        """The staging directory (inside ``out_dir``) the tables are written to."""
        return self._stage

    @classmethod
    def resume(
        cls,
        out_dir: str | Path,
        committed: dict[str, dict[str, int]],
        *,
        source: Path,
        batch_rows: int = 5000,
    ) -> RunWriter:
        """A writer continuing after the committed parts found in ``source`` (a staging
        directory, or ``out_dir`` itself when the interrupted run was finalised).

        ``committed`` maps table -> ``{"parts": N, "rows": R}`` as returned by
        :meth:`commit`. Parts are hard-linked (copied where links are impossible); their row
        counts are checked, so a damaged or foreign directory is refused.
        """
        w = cls(out_dir, batch_rows=batch_rows)
        try:
            for name, tw in w.tables.items():
                info = committed.get(name, {"parts": 0, "rows": 0})
                rows = 0
                for k in range(int(info["parts"])):
                    src = source / name / part_name(k)
                    if not src.is_file():
                        raise SimworldError(f"{src}: committed part file is missing")
                    rows += pq.ParquetFile(src).metadata.num_rows
                    _link(src, tw.directory / part_name(k))
                if rows != int(info["rows"]):
                    raise SimworldError(
                        f"{source / name}: committed parts hold {rows} rows, "
                        f"the checkpoint says {info['rows']}"
                    )
                tw.parts, tw.rows = int(info["parts"]), rows
        except BaseException:
            w.abort()
            raise
        return w

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.tables[table].write(rows)

    def counts(self) -> dict[str, int]:
        return {n: t.rows + t.pending for n, t in self.tables.items()}

    def commit(self) -> dict[str, dict[str, int]]:
        """Flush every table; the parts written so far are the committed output."""
        for t in self.tables.values():
            t.flush()
        return {n: {"parts": t.parts, "rows": t.rows} for n, t in self.tables.items()}

    def finalize(self, manifest: dict[str, Any], extras: dict[str, Any] | None = None) -> Path:
        """Move the tables into place, write ``extras`` (JSON files by name), then the manifest.

        Extra files named with a ``None`` value are removed (stale results of an earlier run).
        """
        for t in self.tables.values():
            t.close()
        for name in self.tables:
            dest = self.out_dir / name
            if dest.exists():
                trash = Path(tempfile.mkdtemp(prefix=".old-", dir=self.out_dir))
                dest.rename(trash / name)
            (self._stage / name).rename(dest)
        shutil.rmtree(self._stage, ignore_errors=True)
        for old in self.out_dir.glob(".old-*"):
            shutil.rmtree(old, ignore_errors=True)
        for fname, data in (extras or {}).items():
            if data is None:
                (self.out_dir / fname).unlink(missing_ok=True)
            else:
                write_json_atomic(self.out_dir / fname, data)
        manifest = {**manifest, "rows": {n: t.rows for n, t in self.tables.items()}}
        write_json_atomic(self.out_dir / "manifest.json", manifest)
        return self.out_dir

    def abort(self) -> None:
        shutil.rmtree(self._stage, ignore_errors=True)


def _link(src: Path, dest: Path) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def write_json_atomic(path: Path, data: Any) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, sort_keys=True, default=str)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
