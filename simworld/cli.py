"""The ``simworld`` command: parse arguments, load, run, print, exit. No defaults live here.

Exit codes: 0 ok, 1 unexpected failure, 2 invalid input (scenario, data file, option),
130 interrupted (partial output is kept and marked in the manifest).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from rich.console import Console

from simworld import __version__
from simworld.errors import SimworldError

if TYPE_CHECKING:
    from simworld.scenario import Scenario


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
    from simworld.console import RichProgress, guards_line, summary_table
    from simworld.engine.runner import run_scenario
    from simworld.scenario import load_scenario

    overrides = _parse_set(args.set or [])
    if args.seed is not None:
        overrides["seed"] = args.seed
    cal = overrides.get("user_model.calibration")
    if isinstance(cal, str):  # typed on the command line: relative to where it was typed
        overrides["user_model.calibration"] = str(Path(cal).expanduser().resolve())
    resume = args.resume is not None
    base: Path | None
    if resume:
        if args.out is not None:
            raise SimworldError("--out cannot be used with --resume DIR: the run continues in DIR")
        out_dir = Path(args.resume)
        scenario, base, start = _resume_scenario(args.scenario, out_dir, overrides)
    else:
        if args.scenario is None:
            raise SimworldError("run: a scenario file is required (or --resume DIR)")
        if args.out is not None:
            overrides["output.dir"] = args.out
        scenario = load_scenario(args.scenario, overrides=overrides)
        out_dir = Path(scenario.output.dir)
        base, start = Path(args.scenario).resolve().parent, 0
    err = Console(stderr=True)
    out = Console()
    err.print(
        f"[bold]simworld[/] {__version__} · scenario [cyan]{scenario.name}[/] · "
        f"{scenario.population.size} agents · {scenario.schedule.ticks} ticks · "
        f"seed {scenario.seed}" + (f" · resuming at tick {start}" if resume else "")
    )

    def go(progress: RichProgress | None) -> Any:
        return asyncio.run(
            run_scenario(scenario, out_dir=out_dir, base_dir=base, progress=progress, resume=resume)
        )

    try:
        if args.quiet:
            outcome = go(None)
        else:
            with RichProgress(err) as progress:
                outcome = go(progress)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: partial output kept in", str(out_dir))
        err.print(f"resume with: simworld run --resume {out_dir}")
        return 130
    out.print(summary_table(outcome.summary, f"run {outcome.run_id} → {outcome.out_dir}"))
    select = (outcome.manifest.get("user_model") or {}).get("select")
    if isinstance(select, dict) and select.get("candidates", 1) > 1:
        out.print(
            f"critic selection: {select['candidates_per_turn']:.1f} candidates per kept turn, "
            f"{select['mean_turn_ms']:.1f} ms per turn; mean critic score "
            f"{select['mean_critic_score_kept']:.2f} kept vs "
            f"{select['mean_critic_score_generated']:.2f} generated"
        )
    guards = guards_line(outcome.manifest.get("user_model") or {})
    if guards is not None:
        out.print(guards)
    if scenario.schedule.ticks > 1:
        for table in _population_tables(outcome.out_dir, [e.name for e in scenario.endpoints]):
            out.print(table)
    if outcome.ab is not None:
        from simworld.abtest import format_ab, headlines

        for table in format_ab(outcome.ab):
            out.print(table)
        for line in headlines(outcome.ab):
            out.print(line)
        out.print(f"comparison written to {outcome.out_dir / 'ab.json'}")
    if outcome.interrupted:
        err.print("[yellow]interrupted[/]: in-flight sessions were recorded as cancelled")
        err.print(f"resume with: simworld run --resume {out_dir}")
        return 130
    return 0


def _resume_scenario(
    path: str | None, out_dir: Path, overrides: dict[str, Any]
) -> tuple[Scenario, Path | None, int]:
    """The scenario to resume with: the given file, else the one stored in the checkpoint
    (the runner refuses it if it differs from the checkpoint's)."""
    from simworld.engine import checkpoint
    from simworld.engine.runner import check_resume
    from simworld.scenario import apply_overrides, load_scenario, validate_scenario

    cp = checkpoint.load(out_dir)
    base: Path | None
    if path is not None:
        scenario, base = load_scenario(path, overrides=overrides), Path(path).resolve().parent
    else:
        data = apply_overrides(json.loads(cp.scenario_json), overrides)
        where = str(checkpoint.directory(out_dir) / checkpoint.STATE)
        scenario = validate_scenario(data, file=where)
        base = Path(cp.base_dir) if cp.base_dir else None
    check_resume(out_dir, scenario)
    return scenario, base, cp.tick


def _population_tables(run: Path, endpoints: list[str], max_rows: int = 16) -> list[Any]:
    """Population curves per tick, and per endpoint when there are several (a sample of
    ticks when there are many)."""
    import pyarrow.dataset as ds
    from rich.table import Table

    def rows(name: str) -> list[dict[str, Any]]:
        return list(ds.dataset(run / name, format="parquet").to_table().to_pylist())

    pop = sorted(rows("population"), key=lambda r: r["tick"])
    per_ep: dict[tuple[int, str], dict[str, Any]] = {
        (r["tick"], r["endpoint"]): r for r in rows("population_endpoints")
    }
    if len(pop) > max_rows:
        keep = {round(i * (len(pop) - 1) / (max_rows - 1)) for i in range(max_rows)}
        pop = [r for i, r in enumerate(pop) if i in keep]

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.0%}"

    def num(v: float | None, digits: int = 2) -> str:
        return "-" if v is None else f"{v:.{digits}f}"

    t = Table(title="population per tick", title_justify="left")
    for col in ("tick", "active", "sessions", "success", "satisf.", "churned", "coverage"):
        t.add_column(col, justify="right")
    t.add_column("genre\nentropy", justify="right")
    for r in pop:
        t.add_row(
            str(r["tick"]),
            str(r["active_agents"]),
            str(r["sessions"]),
            pct(r["success_rate"]),
            num(r["mean_satisfaction"]),
            "-" if r["churned_agents"] is None else str(r["churned_agents"]),
            pct(r["latent_coverage"]),
            num(r["genre_entropy"]),
        )
    if len(endpoints) < 2:
        return [t]
    e_t = Table(title="per endpoint (churned: agents gone from it so far)", title_justify="left")
    e_t.add_column("tick", justify="right")
    for e in endpoints:
        for col in ("sessions", "success", "satisf.", "churned"):
            e_t.add_column(f"{e}\n{col}", justify="right")
    for r in pop:
        cells = [str(r["tick"])]
        for e in endpoints:
            er = per_ep.get((r["tick"], e)) or {}
            cells += [
                str(er.get("sessions", "-")),
                pct(er.get("success_rate")),
                num(er.get("mean_satisfaction")),
                str(er.get("churned", "-")),
            ]
        e_t.add_row(*cells)
    return [t, e_t]


def cmd_ab(args: argparse.Namespace) -> int:
    from simworld.abtest import compare_run, format_ab, headlines
    from simworld.store import write_json_atomic

    result = compare_run(_run_dir(args.run), seed=args.seed, n_boot=args.boot)
    out = Console()
    for table in format_ab(result):
        out.print(table)
    for line in headlines(result):
        out.print(line)
    if args.json:
        write_json_atomic(Path(args.json), result)
        print(f"comparison written to {args.json}", file=sys.stderr)
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
    from simworld.compare import (
        compare_dialogues,
        compare_giveaways,
        format_compare,
        format_giveaways,
    )
    from simworld.datasets import load_dialogues
    from simworld.metrics.run import load_run
    from simworld.store import write_json_atomic

    if args.giveaways < 0:
        raise SimworldError(f"--giveaways: expected a count >= 0, got {args.giveaways}")
    data = load_run(_run_dir(args.run))
    real = load_dialogues(args.real, args.format)
    result = compare_dialogues(data, real, seed=args.seed, c2st_n=args.c2st_n)
    out = Console()
    out.print(format_compare(result))
    n = result.get("realism.c2st_n")
    if isinstance(n, int) and n < args.c2st_n:
        out.print(
            f"note: the C2ST used {n} turns per class (fewer than {args.c2st_n}); a small "
            "sample pulls the AUC towards 0.5, so compare it only with runs measured at the "
            f"same size (--c2st-n {n})"
        )
    found = (
        compare_giveaways(
            data, real, seed=args.seed, top=args.giveaways, real_examples=not args.no_real_examples
        )
        if args.giveaways
        else None
    )
    if found is not None:
        for table in format_giveaways(found):
            out.print(table)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(Path(args.json), result)
        print(f"metrics written to {args.json}", file=sys.stderr)
        if found is not None:
            path = Path(args.json).with_name(Path(args.json).stem + ".giveaways.json")
            write_json_atomic(path, found)
            print(f"giveaways written to {path}", file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _need_analysis()
    from simworld.datasets import load_dialogues
    from simworld.report import build_report, summarize

    run = _run_dir(args.run)
    real = load_dialogues(args.real, args.format) if args.real else None
    index = build_report(
        run,
        real=real,
        seed=args.seed,
        real_examples=not args.no_real_examples,
        embedder=args.embedder,
    )
    metrics = json.loads((index.parent / "metrics.json").read_text())
    print(summarize(metrics))
    print(f"report: {index}")
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit a calibration bundle (style, intent chain, realism critic) to a real corpus."""
    _need_analysis()
    from simworld.calibration import fit_bundle, save_bundle
    from simworld.calibration.fit import file_digest
    from simworld.datasets import load_dialogues
    from simworld.scenario import load_scenario

    real = Path(args.real)
    if not real.is_file():
        raise SimworldError(f"{args.real}: no such file")
    scenario = load_scenario(args.scenario) if args.scenario else None
    base = Path(args.scenario).resolve().parent if args.scenario else None
    err = Console(stderr=True)
    with err.status("reading the corpus") as status:
        dialogues = load_dialogues(real, args.format)
        source = {"path": str(real.resolve()), "sha256": file_digest(real), "format": args.format}

        def report(message: str) -> None:
            status.update(message)
            err.print(f"· {message}")

        bundle = fit_bundle(
            dialogues,
            scenario=scenario,
            seed=args.seed,
            base_dir=base,
            source=source,
            report=report,
            rounds=args.rounds,
            round_candidates=args.round_candidates,
        )
        out = save_bundle(bundle, args.out)
    critic = dict(bundle.manifest.get("critic", {}))
    src = dict(bundle.manifest.get("source", {}))
    auc = critic.get("heldout_auc")
    print(
        f"calibration written to {out}: {src.get('n_user_turns')} real user turns in "
        f"{src.get('n_dialogues')} dialogues (intents: {src.get('intent_labels')}); critic "
        f"held-out AUC {'-' if auc is None else format(auc, '.3f')} "
        f"({critic.get('n_test_real')} real vs {critic.get('n_test_sim')} simulated turns)"
    )
    for rnd in critic.get("rounds", [])[1:]:
        print(
            f"  round {rnd['round']}: against turns kept from {rnd['select_candidates']} "
            f"candidates, held-out AUC of the earlier critics "
            f"{_fmt(rnd.get('earlier_rounds_heldout_auc'))}, of this round's "
            f"{_fmt(rnd.get('heldout_auc'))}"
        )
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else format(value, ".3f")


def _at_least(low: int) -> Callable[[str], int]:
    """An argparse type: an integer >= ``low`` (otherwise a one-line usage error)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="simworld",
        description="Simulate populations of users talking to conversational recommenders.",
    )
    p.add_argument("--version", action="version", version=f"simworld {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    r = sub.add_parser("run", help="run a scenario and write Parquet tables")
    r.add_argument(
        "scenario",
        nargs="?",
        help="scenario YAML file (optional with --resume: the checkpoint holds it)",
    )
    r.add_argument("--out", help="output directory (default: the scenario's output.dir)")
    r.add_argument(
        "--resume",
        metavar="DIR",
        help="continue the interrupted run in DIR from its last completed tick",
    )
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

    from simworld.calibration.fit import ROUND_CANDIDATES, ROUNDS
    from simworld.datasets import FORMATS
    from simworld.metrics.realism import C2ST_N

    c = sub.add_parser("compare", help="realism of a run's user turns against real sessions")
    c.add_argument("run", help="run directory (written by simworld run)")
    c.add_argument("--real", required=True, help="file of real dialogues")
    c.add_argument("--format", required=True, choices=sorted(FORMATS), help="format of --real")
    c.add_argument("--json", help="also write the metrics to this JSON file")
    c.add_argument("--seed", type=int, default=0, help="seed for splits and bootstraps")
    c.add_argument(
        "--c2st-n",
        type=int,
        default=C2ST_N,
        metavar="N",
        help=f"turns per class in the classifier test (default {C2ST_N}); AUCs are comparable "
        "only at the same N",
    )
    c.add_argument(
        "--giveaways",
        type=int,
        default=10,
        metavar="N",
        help="list the N features most typical of each side, with examples (0: off)",
    )
    c.add_argument(
        "--no-real-examples",
        action="store_true",
        help="show no example turns from the real data (e.g. when sharing the output)",
    )
    c.set_defaults(func=cmd_compare)

    rp = sub.add_parser("report", help="write RUN/report/index.html and metrics.json")
    rp.add_argument("run", help="run directory (written by simworld run)")
    rp.add_argument("--real", help="optional real dialogues to compare against")
    rp.add_argument("--format", choices=sorted(FORMATS), help="format of --real")
    rp.add_argument("--seed", type=int, default=0)
    rp.add_argument(
        "--no-real-examples",
        action="store_true",
        help="the report's giveaways show no example turns from the real data",
    )
    rp.add_argument(
        "--embedder",
        default="lsa",
        help="also report diversity.vendi on this embedder: smollm2 (needs simworld[llm]), "
        "gguf:PATH (a GGUF embedding model) or sentence-transformers:NAME "
        "(diversity.vendi itself stays on TF-IDF/LSA; default: lsa only)",
    )
    rp.set_defaults(func=cmd_report)

    ab = sub.add_parser("ab", help="compare a run's endpoints (paired: bootstrap CIs)")
    ab.add_argument("run", help="run directory with two or more endpoints")
    ab.add_argument("--json", help="also write the comparison to this JSON file")
    ab.add_argument("--seed", type=int, help="bootstrap seed (default: the run's seed)")
    ab.add_argument("--boot", type=int, default=2000, help="bootstrap resamples")
    ab.set_defaults(func=cmd_ab)

    cal = sub.add_parser(
        "calibrate", help="fit style, intent chain and realism critic to real sessions"
    )
    cal.add_argument("--real", required=True, help="file of real dialogues")
    cal.add_argument("--format", required=True, choices=sorted(FORMATS), help="format of --real")
    cal.add_argument("--out", required=True, help="directory to write the bundle to")
    cal.add_argument("--seed", type=int, default=0, help="seed for simulation, splits, fits")
    cal.add_argument(
        "--scenario", help="scenario whose user model is calibrated (default: the defaults)"
    )
    cal.add_argument(
        "--rounds",
        type=_at_least(1),
        default=ROUNDS,
        metavar="N",
        help=f"critic rounds; each after the first learns what selection with the earlier ones "
        f"lets through (default {ROUNDS}; 1 = a single critic)",
    )
    cal.add_argument(
        "--round-candidates",
        type=_at_least(2),
        default=ROUND_CANDIDATES,
        metavar="K",
        help=f"candidates per turn in the selection later rounds train against (default "
        f"{ROUND_CANDIDATES}); each round costs this many user-model calls per turn",
    )
    cal.set_defaults(func=cmd_calibrate)

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
