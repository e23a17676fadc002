"""Item ranking for the reference CRS: a session's preferences -> the best unseen items.

Two strategies, chosen per server so they can be A/B-tested against each other:

* ``preference`` scores every item with numpy over the catalog's arrays: liked genres up and
  disliked genres strongly down, fit to the wanted decade/years/era, overlap with wanted tags,
  similarity (genre+tag Jaccard) to titles the user liked and away from titles they disliked,
  plus a small log-popularity prior;
* ``popularity`` ignores everything the user said except the hard exclusions: the most
  popular items not yet shown, seen or rejected. A deliberately weaker baseline.

Both are deterministic: ties go to the smaller item id.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np
import numpy.typing as npt

from simworld.catalog import Catalog, Item
from simworld.crs.nlu import Era, Reading

Strategy = Literal["preference", "popularity"]
STRATEGIES: tuple[Strategy, ...] = ("preference", "popularity")

FloatArray = npt.NDArray[np.float64]

# Score weights of the preference strategy (a liked genre outweighs the popularity prior,
# a disliked one rules an item out unless nothing else is left).
W_GENRE = 3.0
W_GENRE_NEG = -6.0
W_TAG = 1.5
W_TAG_NEG = -3.0
W_PERIOD = 2.0
W_RANGE = -3.0
W_NEG_DECADE = -4.0
W_ERA = 1.5
W_SIMILAR = 2.5
W_DISSIMILAR = -1.5
W_POPULARITY = 1.0
RECENCY_DECAY = 0.6  # older liked genres/tags keep this share of weight when new ones come
MAX_LIKED = 5  # titles used for similarity (the most recent ones)


@dataclass
class Preferences:
    """What one session has said so far, accumulated turn by turn.

    ``genres``/``tags`` map to a weight: > 0 wanted (recent mentions weigh more), < 0 unwanted.
    Period fields hold the latest stated period; ``liked``/``disliked`` are item ids in the
    order mentioned, ``rejected`` the recommendations turned down (a weaker dislike).
    """

    genres: dict[str, float] = field(default_factory=dict)
    tags: dict[str, float] = field(default_factory=dict)
    decades: set[int] = field(default_factory=set)
    neg_decades: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    after: int | None = None
    before: int | None = None
    era: Era | None = None
    liked: list[str] = field(default_factory=list)
    disliked: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    @property
    def has_content(self) -> bool:
        """True once something says *what* the user wants (a genre, a tag or a liked title)."""
        return (
            any(w > 0 for w in self.genres.values())
            or any(w > 0 for w in self.tags.values())
            or bool(self.liked)
        )

    @property
    def has_period(self) -> bool:
        return bool(
            self.decades or self.years or self.era or self.after is not None
            or self.before is not None
        )

    @property
    def is_empty(self) -> bool:
        return not (
            self.genres or self.tags or self.has_period or self.neg_decades or self.liked
            or self.disliked
        )

    def absorb(self, reading: Reading) -> bool:
        """Fold one utterance in; True when it changed the preferences."""
        before = self._snapshot()
        _update_weights(self.genres, reading.genres, reading.neg_genres)
        _update_weights(self.tags, reading.tags, reading.neg_tags)
        if reading.decades or reading.years or reading.era or reading.after is not None or (
            reading.before is not None
        ):
            # a newly stated period replaces the old one ("actually, the 80s")
            self.decades = set(reading.decades)
            self.years = set(reading.years)
            self.era = reading.era
            self.after = reading.after
            self.before = reading.before
            self.neg_decades -= self.decades
        self.neg_decades |= set(reading.neg_decades)
        self.decades -= set(reading.neg_decades)
        for item_id in reading.liked:
            _move_to_end(self.liked, item_id)
            _remove(self.disliked, item_id)
        for item_id in reading.disliked:
            _move_to_end(self.disliked, item_id)
            _remove(self.liked, item_id)
        return self._snapshot() != before

    def like(self, item_id: str) -> None:
        _move_to_end(self.liked, item_id)
        _remove(self.disliked, item_id)

    def dislike(self, item_id: str) -> None:
        _move_to_end(self.disliked, item_id)
        _remove(self.liked, item_id)

    def reject(self, item_ids: Sequence[str]) -> None:
        for item_id in item_ids:
            _move_to_end(self.rejected, item_id)

    def clear(self) -> None:
        """Forget every stated preference (the user starts over); rejections stay."""
        fresh = Preferences(rejected=self.rejected)
        for f in fields(self):
            setattr(self, f.name, getattr(fresh, f.name))

    def _snapshot(self) -> tuple[object, ...]:
        return (
            sorted(self.genres.items()), sorted(self.tags.items()), sorted(self.decades),
            sorted(self.neg_decades), sorted(self.years), self.after, self.before, self.era,
            tuple(self.liked), tuple(self.disliked),
        )


def _update_weights(
    weights: dict[str, float], liked: Sequence[str], disliked: Sequence[str]
) -> None:
    if liked:
        for key, w in weights.items():
            if w > 0 and key not in liked:
                weights[key] = w * RECENCY_DECAY
        for key in liked:
            weights[key] = 1.0
    for key in disliked:
        weights[key] = -1.0


def _move_to_end(values: list[str], value: str) -> None:
    _remove(values, value)
    values.append(value)


def _remove(values: list[str], value: str) -> None:
    if value in values:
        values.remove(value)


@dataclass(frozen=True, slots=True)
class Ranked:
    """One recommended item with its score (higher is better)."""

    item: Item
    score: float


@dataclass(frozen=True, slots=True)
class Reasons:
    """Why an item fits, for the pitch and for "why?": the parts of its score that count."""

    genres: tuple[str, ...]  # liked genres it has
    tags: tuple[str, ...]  # wanted tags it has
    period: str | None  # reads after "something": "from the 1990s", "from 1995", "older"...
    similar_to: Item | None  # the liked title it resembles most
    popular: bool  # among the most popular tenth of the catalog


class RankIndex:
    """The catalog as arrays for scoring. Build once per catalog; read-only afterwards."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        n = len(catalog)
        self.genre_col = {g: j for j, g in enumerate(catalog.genres)}
        self.genre_m: FloatArray = catalog.genre_matrix.astype(np.float64)
        self.genre_count: FloatArray = self.genre_m.sum(axis=1)
        tag_lists: dict[str, list[int]] = {}
        for i, it in enumerate(catalog.items):
            for t in set(it.tags):
                tag_lists.setdefault(t, []).append(i)
        self.tag_items = {t: np.array(ix, dtype=np.intp) for t, ix in tag_lists.items()}
        self.tag_count: FloatArray = np.array(
            [len(set(it.tags)) for it in catalog.items], dtype=np.float64
        )
        self.years = catalog.years.astype(np.int64)
        self.has_year = self.years > 0
        self.decades = (self.years // 10) * 10
        pop = np.log1p(catalog.popularity)
        top = float(pop.max()) if n else 0.0
        self.pop_prior: FloatArray = pop / top if top > 0 else np.zeros(n)
        order = sorted(range(n), key=lambda i: catalog.items[i].item_id)
        self.id_rank = np.empty(n, dtype=np.int64)
        self.id_rank[order] = np.arange(n)
        self.popular_cut = float(np.quantile(self.pop_prior, 0.9)) if n else 0.0

    # -- scoring ------------------------------------------------------------------------
    def similarity(self, i: int) -> FloatArray:
        """Jaccard similarity of every item's genre+tag set to item ``i``'s."""
        inter: FloatArray = self.genre_m @ self.genre_m[i]
        for t in set(self.catalog.items[i].tags):
            inter[self.tag_items[t]] += 1.0
        union = self.genre_count + self.tag_count + self.genre_count[i] + self.tag_count[i] - inter
        out: FloatArray = np.zeros(len(inter))
        np.divide(inter, union, out=out, where=union > 0)
        return out

    def scores(self, prefs: Preferences, strategy: Strategy = "preference") -> FloatArray:
        """One score per catalog item (before exclusions)."""
        if strategy == "popularity":
            return W_POPULARITY * self.pop_prior.copy()
        s = W_POPULARITY * self.pop_prior.copy()
        s += self._genre_scores(prefs.genres)
        s += self._tag_scores(prefs.tags)
        s += self._period_scores(prefs)
        for ids, weight in ((prefs.liked, W_SIMILAR), (prefs.disliked, W_DISSIMILAR),
                            (prefs.rejected, W_DISSIMILAR / 2)):
            idx = [self.catalog.index(x) for x in ids[-MAX_LIKED:] if x in self.catalog]
            if idx:
                s += weight * np.max([self.similarity(i) for i in idx], axis=0)
        return s

    def _genre_scores(self, genres: dict[str, float]) -> FloatArray:
        n = len(self.catalog)
        pos = np.zeros(len(self.genre_col))
        neg = np.zeros(len(self.genre_col))
        for g, w in genres.items():
            j = self.genre_col.get(g)
            if j is None:
                continue
            if w > 0:
                pos[j] = w
            else:
                neg[j] = 1.0
        out = np.zeros(n)
        if pos.sum() > 0:
            out += W_GENRE * (self.genre_m @ pos) / pos.sum()
        if neg.any():
            out += W_GENRE_NEG * ((self.genre_m @ neg) > 0)
        return out

    def _tag_scores(self, tags: dict[str, float]) -> FloatArray:
        out = np.zeros(len(self.catalog))
        pos_total = sum(w for w in tags.values() if w > 0)
        for t, w in tags.items():
            ix = self.tag_items.get(t)
            if ix is None:
                continue
            if w > 0:
                out[ix] += W_TAG * w / pos_total
            else:
                out[ix] += W_TAG_NEG
        return out

    def _period_scores(self, prefs: Preferences) -> FloatArray:
        n = len(self.catalog)
        out = np.zeros(n)
        fit = np.zeros(n)
        if prefs.decades:
            for d in prefs.decades:
                gap = np.abs(self.decades - d)
                fit = np.maximum(fit, np.where(gap == 0, 1.0, np.where(gap == 10, 0.4, 0.0)))
        for y in prefs.years:
            gap = np.abs(self.years - y)
            near = np.where(gap == 0, 1.0, np.where(gap <= 2, 0.7, 0.0))
            near = np.maximum(near, np.where(self.decades == (y // 10) * 10, 0.5, 0.0))
            fit = np.maximum(fit, near)
        out += W_PERIOD * np.where(self.has_year, fit, 0.0)
        if prefs.after is not None:
            out += W_RANGE * ~(self.has_year & (self.years >= prefs.after))
        if prefs.before is not None:
            out += W_RANGE * ~(self.has_year & (self.years < prefs.before))
        if prefs.neg_decades:
            out += W_NEG_DECADE * np.isin(self.decades, sorted(prefs.neg_decades))
        if prefs.era is not None:
            out += W_ERA * self.era_fit(prefs.era)
        return out

    def era_fit(self, era: Era) -> FloatArray:
        """1 for classics (before 1990) or recent films (2005 on), graded in between."""
        y = self.years.astype(np.float64)
        if era == "old":
            fit = np.clip((2000.0 - y) / 10.0, 0.0, 1.0)
        else:
            fit = np.clip((y - 1995.0) / 10.0, 0.0, 1.0)
        return np.where(self.has_year, fit, 0.0)

    # -- ranking ------------------------------------------------------------------------
    def rank(
        self,
        prefs: Preferences,
        *,
        exclude: Collection[str] = (),
        k: int = 3,
        strategy: Strategy = "preference",
    ) -> list[Ranked]:
        """The ``k`` best items not in ``exclude``, best first; ties by item id."""
        scores = self.scores(prefs, strategy)
        allowed = np.ones(len(self.catalog), dtype=bool)
        for item_id in exclude:
            if item_id in self.catalog:
                allowed[self.catalog.index(item_id)] = False
        cand = np.flatnonzero(allowed)
        if cand.size == 0 or k <= 0:
            return []
        rounded = np.round(scores[cand], 9)
        order = np.lexsort((self.id_rank[cand], -rounded))[:k]
        return [Ranked(self.catalog.items[int(cand[j])], float(rounded[j])) for j in order]

    def explain(self, prefs: Preferences, item: Item) -> Reasons:
        """The preferences ``item`` satisfies, strongest first."""
        i = self.catalog.index(item.item_id)
        liked_genres = sorted(
            (g for g in item.genres if prefs.genres.get(g, 0) > 0),
            key=lambda g: (-prefs.genres[g], g),
        )
        liked_tags = sorted(
            (t for t in set(item.tags) if prefs.tags.get(t, 0) > 0),
            key=lambda t: (-prefs.tags[t], t),
        )
        similar: Item | None = None
        best = 0.0
        for x in prefs.liked[-MAX_LIKED:]:
            if x in self.catalog and x != item.item_id:
                sim = float(self.similarity(self.catalog.index(x))[i])
                if sim > best:
                    best, similar = sim, self.catalog.get(x)
        return Reasons(
            genres=tuple(liked_genres),
            tags=tuple(liked_tags),
            period=self._period_reason(prefs, item),
            similar_to=similar if best >= 0.2 else None,
            popular=bool(self.pop_prior[i] >= self.popular_cut),
        )

    def _period_reason(self, prefs: Preferences, item: Item) -> str | None:
        y = item.year
        if y is None:
            return None
        if y in prefs.years:
            return f"from {y}"
        if item.decade in prefs.decades:
            return f"from the {item.decade}s"
        lo, hi = prefs.after, prefs.before
        if lo is not None and hi is not None and lo <= y < hi:
            return f"from between {lo} and {hi - 1}"
        if lo is not None and hi is None and y >= lo:
            return f"from {lo} or later"
        if hi is not None and lo is None and y < hi:
            return f"from before {hi}"
        if prefs.era == "old" and y < 1990:
            return "older"
        if prefs.era == "new" and y >= 2005:
            return "recent"
        return None
