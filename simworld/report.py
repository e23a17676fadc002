"""``simworld report``: a run's metrics as JSON, plots and one self-contained HTML page.

:func:`build_report` writes into ``RUN/report/``:

- ``metrics.json``: a flat ``{name: value}`` dict (None where undefined), keys grouped by
  prefix -- ``run.*`` (counts), ``diversity.*`` (``distinct_1``, ``distinct_2``, ``vendi``
  on TF-IDF/LSA always, ``vendi_embedder`` naming the embedder asked for and, when that is
  not ``lsa``, ``vendi_<key>`` on it, ``<key>`` from :func:`simworld.metrics.embed.method_key`,
  ``first_turn_distinct_2``), ``coverage.*`` (``latent_grid``, ``latent_grid_entropy``,
  ``persona_intent``, ``persona_intent_entropy``),
  ``fidelity.*`` (``intent_macro_f1``, ``intent_f1.<INTENT>`` per intent seen in the
  held-out sessions, ``label_leak_rate``, ``separability.<attr>`` with ``_majority``
  baselines), ``crs.*`` (``success_rate``, ``success_at_<T>``,
  ``recall_at_<k>``, ``first_turn_success``, ``target_leak_rate``, ``*_leak_free``,
  ``termination.<reason>``), ``load.*`` (``latency_p50_ms`` .. ``latency_p99_ms``,
  ``error_rate``, ``errors.<kind>``, ``throughput_turns_per_s`` or ``_per_tick``) and, when
  real dialogues are given, the ``realism.*`` / ``transfer.*`` keys of
  :mod:`simworld.compare`;
- PNG figures (intent distribution, latent coverage heatmap, success by persona segment,
  latency histogram, population curves, intent confusion matrix);
- ``confusion.json``: the intent-fidelity confusion matrix as numbers (``labels``, ``confusion``
  with rows the true intent and columns the predicted one, ``n_test`` held-out turns);
- ``giveaways.json`` (with real dialogues only): the word / character n-grams and style
  facts most typical of simulated and of real turns, with example turns
  (:func:`simworld.compare.compare_giveaways`);
- ``index.html``: the metrics, figures and giveaways on one page, figures embedded as data
  URIs so the file can be mailed on its own.

:func:`summarize` renders the headline numbers as a few lines for the terminal.
"""

from __future__ import annotations

import base64
import html
import json
import math
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simworld.datasets import Dialogue
from simworld.metrics import plots
from simworld.metrics.classify import blas_single_thread, gold_label, to_iard
from simworld.metrics.coverage import latent_grid, persona_intent_grid, trait_intent_matrix
from simworld.metrics.embed import DEFAULT_METHOD, method_key
from simworld.metrics.fidelity import (
    SEPARABILITY_ATTRIBUTES,
    intent_fidelity,
    label_leaks,
    persona_separability,
)
from simworld.metrics.giveaways import Giveaways
from simworld.metrics.load import load_stats
from simworld.metrics.outcomes import outcomes, success_by_segment
from simworld.metrics.run import RunData, load_run
from simworld.metrics.stats import distribution, subsample
from simworld.metrics.text import distinct_n, vendi_score

if TYPE_CHECKING:
    from simworld.catalog import Catalog

MAX_VENDI_TEXTS = 20000
# A model embedder costs ~0.1 s per distinct turn on one thread (SmolLM2, measured on a
# shared 2-core machine): it sees a seeded sample of at most this many turns.
MAX_MODEL_VENDI_TEXTS = 2000


def _num(value: Any) -> Any:
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def run_metrics(
    run: RunData | str | Path, *, seed: int = 0, embedder: str = DEFAULT_METHOD
) -> dict[str, Any]:
    """Every metric of a run that needs no real data, as a flat dict (see module doc).

    ``embedder``: an extra Vendi score on this embedder (a method of
    :func:`simworld.metrics.embed.embed`); ``diversity.vendi`` stays on TF-IDF/LSA.
    """
    method_key(embedder)  # a bad embedder fails before any work
    data = run if isinstance(run, RunData) else load_run(run)
    with blas_single_thread():
        return _run_metrics(data, seed, embedder)[0]


def _run_metrics(
    data: RunData, seed: int, embedder: str = DEFAULT_METHOD
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The flat metrics and the intent-fidelity details (for the confusion matrix)."""
    turns = list(data.rows("turns"))
    sessions = list(data.rows("sessions"))
    by_id = {str(s["session_id"]): s for s in sessions}
    user = data.user_turns()
    texts = [r["user_text"] for r in user]
    first: dict[str, str] = {}
    for r in user:
        first.setdefault(str(r["session_id"]), r["user_text"])
    m: dict[str, Any] = {
        "run.n_sessions": len(sessions),
        "run.n_turns": len(turns),
        "run.n_agents": len(
            {s["agent_id"] for s in sessions} | set(data.column("agents", "agent_id"))
        ),
        "run.n_ticks": len({t["tick"] for t in turns if t["tick"] is not None}),
        "diversity.distinct_1": distinct_n(texts, 1),
        "diversity.distinct_2": distinct_n(texts, 2),
        "diversity.vendi": vendi_score(
            subsample(texts, MAX_VENDI_TEXTS, np.random.default_rng(seed)), seed=seed
        ),
        "diversity.vendi_embedder": embedder,
        "diversity.first_turn_distinct_2": distinct_n(list(first.values()), 2),
    }
    if embedder != DEFAULT_METHOD:
        sample = subsample(texts, MAX_MODEL_VENDI_TEXTS, np.random.default_rng(seed))
        key = f"diversity.vendi_{method_key(embedder)}"
        m[key] = vendi_score(sample, seed=seed, method=embedder)
    grid = latent_grid(user, by_id)
    m["coverage.latent_grid"] = grid["coverage"]
    m["coverage.latent_grid_entropy"] = grid["entropy"]
    m["coverage.latent_grid_cells"] = grid["cells"]
    persona = persona_intent_grid(user, by_id)
    m["coverage.persona_intent"] = persona["coverage"]
    m["coverage.persona_intent_entropy"] = persona["entropy"]
    m["coverage.persona_intent_cells"] = persona["cells"]

    fid = intent_fidelity(user, seed=seed)
    m["fidelity.intent_macro_f1"] = fid["macro_f1"]
    m["fidelity.intent_accuracy"] = fid["accuracy"]
    m.update({f"fidelity.intent_f1.{lab}": v for lab, v in fid["per_class"].items()})
    leaks = label_leaks(user, by_id)
    m["fidelity.label_leak_rate"] = leaks["rate"]
    m.update({f"fidelity.label_leak.{k}": v for k, v in leaks["by_kind"].items()})
    for attr, res in persona_separability(_joined(user), by_id, seed=seed).items():
        m[f"fidelity.separability.{attr}"] = res["accuracy"]
        m[f"fidelity.separability.{attr}_majority"] = res["majority"]

    out = outcomes(sessions, turns)
    m["crs.success_rate"] = out["success_rate"]
    m.update({f"crs.success_at_{t}": v for t, v in out["success_at"].items()})
    for key in ("turns_to_success_mean", "turns_to_success_median", "mean_turns"):
        m[f"crs.{key}"] = out[key]
    m.update({f"crs.recall_at_{k}": v for k, v in out["recall_at"].items()})
    m["crs.first_turn_success"] = out["first_turn_success"]
    m["crs.target_leak_rate"] = out["target_leak_rate"]
    m["crs.success_rate_leak_free"] = out["success_rate_leak_free"]
    m.update({f"crs.recall_at_{k}_leak_free": v for k, v in out["recall_at_leak_free"].items()})
    m.update({f"crs.termination.{k}": v for k, v in out["termination"].items()})

    load = load_stats(turns, data.manifest)
    for q in (50, 90, 95, 99):
        m[f"load.latency_p{q}_ms"] = load[f"latency_p{q}_ms"]
    m["load.latency_mean_ms"] = load["latency_mean_ms"]
    m["load.error_rate"] = load["error_rate"]
    m.update({f"load.errors.{k}": v for k, v in load["errors"].items()})
    unit = "per_s" if load["throughput_unit"] == "turns/s" else "per_tick"
    m[f"load.throughput_turns_{unit}"] = load["throughput"]
    return {k: _num(v) for k, v in m.items()}, fid


def _joined(user: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for r in user:
        out.setdefault(str(r["session_id"]), []).append(r["user_text"])
    return {k: "\n".join(v) for k, v in out.items()}


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _figures(
    data: RunData, out_dir: Path, real: Sequence[Dialogue] | None, fid: Mapping[str, Any]
) -> list[tuple[str, Path]]:
    user = data.user_turns()
    by_id = {str(s["session_id"]): s for s in data.rows("sessions")}
    figs: list[tuple[str, Path | None]] = []
    sim_intents = [str(r["intent"]) for r in user if r["intent"]]
    real_gold = [g for d in real or () for t in d.user_turns if (g := gold_label(t.intents))]
    if real_gold:
        figs.append(
            (
                "Intent distribution: simulated (CLOSE counted as OTH) vs real human labels",
                plots.intent_bars(
                    out_dir / "intents.png",
                    distribution(to_iard(i) for i in sim_intents),
                    distribution(real_gold),
                ),
            )
        )
    else:
        figs.append(
            (
                "Intent distribution",
                plots.intent_bars(out_dir / "intents.png", distribution(sim_intents)),
            )
        )
    rows, cols, matrix = trait_intent_matrix(user, by_id)
    figs.append(
        (
            "Latent coverage: turns per trait level and intent",
            plots.heatmap(out_dir / "coverage.png", rows, cols, matrix, title="Latent coverage"),
        )
    )
    segments = success_by_segment(list(by_id.values()), SEPARABILITY_ATTRIBUTES)
    figs.append(
        ("Success by persona segment", plots.segment_bars(out_dir / "success.png", segments))
    )
    latencies = [
        t["latency_ms"] for t in data.rows("turns", ["latency_ms", "error"]) if t["error"] is None
    ]
    figs.append(
        (
            "CRS latency",
            plots.histogram(out_dir / "latency.png", latencies, title="CRS latency", xlabel="ms"),
        )
    )
    figs.append(
        (
            "Population over ticks",
            plots.population_curves(out_dir / "population.png", list(data.rows("population"))),
        )
    )
    if fid["labels"]:
        labels = fid["labels"]
        figs.append(
            (
                "Intent fidelity: confusion matrix on held-out sessions (rows: true intent)",
                plots.heatmap(
                    out_dir / "confusion.png",
                    labels,
                    labels,
                    np.array(fid["confusion"]),
                    title="Intent confusion (held-out sessions)",
                ),
            )
        )
    return [(caption, path) for caption, path in figs if path is not None]


def build_report(
    run_dir: str | Path,
    *,
    real: Sequence[Dialogue] | None = None,
    seed: int = 0,
    catalog: Catalog | None = None,
    giveaways: int = 10,
    real_examples: bool = True,
    embedder: str = DEFAULT_METHOD,
) -> Path:
    """Write ``RUN/report/`` (metrics.json, PNG figures, index.html); return index.html's path.

    ``real``: dialogues from :func:`simworld.datasets.load_dialogues`; when given, the
    realism and transfer metrics of :func:`simworld.compare.compare_dialogues` are added,
    and the ``giveaways`` features most typical of each side (0: none) are written to
    ``giveaways.json`` and shown, with example turns (``real_examples=False``: none from
    the real data, e.g. when the report will be shared). ``embedder``: see
    :func:`run_metrics`.
    """
    method_key(embedder)  # a bad embedder fails before any work
    data = load_run(run_dir)
    out_dir = data.path / "report"
    out_dir.mkdir(parents=True, exist_ok=True)
    with blas_single_thread():
        metrics, fid = _run_metrics(data, seed, embedder)
    found: Giveaways | None = None
    if real:
        from simworld.compare import compare_dialogues, compare_giveaways

        metrics.update(compare_dialogues(data, real, seed=seed, catalog=catalog))
        if giveaways > 0:
            found = compare_giveaways(
                data, real, seed=seed, top=giveaways, real_examples=real_examples
            )
            _write_atomic(out_dir / "giveaways.json", json.dumps(found, indent=2) + "\n")
    _write_atomic(out_dir / "metrics.json", json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    confusion = {k: fid[k] for k in ("labels", "confusion", "n_test")}
    _write_atomic(out_dir / "confusion.json", json.dumps(confusion, indent=2) + "\n")
    figures = _figures(data, out_dir, real, fid)
    index = out_dir / "index.html"
    _write_atomic(index, _html(data, metrics, figures, found))
    return index


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


_GIVEAWAY_SIDES = (
    ("sim", "More common in simulated turns (what gives them away)", "simulated"),
    ("real", "More common in real turns (what simulated turns lack)", "real"),
)


def _giveaways_html(found: Giveaways) -> list[str]:
    parts = [
        "<h2>giveaways</h2>",
        f"<p>Word and character n-grams and style facts ranked by the z-score of their "
        f"log-odds ratio (share of turns containing them, {found['n_sim']} simulated vs "
        f"{found['n_real']} real turns); weight = log-odds ratio sim/real.</p>",
    ]
    for side, title, who in _GIVEAWAY_SIDES:
        rows = found["sim"] if side == "sim" else found["real"]
        parts.append(
            f"<h3>{html.escape(title)}</h3><table><tr><th>feature</th><th>kind</th><th>z</th>"
            f"<th>weight</th><th>sim</th><th>real</th><th>examples ({who})</th></tr>"
        )
        for r in rows:
            examples = "<br>".join(html.escape(e) for e in r["examples"])
            parts.append(
                f"<tr><td><code>{html.escape(repr(r['feature']))}</code></td>"
                f"<td>{r['kind']}</td><td class='v'>{r['z']:+.1f}</td>"
                f"<td class='v'>{r['log_odds']:+.2f}</td>"
                f"<td class='v'>{_pct(r['share_sim'])}</td>"
                f"<td class='v'>{_pct(r['share_real'])}</td><td>{examples}</td></tr>"
            )
        parts.append("</table>")
    return parts


def _html(
    data: RunData,
    metrics: Mapping[str, Any],
    figures: Sequence[tuple[str, Path]],
    found: Giveaways | None = None,
) -> str:
    groups: dict[str, list[tuple[str, Any]]] = {}
    for key, value in metrics.items():
        groups.setdefault(key.split(".", 1)[0], []).append((key, value))
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>simworld report: {html.escape(data.path.name)}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
        "table{border-collapse:collapse;margin-bottom:1.5em}td,th{padding:2px 10px;"
        "border-bottom:1px solid #ddd;text-align:left}td.v{text-align:right;"
        "font-variant-numeric:tabular-nums}img{max-width:100%}figure{margin:1.5em 0}</style>",
        "</head><body>",
        f"<h1>simworld report: {html.escape(data.path.name)}</h1>",
        f"<pre>{html.escape(summarize(metrics))}</pre>",
    ]
    for caption, path in figures:
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        parts.append(
            f"<figure><img alt='{html.escape(caption)}' src='data:image/png;base64,{encoded}'>"
            f"<figcaption>{html.escape(caption)} ({html.escape(path.name)})</figcaption></figure>"
        )
    for group, items in groups.items():
        parts.append(f"<h2>{html.escape(group)}</h2><table>")
        for key, value in items:
            parts.append(
                f"<tr><td>{html.escape(key)}</td><td class='v'>{html.escape(_fmt(value))}</td></tr>"
            )
        parts.append("</table>")
    if found is not None:
        parts += _giveaways_html(found)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _pct(value: Any) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _f(value: Any, spec: str = ".3f") -> str:
    return "–" if value is None else format(value, spec)


def _extra_vendi(m: Mapping[str, Any]) -> str:
    embedder = m.get("diversity.vendi_embedder")
    if not isinstance(embedder, str) or embedder == DEFAULT_METHOD:
        return ""
    value = m.get(f"diversity.vendi_{method_key(embedder)}")
    return f" ({method_key(embedder)} {_f(value, '.1f')})"


def summarize(metrics: Mapping[str, Any]) -> str:
    """The headline numbers of :func:`run_metrics` (and compare, if present) as short lines."""
    m = metrics
    lines = [
        f"run        {m.get('run.n_sessions', 0)} sessions, {m.get('run.n_turns', 0)} turns, "
        f"{m.get('run.n_agents', 0)} agents, {m.get('run.n_ticks', 0)} ticks",
        f"crs        success {_pct(m.get('crs.success_rate'))} "
        f"(leak-free {_pct(m.get('crs.success_rate_leak_free'))}), "
        f"recall@10 {_pct(m.get('crs.recall_at_10'))}, "
        f"target leaks {_pct(m.get('crs.target_leak_rate'))}",
        f"diversity  distinct-2 {_f(m.get('diversity.distinct_2'))}, "
        f"vendi {_f(m.get('diversity.vendi'), '.1f')}{_extra_vendi(m)}, "
        f"first-turn distinct-2 {_f(m.get('diversity.first_turn_distinct_2'))}",
        f"fidelity   intent macro-F1 {_f(m.get('fidelity.intent_macro_f1'))}, "
        f"label leaks {_pct(m.get('fidelity.label_leak_rate'))}",
        f"coverage   latent grid {_pct(m.get('coverage.latent_grid'))} "
        f"(entropy {_f(m.get('coverage.latent_grid_entropy'))})",
    ]
    throughput = m.get("load.throughput_turns_per_s")
    rate = (
        f"{_f(throughput, '.1f')} turns/s"
        if throughput is not None
        else (f"{_f(m.get('load.throughput_turns_per_tick'), '.1f')} turns/tick")
    )
    lines.append(
        f"load       p50 {_f(m.get('load.latency_p50_ms'), '.0f')} ms, "
        f"p95 {_f(m.get('load.latency_p95_ms'), '.0f')} ms, "
        f"errors {_pct(m.get('load.error_rate'))}, {rate}"
    )
    if "realism.c2st_auc" in m:
        lines.append(
            f"realism    C2ST AUC {_f(m.get('realism.c2st_auc'))} "
            f"on {m.get('realism.c2st_n')} turns per class "
            f"(human floor {_f(m.get('realism.c2st_auc_floor'))}), "
            f"intent JSD {_f(m.get('realism.intent_jsd'))} "
            f"(floor {_f(m.get('realism.intent_jsd_floor'))})"
        )
    if m.get("transfer.intent_macro_f1") is not None:
        lines.append(
            f"transfer   sim->real intent macro-F1 {_f(m.get('transfer.intent_macro_f1'))} "
            f"(real-data ceiling {_f(m.get('transfer.intent_macro_f1_ceiling'))})"
        )
    return "\n".join(lines)
