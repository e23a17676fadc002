"""Build simworld's bundled movie catalog from MovieLens ml-latest-small.

Usage (from the repository root; these are the defaults)::

    python tools/build_catalog.py \\
        --movielens ../shared/data/movielens/ml-latest-small \\
        --out simworld/data/catalog.csv

What it derives, per movie (see simworld/data/CATALOG_NOTICE.md for the licence):

* ``item_id``: the MovieLens movieId, as a string.
* ``title``: as people write it. The year is moved into ``year``; alternate titles in
  parentheses ("(a.k.a. 12 Monkeys)", "(Léon)") are dropped; a trailing article is moved to
  the front ("Matrix, The" -> "The Matrix", "Boot, Das" -> "Das Boot",
  "Crow, The: Wicked Prayer" -> "The Crow: Wicked Prayer").
* ``year``: the release year from the title, empty when MovieLens has none.
* ``genres``: MovieLens genres, ``|``-separated, without "(no genres listed)".
* ``tags``: up to :data:`MAX_TAGS` tags, lower-cased, most users first, skipping junk
  (numbers, long sentences, personal-list and MPAA-certificate tags, profanity).
* ``popularity``: the attention a film had when the data were collected (2018), as a rating
  count over the whole rating period: its ratings divided by its *exposure* (the share of
  the period it could be rated), 1 decimal. See :func:`exposure`.
* ``mean_rating``: the mean of its ratings, 2 decimals; ``ratings``: their number.

Why not the plain rating count: ratings pile up over the years after release, so a 2017
film had a year to collect what a 1994 film collected over the 22 years of the data set,
and the recent films a 2018 audience talks about looked obscure (32 films from 2016 on).

Exposure: MovieLens ratings run from the first to the last timestamp in ``ratings.csv``
(March 1996 to September 2018). A film counts as released in the middle of its year; its
exposure is the time from then (or from the first rating, if later) to the last rating,
at least :data:`MIN_EXPOSURE_YEARS`, as a share of the whole period. Films from before
1996 and films without a year have exposure 1, so their popularity is their rating count.

Which movies: those whose popularity is at least :data:`MIN_RATINGS` and that have at least
:data:`MIN_RAW_RATINGS` ratings (about 3,000 of 9,742: for old films the same threshold of
10 ratings as a plain count; a 2017 film needs 3), then, for any genre left with fewer than
:data:`MIN_PER_GENRE` movies, its most popular other movies until it has that many, so
every MovieLens genre stays represented. Rows are sorted by popularity (descending), then
by numeric movieId. The output is byte-for-byte deterministic (UTF-8, ``\\n`` line ends).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MOVIELENS = REPO_ROOT.parent / "shared" / "data" / "movielens" / "ml-latest-small"
DEFAULT_OUT = REPO_ROOT / "simworld" / "data" / "catalog.csv"

MIN_RATINGS = 10
"""A movie is kept when its popularity (ratings over exposure) is at least this."""
MIN_RAW_RATINGS = 3
"""...and when at least this many MovieLens users rated it, whatever its exposure."""
MIN_EXPOSURE_YEARS = 1.0
"""A film's exposure is never counted as shorter than this, so a film from the last months
of the data is not scaled up from a handful of ratings by a factor of 100."""
MIN_PER_GENRE = 20
"""Every genre keeps at least this many movies (topped up by popularity)."""
MAX_TAGS = 5
MAX_TAG_CHARS = 30
HEADER = (
    "item_id", "title", "year", "genres", "tags", "popularity", "mean_rating", "ratings"
)  # fmt: skip
SECONDS_PER_YEAR = 365.25 * 24 * 3600
NO_GENRES = "(no genres listed)"

ARTICLES = (
    "The", "A", "An",  # English
    "Le", "La", "Les", "L'", "Un", "Une",  # French
    "Il", "I", "Lo", "Gli",  # Italian
    "El", "Los", "Las",  # Spanish
    "Der", "Die", "Das", "Den", "Det",  # German, Scandinavian
    "Da",  # "Hip Hop Witch, Da"
)  # fmt: skip
"""Articles MovieLens moves to the end of a title ("Matrix, The")."""

_YEAR = re.compile(r"\s*\((\d{4})(?:\s*[-–]\s*(?:\d{4})?)?\)\s*$")
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)$")
_DANGLING = re.compile(r"(?:\s*[:;,-]\s*(?:or)?|\s+or)$", re.IGNORECASE)
_ARTICLE_AT_END = re.compile(
    r"^(?P<head>.+?), (?P<art>"
    + "|".join(re.escape(a) for a in ARTICLES)
    + r")(?P<tail>(?::| -) .*|)$"
)
_SPACES = re.compile(r"\s+")
_JUNK_TAGS = frozenset({"in netflix queue", "to see", "seen", "watched", "dvd", "owned"})
_CERTIFICATE = re.compile(r"^(?:g|pg|pg-13|r|nc-17|x)\s*:")
_PROFANITY = re.compile(r"fuck|shit|\bcunt|\bbitch")


class BuildError(Exception):
    """An input file is missing or malformed: the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Movie:
    movie_id: int
    title: str
    year: int | None
    genres: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ratings:
    """What ``ratings.csv`` says per movie, and the period its ratings span."""

    counts: Counter[int]
    means: dict[int, float]
    first: float
    """Time of the first rating, in (fractional) years since 1970 + 1970: 1996.24."""
    last: float
    """Time of the last rating, the same way: 2018.73."""


@dataclass(frozen=True, slots=True)
class Row:
    movie: Movie
    tags: tuple[str, ...]
    n_ratings: int
    mean_rating: float
    popularity: float

    def cells(self) -> list[str]:
        m = self.movie
        return [
            str(m.movie_id),
            m.title,
            "" if m.year is None else str(m.year),
            "|".join(m.genres),
            "|".join(self.tags),
            f"{self.popularity:.1f}",
            f"{self.mean_rating:.2f}",
            str(self.n_ratings),
        ]


# -- titles --------------------------------------------------------------------------------
def split_title(raw: str) -> tuple[str, int | None]:
    """A MovieLens title as people write it, and its year (None when absent).

    >>> split_title("Matrix, The (1999)")
    ('The Matrix', 1999)
    >>> split_title("Léon: The Professional (a.k.a. The Professional) (Léon) (1994)")
    ('Léon: The Professional', 1994)
    """
    title = _SPACES.sub(" ", raw).strip()
    year: int | None = None
    m = _YEAR.search(title)
    if m:
        year = int(m.group(1))
        title = title[: m.start()]
    # Drop alternate titles: "(a.k.a. 12 Monkeys)", "(Cité des enfants perdus, La)".
    stripped = False
    while True:
        shorter = _TRAILING_PAREN.sub("", title).strip()
        if shorter == title or not shorter:
            break
        title, stripped = shorter, True
    if stripped:  # "Birdman: Or (The Unexpected Virtue of Ignorance)" leaves "Birdman: Or".
        title = _DANGLING.sub("", title).strip() or title
    m2 = _ARTICLE_AT_END.match(title)
    if m2:
        art = m2["art"]
        sep = "" if art.endswith("'") else " "
        title = f"{art}{sep}{m2['head']}{m2['tail']}"
    return title, year


# -- tags ----------------------------------------------------------------------------------
def clean_tag(raw: str) -> str | None:
    """The tag lower-cased and trimmed, or None when it is junk for a catalog."""
    tag = _SPACES.sub(" ", raw).strip().strip("\"'").strip().lower()
    if not tag or len(tag) > MAX_TAG_CHARS or "|" in tag:
        return None
    if not re.search(r"[a-z]", tag):  # pure numbers and punctuation
        return None
    if tag in _JUNK_TAGS or _CERTIFICATE.match(tag) or _PROFANITY.search(tag):
        return None
    return tag


def top_tags(tag_users: dict[str, set[int]]) -> tuple[str, ...]:
    """Up to MAX_TAGS tags, by number of distinct users (then alphabetically)."""
    ranked = sorted(tag_users.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return tuple(tag for tag, _ in ranked[:MAX_TAGS])


# -- reading -------------------------------------------------------------------------------
def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    try:
        fh = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"{path}: cannot read: {exc.strerror}") from None
    with fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise BuildError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for row in reader:
            yield reader.line_num, row


def _int(path: Path, line: int, field: str, value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise BuildError(f"{path}:{line}: {field}: expected an integer, got {value!r}") from None


def read_movies(path: Path) -> dict[int, Movie]:
    movies: dict[int, Movie] = {}
    for line, row in _rows(path, ("movieId", "title", "genres")):
        movie_id = _int(path, line, "movieId", row["movieId"])
        title, year = split_title(row["title"] or "")
        if not title:
            raise BuildError(f"{path}:{line}: title: empty after cleaning {row['title']!r}")
        genres = tuple(g for g in (row["genres"] or "").split("|") if g and g != NO_GENRES)
        movies[movie_id] = Movie(movie_id, title, year, genres)
    return movies


def read_ratings(path: Path) -> Ratings:
    counts: Counter[int] = Counter()
    sums: dict[int, float] = defaultdict(float)
    first, last = float("inf"), float("-inf")
    for line, row in _rows(path, ("userId", "movieId", "rating", "timestamp")):
        movie_id = _int(path, line, "movieId", row["movieId"])
        try:
            rating = float(row["rating"] or "")
        except ValueError:
            raise BuildError(
                f"{path}:{line}: rating: expected a number, got {row['rating']!r}"
            ) from None
        stamp = _int(path, line, "timestamp", row["timestamp"])
        first, last = min(first, stamp), max(last, stamp)
        counts[movie_id] += 1
        sums[movie_id] += rating
    if not counts:
        raise BuildError(f"{path}: no ratings")
    means = {m: sums[m] / counts[m] for m in counts}
    return Ratings(counts, means, 1970 + first / SECONDS_PER_YEAR, 1970 + last / SECONDS_PER_YEAR)


def read_tags(path: Path) -> dict[int, tuple[str, ...]]:
    users: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for line, row in _rows(path, ("userId", "movieId", "tag")):
        tag = clean_tag(row["tag"] or "")
        if tag is not None:
            movie_id = _int(path, line, "movieId", row["movieId"])
            users[movie_id][tag].add(_int(path, line, "userId", row["userId"]))
    return {m: top_tags(t) for m, t in users.items()}


# -- popularity ----------------------------------------------------------------------------
def exposure(year: int | None, first: float, last: float) -> float:
    """The share of the rating period ``first``..``last`` in which a film could be rated.

    A film counts as released in the middle of ``year``; films from before the period and
    films without a year have the whole period (1). Never less than MIN_EXPOSURE_YEARS.

    >>> exposure(1994, 1996.2, 2018.7), exposure(None, 1996.2, 2018.7)
    (1.0, 1.0)
    >>> round(exposure(2017, 1996.2, 2018.7), 3)  # 1.2 of 22.5 years
    0.053
    >>> round(exposure(2018, 1996.2, 2018.7), 3)  # 0.2 years, counted as 1
    0.044
    """
    span = last - first
    if year is None or span <= 0:
        return 1.0
    years = last - max(year + 0.5, first)
    return min(1.0, max(years, MIN_EXPOSURE_YEARS) / span)


def popularity(n_ratings: int, year: int | None, first: float, last: float) -> float:
    """Ratings scaled to the whole rating period (1 decimal): attention at collection time.

    >>> popularity(329, 1994, 1996.2, 2018.7), popularity(27, 2017, 1996.2, 2018.7)
    (329.0, 506.2)
    """
    return round(n_ratings / exposure(year, first, last), 1)


# -- selection -----------------------------------------------------------------------------
def select(movies: dict[int, Movie], counts: Counter[int], pop: dict[int, float]) -> list[int]:
    """Movie ids to keep: popular ones, topped up so each genre has MIN_PER_GENRE movies."""
    kept = {m for m in movies if pop[m] >= MIN_RATINGS and counts[m] >= MIN_RAW_RATINGS}
    by_popularity = sorted(movies, key=lambda m: (-pop[m], m))
    for genre in sorted({g for mv in movies.values() for g in mv.genres}):
        have = sum(1 for m in kept if genre in movies[m].genres)
        for m in by_popularity:
            if have >= MIN_PER_GENRE:
                break
            if m not in kept and genre in movies[m].genres and counts[m] > 0:
                kept.add(m)
                have += 1
    return sorted(kept, key=lambda m: (-pop[m], m))


def build(movielens: Path) -> list[Row]:
    """The catalog rows derived from a MovieLens directory."""
    movies = read_movies(movielens / "movies.csv")
    ratings = read_ratings(movielens / "ratings.csv")
    tags = read_tags(movielens / "tags.csv")
    counts = ratings.counts
    pop = {
        m: popularity(counts[m], mv.year, ratings.first, ratings.last) for m, mv in movies.items()
    }
    return [
        Row(movies[m], tags.get(m, ()), counts[m], ratings.means[m], pop[m])
        for m in select(movies, counts, pop)
    ]


def write(rows: Iterable[Row], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(row.cells())
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--movielens",
        type=Path,
        default=DEFAULT_MOVIELENS,
        help="ml-latest-small directory (default: %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="catalog CSV to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    try:
        rows = build(args.movielens)
        n = write(rows, args.out)
    except BuildError as exc:
        print(f"build_catalog: {exc}", file=sys.stderr)
        return 2
    genres = Counter(g for r in rows for g in r.movie.genres)
    print(f"wrote {n} items, {len(genres)} genres to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
