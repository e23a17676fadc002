"""Terminal presentation: the live progress bar and the end-of-run summary table."""

from __future__ import annotations

from collections.abc import Mapping
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


def guards_line(user_model: Mapping[str, Any]) -> str | None:
    """One line totalling the LLM user model's guards over the run, or None for a model
    without them (the template model).

    ``user_model`` is the manifest's ``user_model`` entry (the model's ``describe()``); its
    ``guard_totals`` come from :class:`simworld.users.models.llm_base.GuardTally`. Each guard
    shows the turns it fired in and their share, most frequent first; then the
    regenerations and the fallbacks to the template draft. Under critic selection every
    candidate is a turn the model wrote, so the counts are over candidates.
    """
    totals = user_model.get("guard_totals")
    if not isinstance(totals, Mapping):
        return None
    n = int(totals.get("turns", 0))
    select = user_model.get("select")
    several = isinstance(select, Mapping) and int(select.get("candidates", 1)) > 1
    unit = "candidate turns" if several else "turns"
    fired = totals.get("guards") or {}
    shown = ", ".join(
        f"{name} {int(g['turns'])}{_share(int(g['turns']), n)}" for name, g in fired.items()
    )
    fallbacks = int(totals.get("fallbacks", 0))
    return (
        f"guards: {shown or 'none fired'}; regenerations {int(totals.get('regenerations', 0))};"
        f" fallbacks {fallbacks} of {n} {unit}{_share(fallbacks, n)}"
    )


def _share(count: int, total: int) -> str:
    """`` (3.1%)``, or nothing when there is no total to share."""
    return f" ({count / total:.1%})" if total else ""
