"""Latent sampling follows its declared distributions, covers the grid, and is seed-stable."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simworld.build import sample_population
from simworld.catalog import Catalog, Item
from simworld.latents.persona import Persona
from simworld.latents.sampling import SEEN_MAX_SHARE, draw_column, quota, sample_goal, sample_seen
from simworld.scenario import validate_scenario


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.bundled()


@given(
    st.lists(st.floats(min_value=0.01, max_value=10), min_size=1, max_size=8),
    st.integers(min_value=0, max_value=500),
)
@settings(max_examples=200, deadline=None)
def test_quota_sums_and_tracks_shares(weights: list[float], n: int) -> None:
    p = np.array(weights) / sum(weights)
    counts = quota(p, n)
    assert counts.sum() == n
    assert (counts >= 0).all()
    if n >= len(p):
        assert (counts >= 1).all()  # every declared level appears when n allows
    assert np.abs(counts - p * n).max() <= 1 + (n >= len(p)) * len(p)


def test_independent_draws_follow_distribution() -> None:
    dist = {"a": 0.6, "b": 0.3, "c": 0.1}
    vals = draw_column(dist, 20_000, np.random.default_rng(1), stratified=False)
    c = Counter(vals)
    for k, p in dist.items():
        # 4 standard errors: fails only if the sampler is wrong.
        se = (p * (1 - p) / 20_000) ** 0.5
        assert abs(c[k] / 20_000 - p) < 4 * se


def test_stratified_matches_quota_exactly_and_spreads_over_cells() -> None:
    rng = np.random.default_rng(3)
    n = 300
    first = draw_column({"x": 0.5, "y": 0.5}, n, rng, stratified=True)
    second = draw_column({"r": 0.9, "s": 0.1}, n, rng, stratified=True, cells=[(v,) for v in first])
    assert Counter(second) == {"r": 270, "s": 30}
    # the rare level is dealt evenly across the cells of the first attribute
    by_cell = Counter(f for f, s in zip(first, second, strict=True) if s == "s")
    assert by_cell["x"] >= 10 and by_cell["y"] >= 10


def test_stratified_covers_every_cell_of_the_strata_grid(catalog: Catalog) -> None:
    def cells(mode: str) -> int:
        s = validate_scenario({"population": {"size": 100, "sampling": mode}, "seed": 5})
        lat = sample_population(s, catalog)
        return len(
            {
                (a.traits.patience, a.traits.decisiveness, a.traits.verbosity, a.persona.era)
                for a in lat
            }
        )

    assert cells("stratified") == 81  # 3 x 3 x 3 x 3: every corner, however rare
    assert cells("independent") < 81


def test_population_is_seed_deterministic_and_varied(catalog: Catalog) -> None:
    s = validate_scenario({"population": {"size": 60}, "seed": 11})
    a, b = sample_population(s, catalog), sample_population(s, catalog)
    assert a == b
    other = sample_population(validate_scenario({"population": {"size": 60}, "seed": 12}), catalog)
    assert a != other
    assert len({x.persona.favourite_genres for x in a}) > 20
    assert len({x.persona.occupation for x in a}) > 5
    for x in a:
        assert not set(x.persona.favourite_genres) & set(x.persona.disliked_genres)


def test_goal_is_consistent_with_persona_and_never_a_seen_film(catalog: Catalog) -> None:
    s = validate_scenario({"population": {"size": 80}, "seed": 2})
    lat = sample_population(s, catalog)
    rng = np.random.default_rng(0)
    hits = 0
    for a in lat:
        g = sample_goal(
            rng,
            catalog,
            a.persona,
            exclude=a.seen_items,
            facet_kinds=["genre", "decade", "tag", "like"],
            popularity_bias=0.7,
            accept_threshold=0.8,
            seen=a.seen_items,
        )
        assert g.target.item_id not in a.seen_items
        assert not set(g.target.genres) & set(a.persona.disliked_genres)
        hits += bool(set(g.target.genres) & set(a.persona.favourite_genres))
        for f in g.facets:
            if f.kind == "like":
                assert f.value != g.target.item_id and f.value in a.seen_items
            if f.kind == "genre":
                assert f.value in g.target.genres
        assert g.satisfaction(g.target) == 1.0
    assert hits / len(lat) > 0.9


def test_seen_films_follow_the_declared_median_and_popularity(catalog: Catalog) -> None:
    rng = np.random.default_rng(3)
    sizes = [len(sample_seen(rng, catalog, ["Comedy"], 65)) for _ in range(400)]
    assert 50 <= np.median(sizes) <= 80  # log-normal around the median
    assert np.quantile(sizes, 0.75) > 1.8 * np.quantile(sizes, 0.25)  # a real spread
    assert max(sizes) <= int(SEEN_MAX_SHARE * len(catalog))
    fixed = {len(sample_seen(rng, catalog, ["Comedy"], 40, spread=0.0)) for _ in range(20)}
    assert fixed == {40}
    assert sample_seen(rng, catalog, ["Comedy"], 0) == frozenset()
    # Popular films are seen far more often than obscure ones.
    order = np.argsort(catalog.popularity)
    top = {catalog.items[i].item_id for i in order[-50:]}
    bottom = {catalog.items[i].item_id for i in order[:50]}
    draws = [sample_seen(rng, catalog, [], 30, spread=0.0) for _ in range(200)]
    assert sum(len(d & top) for d in draws) > 10 * max(1, sum(len(d & bottom) for d in draws))


def test_favourite_genres_follow_how_often_seekers_name_them(catalog: Catalog) -> None:
    lat = sample_population(validate_scenario({"population": {"size": 400}, "seed": 5}), catalog)
    favs = Counter(g for a in lat for g in a.persona.favourite_genres)
    assert favs["Comedy"] > 2 * favs["Crime"]  # ReDial seekers: 0.31 vs 0.03 of dialogues
    assert favs["Horror"] > favs["Adventure"]
    assert favs["IMAX"] < 0.02 * sum(favs.values())
    pop = sample_population(
        validate_scenario({
            "population": {"size": 400}, "seed": 5,
            "persona": {"favourite_genres": {"weights": "popularity"}},
        }),
        catalog,
    )
    assert Counter(g for a in pop for g in a.persona.favourite_genres)["IMAX"] > favs["IMAX"]


def test_the_genre_a_user_names_is_one_seekers_name() -> None:
    item = Item("x", "Big Film", 2012, ("Comedy", "Crime", "IMAX"), (), 10)
    cat = Catalog((item,))
    persona = Persona("25-34", "chef", ("Western",), (), "any")
    rng = np.random.default_rng(0)
    named = Counter(
        sample_goal(
            rng, cat, persona, exclude=frozenset(), facet_kinds=["genre"],
            popularity_bias=0.7, accept_threshold=0.8, seen=frozenset(),
        ).facets[0].value
        for _ in range(400)
    )
    assert named["Comedy"] > 5 * named["Crime"] and named["IMAX"] < 20
