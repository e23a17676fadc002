"""Do simulated turns teach a classifier what real users mean? (sim -> real transfer)

:func:`intent_transfer` trains the intent classifier of :mod:`simworld.metrics.classify` on
simulated user turns and their latent intent labels, then scores it on real user turns with
human labels (IARD). Its *ceiling* is the same classifier trained and tested on the real
labelled turns themselves (stratified k-fold cross-validation): what real data of that size
teaches. A simulator whose transfer F1 approaches the ceiling produces training data as
good as real data. *Augmented* repeats the ceiling's folds with simulated turns added to
each training fold: does simulated data help a small real training set?

Label handling (shared by both numbers so they are comparable):

- simulated ``CLOSE`` is read as ``OTH`` (IARD's label for closings);
- the label set ``L`` is the real labels that belong to simworld's taxonomy (the IARD seeker
  intents) or occur among the simulated labels, keeping those with at least 2 real turns (so
  the ceiling can be cross-validated). It does not depend on which intents the run produced:
  the ceiling is the same for every run compared with one corpus, and an intent the run never
  wrote scores F1 0 in transfer (simulated turns cannot teach it);
- a real turn's labels are restricted to ``L``; turns left with none are not scored;
- a multi-label turn is a hit when any of its labels is predicted; otherwise it counts
  against its first non-``OTH`` label (:func:`simworld.metrics.classify.gold_label`);
- macro-F1 averages the per-intent F1 over ``L`` (intents never predicted score 0).

Intervals (``*_ci``): a percentile bootstrap over the real *test dialogues* (``real_groups``;
each turn its own group when not given) of the predictions already made -- the classifiers
are not retrained per resample. They show how much the F1 values depend on which real
dialogues were scored, not the variation from retraining on other simulated turns.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np

from simworld.latents.intents import DEFAULT_INTENTS
from simworld.metrics.classify import gold_label, restrict, text_classifier, to_iard
from simworld.metrics.stats import bootstrap_intervals, subsample


def _score(
    predicted: Sequence[str], real_labels: Sequence[Sequence[str]], labels: list[str]
) -> tuple[float, dict[str, float]]:
    from sklearn.metrics import f1_score

    gold = [gold_label(lab, p) or "" for p, lab in zip(predicted, real_labels, strict=True)]
    per = f1_score(gold, list(predicted), labels=labels, average=None, zero_division=0)
    per_class = {lab: float(v) for lab, v in zip(labels, per, strict=True)}
    return float(np.mean(per)) if labels else float("nan"), per_class


def _counts(
    predicted: Sequence[str],
    real_labels: Sequence[Sequence[str]],
    labels: list[str],
    groups: Sequence[int],
    n_groups: int,
) -> np.ndarray:
    """Per group and label, (true positives, false positives, false negatives), scored as
    :func:`_score` does: shape ``(n_groups, len(labels), 3)``."""
    index = {lab: i for i, lab in enumerate(labels)}
    out = np.zeros((n_groups, len(labels), 3))
    for p, labs, g in zip(predicted, real_labels, groups, strict=True):
        gold = gold_label(labs, p)
        if gold == p and p in index:
            out[g, index[p], 0] += 1
            continue
        if p in index:
            out[g, index[p], 1] += 1
        if gold in index:
            out[g, index[gold], 2] += 1
    return out


def _macro_f1(counts: np.ndarray) -> list[float]:
    """Macro-F1 of each prediction set in ``counts`` (groups x sets x labels x 3), summed
    over the groups; an intent with no predictions and no turns scores 0, as in sklearn."""
    tp, fp, fn = np.moveaxis(counts.sum(axis=0), -1, 0)
    denominator = 2 * tp + fp + fn
    f1 = np.divide(2 * tp, denominator, out=np.zeros_like(tp), where=denominator > 0)
    return [float(v) for v in f1.mean(axis=-1)]


def _bootstrap_f1(
    sets: Sequence[Sequence[str]],
    gold: Sequence[Sequence[str]],
    labels: list[str],
    groups: Sequence[Hashable],
    rng: np.random.Generator,
    n_boot: int,
) -> list[tuple[float, float]]:
    """Bootstrap intervals of the macro-F1 of each fixed prediction set in ``sets``,
    resampling the groups (dialogues) of the scored turns."""
    ids: dict[Hashable, int] = {}
    codes = [ids.setdefault(g, len(ids)) for g in groups]
    counts = np.stack([_counts(p, gold, labels, codes, len(ids)) for p in sets], axis=1)
    return bootstrap_intervals(_macro_f1, [counts], rng=rng, n_boot=n_boot)


def intent_transfer(
    sim_texts: Sequence[str],
    sim_labels: Sequence[str],
    real_texts: Sequence[str],
    real_labels: Sequence[Sequence[str]],
    *,
    seed: int = 0,
    folds: int = 5,
    max_train: int = 20000,
    max_augment: int = 5000,
    real_groups: Sequence[Hashable] | None = None,
    rng: np.random.Generator | None = None,
    n_boot: int = 0,
) -> dict[str, Any]:
    """Sim-trained intent classifier scored on real labelled turns, and the real-data ceiling.

    Returns ``{"macro_f1", "per_class", "ceiling", "ceiling_per_class", "augmented",
    "labels", "n_train", "n_test", "macro_f1_ci", "ceiling_ci", "augmented_ci"}``; F1
    values are NaN when fewer than two intents are shared. ``augmented`` is the ceiling's
    cross-validation with each training fold topped up by (at most ``max_augment``)
    simulated turns: above ``ceiling`` means the simulated turns add to what the real data
    teaches. The ``*_ci`` are ``n_boot`` bootstrap intervals over ``real_groups`` (the
    dialogue of each real turn) drawn with ``rng``; ``(nan, nan)`` when ``n_boot`` is 0.
    """
    from sklearn.model_selection import StratifiedKFold

    groups = list(real_groups) if real_groups is not None else list(range(len(real_texts)))
    if len(groups) != len(real_texts):
        raise ValueError("real_groups must give one group per real text")
    sim = [(t, to_iard(lab)) for t, lab in zip(sim_texts, sim_labels, strict=True) if lab]
    real = [
        (t, tuple(labs), g)
        for t, labs, g in zip(real_texts, real_labels, groups, strict=True)
        if labs
    ]
    # The label set depends on the real data and the taxonomy, not on which intents a run
    # happened to produce, so the ceiling is the same for every run compared with one corpus
    # and an intent the run never wrote counts (F1 0: its turns cannot teach it).
    known = {lab for _, lab in sim} | {to_iard(code) for code in DEFAULT_INTENTS}
    shared = known & {lab for _, labs, _ in real for lab in labs}
    primary_counts: dict[str, int] = {}
    for _, labs, _ in real:
        first = gold_label(restrict(labs, shared))
        if first is not None:
            primary_counts[first] = primary_counts.get(first, 0) + 1
    labels = sorted(lab for lab, n in primary_counts.items() if n >= 2)
    result: dict[str, Any] = {
        "macro_f1": float("nan"),
        "per_class": {},
        "ceiling": float("nan"),
        "ceiling_per_class": {},
        "augmented": float("nan"),
        "labels": labels,
        "n_train": 0,
        "n_test": 0,
        "macro_f1_ci": (math.nan, math.nan),
        "ceiling_ci": (math.nan, math.nan),
        "augmented_ci": (math.nan, math.nan),
    }
    test = [(t, restrict(labs, labels), g) for t, labs, g in real]
    test = [(t, labs, g) for t, labs, g in test if labs]
    sample_rng = np.random.default_rng(seed)
    train = subsample([(t, lab) for t, lab in sim if lab in labels], max_train, sample_rng)
    if len(labels) < 2 or len({lab for _, lab in train}) < 2 or not test:
        return result
    texts = [t for t, _, _ in test]
    gold = [labs for _, labs, _ in test]
    test_groups = [g for _, _, g in test]
    boot_rng = rng if rng is not None else np.random.default_rng(seed)
    model = text_classifier(seed=seed).fit([t for t, _ in train], [lab for _, lab in train])
    predicted = [str(p) for p in model.predict(texts)]
    result["macro_f1"], result["per_class"] = _score(predicted, gold, labels)
    result["n_train"], result["n_test"] = len(train), len(test)

    # Ceiling: the same classifier cross-validated on the real labelled turns; augmented:
    # the same folds, each training fold topped up with the simulated turns.
    y = [gold_label(labs) or "" for labs in gold]
    n_splits = min(folds, min(y.count(lab) for lab in labels))
    if n_splits < 2:
        (result["macro_f1_ci"],) = _bootstrap_f1(
            [predicted], gold, labels, test_groups, boot_rng, n_boot
        )
        return result
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    real_only = [""] * len(texts)
    augmented = [""] * len(texts)
    extra = subsample(train, max_augment, sample_rng)
    for train_idx, test_idx in cv.split(texts, y):
        fold_x = [texts[i] for i in train_idx]
        fold_y = [y[i] for i in train_idx]
        held = [texts[i] for i in test_idx]
        for target, x_fit, y_fit in (
            (real_only, fold_x, fold_y),
            (augmented, fold_x + [t for t, _ in extra], fold_y + [lab for _, lab in extra]),
        ):
            fitted = text_classifier(seed=seed).fit(x_fit, y_fit)
            for i, p in zip(test_idx, fitted.predict(held), strict=True):
                target[i] = str(p)
    result["ceiling"], result["ceiling_per_class"] = _score(real_only, gold, labels)
    result["augmented"], _ = _score(augmented, gold, labels)
    result["macro_f1_ci"], result["ceiling_ci"], result["augmented_ci"] = _bootstrap_f1(
        [predicted, real_only, augmented], gold, labels, test_groups, boot_rng, n_boot
    )
    return result
