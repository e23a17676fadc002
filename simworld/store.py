"""Streaming, atomic Parquet output and the run manifest.

Rows are buffered per table and flushed as part files (``part-00000.parquet``...) into a
hidden staging directory inside the output directory, so memory stays bounded by
``batch_rows`` per table whatever the run size. :meth:`RunWriter.finalize` moves the
finished tables into place and writes ``manifest.json`` last (temp file + rename): a
reader never sees a half-written run. A previous run in the same directory is replaced
only at that moment.
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

from simworld.records import TABLES


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

    def flush(self) -> None:
        if not self._buffer:
            return
        table = pa.Table.from_pylist(self._buffer, schema=self.schema)
        pq.write_table(table, self.directory / f"part-{self.parts:05d}.parquet")
        self.parts += 1
        self.rows += len(self._buffer)
        self._buffer.clear()

    def close(self) -> None:
        self.flush()
        if self.parts == 0:
            # An empty table still has its schema, so readers get the columns.
            pq.write_table(self.schema.empty_table(), self.directory / "part-00000.parquet")
            self.parts = 1


class RunWriter:
    """Writes the run's tables into ``out_dir`` atomically at :meth:`finalize`."""

    def __init__(self, out_dir: str | Path, *, batch_rows: int = 5000) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.out_dir))
        self.tables = {
            name: TableWriter(self._stage / name, schema, batch_rows)
            for name, schema in TABLES.items()
        }

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        self.tables[table].write(rows)

    def counts(self) -> dict[str, int]:
        return {n: t.rows + len(t._buffer) for n, t in self.tables.items()}

    def finalize(self, manifest: dict[str, Any]) -> Path:
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
        manifest = {**manifest, "rows": {n: t.rows for n, t in self.tables.items()}}
        write_json_atomic(self.out_dir / "manifest.json", manifest)
        return self.out_dir

    def abort(self) -> None:
        shutil.rmtree(self._stage, ignore_errors=True)


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
