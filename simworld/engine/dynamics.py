"""The rules of how an agent changes between sessions, in one place.

Every rule is a small pure function of the agent's state and the scenario's ``dynamics``
section (:class:`~simworld.scenario.DynamicsConfig`); :mod:`simworld.engine.population`
applies them in a fixed order at tick boundaries. The parameters and their defaults are
documented in ``docs/population.md``.

- **Activity** (``activity: adaptive``): the chance of starting a session on a tick is
  ``sigmoid(logit(active_share) + log(level) + satisfaction_weight * (satisfaction - 0.5)
  - fatigue_weight * fatigue + influence * satisfaction_weight * (neighbours - 0.5))``:
  satisfied, rested agents with satisfied friends come back more often.
- **Satisfaction** and **trust** (per endpoint) are exponentially weighted means of session
  ratings (weights ``satisfaction_alpha`` and ``trust_alpha``; trust starts at
  ``trust_prior``).
- **Fatigue** grows by ``fatigue_per_session`` with each session and loses
  ``fatigue_recovery`` of itself every tick.
- **Churn**: a session rated below ``churn_threshold`` is a bad experience; after
  ``churn_patience`` bad sessions in a row at one endpoint (one fewer for impatient agents,
  one more for patient ones) the agent churns from that endpoint and never returns to it.
- **Drift**: after accepting a film, with chance ``drift_rate`` one of its genres joins the
  agent's favourites (the oldest-held other favourite may make room), so what an agent
  accepted shapes what it asks for next.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from simworld.scenario import DynamicsConfig

FloatArray = npt.NDArray[np.float64]

#: Churn patience offset by the patience trait.
PATIENCE_CHURN_OFFSET = {"low": -1, "medium": 0, "high": 1}

NEUTRAL = 0.5  # satisfaction that neither raises nor lowers activity


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def activity_probability(
    cfg: DynamicsConfig,
    base: float,
    level: FloatArray,
    satisfaction: FloatArray,
    fatigue: FloatArray,
    neighbours: FloatArray | None = None,
    influence: float = 0.0,
) -> FloatArray:
    """Each agent's chance of starting a session this tick (vectorised over agents).

    ``neighbours`` is the mean satisfaction of each agent's neighbours (``NEUTRAL`` where
    nobody has an opinion yet); it only counts when ``influence`` > 0.
    """
    z = (
        logit(base)
        + np.log(np.maximum(level, 1e-9))
        + cfg.satisfaction_weight * (satisfaction - NEUTRAL)
        - cfg.fatigue_weight * fatigue
    )
    if neighbours is not None and influence > 0:
        z = z + influence * cfg.satisfaction_weight * (neighbours - NEUTRAL)
    return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


def activity_levels(rng: np.random.Generator, n: int, spread: float) -> FloatArray:
    """Per-agent activity multipliers: log-normal with median 1 (some people chat daily)."""
    return np.asarray(np.exp(rng.normal(0.0, spread, size=n)), dtype=np.float64)


def ewma(old: float, new: float, alpha: float) -> float:
    return (1.0 - alpha) * old + alpha * new


def bad_streak(streak: int, satisfaction: float, threshold: float) -> int:
    """Bad sessions in a row at an endpoint after one more session rated ``satisfaction``."""
    return streak + 1 if satisfaction < threshold else 0


def churn_patience(cfg: DynamicsConfig, patience_trait: str) -> int:
    """Bad sessions in a row an agent tolerates at one endpoint before leaving it."""
    return max(1, cfg.churn_patience + PATIENCE_CHURN_OFFSET.get(patience_trait, 0))


def recover(fatigue: float, recovery: float) -> float:
    return fatigue * (1.0 - recovery)


def drift(
    rng: np.random.Generator,
    favourites: tuple[str, ...],
    disliked: Sequence[str],
    accepted_genres: Sequence[str],
    cap: int,
) -> tuple[str, ...]:
    """Favourites after a genre of an accepted film caught on (call when drift fires).

    A new genre (not a favourite, not disliked) joins; when that would exceed ``cap``
    favourites, one of the others leaves. Unchanged when no genre qualifies.
    """
    fresh = sorted(g for g in set(accepted_genres) if g not in favourites and g not in disliked)
    if not fresh or cap <= 0:
        return favourites
    new = fresh[int(rng.integers(len(fresh)))]
    kept = list(favourites)
    if len(kept) >= cap:
        kept.pop(int(rng.integers(len(kept))))
    return tuple(sorted([*kept, new]))


def genre_entropy(genre_lists: Sequence[Sequence[str]]) -> float | None:
    """Shannon entropy (bits) of the genres of a set of films; None for fewer than two.

    Each film spreads one unit over its genres. Low values mean an agent keeps accepting
    the same kind of film (a filter bubble); the maximum is log2 of the genre count.
    """
    if len(genre_lists) < 2:
        return None
    mass: dict[str, float] = {}
    for genres in genre_lists:
        for g in genres:
            mass[g] = mass.get(g, 0.0) + 1.0 / len(genres)
    total = sum(mass.values())
    if total <= 0:
        return None
    p = np.array(list(mass.values())) / total
    return float(-(p * np.log2(p)).sum())
