"""The realism critic: how real a user turn looks, as P(real) from a linear text classifier.

Trained at calibration time to tell a corpus's user turns (label 1) from the current user
model's turns (label 0): TF-IDF on word 1-2 grams and character 2-4 grams within word
boundaries (the features of :func:`simworld.metrics.classify.text_classifier`, so the critic
sees what the realism C2ST sees), plus the scaled surface-style features of
:func:`simworld.metrics.text.style_features`, then a logistic regression.

Fitting needs scikit-learn (the ``analysis`` extra); scoring does not: the fitted critic is
plain data (vocabularies, idf weights, coefficients) stored as JSON and applied with numpy,
so a bundle loads anywhere and safely (no pickle). The n-gram analysers below are used both
by scikit-learn at fit time and by :meth:`Critic.score`, so the two cannot drift apart.

A bundle's critic is a :class:`CriticStack`: critics fitted in rounds, whose logits add up.
Round 1 tells real turns from the user model's own; round ``r`` tells real turns from those
*kept by selection* with rounds ``1..r-1``, so it learns what the earlier critics let
through. Each round's logit estimates ``log p_real(x) / p_kept(x)`` for the population it was
trained against, and the ratios telescope: selection weighted by the sum leans towards real
turns by the product of the corrections. Measured on the quickstart at K=8 (C2ST against
ReDial, mean of three seeds; :data:`simworld.calibration.fit.ROUNDS` has the rest): one
round 0.781, two 0.754, three 0.748.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simworld.errors import DataError
from simworld.metrics.text import STYLE_FEATURES, style_features

CRITIC_FORMAT = "simworld-critic/1"
STACK_FORMAT = "simworld-critic-stack/1"
_WORD = re.compile(r"(?u)\b\w+\b")
_SPACE = re.compile(r"\s\s+")


def word_ngrams(text: str) -> list[str]:
    """Lower-cased word unigrams and bigrams (scikit-learn's word analyser, ``\\b\\w+\\b``)."""
    toks = _WORD.findall(text.lower())
    return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]


def char_ngrams(text: str) -> list[str]:
    """Lower-cased character 2-4 grams inside space-padded words (scikit-learn's ``char_wb``)."""
    out: list[str] = []
    for word in _SPACE.sub(" ", text.lower()).split():
        w = f" {word} "
        size = len(w)
        for n in range(2, 5):
            if size < n:
                continue
            out.extend(w[i : i + n] for i in range(size - n + 1))
    return out


@dataclass(frozen=True)
class Critic:
    """A fitted critic; :meth:`score` gives P(real) per text (numpy only)."""

    word_vocab: Mapping[str, int]
    word_idf: np.ndarray
    char_vocab: Mapping[str, int]
    char_idf: np.ndarray
    style_mean: np.ndarray
    style_scale: np.ndarray
    coef: np.ndarray  # word block, then char block, then style block
    intercept: float
    _tables: tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]] = field(
        init=False, repr=False, compare=False
    )

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """P(real) of each text, in [0, 1]."""
        p: np.ndarray = 1.0 / (1.0 + np.exp(-self.decision(texts)))
        return p

    def __post_init__(self) -> None:
        # gram -> (idf, coefficient), per block: scoring is then one dict lookup per n-gram.
        nw = len(self.word_idf)
        words = {
            g: (float(self.word_idf[i]), float(self.coef[i])) for g, i in self.word_vocab.items()
        }
        chars = {
            g: (float(self.char_idf[i]), float(self.coef[nw + i]))
            for g, i in self.char_vocab.items()
        }
        object.__setattr__(self, "_tables", (words, chars))

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The logit of P(real) of each text."""
        words, chars = self._tables
        s_coef = self.coef[len(self.word_idf) + len(self.char_idf) :]
        out = np.empty(len(texts), dtype=np.float64)
        if len(texts) == 0:
            return out
        style = (style_features(list(texts)) - self.style_mean) / self.style_scale
        for i, text in enumerate(texts):
            value = self.intercept + float(style[i] @ s_coef)
            value += _block(word_ngrams(text), words)
            value += _block(char_ngrams(text), chars)
            out[i] = value
        return out

    # -- storage ---------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """Plain JSON data: vocabularies as lists ordered by feature index."""
        return {
            "format": CRITIC_FORMAT,
            "word_ngrams": _ordered(self.word_vocab),
            "word_idf": self.word_idf.tolist(),
            "char_ngrams": _ordered(self.char_vocab),
            "char_idf": self.char_idf.tolist(),
            "style_features": list(STYLE_FEATURES),
            "style_mean": self.style_mean.tolist(),
            "style_scale": self.style_scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_json(cls, data: Any, *, file: str = "critic.json") -> Critic:
        """The critic stored by :meth:`to_json`; malformed data is a DataError naming the field."""
        if not isinstance(data, dict):
            raise DataError("expected a JSON object", file=file)
        if data.get("format") != CRITIC_FORMAT:
            raise DataError(
                f"format: expected {CRITIC_FORMAT!r}, got {data.get('format')!r}", file=file
            )
        words = _strings(data, "word_ngrams", file)
        chars = _strings(data, "char_ngrams", file)
        word_idf = _floats(data, "word_idf", len(words), file)
        char_idf = _floats(data, "char_idf", len(chars), file)
        n_style = len(STYLE_FEATURES)
        if data.get("style_features") != list(STYLE_FEATURES):
            raise DataError(
                "style_features: the critic was fitted with other style features "
                "(a different simworld version); calibrate again",
                file=file,
            )
        style_mean = _floats(data, "style_mean", n_style, file)
        style_scale = _floats(data, "style_scale", n_style, file)
        if np.any(style_scale <= 0):
            raise DataError("style_scale: values must be > 0", file=file)
        coef = _floats(data, "coef", len(words) + len(chars) + n_style, file)
        intercept = data.get("intercept")
        if not isinstance(intercept, int | float) or isinstance(intercept, bool):
            raise DataError(f"intercept: expected a number, got {intercept!r}", file=file)
        return cls(
            word_vocab={g: i for i, g in enumerate(words)},
            word_idf=word_idf,
            char_vocab={g: i for i, g in enumerate(chars)},
            char_idf=char_idf,
            style_mean=style_mean,
            style_scale=style_scale,
            coef=coef,
            intercept=float(intercept),
        )


@dataclass(frozen=True)
class CriticStack:
    """Critics fitted in rounds (see the module docstring); the logit of P(real) is the sum of
    theirs. A single :class:`Critic` is a stack of one round."""

    rounds: tuple[Critic, ...]

    def __post_init__(self) -> None:
        if not self.rounds:
            raise ValueError("a critic stack needs at least one round")

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """The logit of P(real) of each text: the sum of the rounds' logits."""
        total = self.rounds[0].decision(texts)
        for critic in self.rounds[1:]:
            total = total + critic.decision(texts)
        return total

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """P(real) of each text, in [0, 1]."""
        p: np.ndarray = 1.0 / (1.0 + np.exp(-self.decision(texts)))
        return p

    def to_json(self) -> dict[str, Any]:
        return {"format": STACK_FORMAT, "rounds": [c.to_json() for c in self.rounds]}

    @classmethod
    def from_json(cls, data: Any, *, file: str = "critic.json") -> CriticStack:
        """A stack stored by :meth:`to_json`, or one round stored by :meth:`Critic.to_json`
        (bundles written before rounds existed); errors name the round and the field."""
        if isinstance(data, dict) and data.get("format") == CRITIC_FORMAT:
            return cls((Critic.from_json(data, file=file),))
        if not isinstance(data, dict):
            raise DataError("expected a JSON object", file=file)
        if data.get("format") != STACK_FORMAT:
            raise DataError(
                f"format: expected {STACK_FORMAT!r} or {CRITIC_FORMAT!r}, got "
                f"{data.get('format')!r}",
                file=file,
            )
        rounds = data.get("rounds")
        if not isinstance(rounds, list) or not rounds:
            raise DataError("rounds: expected a non-empty list of critics", file=file)
        critics = []
        for i, item in enumerate(rounds):
            try:
                critics.append(Critic.from_json(item, file=file))
            except DataError as exc:
                raise DataError(f"rounds[{i}]: {exc.detail}", file=file) from None
        return cls(tuple(critics))


def _block(grams: list[str], table: Mapping[str, tuple[float, float]]) -> float:
    """One TF-IDF block's contribution: sublinear tf x idf, l2-normalised, dot coef."""
    counts = Counter(g for g in grams if g in table)
    dot = norm2 = 0.0
    for gram, n in counts.items():
        idf, weight = table[gram]
        x = (1.0 + math.log(n)) * idf
        dot += x * weight
        norm2 += x * x
    return dot / math.sqrt(norm2) if norm2 > 0 else 0.0


def _ordered(vocab: Mapping[str, int]) -> list[str]:
    out = [""] * len(vocab)
    for gram, i in vocab.items():
        out[i] = gram
    return out


def _strings(data: Mapping[str, Any], key: str, file: str) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError(f"{key}: expected a list of strings", file=file)
    if len(set(value)) != len(value):
        raise DataError(f"{key}: repeated n-grams", file=file)
    return list(value)


def _floats(data: Mapping[str, Any], key: str, n: int, file: str) -> np.ndarray:
    value = data.get(key)
    ok = isinstance(value, list) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in value
    )
    if not ok or not isinstance(value, list):
        raise DataError(f"{key}: expected a list of numbers", file=file)
    if len(value) != n:
        raise DataError(f"{key}: expected {n} numbers, got {len(value)}", file=file)
    arr = np.asarray(value, dtype=np.float64)
    if not np.all(np.isfinite(arr)):
        raise DataError(f"{key}: values must be finite", file=file)
    return arr


# -- fitting (scikit-learn) ------------------------------------------------------------------
def fit_critic(
    real_texts: Sequence[str],
    sim_texts: Sequence[str],
    *,
    seed: int = 0,
    max_features: int = 20_000,
    c: float = 1.0,
) -> Critic:
    """Fit a critic telling ``real_texts`` (1) from ``sim_texts`` (0), classes balanced.

    Raises DataError when either side has fewer than 2 texts.
    """
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    if len(real_texts) < 2 or len(sim_texts) < 2:
        raise DataError(
            f"the critic needs at least 2 real and 2 simulated turns, got {len(real_texts)} "
            f"and {len(sim_texts)}"
        )
    texts = [*real_texts, *sim_texts]
    y = np.array([1] * len(real_texts) + [0] * len(sim_texts))
    blocks: list[Any] = []
    fitted: list[tuple[dict[str, int], np.ndarray]] = []
    for analyzer in (word_ngrams, char_ngrams):
        vec = TfidfVectorizer(
            analyzer=analyzer, sublinear_tf=True, min_df=2, max_features=max_features
        )
        try:
            blocks.append(vec.fit_transform(texts))
        except ValueError:  # no n-gram seen twice (a tiny corpus): an empty block
            blocks.append(csr_matrix((len(texts), 0)))
            fitted.append(({}, np.zeros(0)))
            continue
        fitted.append(({str(k): int(v) for k, v in vec.vocabulary_.items()}, vec.idf_.copy()))
    raw_style = style_features(texts)
    mean = raw_style.mean(axis=0)
    scale = raw_style.std(axis=0)
    scale[scale <= 0] = 1.0
    blocks.append(csr_matrix((raw_style - mean) / scale))
    x = hstack(blocks).tocsr()
    model = LogisticRegression(
        C=c, max_iter=2000, tol=1e-4, class_weight="balanced", random_state=seed
    )
    model.fit(x, y)
    (word_vocab, word_idf), (char_vocab, char_idf) = fitted
    return Critic(
        word_vocab=word_vocab,
        word_idf=np.asarray(word_idf, dtype=np.float64),
        char_vocab=char_vocab,
        char_idf=np.asarray(char_idf, dtype=np.float64),
        style_mean=mean,
        style_scale=scale,
        coef=np.asarray(model.coef_[0], dtype=np.float64),
        intercept=float(model.intercept_[0]),
    )
