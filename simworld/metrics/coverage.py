"""How much of the latent space a run actually exercised.

The *latent grid* crosses the session latents with the turn latent. Crossing every trait
with every other (3^6 trait combinations) would give a grid no run could fill, so the grid
is a union of 3-way slices, one per trait::

    cells = { (age_band, trait, level, intent) : trait in TRAIT_LEVELS, level in its levels }

i.e. ``|age bands| x (sum of trait levels = 18) x |intents|`` cells. Age bands are those the
run's sessions carry (or ``age_bands`` if given); intents are the default taxonomy (or
``intents``). A turn realises one cell per trait. Reported:

- ``coverage``: share of cells realised by at least one turn;
- ``entropy``: the Shannon entropy of turn counts over cells divided by ``log2(#cells)``
  (1 = turns spread evenly over the whole grid, 0 = all in one cell).

The *persona x intent grid* (:func:`persona_intent_grid`) does the same for the persona:
cells ``(attribute, value, intent)`` for the attributes of :data:`PERSONA_ATTRIBUTES`
(age band, occupation, era taste, each favourite genre, each disliked genre), values those
the run's sessions carry. A turn realises one cell per attribute value of its session.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from simworld.latents.intents import DEFAULT_INTENTS
from simworld.latents.persona import TRAIT_LEVELS
from simworld.metrics.stats import entropy_bits

Cell = tuple[str, str, str, str]
PersonaCell = tuple[str, str, str]

#: Session columns crossed with the intent by :func:`persona_intent_grid` (list-valued
#: columns contribute one cell per element).
PERSONA_ATTRIBUTES = (
    "persona_age_band",
    "persona_occupation",
    "persona_era",
    "persona_favourite_genres",
    "persona_disliked_genres",
)


def _labelled_turns(
    turns: Sequence[Mapping[str, Any]], sessions: Mapping[str, Mapping[str, Any]]
) -> Iterator[tuple[Mapping[str, Any], str]]:
    """(session row, intent) of every turn that has an intent and a known session."""
    for row in turns:
        intent = row.get("intent")
        session = sessions.get(str(row.get("session_id")))
        if intent and session is not None:
            yield session, str(intent)


def grid_counts(
    turns: Sequence[Mapping[str, Any]], sessions: Mapping[str, Mapping[str, Any]]
) -> Counter[Cell]:
    """Turn counts per (age_band, trait, level, intent) cell."""
    counts: Counter[Cell] = Counter()
    for session, intent in _labelled_turns(turns, sessions):
        age = str(session.get("persona_age_band") or "?")
        for trait in TRAIT_LEVELS:
            level = session.get(f"trait_{trait}")
            if level is not None:
                counts[(age, trait, str(level), intent)] += 1
    return counts


def latent_grid(
    turns: Sequence[Mapping[str, Any]],
    sessions: Mapping[str, Mapping[str, Any]],
    *,
    age_bands: Sequence[str] | None = None,
    intents: Sequence[str] = DEFAULT_INTENTS,
) -> dict[str, float]:
    """``{"coverage", "entropy", "cells", "realised"}`` of the latent grid (see module doc)."""
    counts = grid_counts(turns, sessions)
    bands = sorted(
        set(age_bands)
        if age_bands is not None
        else {str(s.get("persona_age_band") or "?") for s in sessions.values()}
    )
    domain = {
        (a, t, lv, i)
        for a in bands
        for t, levels in TRAIT_LEVELS.items()
        for lv in levels
        for i in intents
    }
    realised = {c for c in counts if c in domain}
    n_cells = len(domain)
    if n_cells <= 1:
        return {"coverage": float("nan"), "entropy": float("nan"), "cells": n_cells, "realised": 0}
    in_domain = [counts[c] for c in realised]
    return {
        "coverage": len(realised) / n_cells,
        "entropy": entropy_bits(in_domain) / math.log2(n_cells),
        "cells": n_cells,
        "realised": len(realised),
    }


def trait_intent_matrix(
    turns: Sequence[Mapping[str, Any]],
    sessions: Mapping[str, Mapping[str, Any]],
    *,
    intents: Sequence[str] = DEFAULT_INTENTS,
) -> tuple[list[str], list[str], np.ndarray]:
    """Turn counts with rows ``trait=level`` and columns intents (age bands summed): the
    latent-coverage heatmap of the report."""
    rows = [f"{t}={lv}" for t, levels in TRAIT_LEVELS.items() for lv in levels]
    index = {r: i for i, r in enumerate(rows)}
    cols = list(intents)
    extra = sorted({str(r.get("intent")) for r in turns if r.get("intent")} - set(cols))
    cols += extra
    col_index = {c: j for j, c in enumerate(cols)}
    matrix = np.zeros((len(rows), len(cols)), dtype=np.int64)
    for (_, trait, level, intent), n in grid_counts(turns, sessions).items():
        i = index.get(f"{trait}={level}")
        if i is not None:
            matrix[i, col_index[intent]] += n
    return rows, cols, matrix


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value]
    return [str(value)]


def persona_intent_grid(
    turns: Sequence[Mapping[str, Any]],
    sessions: Mapping[str, Mapping[str, Any]],
    *,
    intents: Sequence[str] = DEFAULT_INTENTS,
) -> dict[str, float]:
    """``{"coverage", "entropy", "cells", "realised"}`` of the persona x intent grid.

    Cells ``(attribute, value, intent)``: see the module doc. The values of an attribute are
    those present in ``sessions``, so the grid measures how evenly the run spread its
    intents over the personas it sampled (their spread is ``population.sampling``'s job).
    """
    counts: Counter[PersonaCell] = Counter()
    for session, intent in _labelled_turns(turns, sessions):
        for attr in PERSONA_ATTRIBUTES:
            for value in _values(session.get(attr)):
                counts[(attr, value, intent)] += 1
    values = {
        (attr, v)
        for s in sessions.values()
        for attr in PERSONA_ATTRIBUTES
        for v in _values(s.get(attr))
    }
    domain = {(a, v, i) for a, v in values for i in intents}
    n_cells = len(domain)
    if n_cells <= 1:
        return {"coverage": float("nan"), "entropy": float("nan"), "cells": n_cells, "realised": 0}
    realised = [n for c, n in counts.items() if c in domain]
    return {
        "coverage": len(realised) / n_cells,
        "entropy": entropy_bits(realised) / math.log2(n_cells),
        "cells": n_cells,
        "realised": len(realised),
    }
