"""The ``simworld`` command: parse arguments, load, run, print, exit. No defaults live here.

Exit codes: 0 ok, 1 unexpected failure, 2 invalid input (scenario, data file, option),
130 interrupted (partial output is kept and marked in the manifest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import yaml
from rich.console import Console

from simworld import __version__
from simworld.errors import SimworldError


def _parse_set(values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in values:
        if "=" not in item:
            raise SimworldError(
                f"--set: expected KEY=VALUE (e.g. population.size=50), got {item!r}"
            )
        key, raw = item.split("=", 1)
        out[key.strip()] = yaml.safe_load(raw)
    return out


def cmd_run(args: argparse.Namespace) -> int:
    from simworld.console import RichProgress, summary_table
    from simworld.engine.runner import run_scenario
    from simworld.scenario import load_scenario

    overrides = _parse_set(args.set or [])
    if args.seed is not None:
        overrides["seed"] = args.seed
    if args.out is not None:
        overrides["output.dir"] = args.out
    scenario = load_scenario(args.scenario, overrides=overrides)
    out_dir = Path(scenario.output.dir)
    err = Console(stderr=True)
    out = Console()
    err.print(
        f"[bold]simworld[/] {__version__} · scenario [cyan]{scenario.name}[/] · "
        f"{scenario.population.size} agents · {scenario.schedule.ticks} ticks · "
        f"seed {scenario.seed}"
    )
    base = Path(args.scenario).resolve().parent
    try:
        if args.quiet:
            outcome = asyncio.run(run_scenario(scenario, out_dir=out_dir, base_dir=base))
        else:
            with RichProgress(err) as progress:
                outcome = asyncio.run(
                    run_scenario(scenario, out_dir=out_dir, base_dir=base, progress=progress)
                )
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: partial output kept in", str(out_dir))
        return 130
    out.print(summary_table(outcome.summary, f"run {outcome.run_id} → {outcome.out_dir}"))
    if outcome.interrupted:
        err.print("[yellow]interrupted[/]: in-flight sessions were recorded as cancelled")
        return 130
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from simworld.scenario import load_scenario

    status = 0
    for path in args.files:
        try:
            s = load_scenario(path)
        except SimworldError as exc:
            print(exc, file=sys.stderr)
            status = 2
        else:
            print(
                f"{path}: ok ({s.name}: {s.population.size} agents, {s.schedule.ticks} ticks, "
                f"{len(s.endpoints)} endpoint(s), user model {s.user_model.kind})"
            )
    return status


def cmd_schema(args: argparse.Namespace) -> int:
    from simworld.scenario import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2))
    return 0


def cmd_serve_crs(args: argparse.Namespace) -> int:
    from simworld.catalog import Catalog
    from simworld.crs.reference import serve

    catalog = Catalog.from_csv(args.catalog) if args.catalog else Catalog.bundled()
    print(
        f"reference CRS ({args.strategy}, {len(catalog)} items) on http://{args.host}:{args.port}"
        " — protocol v1; Ctrl-C to stop",
        flush=True,
    )
    try:
        asyncio.run(serve(catalog, host=args.host, port=args.port, strategy=args.strategy))
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        raise SimworldError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    return 0


def _need_analysis() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise SimworldError(
            "this command needs the analysis extra: pip install 'simworld[analysis]'"
        ) from None


def _run_dir(path: str) -> Path:
    run = Path(path)
    if not (run / "manifest.json").is_file():
        raise SimworldError(f"{path}: not a simworld run directory (no manifest.json)")
    return run


def cmd_compare(args: argparse.Namespace) -> int:
    _need_analysis()
    from simworld.compare import compare, format_compare
    from simworld.store import write_json_atomic

    run = _run_dir(args.run)
    result = compare(run, args.real, args.format, seed=args.seed)
    Console().print(format_compare(result))
    if args.json:
        write_json_atomic(Path(args.json), result)
        print(f"metrics written to {args.json}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _need_analysis()
    from simworld.datasets import load_dialogues
    from simworld.report import build_report, summarize

    run = _run_dir(args.run)
    real = load_dialogues(args.real, args.format) if args.real else None
    index = build_report(run, real=real, seed=args.seed)
    metrics = json.loads((index.parent / "metrics.json").read_text())
    print(summarize(metrics))
    print(f"report: {index}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="simworld",
        description="Simulate populations of users talking to conversational recommenders.",
    )
    p.add_argument("--version", action="version", version=f"simworld {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", help="run a scenario and write Parquet tables")
    r.add_argument("scenario", help="scenario YAML file")
    r.add_argument("--out", help="output directory (default: the scenario's output.dir)")
    r.add_argument("--seed", type=int, help="override the scenario seed")
    r.add_argument(
        "--set",
        action="append",
        metavar="KEY=VALUE",
        help="override a scenario field, e.g. --set population.size=50 (repeatable)",
    )
    r.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    r.set_defaults(func=cmd_run)

    v = sub.add_parser("validate", help="check scenario files and exit")
    v.add_argument("files", nargs="+")
    v.set_defaults(func=cmd_validate)

    s = sub.add_parser("serve-crs", help="serve the reference CRS (protocol v1)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--catalog", help="catalog CSV (default: the bundled movie catalog)")
    s.add_argument("--strategy", choices=["preference", "popularity"], default="preference")
    s.set_defaults(func=cmd_serve_crs)

    from simworld.datasets import FORMATS

    c = sub.add_parser("compare", help="realism of a run's user turns against real sessions")
    c.add_argument("run", help="run directory (written by simworld run)")
    c.add_argument("--real", required=True, help="file of real dialogues")
    c.add_argument("--format", required=True, choices=sorted(FORMATS), help="format of --real")
    c.add_argument("--json", help="also write the metrics to this JSON file")
    c.add_argument("--seed", type=int, default=0, help="seed for splits and bootstraps")
    c.set_defaults(func=cmd_compare)

    rp = sub.add_parser("report", help="write RUN/report/index.html and metrics.json")
    rp.add_argument("run", help="run directory (written by simworld run)")
    rp.add_argument("--real", help="optional real dialogues to compare against")
    rp.add_argument("--format", choices=sorted(FORMATS), help="format of --real")
    rp.add_argument("--seed", type=int, default=0)
    rp.set_defaults(func=cmd_report)

    sc = sub.add_parser("schema", help="print the scenario JSON Schema")
    sc.set_defaults(func=cmd_schema)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SimworldError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
