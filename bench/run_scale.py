"""Engine scale: throughput and peak memory of whole runs as the population grows.

Runs ``scenarios/quickstart.yaml`` (template users against the embedded reference CRS, both
in one process) with ``population.size`` set to each of ``--sizes`` (default 200, 1000 and
4000 agents; same ticks, so sessions and turns grow in proportion), each in its own
``python -m simworld run`` subprocess, and reads the child's peak resident memory from
``os.wait4``. Printed per size: sessions, user turns, wall time, turns/s, peak RSS; then
the ratios between the largest and the smallest run, side by side:

- ``turns x``: how much more work the largest run did;
- ``rss x``: how much more memory it needed. Records are streamed to Parquet part files, so
  memory should grow with the *population* (agents' state, the catalog, Python itself), far
  less than with the turns written;
- ``turns/s x``: near 1 when the engine's cost per turn does not grow with the population.

Run from anywhere: ``python bench/run_scale.py [--sizes 200 1000 4000] [--ticks 3]`` (about
two minutes on 2 cores with the defaults). No external tools.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "quickstart.yaml"


def run_once(size: int, ticks: int, out: Path) -> dict[str, float]:
    """One run in a child process: its wall time, peak RSS (MiB) and row counts."""
    command = [
        sys.executable,
        "-m",
        "simworld",
        "run",
        str(SCENARIO),
        "--out",
        str(out),
        "-q",
        "--set",
        f"population.size={size}",
        "--set",
        f"schedule.ticks={ticks}",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        last = (stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"run_scale: run with {size} agents failed: {last}")
    counts = json.loads((out / "manifest.json").read_text())["rows"]
    return {
        "agents": size,
        "sessions": float(counts["sessions"]),
        "turns": float(counts["turns"]),
        "wall_s": wall,
        "turns_per_s": counts["turns"] / wall,
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux reports KiB
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 4000])
    parser.add_argument("--ticks", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="simworld-bench-") as tmp:
        for size in sorted(args.sizes):
            rows.append(run_once(size, args.ticks, Path(tmp) / f"run{size}"))
    print(
        f"run scale: quickstart, {args.ticks} ticks, python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cpus\n"
    )
    print("| agents | sessions | user turns | wall s | turns/s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['agents']:.0f} | {r['sessions']:.0f} | {r['turns']:.0f} | "
            f"{r['wall_s']:.1f} | {r['turns_per_s']:.0f} | {r['peak_rss_mib']:.0f} |"
        )
    small, large = rows[0], rows[-1]
    print(
        f"\nlargest / smallest: turns x{large['turns'] / small['turns']:.1f}, "
        f"rss x{large['peak_rss_mib'] / small['peak_rss_mib']:.2f}, "
        f"turns/s x{large['turns_per_s'] / small['turns_per_s']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
