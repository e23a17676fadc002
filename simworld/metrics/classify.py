"""The text classifiers behind the realism, transfer and fidelity metrics, defined once.

One recipe everywhere: TF-IDF on word 1-2 grams and character 2-4 grams (within word
boundaries), optionally plus surface-style features (length, casing, punctuation, question
mark), then a logistic regression. Small, fast on two cores, and strong enough that what it
cannot separate is hard to separate with bag-of-n-grams features.

Also here: how simulated intent labels meet human ones. simworld's taxonomy is IARD's plus
``CLOSE``; IARD files closing turns under ``OTH``, so :func:`to_iard` maps ``CLOSE`` to
``OTH`` whenever simulated labels are compared with human labels. IARD turns may carry
several labels; :func:`gold_label` picks the one a single-label prediction is scored against.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from simworld.latents.intents import CLOSE

OTHER = "OTH"


def to_iard(label: str) -> str:
    """A simulated intent in IARD's taxonomy (``CLOSE`` -> ``OTH``)."""
    return OTHER if label == CLOSE else label


def gold_label(labels: Sequence[str], predicted: str | None = None) -> str | None:
    """The label a prediction is scored against among a turn's (possibly several) labels.

    The predicted label when it is one of them (a multi-label turn is a hit when any of its
    labels is predicted), else the first label that is not ``OTH``, else ``OTH``; None when
    there are no labels.
    """
    if not labels:
        return None
    if predicted is not None and predicted in labels:
        return predicted
    return next((lab for lab in labels if lab != OTHER), labels[0])


def restrict(labels: Sequence[str], allowed: Collection[str]) -> tuple[str, ...]:
    """The labels among ``allowed``, order kept."""
    return tuple(lab for lab in labels if lab in allowed)


def text_classifier(
    *, style: bool = False, balanced: bool = True, seed: int = 0, max_iter: int = 2000
) -> Any:
    """A fresh scikit-learn pipeline: n-gram TF-IDF (+ style features) -> logistic regression."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    parts: list[tuple[str, Any]] = [
        ("words", _tfidf("word", (1, 2))),
        ("chars", _tfidf("char_wb", (2, 4))),
    ]
    if style:
        # Scaled, so the solver converges in a few dozen iterations rather than hundreds.
        scaled = Pipeline(
            [("extract", FunctionTransformer(_style, validate=False)), ("scale", StandardScaler())]
        )
        parts.append(("style", scaled))
    return Pipeline(
        [
            ("features", FeatureUnion(parts)),
            (
                "clf",
                LogisticRegression(
                    max_iter=max_iter,
                    tol=1e-3,
                    class_weight="balanced" if balanced else None,
                    random_state=seed,
                ),
            ),
        ]
    )


def _tfidf(analyzer: str, ngrams: tuple[int, int]) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    extra = {"token_pattern": r"(?u)\b\w+\b"} if analyzer == "word" else {}
    return TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        lowercase=True,
        sublinear_tf=True,
        min_df=2,  # n-grams seen once cannot generalise; dropping them halves fitting time
        max_features=50_000,
        **extra,
    )


def _style(texts: Any) -> np.ndarray:
    from simworld.metrics.text import style_features

    return style_features([str(t) for t in texts])


def keep_frequent(
    texts: Sequence[str], labels: Sequence[str], minimum: int
) -> tuple[list[str], list[str]]:
    """The (text, label) pairs whose label occurs at least ``minimum`` times."""
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    pairs = [(t, lab) for t, lab in zip(texts, labels, strict=True) if counts[lab] >= minimum]
    return [t for t, _ in pairs], [lab for _, lab in pairs]


@contextmanager
def blas_single_thread() -> Iterator[None]:
    """Run the enclosed numeric work with one BLAS thread.

    The matrices here are small; on a busy machine BLAS worker threads mostly wait for
    cores, which made a 300 x 100 SVD take seconds instead of milliseconds.
    """
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    with threadpool_limits(limits=1, user_api="blas"):
        yield
