"""The item catalog: the bundled MovieLens-derived file, the CSV loader, title matching,
and the build script that makes the bundled file."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from simworld.catalog import Catalog, Item, normalize
from simworld.errors import DataError

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "simworld" / "data" / "catalog.csv"
BUILD_SCRIPT = REPO / "tools" / "build_catalog.py"
MOVIELENS = REPO.parent / "shared" / "data" / "movielens" / "ml-latest-small"
HEADER = "item_id,title,year,genres,tags,popularity"
MOVIELENS_GENRES = {
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi",
    "Thriller", "War", "Western",
}  # fmt: skip


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return Catalog.bundled()


def _titles(cat: Catalog, text: str) -> list[str]:
    return [it.title for it in cat.match_titles(text)]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# -- the bundled catalog -------------------------------------------------------------------
def test_bundled_catalog_loads_with_sane_sizes(cat: Catalog) -> None:
    assert 2500 <= len(cat) <= 3500
    assert set(cat.genres) == MOVIELENS_GENRES
    assert cat.genre_matrix.shape == (len(cat), len(MOVIELENS_GENRES))
    assert cat.genre_matrix.sum(axis=0).min() >= 20  # every genre keeps at least 20 films
    assert cat.popularity.min() >= 10
    assert cat.years.min() >= 1900 and cat.years.max() <= 2018
    assert len(cat.tags) > 0 and all(t == t.lower() and "|" not in t for t in cat.tags)


def test_bundled_rows_have_titles_unique_ids_and_order(cat: Catalog) -> None:
    ids = [it.item_id for it in cat]
    assert len(set(ids)) == len(ids) == len(cat)
    assert all(it.title.strip() == it.title and it.title for it in cat)
    assert all(it.item_id.isdigit() for it in cat)
    assert not any("(a.k.a." in it.title or it.title.endswith(", The") for it in cat)
    keys = [(-it.popularity, int(it.item_id)) for it in cat]
    assert keys == sorted(keys)
    header = BUNDLED.read_text(encoding="utf-8").splitlines()[0]
    assert header == HEADER + ",mean_rating,ratings"


def test_bundled_popularity_is_attention_in_2018_not_cumulative_ratings(cat: Catalog) -> None:
    """Popularity is the rating count scaled to the whole 1996-2018 rating period, so a
    film from before 1996 keeps its count and recent films compete with old ones."""
    with BUNDLED.open(newline="", encoding="utf-8") as fh:
        rows = {r["item_id"]: r for r in csv.DictReader(fh)}
    gump = rows["356"]  # Forrest Gump (1994): exposed the whole period
    assert float(gump["popularity"]) == int(gump["ratings"]) == 329
    logan = rows["168252"]  # Logan (2017): 25 ratings in about 1.2 of 22.5 years
    assert int(logan["ratings"]) == 25 and 400 < float(logan["popularity"]) < 500
    assert all(float(r["popularity"]) >= int(r["ratings"]) >= 3 for r in rows.values())
    recent = [it for it in cat if it.year is not None and it.year >= 2016]
    assert len(recent) >= 100  # the plain count kept 32
    top100_years = [it.year for it in cat.items[:100] if it.year is not None]
    assert sum(y >= 2010 for y in top100_years) >= 20


def test_bundled_titles_read_as_people_write_them(cat: Catalog) -> None:
    matrix = cat.get("2571")
    assert (matrix.title, matrix.year, matrix.decade) == ("The Matrix", 1999, 1990)
    assert matrix.display_title == "The Matrix (1999)"
    assert "Sci-Fi" in matrix.genres
    assert cat.get("47").title == "Seven"  # "Seven (a.k.a. Se7en) (1995)"
    assert "2571" in cat and "no-such-id" not in cat
    assert cat.index("2571") == [it.item_id for it in cat].index("2571")
    sub = cat.subset(["2571", "47"])
    assert [it.title for it in sub] == ["The Matrix", "Seven"]


# -- from_csv errors -----------------------------------------------------------------------
def test_from_csv_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.csv"
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == f"{path}: cannot read catalog: No such file or directory"


def test_from_csv_missing_column(tmp_path: Path) -> None:
    path = _write(tmp_path / "cat.csv", "item_id,title,year,genres,tags\nm1,Heat,1995,,\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == (
        f"{path}:1: missing column(s) popularity; a catalog needs "
        "item_id, title, year, genres, tags, popularity"
    )


def test_from_csv_bad_year_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "cat.csv", f"{HEADER}\nm1,Heat,1995,,,3\nm2,Up,abc,,,4\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == f"{path}:3: year: expected an integer year or empty, got 'abc'"
    assert (err.value.file, err.value.line) == (str(path), 3)


def test_from_csv_fractional_year(tmp_path: Path) -> None:
    path = _write(tmp_path / "cat.csv", f"{HEADER}\nm1,Heat,1995.5,,,3\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == f"{path}:2: year: expected an integer year or empty, got '1995.5'"


def test_from_csv_negative_popularity(tmp_path: Path) -> None:
    path = _write(tmp_path / "cat.csv", f"{HEADER}\nm1,Heat,1995,,,-3\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == f"{path}:2: popularity: expected a number >= 0, got '-3'"


def test_from_csv_empty_title(tmp_path: Path) -> None:
    path = _write(tmp_path / "cat.csv", f"{HEADER}\nm1,Heat,1995,,,3\nm2,  ,1995,,,3\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == f"{path}:3: title: expected a non-empty title, got '' (item_id 'm2')"


def test_from_csv_duplicate_id_and_empty_file(tmp_path: Path) -> None:
    dup = _write(tmp_path / "dup.csv", f"{HEADER}\nm1,Heat,1995,,,3\nm1,Up,2009,,,3\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(dup)
    assert str(err.value) == f"{dup}:3: item_id: duplicate 'm1' (first on line 2)"
    empty = _write(tmp_path / "empty.csv", f"{HEADER}\n")
    with pytest.raises(DataError) as err:
        Catalog.from_csv(empty)
    assert str(err.value) == f"{empty}: catalog has no items"


def test_from_csv_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(f"{HEADER}\nm1,Am\xe9lie,2001,,,3\n".encode("latin-1"))
    with pytest.raises(DataError) as err:
        Catalog.from_csv(path)
    assert str(err.value) == f"{path}: not UTF-8 text (invalid continuation byte)"


def test_from_csv_reads_a_users_catalog(tmp_path: Path) -> None:
    text = (
        "\ufeff" + HEADER + ",extra\n"
        'b1,"Book, The",,Fiction|(no genres listed),Cozy | long ,0,x\n'
        "b2,Another Book,2001,Fiction|Mystery,,12.5,y\n"
    )
    cat = Catalog.from_csv(_write(tmp_path / "books.csv", text), source="books")
    assert cat.source == "books"
    assert cat.get("b1") == Item("b1", "Book, The", None, ("Fiction",), ("Cozy", "long"), 0.0)
    assert cat.get("b2").year == 2001 and cat.get("b2").popularity == 12.5
    assert cat.genres == ("Fiction", "Mystery")
    assert cat.years.tolist() == [0, 2001]


# -- normalize and match_titles ------------------------------------------------------------
def test_normalize_folds_case_accents_apostrophes_and_ampersand() -> None:
    assert normalize("Léon: The Professional") == "leon the professional"
    assert normalize("Schindler's List") == normalize("Schindlers list") == "schindlers list"
    assert normalize("Dumb & Dumber") == "dumb and dumber"
    assert normalize("  It’s   UP!! ") == "its up"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("have you seen the matrix?", ["The Matrix"]),
        ("I loved Heat", ["Heat"]),
        ("Have you seen Her? It was great", ["Her"]),
        ("My brother liked The Game a lot", ["The Game"]),
        ("How about Big Fish or Home Alone?", ["Big Fish", "Home Alone"]),
        ('what about "Up"?', ["Up"]),
        ("Up (2009) made me cry", ["Up"]),
        ("Seven is one of my favourites", ["Seven"]),
        ("i loved toy story and the lion king", ["Toy Story", "The Lion King"]),
        ("Leon the professional is worth it", ["Léon: The Professional"]),
        ("dumb and dumber made me laugh", ["Dumb & Dumber"]),
        ("I think schindlers list is a masterpiece", ["Schindler's List"]),
        ("Did you like Get Out?", ["Get Out"]),
        ("I LOVED INCEPTION", ["Inception"]),
        ("Have you watched Halloween?", ["Halloween"]),
        (
            "The Shawshank Redemption (1994), Heat and Big.",
            ["The Shawshank Redemption", "Heat", "Big"],
        ),
        ("1. Up\n2. Heat\n3. Big", ["Up", "Heat", "Big"]),
        # A bare franchise name is its most popular film in 2018 (popularity is attention
        # then, not cumulative ratings); a year picks another one.
        ("we could rewatch star wars", ["Star Wars: Episode VII - The Force Awakens"]),
        ("we could rewatch star wars (1977)", ["Star Wars: Episode IV - A New Hope"]),
        ("I loved Heat's ending", ["Heat"]),
        ("we liked *up* and 'taken'", ["Up", "Taken"]),
        ("@Taken was good", ["Taken"]),
        ("Watch The Matrix, then The Matrix again", ["The Matrix"]),
    ],
)
def test_match_titles_finds_mentions(cat: Catalog, text: str, expected: list[str]) -> None:
    assert _titles(cat, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "it was up to me",
        "I like comedies from the 90s",
        "something scary please",
        "thanks, that sounds great",
        "Thanks for the help, have a great day!",
        "Hi there! I'm in the mood for a good movie tonight.",
        "Can you suggest something funny for a date night?",
        "I have seen it already, it was okay but not great.",
        "I'm looking for a classic, something old school.",
        "The game last night was boring so I want a movie instead.",
        "Big fan of anything with aliens or space travel.",
        "Her performance in that film was incredible.",
        "It is one of my favourite movies of all time.",
        "Home alone tonight, so anything goes.",
        "Get out of here, that's hilarious!",
        "The others in my family prefer comedies.",
        "Seven of us are coming over, so something everyone likes.",
        "Go ahead and surprise me.",
        "Next, I'd like something a bit darker.",
        "I like films with Jack Black and Emma Stone.",
        "Do you know any movies set in Chicago or New York?",
        "What should we watch for Halloween this year?",
        "We are planning a movie night on Friday.",
        "I watched 300 movies last year, believe it or not.",
        "HI I WANT A FUNNY MOVIE FOR TONIGHT PLEASE",
        "Have You Got Any Good Movies For Me Tonight",
        "My friends and I love a good scary movie.",
        "I need something to cheer me up after a long week.",
        '"up to you," she said, "the game is on"',
    ],
)
def test_match_titles_ignores_ordinary_chat(cat: Catalog, text: str) -> None:
    assert _titles(cat, text) == []


def test_title_mentions_give_spans_and_keep_repeats(cat: Catalog) -> None:
    text = "Watch the matrix, then The Matrix (1999) again; Heat's score is great."
    spans = [(m.item.title, text[m.start : m.end]) for m in cat.title_mentions(text)]
    assert spans == [
        ("The Matrix", "the matrix"),
        ("The Matrix", "The Matrix"),
        ("Heat", "Heat's"),
    ]


def test_match_titles_year_picks_between_remakes(cat: Catalog) -> None:
    remakes = [it for it in cat if it.title == "The Italian Job"]
    assert sorted(it.year or 0 for it in remakes) == [1969, 2003]
    assert [it.year for it in cat.match_titles("The Italian Job (1969)")] == [1969]
    assert [it.year for it in cat.match_titles("the italian job 2003")] == [2003]
    most_rated = max(remakes, key=lambda it: it.popularity)
    assert cat.match_titles("I liked The Italian Job") == [most_rated]


def test_match_titles_on_a_users_catalog(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\nx1,Moon,2009,Sci-Fi,,5\nx2,The Red Balloon,1956,,,2\nx3,Moonstruck,1987,,,9\n"
    )
    cat = Catalog.from_csv(_write(tmp_path / "c.csv", text))
    assert _titles(cat, "the red balloon and Moonstruck") == ["The Red Balloon", "Moonstruck"]
    assert _titles(cat, "I liked Moon") == ["Moon"]
    assert _titles(cat, "over the moon") == []


# -- the build script ----------------------------------------------------------------------
def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_catalog", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_catalog"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("raw", "title", "year"),
    [
        ("Matrix, The (1999)", "The Matrix", 1999),
        ("Twelve Monkeys (a.k.a. 12 Monkeys) (1995)", "Twelve Monkeys", 1995),
        ("Léon: The Professional (a.k.a. The Professional) (Léon) (1994)",
         "Léon: The Professional", 1994),
        ("Boot, Das (Boat, The) (1981)", "Das Boot", 1981),
        ("Misérables, Les (1995)", "Les Misérables", 1995),
        ("Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il) (1966)",
         "The Good, the Bad and the Ugly", 1966),
        ("Crow, The: Wicked Prayer (2005)", "The Crow: Wicked Prayer", 2005),
        ("Birdman: Or (The Unexpected Virtue of Ignorance) (2014)", "Birdman", 2014),
        ("(500) Days of Summer (2009)", "(500) Days of Summer", 2009),
        ("Death Note: Desu nôto (2006–2007)", "Death Note: Desu nôto", 2006),
        ("Babylon 5", "Babylon 5", None),
        ("Paris, I Love You (Paris, je t'aime) (2006)", "Paris, I Love You", 2006),
    ],
)  # fmt: skip
def test_build_split_title(raw: str, title: str, year: int | None) -> None:
    assert _build_module().split_title(raw) == (title, year)


def test_build_clean_tag_skips_junk() -> None:
    clean = _build_module().clean_tag
    assert clean("  Dark Comedy ") == "dark comedy"
    assert clean('"artsy"') == "artsy"
    assert [clean(t) for t in ("1984", "In Netflix queue", "R:violence", "a|b", "x" * 31)] == [
        None
    ] * 5


def test_build_exposure_and_popularity() -> None:
    build = _build_module()
    first, last = 2000.0, 2020.0
    assert build.exposure(1990, first, last) == build.exposure(None, first, last) == 1.0
    assert build.exposure(2009, first, last) == pytest.approx(10.5 / 20)
    assert build.exposure(2020, first, last) == pytest.approx(1 / 20)  # at least a year
    assert build.popularity(40, 1990, first, last) == 40.0
    assert build.popularity(21, 2009, first, last) == 40.0  # same rate as the 1990 film


def _mini_movielens(root: Path) -> Path:
    """A three-year MovieLens-shaped directory: ratings from 2000.0 to 2003.0."""
    y2000, year = 946_684_800, int(365.25 * 24 * 3600)
    movies = [
        "movieId,title,genres",
        "1,Old Hit (1990),Drama",  # 10 ratings over 3 years: kept at 10
        "2,Old Flop (1991),Drama",  # 9: dropped
        "3,New Hit (2002),Drama",  # 4 ratings in 1 year: popularity 12, kept
        '4,"Newest, The (2003)",Drama',  # 3 ratings, exposure counted as 1 year: 9, dropped
    ]
    counts = {1: 10, 2: 9, 3: 4, 4: 3}
    ratings = ["userId,movieId,rating,timestamp"]
    for movie, n in counts.items():
        stamp = y2000 if movie < 3 else y2000 + 2 * year
        ratings += [f"{u},{movie},4.0,{stamp}" for u in range(n)]
    ratings.append(f"99,1,4.0,{y2000 + 3 * year}")  # the last rating: 2003.0
    root.mkdir()
    (root / "movies.csv").write_text("\n".join(movies) + "\n", encoding="utf-8")
    (root / "ratings.csv").write_text("\n".join(ratings) + "\n", encoding="utf-8")
    (root / "tags.csv").write_text("userId,movieId,tag,timestamp\n", encoding="utf-8")
    return root


def test_build_keeps_recent_films_by_their_rate(tmp_path: Path) -> None:
    build = _build_module()
    rows = build.build(_mini_movielens(tmp_path / "ml"))
    got = [(r.movie.title, r.n_ratings, r.popularity) for r in rows]
    assert got[0] == ("New Hit", 4, 12.0)
    assert got[1] == ("Old Hit", 11, 11.0)
    # Drama is topped up to MIN_PER_GENRE with the rest, most popular first.
    assert [g[0] for g in got[2:]] == ["Old Flop", "The Newest"]


def test_build_needs_rating_timestamps(tmp_path: Path) -> None:
    root = _mini_movielens(tmp_path / "ml")
    ratings = root / "ratings.csv"
    ratings.write_text("userId,movieId,rating\n1,1,4.0\n", encoding="utf-8")
    build = _build_module()
    with pytest.raises(build.BuildError) as err:
        build.build(root)
    assert str(err.value) == f"{ratings}:1: missing column(s) timestamp"


def test_build_reports_a_missing_input(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            str(BUILD_SCRIPT),
            "--movielens",
            str(tmp_path),
            "--out",
            str(tmp_path / "o.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    movies = tmp_path / "movies.csv"
    assert run.stderr == f"build_catalog: {movies}: cannot read: No such file or directory\n"


def test_build_reproduces_the_bundled_catalog(tmp_path: Path) -> None:
    if not (MOVIELENS / "ratings.csv").is_file():
        pytest.skip(f"MovieLens ml-latest-small not found at {MOVIELENS}")
    out = tmp_path / "catalog.csv"
    run = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--movielens", str(MOVIELENS), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes() == BUNDLED.read_bytes()
    with out.open(newline="", encoding="utf-8") as fh:
        assert len(list(csv.reader(fh))) == len(Catalog.bundled()) + 1
