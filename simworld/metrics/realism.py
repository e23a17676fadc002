"""How far simulated user turns are from real ones: a classifier two-sample test and
label-distribution divergences.

- :func:`c2st_auc`: can a classifier tell simulated from real user turns? ROC AUC of
  out-of-fold scores (0.5 = indistinguishable, 1.0 = fully separable), a bootstrap interval,
  and a one-sided binomial test of the out-of-fold accuracy against 0.5. The classes are
  balanced by subsampling; identical texts are kept in one fold (grouped CV), so a text
  present in both sets cannot be "recognised" from its other copy.
- :func:`intent_predictions`: an intent classifier trained on simulated turns (whose intent
  labels are known) labels both sets, so their intent mixes can be compared even when the
  real data has no labels. Simulated turns are labelled out-of-fold.
- :func:`labels_jsd`: JSD between two label samples with a bootstrap interval, and
  :func:`multilabel_jsd` for items with several labels each; :mod:`simworld.compare` applies
  them to what turns say (VADER buckets and genre mentions from
  :mod:`simworld.metrics.content`). ``jsd``, ``total_variation``, ``wasserstein_1d`` and
  ``bootstrap_ci`` (from :mod:`simworld.metrics.stats`) are re-exported here.

The *human floor* of each statistic is the same statistic between two random halves of the
real dialogues (:func:`real_halves`): how far real data is from itself. A simulation cannot
be expected to get below it. See :mod:`simworld.compare` for the assembled comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from simworld.metrics.classify import text_classifier
from simworld.metrics.stats import (
    auc_from_scores,
    bootstrap_ci,
    distribution,
    jsd,
    split_halves,
    subsample,
    total_variation,
    wasserstein_1d,
)
from simworld.metrics.text import tokens

__all__ = [
    "bootstrap_ci",
    "c2st_auc",
    "intent_predictions",
    "jsd",
    "labels_jsd",
    "multilabel_jsd",
    "real_halves",
    "total_variation",
    "wasserstein_1d",
]


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


#: Texts per class in the classifier two-sample test. Its AUC grows with the training set:
#: one simulated population scored 0.61, 0.75, 0.85 and 0.90 against ReDial seekers with 72,
#: 300, 1,000 and 1,869 turns per class. Figures are comparable only at the same size, so
#: the test always uses this many per class when both sides have them.
C2ST_N = 1000


def c2st_auc(
    sim_texts: Sequence[str],
    real_texts: Sequence[str],
    rng: np.random.Generator,
    *,
    folds: int = 5,
    max_per_class: int = C2ST_N,
    n_boot: int = 200,
) -> dict[str, Any]:
    """Classifier two-sample test of simulated vs real texts.

    Returns ``{"auc", "ci": (lo, hi), "p_value", "accuracy", "n_per_class"}``; values are
    NaN when either side has fewer than ``2 * folds`` texts. Each side is subsampled to
    ``max_per_class`` (:data:`C2ST_N`); with fewer texts the AUC is biased towards 0.5, so
    ``n_per_class`` must be reported with it. The classifier is logistic
    regression on word 1-2 gram and char 2-4 gram TF-IDF plus style features
    (:func:`simworld.metrics.classify.text_classifier`), evaluated by stratified ``folds``-fold
    cross-validation with texts grouped by their normalised form.
    """
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    n = min(len(sim_texts), len(real_texts), max_per_class)
    if n < 2 * folds:
        return {
            "auc": math.nan,
            "ci": (math.nan, math.nan),
            "p_value": math.nan,
            "accuracy": math.nan,
            "n_per_class": n,
        }
    texts = subsample(sim_texts, n, rng) + subsample(real_texts, n, rng)
    y = np.array([1] * n + [0] * n)
    keys: dict[str, int] = {}
    groups = np.array([keys.setdefault(" ".join(tokens(t)), len(keys)) for t in texts])
    seed = _seed(rng)
    n_splits = max(2, min(folds, len(keys)))
    cv = StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    model = text_classifier(style=True, balanced=False, seed=seed)
    proba = cross_val_predict(model, texts, y, groups=groups, cv=cv, method="predict_proba")[:, 1]
    auc = auc_from_scores(proba[y == 1], proba[y == 0])
    correct = int(np.sum((proba > 0.5) == (y == 1)))
    ci = bootstrap_ci(auc_from_scores, [proba[y == 1], proba[y == 0]], rng=rng, n_boot=n_boot)
    return {
        "auc": auc,
        "ci": ci,
        "p_value": binomial_p_greater(correct, len(y)),
        "accuracy": correct / len(y),
        "n_per_class": n,
    }


def binomial_p_greater(k: int, n: int, p: float = 0.5) -> float:
    """One-sided binomial test: P(X >= k) for X ~ Binomial(n, p)."""
    from scipy.stats import binomtest

    return float(binomtest(k, n, p, alternative="greater").pvalue)


def real_halves(
    dialogue_texts: Sequence[Sequence[str]], rng: np.random.Generator
) -> tuple[list[str], list[str]]:
    """The user texts of two random halves of the real dialogues (split by dialogue)."""
    a, b = split_halves(dialogue_texts, rng)
    return [t for d in a for t in d], [t for d in b for t in d]


def intent_predictions(
    sim_texts: Sequence[str],
    sim_labels: Sequence[str],
    other_texts: Sequence[Sequence[str]],
    *,
    seed: int = 0,
    folds: int = 5,
    max_train: int = 20000,
) -> tuple[list[str], list[list[str]]]:
    """Predicted intents of simulated turns and of each text list in ``other_texts``.

    The classifier learns ``sim_labels`` from ``sim_texts`` (a seeded sample of at most
    ``max_train``; intents with fewer than 2 examples are dropped). The simulated turns'
    predictions are out-of-fold (so they carry the same classifier error as the others);
    ``other_texts`` are labelled by a model fit on the whole sample.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rng = np.random.default_rng(seed)
    pairs = subsample(list(zip(sim_texts, sim_labels, strict=True)), max_train, rng)
    counts: dict[str, int] = {}
    for _, lab in pairs:
        counts[lab] = counts.get(lab, 0) + 1
    pairs = [(t, lab) for t, lab in pairs if counts[lab] >= 2]
    labels = sorted({lab for _, lab in pairs})
    if len(labels) < 2:
        only = labels[0] if labels else "?"
        return [only] * len(pairs), [[only] * len(texts) for texts in other_texts]
    texts = [t for t, _ in pairs]
    y = [lab for _, lab in pairs]
    n_splits = min(folds, min(counts[lab] for lab in labels))
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    oof = cross_val_predict(text_classifier(seed=seed), texts, y, cv=cv)
    model = text_classifier(seed=seed).fit(texts, y)
    predicted = [[str(p) for p in model.predict(list(t))] if t else [] for t in other_texts]
    return [str(p) for p in oof], predicted


def labels_jsd(
    a: Sequence[str], b: Sequence[str], rng: np.random.Generator, *, n_boot: int = 200
) -> tuple[float, tuple[float, float]]:
    """JSD (bits) between the label mixes of ``a`` and ``b``, with a bootstrap interval."""
    if not a or not b:
        return math.nan, (math.nan, math.nan)

    def stat(x: Sequence[str], y: Sequence[str]) -> float:
        return jsd(distribution(x), distribution(y))

    return stat(a, b), bootstrap_ci(stat, [a, b], rng=rng, n_boot=n_boot)


def multilabel_jsd(
    a: Sequence[Sequence[str]],
    b: Sequence[Sequence[str]],
    rng: np.random.Generator,
    *,
    n_boot: int = 200,
) -> tuple[float, tuple[float, float]]:
    """JSD between label mixes where each item carries zero or more labels (e.g. genres
    mentioned per turn); items are what the bootstrap resamples. NaN if a side has none."""

    def stat(x: Sequence[Sequence[str]], y: Sequence[Sequence[str]]) -> float:
        fx = [lab for item in x for lab in item]
        fy = [lab for item in y for lab in item]
        if not fx or not fy:
            return math.nan
        return jsd(distribution(fx), distribution(fy))

    value = stat(a, b)
    if math.isnan(value):
        return math.nan, (math.nan, math.nan)
    return value, bootstrap_ci(stat, [a, b], rng=rng, n_boot=n_boot)
