"""Bootstrap intervals, total variation and the 80-column table of ``simworld compare``.

A synthetic run (real Parquet files, :mod:`simrun`) against synthetic labelled real
dialogues; the statistics helpers on small hand-made samples whose answers are known.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from rich.console import Console
from simrun import CHAIN, make_run, sim_text, write_real_jsonl

from simworld.compare import compare_dialogues, format_compare
from simworld.datasets import load_dialogues
from simworld.metrics.behaviour import behaviour, behaviour_gaps, session_gaps_ci
from simworld.metrics.stats import bootstrap_ci, bootstrap_intervals, wasserstein_1d
from simworld.metrics.transfer import intent_transfer

NEW_CI = (
    "realism.turns_per_session_w1",
    "realism.question_rate_diff",
    "realism.short_turn_share_diff",
    "realism.intent_jsd_labels",
    "transfer.intent_macro_f1",
    "transfer.intent_macro_f1_ceiling",
    "transfer.intent_macro_f1_augmented",
)
TV_OF_JSD = {
    "realism.intent_tv": "realism.intent_jsd",
    "realism.intent_tv_labels": "realism.intent_jsd_labels",
    "realism.sentiment_tv": "realism.sentiment_jsd",
    "realism.topic_tv": "realism.topic_jsd",
}


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("compare_ci")
    run = make_run(tmp / "run", seed=0)
    real = load_dialogues(write_real_jsonl(tmp / "real.jsonl", style="sim"), "jsonl")
    return dict(compare_dialogues(run, real, seed=2, n_boot=100))


# -- the statistics helpers -------------------------------------------------------------


def test_bootstrap_intervals_draw_like_bootstrap_ci() -> None:
    a, b = [1.0, 2.0, 2.0, 5.0, 9.0], [0.0, 1.0, 1.0, 3.0]

    def two(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
        return wasserstein_1d(x, y), math.nan  # the second part is never defined

    one = bootstrap_ci(wasserstein_1d, [a, b], rng=np.random.default_rng(5), n_boot=300)
    both = bootstrap_intervals(
        two, [np.array(a), np.array(b)], rng=np.random.default_rng(5), n_boot=300
    )
    assert both[0] == pytest.approx(one) and one[0] < one[1]
    assert all(math.isnan(v) for v in both[1])
    empty = bootstrap_intervals(
        two, [np.array(a), np.array(b)], rng=np.random.default_rng(5), n_boot=0
    )
    assert len(empty) == 2 and all(math.isnan(v) for pair in empty for v in pair)


def test_session_gaps_ci_resamples_whole_sessions() -> None:
    """With one session per side every resample is that session again, so the interval is
    the point itself; resampling turns would spread it."""
    sim = [["is it any good?", "ok", "i like long films with big casts and a twist"]]
    real = [["fine", "what about comedies?"]]
    gaps = behaviour_gaps(behaviour(sim), behaviour(real))
    cis = session_gaps_ci(sim, real, np.random.default_rng(0), n_boot=50)
    assert gaps["question_rate_diff"] == pytest.approx(1 / 6)
    for name in ("turns_per_session_w1", "question_rate_diff", "short_turn_share_diff"):
        assert cis[name] == pytest.approx((gaps[name], gaps[name])), name
    many = [["a?", "b"], ["c", "d", "e"], ["f?"], ["g", "h?", "i", "j"]] * 5
    spread = session_gaps_ci(many, real * 3, np.random.default_rng(0), n_boot=200)
    lo, hi = spread["turns_per_session_w1"]
    assert lo < hi
    assert session_gaps_ci(many, real, np.random.default_rng(4), n_boot=80) == session_gaps_ci(
        many, real, np.random.default_rng(4), n_boot=80
    )


def _labelled_real(n: int, seed: int) -> tuple[list[str], list[list[str]], list[int]]:
    """Real-looking labelled turns from the phrase banks, a fifth of them mislabelled."""
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    labels: list[list[str]] = []
    groups: list[int] = []
    for d in range(n):
        for intent in CHAIN[:-1]:
            texts.append(sim_text(intent, rng))
            wrong = rng.random() < 0.2
            labels.append([str(rng.choice(CHAIN[:-1])) if wrong else intent])
            groups.append(d)
    return texts, labels, groups


def test_transfer_intervals_score_like_sklearn_and_resample_dialogues() -> None:
    rng = np.random.default_rng(1)
    sim_labels = [CHAIN[int(i)] for i in rng.integers(0, len(CHAIN) - 1, 400)]
    sim_texts = [sim_text(lab, rng) for lab in sim_labels]
    texts, labels, groups = _labelled_real(40, seed=3)

    def transfer(groups: list[int], seed: int = 9) -> dict[str, Any]:
        return intent_transfer(
            sim_texts,
            sim_labels,
            texts,
            labels,
            real_groups=groups,
            rng=np.random.default_rng(seed),
            n_boot=100,
        )

    # One dialogue holding every turn: each resample is the whole test set, so the interval
    # collapses onto the point -- the bootstrap's F1 is sklearn's F1 of the same predictions.
    whole = transfer([0] * len(texts))
    for key in ("macro_f1", "ceiling", "augmented"):
        assert 0.3 < whole[key] < 1.0, key
        assert whole[f"{key}_ci"] == pytest.approx((whole[key], whole[key])), key
    by_dialogue = transfer(groups)
    assert by_dialogue == transfer(groups)
    for key in ("macro_f1", "ceiling", "augmented"):
        lo, hi = by_dialogue[f"{key}_ci"]
        assert lo < by_dialogue[key] < hi and hi - lo < 0.3, key
        assert by_dialogue[key] == whole[key]  # grouping changes the interval only
    none = intent_transfer(sim_texts, sim_labels, texts, labels, seed=0)
    assert all(math.isnan(v) for v in none["macro_f1_ci"])
    with pytest.raises(ValueError, match="one group per real text"):
        intent_transfer(sim_texts, sim_labels, texts, labels, real_groups=[0])


# -- compare ----------------------------------------------------------------------------


def test_compare_has_an_interval_for_every_figure(result: dict[str, Any]) -> None:
    for key in NEW_CI:
        lo, hi = result[f"{key}_ci"]
        assert lo <= hi, key
        assert lo - 1e-9 <= result[key] <= hi + 1e-9, key
    assert result["transfer.intent_macro_f1_ci"][0] < result["transfer.intent_macro_f1_ci"][1]


def test_compare_total_variation_beside_each_jsd(result: dict[str, Any]) -> None:
    keys = list(result)
    for tv, js in TV_OF_JSD.items():
        assert 0.0 <= result[tv] <= 1.0, tv
        assert result[js] <= result[tv] + 1e-9, tv  # JSD in bits never exceeds TV
        assert keys.index(tv) > keys.index(js), tv  # printed right after its JSD
        if f"{js}_floor" in result:
            assert result[js + "_floor"] <= result[f"{tv}_floor"] + 1e-9, tv
        else:
            assert f"{tv}_floor" not in result, tv


def test_compare_table_fits_80_columns(result: dict[str, Any]) -> None:
    console = Console(width=80, record=True)
    console.print(format_compare(result))
    text = console.export_text()
    lines = text.splitlines()
    assert "…" not in text and max(map(len, lines)) <= 80
    names = [k for k in result if not k.endswith(("_ci", "_floor"))]
    first_words = [line.split()[0] for line in lines if line.strip()]
    for name in names:
        assert name in first_words, name  # every metric name printed whole, on its own row
    row = next(line for line in lines if line.split()[:1] == ["transfer.intent_macro_f1"])
    lo, hi = result["transfer.intent_macro_f1_ci"]
    assert f"{lo:.3f}–{hi:.3f}" in row
    floor = next(line for line in lines if line.split()[:1] == ["realism.topic_tv"])
    assert floor.split()[-1] == f"{result['realism.topic_tv_floor']:.3f}"


def test_compare_table_wraps_an_overlong_name_instead_of_cutting_it() -> None:
    name = "transfer.ceiling_f1.A-VERY-LONG-INTENT-NAME-FROM-SOME-UNUSUAL-CORPUS"
    result: dict[str, Any] = {name: 0.5, f"{name}_ci": [0.25, 0.75], "transfer.n_test": 7}
    console = Console(width=80, record=True)
    console.print(format_compare(result))
    lines = console.export_text().splitlines()
    assert "…" not in "".join(lines) and max(map(len, lines)) <= 80
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("transfer.c"))
    end = next(i for i, line in enumerate(lines) if "transfer.n_test" in line)
    assert "".join(line.split()[0] for line in lines[start:end]) == name
    assert "0.250–0.750" in lines[start] and "0.500" in lines[start]


def test_human_label_mix_has_a_floor_from_two_halves_of_the_real_dialogues(
    result: dict[str, Any],
) -> None:
    floor = result["realism.intent_jsd_labels_floor"]
    assert 0.0 <= floor <= result["realism.intent_tv_labels_floor"] <= 1.0
    # the synthetic real set draws its labels from one mix: its two halves are close
    assert floor < 0.1
