"""Terminal presentation: the live progress bar and the end-of-run summary table."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from simworld.engine.session import SessionResult


class RichProgress:
    """Implements the runner's ``Progress`` protocol with a rich progress bar on stderr."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = Progress(
            TextColumn("[bold]tick {task.fields[tick]}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(
                "sessions · success {task.fields[success]:.0%} · errors {task.fields[errors]}"
            ),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task: Any = None
        self._done = 0
        self._success = 0
        self._errors = 0

    def __enter__(self) -> RichProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def start_tick(self, tick: int, ticks: int, sessions: int) -> None:
        self._done = self._success = self._errors = 0
        self._task = self.bar.add_task(
            "", total=sessions, tick=f"{tick + 1}/{ticks}", success=0.0, errors=0
        )

    def session_done(self, result: SessionResult) -> None:
        self._done += 1
        self._success += int(bool(result.session["success"]))
        self._errors += int(result.session["n_errors"])
        self.bar.update(
            self._task, advance=1, success=self._success / self._done, errors=self._errors
        )

    def end_tick(self, row: dict[str, Any]) -> None:
        pass


def summary_table(summary: dict[str, Any], title: str) -> Table:
    t = Table(title=title, show_header=False, title_justify="left")
    t.add_column("metric", style="bold")
    t.add_column("value")
    t.add_row("sessions", f"{summary['sessions']:,}")
    t.add_row("turns", f"{summary['turns']:,} ({summary['mean_turns']:.1f} per session)")
    t.add_row("success rate", f"{summary['success_rate']:.1%}")
    t.add_row("mean satisfaction", f"{summary['mean_satisfaction']:.2f}")
    t.add_row(
        "terminations",
        ", ".join(
            f"{k} {v}" for k, v in sorted(summary["terminations"].items(), key=lambda p: -p[1])
        ),
    )
    total = sum(summary["intents"].values()) or 1
    t.add_row(
        "intent mix",
        ", ".join(f"{k} {v / total:.0%}" for k, v in list(summary["intents"].items())[:10]),
    )
    p50, p95 = summary["latency_p50_ms"], summary["latency_p95_ms"]
    t.add_row("CRS latency", "n/a" if p50 is None else f"p50 {p50:.1f} ms · p95 {p95:.1f} ms")
    errs = summary["errors_by_kind"]
    t.add_row(
        "errors",
        f"{summary['errors']}"
        + (" (" + ", ".join(f"{k} {v}" for k, v in errs.items()) + ")" if errs else ""),
    )
    if len(summary["endpoints"]) > 1:
        for name, e in summary["endpoints"].items():
            t.add_row(
                f"endpoint {name}", f"{e['sessions']} sessions · success {e['success_rate']:.1%}"
            )
    return t
