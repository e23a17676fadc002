"""Conversational behaviour of users: how long they write, how long they stay, how they ask.

Computed from sessions given as lists of user-turn texts, so simulated and real users are
measured the same way:

- words per turn and user turns per session (compared with the 1-D Wasserstein distance);
- question rate: share of turns containing ``?``;
- very-short share: share of turns of at most 3 words ("ok", "seen it", "thanks!").

Bootstrap intervals: :func:`words_w1_ci` resamples turns (the words-per-turn samples);
:func:`session_gaps_ci` resamples whole sessions for the session length, question rate and
short-turn share, since turns of one session are not independent of each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from simworld.metrics.stats import bootstrap_ci, bootstrap_intervals, wasserstein_1d
from simworld.metrics.text import word_count

SHORT_WORDS = 3


@dataclass(frozen=True, slots=True)
class Behaviour:
    words_per_turn: tuple[int, ...]
    turns_per_session: tuple[int, ...]
    question_rate: float
    short_share: float

    @property
    def mean_words(self) -> float:
        return float(np.mean(self.words_per_turn)) if self.words_per_turn else float("nan")


def behaviour(sessions: Sequence[Sequence[str]]) -> Behaviour:
    """Behaviour statistics of sessions given as lists of user-turn texts."""
    texts = [t for s in sessions for t in s]
    words = tuple(word_count(t) for t in texts)
    n = max(len(texts), 1)
    return Behaviour(
        words_per_turn=words,
        turns_per_session=tuple(len(s) for s in sessions if s),
        question_rate=sum("?" in t for t in texts) / n if texts else float("nan"),
        short_share=sum(w <= SHORT_WORDS for w in words) / n if texts else float("nan"),
    )


def behaviour_gaps(a: Behaviour, b: Behaviour) -> dict[str, float]:
    """Distances between two behaviours (all >= 0; 0 = identical)."""
    nan = float("nan")
    return {
        "words_per_turn_w1": (
            wasserstein_1d(a.words_per_turn, b.words_per_turn)
            if a.words_per_turn and b.words_per_turn
            else nan
        ),
        "turns_per_session_w1": (
            wasserstein_1d(a.turns_per_session, b.turns_per_session)
            if a.turns_per_session and b.turns_per_session
            else nan
        ),
        "question_rate_diff": abs(a.question_rate - b.question_rate),
        "short_turn_share_diff": abs(a.short_share - b.short_share),
    }


def words_w1_ci(
    a: Behaviour, b: Behaviour, rng: np.random.Generator, *, n_boot: int = 200
) -> tuple[float, float]:
    """Bootstrap interval of the words-per-turn Wasserstein distance."""
    if not a.words_per_turn or not b.words_per_turn:
        return (float("nan"), float("nan"))
    return bootstrap_ci(
        wasserstein_1d, [a.words_per_turn, b.words_per_turn], rng=rng, n_boot=n_boot
    )


SESSION_GAPS = ("turns_per_session_w1", "question_rate_diff", "short_turn_share_diff")


def session_counts(sessions: Sequence[Sequence[str]]) -> np.ndarray:
    """One row per non-empty session: (user turns, turns with ``?``, turns of at most
    :data:`SHORT_WORDS` words) -- what the session-level gaps need, counted once."""
    rows = [
        (len(s), sum("?" in t for t in s), sum(word_count(t) <= SHORT_WORDS for t in s))
        for s in sessions
        if s
    ]
    return np.array(rows, dtype=np.float64).reshape(len(rows), 3)


def _session_gaps(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """The :data:`SESSION_GAPS` between two :func:`session_counts` tables."""
    if not len(a) or not len(b):
        return (float("nan"),) * 3
    rate_a, rate_b = a[:, 1:].sum(axis=0) / a[:, 0].sum(), b[:, 1:].sum(axis=0) / b[:, 0].sum()
    question, short = np.abs(rate_a - rate_b)
    return wasserstein_1d(a[:, 0], b[:, 0]), float(question), float(short)


def session_gaps_ci(
    a: Sequence[Sequence[str]],
    b: Sequence[Sequence[str]],
    rng: np.random.Generator,
    *,
    n_boot: int = 200,
) -> dict[str, tuple[float, float]]:
    """Bootstrap intervals of the :data:`SESSION_GAPS` (names as in :func:`behaviour_gaps`),
    resampling the sessions of each side independently."""
    intervals = bootstrap_intervals(
        _session_gaps, [session_counts(a), session_counts(b)], rng=rng, n_boot=n_boot
    )
    return dict(zip(SESSION_GAPS, intervals, strict=True))
