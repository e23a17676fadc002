"""Sampling the session-level latents: personas, traits, styles (per agent) and goals (per session).

Two modes for the categorical latents:

- ``independent``: every agent draws each attribute from its declared distribution.
- ``stratified``: each attribute gets an exact quota (largest-remainder rounding of
  ``p * N``, at least one agent per level with positive weight when ``N`` allows), and the
  quotas are dealt across agents so that levels spread evenly over the cells formed by the
  attributes already assigned. Marginals match the declaration exactly and rare corners of
  the persona x trait grid are covered on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from simworld.catalog import Catalog, Item
from simworld.latents.persona import Persona, Style, Traits
from simworld.users.goal import Facet, Goal

CATEGORICAL_PERSONA = ("age_band", "occupation", "era")


def normalise(dist: Mapping[str, float]) -> tuple[list[str], np.ndarray]:
    keys = list(dist)
    p = np.array([dist[k] for k in keys], dtype=float)
    return keys, p / p.sum()


def quota(p: np.ndarray, n: int) -> np.ndarray:
    """Largest-remainder counts summing to ``n``; every positive level gets >= 1 if n allows."""
    raw = p * n
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]:
        counts[i] += 1
    positive = np.flatnonzero(p > 0)
    if n >= len(positive):
        for i in positive:
            if counts[i] == 0:
                donor = int(np.argmax(counts))
                counts[donor] -= 1
                counts[i] += 1
    return np.asarray(counts, dtype=np.int64)


def draw_strata(
    dists: Mapping[str, Mapping[str, float]], n: int, rng: np.random.Generator
) -> dict[str, list[str]]:
    """Joint quota over the grid of ``dists``: cell share = product of marginals, and every
    cell with positive weight gets at least one agent when ``n`` is at least the cell count
    (rare corners covered on purpose; marginals stay close to the declared ones)."""
    names = list(dists)
    axes = [normalise(dists[k]) for k in names]
    grid = np.array(np.meshgrid(*[np.arange(len(k)) for k, _ in axes], indexing="ij"))
    grid = grid.reshape(len(names), -1).T  # one row per cell: level index per attribute
    p = np.ones(len(grid))
    for j, (_, probs) in enumerate(axes):
        p *= probs[grid[:, j]]
    counts = quota(p / p.sum(), n)
    cells = np.repeat(np.arange(len(grid)), counts)[rng.permutation(n)]
    return {name: [axes[j][0][grid[c, j]] for c in cells] for j, name in enumerate(names)}


def draw_column(
    dist: Mapping[str, float],
    n: int,
    rng: np.random.Generator,
    *,
    stratified: bool,
    cells: Sequence[tuple[str, ...]] | None = None,
) -> list[str]:
    """``n`` values for one attribute (see module doc for the stratified dealing)."""
    keys, p = normalise(dist)
    if not stratified:
        return [keys[i] for i in rng.choice(len(keys), size=n, p=p)]
    remaining = quota(p, n)
    groups: dict[tuple[str, ...], list[int]] = {}
    for a in range(n):
        groups.setdefault(cells[a] if cells is not None else (), []).append(a)
    out = [""] * n
    # Cells in random order; inside a cell, prefer levels the cell does not have yet, drawn in
    # proportion to what is left of their quota. Quotas are met exactly (only levels with
    # quota left are drawn) and each cell gets as many different levels as it can hold.
    for key in [list(groups)[i] for i in rng.permutation(len(groups))]:
        members = groups[key]
        used: set[int] = set()
        for a in [members[i] for i in rng.permutation(len(members))]:
            left = remaining.astype(float)
            fresh = left.copy()
            fresh[list(used)] = 0.0
            w = fresh if fresh.sum() > 0 else left
            level = int(rng.choice(len(w), p=w / w.sum()))
            remaining[level] -= 1
            used.add(level)
            out[a] = keys[level]
    return out


@dataclass(frozen=True, slots=True)
class AgentLatents:
    persona: Persona
    traits: Traits
    style: Style
    seen_items: frozenset[str]


def sample_genres(
    rng: np.random.Generator,
    genres: Sequence[str],
    weights: np.ndarray,
    lo: int,
    hi: int,
    exclude: Sequence[str] = (),
) -> tuple[str, ...]:
    w = weights.copy()
    for i, g in enumerate(genres):
        if g in exclude:
            w[i] = 0
    k = min(int(rng.integers(lo, hi + 1)), int((w > 0).sum()))
    if k <= 0:
        return ()
    picked = rng.choice(len(genres), size=k, replace=False, p=w / w.sum())
    return tuple(sorted(genres[i] for i in picked))


#: Weight of a genre real seekers never named (or a custom catalog's genre the table lacks):
#: rare, not impossible.
NAMED_FLOOR = 0.005


@cache
def seeker_genre_shares() -> dict[str, float]:
    """Share of ReDial dialogues whose seeker names each genre (bundled, measured by
    ``tools/measure_genres.py``): Comedy 0.31, Action 0.17, Horror 0.13 ... IMAX 0."""
    ref = resources.files("simworld.data").joinpath("genres_redial.json")
    named = json.loads(ref.read_text(encoding="utf-8"))["named"]
    return {str(g): float(v) for g, v in named.items()}


def naming_weights(genres: Sequence[str]) -> np.ndarray:
    """How likely a seeker is to name each of ``genres`` (floored at :data:`NAMED_FLOOR`)."""
    shares = seeker_genre_shares()
    return np.array([max(shares.get(g, 0.0), NAMED_FLOOR) for g in genres])


def genre_weights(catalog: Catalog, spec: Mapping[str, float] | str) -> np.ndarray:
    """Persona genre weights: ``"seekers"`` (how often real seekers name each genre),
    ``"popularity"`` (the catalog's rating mass) or an explicit mapping."""
    if spec == "seekers":
        return naming_weights(catalog.genres)
    if spec == "popularity":
        # Genre share of ratings, flattened (sqrt) so niche genres still appear.
        mass = (catalog.genre_matrix * catalog.popularity[:, None]).sum(axis=0)
        return np.asarray(np.sqrt(mass / mass.sum()), dtype=np.float64)
    assert not isinstance(spec, str)
    return np.array([float(spec.get(g, 0.0)) for g in catalog.genres])


# How many of the catalog's films an agent has seen before the run: log-normal, with the
# median and spread of the MovieLens ml-latest-small users' rating counts restricted to the
# bundled catalog (610 users: median 64.5, quartiles 33 and 148 films -> sigma =
# ln(148 / 64.5) / 0.674 = 1.23, measured on the 2,269-film catalog; on today's 2,971 films:
# median 67, quartiles 34 and 153, sigma 1.225; docs/calibration.md).
SEEN_SPREAD = 1.23
# At most this share of the catalog counts as seen, so every persona keeps films to discover.
SEEN_MAX_SHARE = 0.25


def sample_seen(
    rng: np.random.Generator,
    catalog: Catalog,
    favourites: Sequence[str],
    median: int,
    spread: float = SEEN_SPREAD,
) -> frozenset[str]:
    """Films the agent watched before the run.

    The count is log-normal around ``median`` (``spread`` = sigma of its log; 0 gives every
    agent exactly ``median``). Which films: drawn in proportion to their popularity (for the
    bundled catalog, MovieLens ratings per year a film could be rated: attention around
    2018, so recent films are not under-counted), tilted 4x towards the agent's favourite
    genres. The count drives how often a recommendation is a film the user
    has already seen (the ``rec_seen`` context and its SEE turns).
    """
    if median <= 0:
        return frozenset()
    k = median if spread <= 0 else round(median * float(np.exp(spread * rng.normal())))
    k = max(0, min(k, int(SEEN_MAX_SHARE * len(catalog))))
    if k == 0:
        return frozenset()
    fav = np.array([g in favourites for g in catalog.genres])
    affinity = 1.0 + 3.0 * (catalog.genre_matrix[:, fav].any(axis=1))
    w = np.maximum(catalog.popularity, 1.0) * affinity
    idx = rng.choice(len(catalog), size=k, replace=False, p=w / w.sum())
    return frozenset(catalog.items[i].item_id for i in idx)


def era_ok(era: str, year: int | None) -> bool:
    if era == "any" or year is None:
        return True
    return year < 1990 if era == "classic" else year >= 2005


def sample_goal(
    rng: np.random.Generator,
    catalog: Catalog,
    persona: Persona,
    *,
    exclude: frozenset[str],
    facet_kinds: Sequence[str],
    popularity_bias: float,
    accept_threshold: float,
    seen: frozenset[str],
    films_wanted: Mapping[int, float] | None = None,
) -> Goal:
    """A target consistent with the persona plus the facets that lead to it.

    Candidates share a favourite genre, avoid disliked genres, fit the era taste and were
    not seen/accepted before; the draw is proportional to ``popularity ** bias``. When the
    persona is too narrow for the catalog, constraints are relaxed in that order. How many
    films the user wants is drawn from ``films_wanted`` (count -> weight; default one).
    """
    genres = catalog.genres
    gm = catalog.genre_matrix
    fav = gm[:, [g in persona.favourite_genres for g in genres]].any(axis=1)
    bad = gm[:, [g in persona.disliked_genres for g in genres]].any(axis=1)
    years = catalog.years
    if persona.era == "classic":
        era = (years == 0) | (years < 1990)
    elif persona.era == "recent":
        era = (years == 0) | (years >= 2005)
    else:
        era = np.ones(len(catalog), dtype=bool)
    allowed = np.ones(len(catalog), dtype=bool)
    allowed[[catalog.index(i) for i in exclude if i in catalog]] = False
    tiers = (allowed & fav & ~bad & era, allowed & fav & ~bad, allowed & ~bad, allowed)
    mask = next((t for t in tiers if t.any()), np.ones(len(catalog), dtype=bool))
    cand = np.flatnonzero(mask)
    w = catalog.popularity[cand] ** popularity_bias + 1e-9
    target = catalog.items[int(cand[int(rng.choice(len(cand), p=w / w.sum()))])]
    facets = _facets(rng, catalog, target, persona, facet_kinds, seen)
    wanted = 1
    if films_wanted:
        counts = list(films_wanted)
        p = np.array([films_wanted[k] for k in counts], dtype=float)
        wanted = counts[int(rng.choice(len(counts), p=p / p.sum()))]
    return Goal(
        target=target,
        facets=facets,
        accept_threshold=accept_threshold,
        disliked_genres=persona.disliked_genres,
        films_wanted=wanted,
    )


def _facets(
    rng: np.random.Generator,
    catalog: Catalog,
    target: Item,
    persona: Persona,
    kinds: Sequence[str],
    seen: frozenset[str],
) -> tuple[Facet, ...]:
    out: list[Facet] = []
    for kind in kinds:
        if kind == "genre" and target.genres:
            # Of the target's genres, the user names a favourite, and among those the ones
            # real seekers name most ("comedy" before "crime", never "IMAX").
            shared = [g for g in target.genres if g in persona.favourite_genres]
            pool = shared or list(target.genres)
            w = naming_weights(pool)
            out.append(Facet("genre", pool[int(rng.choice(len(pool), p=w / w.sum()))]))
        elif kind == "decade" and target.decade is not None:
            out.append(Facet("decade", str(target.decade)))
        elif kind == "era" and persona.era != "any":
            out.append(Facet("era", persona.era))
        elif kind == "tag" and target.tags:
            out.append(Facet("tag", target.tags[int(rng.integers(min(3, len(target.tags))))]))
        elif kind == "like":
            ref = _reference_item(rng, catalog, target, seen)
            if ref is not None:
                out.append(Facet("like", ref.item_id, ref.title))
    if not out:
        return ()
    # The genre usually comes first (people open with it); the rest in random order.
    head = [f for f in out if f.kind == "genre"]
    tail = [f for f in out if f.kind != "genre"]
    perm = rng.permutation(len(tail))
    tail = [tail[i] for i in perm]
    if head and rng.random() < 0.8:
        return (*head, *tail)
    mixed = head + tail
    return tuple(mixed[i] for i in rng.permutation(len(mixed)))


def _reference_item(
    rng: np.random.Generator, catalog: Catalog, target: Item, seen: frozenset[str]
) -> Item | None:
    """A film the user watched that resembles the target (never the target itself)."""
    tg = set(target.genres)
    best: list[tuple[float, Item]] = []
    for item_id in sorted(seen):
        if item_id == target.item_id or item_id not in catalog:
            continue
        it = catalog.get(item_id)
        union = tg | set(it.genres)
        sim = len(tg & set(it.genres)) / len(union) if union else 0.0
        if sim >= 0.34 and it.title.lower() != target.title.lower():
            best.append((sim, it))
    if not best:
        return None
    best.sort(key=lambda p: (-p[0], p[1].item_id))
    top = best[:5]
    return top[int(rng.integers(len(top)))][1]
