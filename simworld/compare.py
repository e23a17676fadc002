"""``simworld compare``: how close a run's simulated users are to real users.

:func:`compare` returns a flat ``{metric name: value}`` dict. Lower is closer for every
``realism.*`` distance; ``realism.c2st_auc`` is 0.5 when a classifier cannot tell the two
apart. Companions:

- ``<name>_ci``: 95% percentile bootstrap interval ``[lo, hi]`` (``n_boot`` resamples, each
  from its own seeded stream). What is resampled: out-of-fold classifier scores (C2ST),
  turns (label-mix JSDs, words per turn), sessions / dialogues (turns per session, question
  rate, short-turn share), real test dialogues (transfer: the fixed classifiers'
  predictions are resampled, nothing is retrained, so the interval is the test-set noise);
- ``<name>_floor``: the *human floor*, the same statistic between two random halves of the
  real dialogues -- how far real users are from each other. A simulation at its floor is
  as close to real users as real users are to themselves.

Keys: ``realism.c2st_auc`` (+ ``_ci``, ``_floor``, ``realism.c2st_p_value``,
``realism.c2st_accuracy``, and ``realism.c2st_n``: turns per class, :data:`C2ST_N` unless a
side has fewer -- the AUC is only comparable at equal ``c2st_n``), ``realism.intent_jsd``
(+ ``_ci``, ``_floor``; intents predicted by a classifier trained on the simulated turns),
``realism.intent_jsd_labels`` (+ ``_ci``, ``_floor``; simulated vs human labels, when the real
data has them), ``realism.sentiment_jsd``,
``realism.topic_jsd`` (+ ``_ci``, ``_floor``); beside each JSD (base 2) the total variation
of the same two mixes, ``realism.intent_tv``, ``realism.intent_tv_labels``,
``realism.sentiment_tv``, ``realism.topic_tv`` (each + ``_floor``);
``realism.words_per_turn_w1``, ``realism.turns_per_session_w1``,
``realism.question_rate_diff``, ``realism.short_turn_share_diff`` (each + ``_ci``,
``_floor``), raw rates ``realism.question_rate_sim`` / ``_real`` ..., and when the real data
carries intent labels ``transfer.intent_macro_f1``, ``transfer.intent_macro_f1_ceiling``,
``transfer.intent_macro_f1_augmented`` (real + simulated training data; each + ``_ci``) and
per-intent ``transfer.f1.<INTENT>`` / ``transfer.ceiling_f1.<INTENT>``. Undefined values
(too little data, missing optional package) are None. See :mod:`simworld.metrics` for the
definitions. :func:`format_compare` prints it all as one table that fits 80 columns.

:func:`compare_giveaways` answers the follow-up question -- *what* gives the simulated turns
away -- with the word / character n-grams and style facts most typical of each side, with
example turns (:mod:`simworld.metrics.giveaways`); it is a separate result (a JSON-ready
dict of two ranked lists), not part of the flat metrics, and :func:`format_giveaways`
renders it for the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from simworld.datasets import Dialogue, load_dialogues
from simworld.errors import DataError
from simworld.metrics.behaviour import behaviour, behaviour_gaps, session_gaps_ci, words_w1_ci
from simworld.metrics.classify import blas_single_thread, gold_label, to_iard
from simworld.metrics.content import GenreVocabulary, genre_mentions, sentiment_buckets
from simworld.metrics.giveaways import Giveaway, Giveaways, giveaways
from simworld.metrics.realism import (
    C2ST_N,
    c2st_auc,
    intent_predictions,
    labels_jsd,
    multilabel_jsd,
)
from simworld.metrics.run import RunData, load_run
from simworld.metrics.stats import distribution, jsd, split_halves, subsample, total_variation
from simworld.metrics.transfer import intent_transfer

if TYPE_CHECKING:
    from rich.table import Table

    from simworld.catalog import Catalog

MetricValue = float | int | str | list[float] | list[str] | None
MAX_TEXTS = 20000  # per side, for the per-turn classifiers (sentiment, topics)


def compare(
    run_dir: str | Path,
    real_path: str | Path,
    fmt: str,
    *,
    seed: int = 0,
    catalog: Catalog | None = None,
    c2st_n: int = C2ST_N,
) -> dict[str, MetricValue]:
    """Compare the run in ``run_dir`` with the real dialogues in ``real_path`` (format
    ``fmt``, see :data:`simworld.datasets.FORMATS`)."""
    return compare_dialogues(
        load_run(run_dir),
        load_dialogues(real_path, fmt),
        seed=seed,
        catalog=catalog,
        c2st_n=c2st_n,
    )


def compare_giveaways(
    run: RunData | str | Path,
    real: Sequence[Dialogue],
    *,
    seed: int = 0,
    top: int = 10,
    real_examples: bool = True,
) -> Giveaways:
    """The ``top`` features most typical of the run's user turns and of the real dialogues'
    user turns, with example turns (``real_examples=False``: none from the real data).
    See :func:`simworld.metrics.giveaways.giveaways`."""
    data = run if isinstance(run, RunData) else load_run(run)
    sim_texts = [str(r["user_text"]) for r in data.user_turns()]
    if not sim_texts:
        raise DataError("the run has no user turns to compare", file=str(data.path))
    real_texts = [t.text for d in real for t in d.user_turns]
    if not real_texts:
        raise DataError("real data: no user turns to compare with")
    return giveaways(sim_texts, real_texts, top=top, seed=seed, real_examples=real_examples)


def _clean(value: Any) -> MetricValue:
    """JSON-ready values: NaN -> None, numpy scalars -> Python, intervals -> lists."""
    if isinstance(value, tuple | list):
        if all(isinstance(v, str) for v in value):
            return [str(v) for v in value]
        items = [_clean(v) for v in value]
        if any(not isinstance(v, float | int) for v in items):
            return None
        return [float(v) for v in items if isinstance(v, float | int)]
    if isinstance(value, float | np.floating):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, int | np.integer):
        return int(value)
    return value if value is None or isinstance(value, str) else str(value)


#: The classifier test's stream among :func:`figure_rngs` (bench/realism.py runs the test
#: alone on extra runs with it, and gets the AUC a full comparison would give).
C2ST_STREAM = 1


def figure_rngs(seed: int) -> list[np.random.Generator]:
    """One independent random stream per figure of :func:`compare_dialogues`. Streams 0-7
    predate 8-10 and 11, so adding figures never changes the values of the older ones for a
    seed (spawned children depend only on their index)."""
    return [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]


def compare_dialogues(
    run: RunData | str | Path,
    real: Sequence[Dialogue],
    *,
    seed: int = 0,
    catalog: Catalog | None = None,
    n_boot: int = 200,
    c2st_n: int = C2ST_N,
) -> dict[str, MetricValue]:
    """:func:`compare` on an already loaded run and already imported real dialogues.
    ``c2st_n``: texts per class in the classifier test (:data:`C2ST_N`; a smaller value
    matches a small run, see :func:`simworld.metrics.realism.c2st_auc`)."""
    if c2st_n < 10:
        raise DataError(f"c2st_n: expected at least 10 texts per class, got {c2st_n}")
    data = run if isinstance(run, RunData) else load_run(run)
    with blas_single_thread():
        return _compare(data, real, seed=seed, catalog=catalog, n_boot=n_boot, c2st_n=c2st_n)


def _compare(
    data: RunData,
    real: Sequence[Dialogue],
    *,
    seed: int,
    catalog: Catalog | None,
    n_boot: int,
    c2st_n: int,
) -> dict[str, MetricValue]:
    rows = data.user_turns()
    if not rows:
        raise DataError("the run has no user turns to compare", file=str(data.path))
    sim_sessions: dict[str, list[str]] = {}
    for r in rows:
        sim_sessions.setdefault(str(r["session_id"]), []).append(r["user_text"])
    sim_texts = [r["user_text"] for r in rows]
    real_sessions = [[t.text for t in d.user_turns] for d in real if d.user_turns]
    real_texts = [t for s in real_sessions for t in s]
    if len(real_sessions) < 2:
        raise DataError("real data: need at least two dialogues with user turns")
    rngs = figure_rngs(seed)
    half_a, half_b = split_halves(real_sessions, rngs[0])
    text_a = [t for s in half_a for t in s]
    text_b = [t for s in half_b for t in s]
    out: dict[str, Any] = {
        "realism.n_sim_turns": len(sim_texts),
        "realism.n_sim_sessions": len(sim_sessions),
        "realism.n_real_turns": len(real_texts),
        "realism.n_real_dialogues": len(real_sessions),
    }

    # Classifier two-sample test, and its human floor.
    c2st = c2st_auc(
        sim_texts, real_texts, rngs[C2ST_STREAM], n_boot=n_boot, max_per_class=c2st_n
    )
    floor = c2st_auc(
        text_a, text_b, rngs[2], n_boot=0, max_per_class=min(c2st_n, c2st["n_per_class"])
    )
    out["realism.c2st_auc"] = c2st["auc"]
    out["realism.c2st_n"] = c2st["n_per_class"]
    out["realism.c2st_auc_ci"] = c2st["ci"]
    out["realism.c2st_auc_floor"] = floor["auc"]
    out["realism.c2st_p_value"] = c2st["p_value"]
    out["realism.c2st_accuracy"] = c2st["accuracy"]

    # Intent mix, as seen by a classifier trained on the simulated turns' latent labels.
    sim_labels = [to_iard(str(r["intent"])) if r["intent"] else "" for r in rows]
    labelled = [(t, lab) for t, lab in zip(sim_texts, sim_labels, strict=True) if lab]
    if len({lab for _, lab in labelled}) >= 2:
        pred_sim, (pred_real, pred_a, pred_b) = intent_predictions(
            [t for t, _ in labelled],
            [lab for _, lab in labelled],
            [real_texts, text_a, text_b],
            seed=seed,
        )
        out["realism.intent_jsd"], out["realism.intent_jsd_ci"] = labels_jsd(
            pred_sim, pred_real, rngs[3], n_boot=n_boot
        )
        out["realism.intent_jsd_floor"] = jsd(distribution(pred_a), distribution(pred_b))
        out["realism.intent_tv"] = _tv(pred_sim, pred_real)
        out["realism.intent_tv_floor"] = _tv(pred_a, pred_b)
    if labelled:
        out.update(
            _human_labels(
                labelled, real, rngs[9], rngs[10], rngs[11], seed=seed, n_boot=n_boot
            )
        )

    # Tone and topics.
    sim_sample = subsample(sim_texts, MAX_TEXTS, rngs[4])
    real_sample = subsample(real_texts, MAX_TEXTS, rngs[4])
    texts = (sim_sample, real_sample, text_a, text_b)
    try:
        tones = [sentiment_buckets(t) for t in texts]
    except ImportError:
        out["realism.sentiment_jsd"] = None
    else:
        out.update(_distances("sentiment", tones, rngs[5], n_boot, multi=False))
    vocab = GenreVocabulary(catalog.genres) if catalog is not None else GenreVocabulary()
    topics = [genre_mentions(t, vocab) for t in texts]
    out.update(_distances("topic", topics, rngs[6], n_boot, multi=True))
    out.update(_behaviour(list(sim_sessions.values()), real_sessions, half_a, half_b, rngs, n_boot))
    return {k: _clean(v) for k, v in out.items()}


def _tv(a: Sequence[str], b: Sequence[str]) -> float:
    """Total variation between the label mixes of ``a`` and ``b`` (NaN if a side is empty)."""
    return total_variation(distribution(a), distribution(b)) if a and b else math.nan


def _human_labels(
    labelled: Sequence[tuple[str, str]],
    real: Sequence[Dialogue],
    jsd_rng: np.random.Generator,
    transfer_rng: np.random.Generator,
    floor_rng: np.random.Generator,
    *,
    seed: int,
    n_boot: int,
) -> dict[str, Any]:
    """The figures that need the real turns' human intent labels (empty when unlabelled):
    the latent-vs-human intent mix with its floor (the human labels of two random halves of
    the labelled dialogues) and the sim -> real transfer, with intervals (transfer resamples
    real dialogues; see :mod:`simworld.metrics.transfer`)."""
    real_turns = [t for d in real for t in d.user_turns]
    per_dialogue = [
        labels
        for d in real
        if (labels := [g for g in (gold_label(t.intents) for t in d.user_turns) if g])
    ]
    gold = [g for labels in per_dialogue for g in labels]
    if not gold:
        return {}
    sim_labels = [lab for _, lab in labelled]
    out: dict[str, Any] = {}
    out["realism.intent_jsd_labels"], out["realism.intent_jsd_labels_ci"] = labels_jsd(
        sim_labels, gold, jsd_rng, n_boot=n_boot
    )
    out["realism.intent_tv_labels"] = _tv(sim_labels, gold)
    if len(per_dialogue) >= 2:
        half_a, half_b = split_halves(per_dialogue, floor_rng)
        gold_a = [g for labels in half_a for g in labels]
        gold_b = [g for labels in half_b for g in labels]
        out["realism.intent_jsd_labels_floor"] = jsd(distribution(gold_a), distribution(gold_b))
        out["realism.intent_tv_labels_floor"] = _tv(gold_a, gold_b)
    tr = intent_transfer(
        [t for t, _ in labelled],
        sim_labels,
        [t.text for t in real_turns],
        [t.intents for t in real_turns],
        seed=seed,
        real_groups=[i for i, d in enumerate(real) for _ in d.user_turns],
        rng=transfer_rng,
        n_boot=n_boot,
    )
    out["transfer.intent_macro_f1"] = tr["macro_f1"]
    out["transfer.intent_macro_f1_ci"] = tr["macro_f1_ci"]
    out["transfer.intent_macro_f1_ceiling"] = tr["ceiling"]
    out["transfer.intent_macro_f1_ceiling_ci"] = tr["ceiling_ci"]
    out["transfer.intent_macro_f1_augmented"] = tr["augmented"]
    out["transfer.intent_macro_f1_augmented_ci"] = tr["augmented_ci"]
    out["transfer.intents"] = list(tr["labels"])
    out["transfer.n_train"], out["transfer.n_test"] = tr["n_train"], tr["n_test"]
    for lab, f1 in tr["per_class"].items():
        out[f"transfer.f1.{lab}"] = f1
    for lab, f1 in tr["ceiling_per_class"].items():
        out[f"transfer.ceiling_f1.{lab}"] = f1
    return out


def _distances(
    name: str,
    sides: Sequence[Sequence[Any]],
    rng: np.random.Generator,
    n_boot: int,
    *,
    multi: bool,
) -> dict[str, Any]:
    """``realism.<name>_jsd`` (+ ``_ci``, ``_floor``) and ``realism.<name>_tv`` (+ ``_floor``)
    from the labels of the (simulated, real, real half A, real half B) texts: one label per
    text, or with ``multi`` a list per text (texts with none do not count)."""
    measure = multilabel_jsd if multi else labels_jsd
    flat = [[lab for item in side for lab in item] if multi else list(side) for side in sides]
    value, ci = measure(sides[0], sides[1], rng, n_boot=n_boot)
    return {
        f"realism.{name}_jsd": value,
        f"realism.{name}_jsd_ci": ci,
        f"realism.{name}_jsd_floor": measure(sides[2], sides[3], rng, n_boot=0)[0],
        f"realism.{name}_tv": _tv(flat[0], flat[1]),
        f"realism.{name}_tv_floor": _tv(flat[2], flat[3]),
    }


def _behaviour(
    sim: list[list[str]],
    real: list[list[str]],
    half_a: list[list[str]],
    half_b: list[list[str]],
    rngs: Sequence[np.random.Generator],
    n_boot: int,
) -> dict[str, Any]:
    """Length, session length, questions, very short turns: gaps, floors and intervals
    (words per turn resamples turns, the others whole sessions)."""
    b_sim, b_real = behaviour(sim), behaviour(real)
    gaps = behaviour_gaps(b_sim, b_real)
    floors = behaviour_gaps(behaviour(half_a), behaviour(half_b))
    cis = session_gaps_ci(sim, real, rngs[8], n_boot=n_boot)
    cis["words_per_turn_w1"] = words_w1_ci(b_sim, b_real, rngs[7], n_boot=n_boot)
    out: dict[str, Any] = {}
    for name, value in gaps.items():
        out[f"realism.{name}"] = value
        out[f"realism.{name}_ci"] = cis[name]
        out[f"realism.{name}_floor"] = floors[name]
    out["realism.words_per_turn_sim"] = b_sim.mean_words
    out["realism.words_per_turn_real"] = b_real.mean_words
    out["realism.question_rate_sim"] = b_sim.question_rate
    out["realism.question_rate_real"] = b_real.question_rate
    out["realism.short_turn_share_sim"] = b_sim.short_share
    out["realism.short_turn_share_real"] = b_real.short_share
    return out


def _fmt(value: MetricValue) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        if value and all(isinstance(v, float) for v in value):
            return f"[{', '.join(f'{float(v):.3f}' for v in value)}]"
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 and value != 0 else f"{value:.3f}"
    return str(value)


_COMPANIONS = ("_ci", "_floor")


def _fmt_ci(value: MetricValue) -> str:
    """An interval as ``lo–hi`` (compact, so the table fits an 80-column terminal)."""
    if isinstance(value, list) and len(value) == 2:
        return f"{_fmt(value[0])}–{_fmt(value[1])}"
    return _fmt(value)


NAME_WIDTH = 40  # metric names up to this long are never wrapped (all of compare's are)


def format_compare(result: dict[str, MetricValue]) -> Table:
    """A rich table: metric, value, 95% CI, human floor (companions folded into rows).

    Built to stay readable in an 80-column terminal: metric names up to
    :data:`NAME_WIDTH` characters (every name :func:`compare` writes) and the numbers are
    never wrapped or cut; a long value such as the ``transfer.intents`` list wraps in the
    space left. A longer name (an unusual intent label) wraps onto a second line instead
    of being cut short.
    """
    from rich import box
    from rich.table import Table

    keys = [k for k in result if not k.endswith(_COMPANIONS)]
    table = Table(
        title="simulated vs real users", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    fits = max(map(len, keys), default=0) <= NAME_WIDTH
    table.add_column("metric", no_wrap=fits, overflow="fold")
    table.add_column("value", justify="right", overflow="fold")
    table.add_column("95% CI", justify="right", no_wrap=True)
    table.add_column("human floor", justify="right", no_wrap=True)
    for key in keys:
        table.add_row(
            key,
            _fmt(result[key]),
            _fmt_ci(result.get(f"{key}_ci")),
            _fmt(result.get(f"{key}_floor")),
        )
    return table


def _feature(row: Giveaway) -> str:
    if row["kind"] == "word":
        return f'"{row["feature"]}"'
    if row["kind"] == "char":  # visible spaces: the padding marks a word boundary
        return "'" + row["feature"].replace(" ", "␣") + "'"
    return row["feature"]


def format_giveaways(result: Giveaways) -> list[Table]:
    """Two rich tables: features typical of simulated turns, then of real turns; each row
    with its z-score, log-odds weight, share of turns per side and one example turn."""
    from rich import box
    from rich.table import Table

    tables = []
    for side, title in (
        ("sim", "what gives simulated turns away: more common in simulated turns"),
        ("real", "what simulated turns lack: more common in real turns"),
    ):
        rows: list[Giveaway] = list(result["sim"] if side == "sim" else result["real"])
        table = Table(
            title=title,
            caption=f"{result['n_sim']} simulated vs {result['n_real']} real turns; z: log-odds "
            "z-score (the ranking); weight: log-odds ratio sim/real; sim, real: share of turns",
            box=box.SIMPLE_HEAD,
            collapse_padding=True,
            pad_edge=False,
        )
        table.add_column("feature", overflow="fold")
        table.add_column("kind")
        table.add_column("z", justify="right")
        table.add_column("weight", justify="right")
        table.add_column("sim", justify="right")
        table.add_column("real", justify="right")
        table.add_column(f"example ({'simulated' if side == 'sim' else 'real'})", overflow="fold")
        for row in rows:
            table.add_row(
                _feature(row),
                row["kind"],
                f"{row['z']:+.1f}",
                f"{row['log_odds']:+.2f}",
                f"{100 * row['share_sim']:.1f}%",
                f"{100 * row['share_real']:.1f}%",
                row["examples"][0] if row["examples"] else "",
            )
        tables.append(table)
    return tables
