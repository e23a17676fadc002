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
* ``popularity``: the number of ratings; ``mean_rating``: their mean, 2 decimals.

Which movies: those with at least :data:`MIN_RATINGS` ratings (about 2,300 of 9,742), then,
for any genre left with fewer than :data:`MIN_PER_GENRE` movies, its most-rated other movies
until it has that many, so every MovieLens genre stays represented. Rows are sorted by
popularity (descending), then by numeric movieId. The output is byte-for-byte deterministic
(UTF-8, ``\\n`` line ends).
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
"""A movie is kept when at least this many MovieLens users rated it."""
MIN_PER_GENRE = 20
"""Every genre keeps at least this many movies (topped up by rating count)."""
MAX_TAGS = 5
MAX_TAG_CHARS = 30
HEADER = ("item_id", "title", "year", "genres", "tags", "popularity", "mean_rating")
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
class Row:
    movie: Movie
    tags: tuple[str, ...]
    n_ratings: int
    mean_rating: float

    def cells(self) -> list[str]:
        m = self.movie
        return [
            str(m.movie_id),
            m.title,
            "" if m.year is None else str(m.year),
            "|".join(m.genres),
            "|".join(self.tags),
            str(self.n_ratings),
            f"{self.mean_rating:.2f}",
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


def read_ratings(path: Path) -> tuple[Counter[int], dict[int, float]]:
    counts: Counter[int] = Counter()
    sums: dict[int, float] = defaultdict(float)
    for line, row in _rows(path, ("userId", "movieId", "rating")):
        movie_id = _int(path, line, "movieId", row["movieId"])
        try:
            rating = float(row["rating"] or "")
        except ValueError:
            raise BuildError(
                f"{path}:{line}: rating: expected a number, got {row['rating']!r}"
            ) from None
        counts[movie_id] += 1
        sums[movie_id] += rating
    means = {m: sums[m] / counts[m] for m in counts}
    return counts, means


def read_tags(path: Path) -> dict[int, tuple[str, ...]]:
    users: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for line, row in _rows(path, ("userId", "movieId", "tag")):
        tag = clean_tag(row["tag"] or "")
        if tag is not None:
            movie_id = _int(path, line, "movieId", row["movieId"])
            users[movie_id][tag].add(_int(path, line, "userId", row["userId"]))
    return {m: top_tags(t) for m, t in users.items()}


# -- selection -----------------------------------------------------------------------------
def select(movies: dict[int, Movie], counts: Counter[int]) -> list[int]:
    """Movie ids to keep: popular ones, topped up so each genre has MIN_PER_GENRE movies."""
    kept = {m for m in movies if counts[m] >= MIN_RATINGS}
    by_popularity = sorted(movies, key=lambda m: (-counts[m], m))
    for genre in sorted({g for mv in movies.values() for g in mv.genres}):
        have = sum(1 for m in kept if genre in movies[m].genres)
        for m in by_popularity:
            if have >= MIN_PER_GENRE:
                break
            if m not in kept and genre in movies[m].genres and counts[m] > 0:
                kept.add(m)
                have += 1
    return sorted(kept, key=lambda m: (-counts[m], m))


def build(movielens: Path) -> list[Row]:
    """The catalog rows derived from a MovieLens directory."""
    movies = read_movies(movielens / "movies.csv")
    counts, means = read_ratings(movielens / "ratings.csv")
    tags = read_tags(movielens / "tags.csv")
    return [Row(movies[m], tags.get(m, ()), counts[m], means[m]) for m in select(movies, counts)]


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
