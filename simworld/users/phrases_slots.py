"""Ways to mention what a phrase's slots stand for: a genre, a decade, an era, a tag, a liked
film, a disliked genre, and the reason an item misses the goal.

Each function returns the candidate wordings of one slot; the caller picks one with its
generator. Keeping the wordings here (not in the phrases) lets every phrase say "comedies",
"a comedy", "something funny" or "comedy stuff" without being written four times.
"""

from __future__ import annotations

from dataclasses import dataclass

from simworld.users.goal import Facet


@dataclass(frozen=True, slots=True)
class GenreLex:
    """Wordings of one genre.

    ``sg``: singular noun phrases ("a comedy", "something funny"); ``pl``: plurals
    ("comedies"); ``mass``: uncountable forms ("comedy", "comedy stuff"); ``mod``: modifiers
    before "movie" ("comedy", "funny"); ``adj``: what too much of it feels like ("silly").
    """

    sg: tuple[str, ...]
    pl: tuple[str, ...]
    mass: tuple[str, ...]
    mod: tuple[str, ...]
    adj: tuple[str, ...] = ()


_GENRES: dict[str, GenreLex] = {
    "Action": GenreLex(
        ("an action movie", "something with lots of action", "a good action flick",
         "an action film", "something action packed"),
        ("action movies", "action flicks", "action films"),
        ("action", "action movies"), ("action",), ("loud", "over the top")),
    "Adventure": GenreLex(
        ("an adventure movie", "an adventure", "a fun adventure film"),
        ("adventure movies", "adventure films", "adventures"),
        ("adventure",), ("adventure",)),
    "Animation": GenreLex(
        ("an animated movie", "a cartoon", "an animated film"),
        ("animated movies", "cartoons", "animated films"),
        ("animation", "animated stuff"), ("animated",), ("cartoony", "childish")),
    "Children": GenreLex(
        ("a kids movie", "a family movie", "something for the kids", "something kid friendly",
         "a movie for kids"),
        ("kids movies", "family movies", "children's movies", "family films"),
        ("kids stuff", "family stuff"), ("kids", "family"), ("childish", "kiddy")),
    "Comedy": GenreLex(
        ("a comedy", "something funny", "a funny movie", "something that makes me laugh",
         "a good comedy"),
        ("comedies", "comedy movies", "funny movies"),
        ("comedy", "funny movies"), ("comedy", "funny"), ("silly", "goofy")),
    "Crime": GenreLex(
        ("a crime movie", "a crime drama", "a good crime film"),
        ("crime movies", "crime dramas", "crime films"),
        ("crime",), ("crime",), ("violent", "gritty")),
    "Documentary": GenreLex(
        ("a documentary", "a good doc", "a good documentary"),
        ("documentaries", "docs"),
        ("documentary stuff", "nonfiction"), ("documentary",), ("dry",)),
    "Drama": GenreLex(
        ("a drama", "a good drama", "a serious movie"),
        ("dramas", "drama movies", "serious movies"),
        ("drama", "dramatic stuff"), ("drama", "dramatic"), ("heavy", "serious", "depressing")),
    "Fantasy": GenreLex(
        ("a fantasy movie", "a fantasy film", "something with magic"),
        ("fantasy movies", "fantasy films"),
        ("fantasy",), ("fantasy",), ("out there",)),
    "Film-Noir": GenreLex(
        ("a film noir", "a noir", "a noir film", "a moody detective movie"),
        ("noir films", "film noirs", "noirs"),
        ("film noir", "noir", "noir stuff"), ("noir",), ("gloomy",)),
    "Horror": GenreLex(
        ("a horror movie", "something scary", "a scary movie", "a good horror movie"),
        ("horror movies", "scary movies", "horror flicks"),
        ("horror", "scary movies"), ("horror", "scary"), ("scary", "creepy")),
    "IMAX": GenreLex(
        ("a big IMAX movie", "a movie that looks great on a big screen"),
        ("IMAX movies", "big screen movies"),
        ("IMAX stuff",), ("IMAX", "big screen")),
    "Musical": GenreLex(
        ("a musical", "something with singing", "a movie musical"),
        ("musicals", "movie musicals"),
        ("musical stuff", "song and dance stuff"), ("musical",), ("cheesy",)),
    "Mystery": GenreLex(
        ("a mystery", "a good mystery", "a whodunit"),
        ("mysteries", "mystery movies", "whodunits"),
        ("mystery",), ("mystery",)),
    "Romance": GenreLex(
        ("a romance", "a romantic movie", "a love story", "a romantic comedy or drama"),
        ("romances", "romantic movies", "love stories", "romance movies"),
        ("romance", "romantic stuff"), ("romantic", "romance"), ("sappy", "mushy", "cheesy")),
    "Sci-Fi": GenreLex(
        ("a sci-fi movie", "a science fiction movie", "a good sci-fi movie"),
        ("sci-fi movies", "science fiction movies", "sci fi films"),
        ("sci-fi", "scifi", "science fiction"), ("sci-fi", "science fiction")),
    "Thriller": GenreLex(
        ("a thriller", "a suspense movie", "a tense thriller", "a good thriller"),
        ("thrillers", "suspense movies"),
        ("suspense", "thrillers"), ("thriller", "suspense"), ("intense", "tense")),
    "War": GenreLex(
        ("a war movie", "a war film", "something about war"),
        ("war movies", "war films"),
        ("war stuff", "military stuff"), ("war",), ("violent", "grim")),
    "Western": GenreLex(
        ("a western", "a cowboy movie", "a good western"),
        ("westerns", "cowboy movies"),
        ("western stuff", "cowboy stuff"), ("western", "cowboy")),
}


#: The genres with hand-written wordings (MovieLens genre names).
GENRE_NAMES: tuple[str, ...] = tuple(_GENRES)


def genre_lex(genre: str) -> GenreLex:
    """The wordings of a genre; catalogs with other genre names get plain derived forms."""
    lex = _GENRES.get(genre)
    if lex is not None:
        return lex
    w = genre.strip().lower() or "good"
    return GenreLex((f"a {w} movie", f"something {w}"), (f"{w} movies", f"{w} films"),
                    (w, f"{w} stuff"), (w,))


# -- decades and eras --------------------------------------------------------------------

_DECADE_WORDS = {1920: "twenties", 1930: "thirties", 1940: "forties", 1950: "fifties",
                 1960: "sixties", 1970: "seventies", 1980: "eighties", 1990: "nineties"}


def decade_forms(value: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(noun phrases after "from": "the nineties", "1990 to 1999"..., modifiers: "90s"...)
    for a decade value.

    Real seekers seldom write decade tokens ("90s" is in 0.1-0.3% of their turns), so most
    forms spell the decade as a word or a span of years; the "90s"-style token is one form
    among several, not the default.
    """
    try:
        d = int(value)
    except ValueError:
        return (f"the {value}",), (value,)
    span = (f"{d} to {d + 9}", f"{d}-{d + 9}")
    if d < 1900 or d >= 2000:
        return (*span, f"the {d}s"), (f"{d}s",)
    yy = f"{d % 100:02d}s"
    word = _DECADE_WORDS.get(d)
    if word:
        return (f"the {word}", f"the {word}", *span, f"the {yy}"), (word, word, yy)
    return (*span, f"the {yy}"), (yy, f"{d}s")


def decade_relation(value: str, year: int | None) -> str:
    """``old``/``new`` when ``year`` falls before/after the decade, else ``""``."""
    try:
        d = int(value)
    except ValueError:
        return ""
    if year is None:
        return ""
    return "old" if year < d else "new" if year >= d + 10 else ""


_ERA_WANT = {
    "classic": ("an older movie", "a classic", "something old school", "an oldie",
                "an old classic", "one of the old greats"),
    "recent": ("something recent", "a newer movie", "a new release", "a recent movie",
               "a more recent movie", "a fairly new movie", "something new"),
    "any": ("a good movie, old or new", "anything good, new or old",
            "something good from any era"),
}
_ERA_PREF = {
    "classic": ("I like older movies", "I'm into the classics", "I prefer older films",
                "I love old movies", "older movies are more my thing",
                "they don't make them like they used to"),
    "recent": ("I prefer newer movies", "I like recent stuff", "I'm more into new releases",
               "newer movies are more my thing", "I'm not big on old movies"),
    "any": ("I don't care how old it is", "old or new doesn't matter to me",
            "any era is fine with me"),
}

# -- tags ------------------------------------------------------------------------------

_ADJ_TAGS = frozenset({
    "atmospheric", "funny", "surreal", "thought-provoking", "quirky", "dark", "disturbing",
    "emotional", "dreamlike", "visually appealing", "psychological", "bittersweet", "tense",
    "creepy", "heartwarming", "beautiful", "inspirational", "clever", "witty", "predictable",
    "intelligent", "gritty", "cerebral", "stylized", "philosophical", "hallucinatory", "sad",
    "violent", "romantic", "scary", "slow", "feel-good", "weird", "bleak", "cute", "touching",
    "uplifting", "epic", "mind-bending", "suspenseful", "thrilling", "silly", "smart",
    "stylish", "moody", "gory", "campy", "cheesy", "visually stunning", "inspiring", "deep",
    "brutal", "cool", "fun", "underrated", "overrated", "entertaining", "original", "trippy",
})
_ADJ_SUFFIXES = ("ical", "ional", "istic", "ous", "ful", "ive", "esque", "ish")


def tag_is_adjective(tag: str) -> bool:
    """Whether a tag reads as an adjective ("quirky") rather than a topic ("time travel")."""
    t = tag.strip().lower()
    if t in _ADJ_TAGS:
        return True
    return " " not in t and t.endswith(_ADJ_SUFFIXES)


def _tag_want(t: str, adj: bool) -> tuple[str, ...]:
    if adj:
        return (f"something {t}", f"a {t} movie", f"one that is {t}",
                f"one that is really {t}", f"a really {t} film", f"{t} movies")
    return (f"something with {t}", f"a film about {t}", f"a {t} movie",
            f"something involving {t}", f"movies about {t}", f"anything with {t} in it")


def _tag_pref(t: str, adj: bool) -> tuple[str, ...]:
    if adj:
        return (f"I like {t} movies", f"I really like {t} movies", f"I love anything {t}",
                f"the more {t} the better", f"I would like one that is {t}")
    return (f"I'm into {t}", f"I love movies about {t}", f"I'm a sucker for {t}",
            f"anything with {t} is good for me", f"I have liked movies about {t}")


# -- liked films, disliked genres --------------------------------------------------------


def _like_want(titles: tuple[str, ...]) -> tuple[str, ...]:
    frames = ("something like {}", "a movie like {}", "one similar to {}",
              "something in the vein of {}", "movies like {}", "anything like {}")
    return tuple(f.format(t) for f in frames for t in titles)


def _like_pref(titles: tuple[str, ...]) -> tuple[str, ...]:
    frames = ("I loved {}", "I really liked {}", "{} was great", "I really enjoyed {}",
              "{} is one of my favorites", "I have seen {} and loved it",
              "I just saw {} and loved it", "{} was amazing", "I liked {} a lot")
    return tuple(f.format(t) for f in frames for t in titles)


def _articled(forms: tuple[str, ...]) -> tuple[str, ...]:
    """Forms starting with an article and without praise ("a horror movie", not "a good
    horror flick"): the ones that read well after "isn't" or "not really"."""
    picked = tuple(f for f in forms if f.startswith(("a ", "an ")) and " good " not in f)
    return picked or forms


def _avoid_want(lex: GenreLex) -> tuple[str, ...]:
    return (
        *(f"anything but {m}" for m in lex.mass),
        *(f"something that isn't {s}" for s in _articled(lex.sg)),
        *(f"anything except {p}" for p in lex.pl),
        *(f"anything other than {p}" for p in lex.pl),
    )


def _avoid_pref(lex: GenreLex) -> tuple[str, ...]:
    return (
        *(f"I don't do {m}" for m in lex.mass),
        *(f"I'm not into {p}" for p in lex.pl),
        *(f"I can't stand {p}" for p in lex.pl),
        *(f"I'm not a fan of {p}" for p in lex.pl),
        *(f"{m} isn't my thing" for m in lex.mass),
        *(f"I really don't like {p}" for p in lex.pl),
    )


# -- the slot table ----------------------------------------------------------------------


def pool_keys(facet: Facet) -> tuple[str, ...]:
    """The kind-specific phrase pools a facet can use, besides the generic ``facet`` pool."""
    if facet.kind == "decade":
        try:
            old = int(facet.value) < 2000
        except ValueError:
            return ("decade",)
        return ("decade", "decade:old" if old else "decade:new")
    if facet.kind == "era":
        return (f"era:{facet.value}",)
    if facet.kind == "tag":
        return ("tag", "tag:adj" if tag_is_adjective(facet.value) else "tag:noun")
    return (facet.kind,)


def facet_slot(facet: Facet, name: str, like_titles: tuple[str, ...]) -> tuple[str, ...]:
    """Candidate wordings of slot ``name`` for ``facet`` (empty when it does not apply).

    ``like_titles`` are the ways to write the liked film's title (with and without year).
    """
    kind, v = facet.kind, facet.value
    if kind == "genre" or kind == "avoid":
        lex = genre_lex(v)
        if kind == "avoid":
            table = {"avoid": lex.sg + lex.pl + lex.mass, "avoid_pl": lex.pl,
                     "avoid_sg": _articled(lex.sg), "avoid_mass": lex.mass,
                     "want": _avoid_want(lex), "pref": _avoid_pref(lex)}
        else:
            table = {"genre": lex.sg + lex.pl + lex.mass, "genre_pl": lex.pl + lex.pl[:1] * 2,
                     "genre_sg": lex.sg, "genre_mass": lex.mass, "genre_mod": lex.mod,
                     "want": lex.sg + lex.pl + lex.pl[:1],
                     "pref": (*(f"I like {p}" for p in lex.pl),
                              *(f"I'm into {m}" for m in lex.mass),
                              *(f"I love {p}" for p in lex.pl),
                              *(f"I'm a big fan of {p}" for p in lex.pl),
                              *(f"I'm in the mood for {s}" for s in lex.sg))}
        return table.get(name, ())
    if kind == "decade":
        np_, mod = decade_forms(v)
        if name == "decade_np":
            return np_
        if name == "decade_mod":
            return mod
        if name == "want":
            return (*(f"a {m} movie" for m in mod), *(f"a good {m} movie" for m in mod),
                    *(f"one from {n}" for n in np_), *(f"something made in {n}" for n in np_),
                    *(f"{m} movies" for m in mod), *(f"something from {n}" for n in np_[:2]))
        if name == "pref":
            return (*(f"I like movies from {n}" for n in np_),
                    *(f"I love {m} movies" for m in mod),
                    *(f"{m} movies are my favorite" for m in mod),
                    *(f"a lot of my favorites are from {n}" for n in np_))
        return ()
    if kind == "era":
        era = v if v in _ERA_WANT else "any"
        return {"want": _ERA_WANT[era], "pref": _ERA_PREF[era]}.get(name, ())
    if kind == "tag":
        adj = tag_is_adjective(v)
        return {"tag": _tag_want(v, adj), "tag_word": (v,), "want": _tag_want(v, adj),
                "pref": _tag_pref(v, adj)}.get(name, ())
    if kind == "like":
        titles = like_titles or ((facet.title or v),)
        return {"like": titles, "want": _like_want(titles), "pref": _like_pref(titles)}.get(
            name, ())
    return ()


_GENERIC_REASONS = (
    "it's not really my thing", "it doesn't sound like my kind of movie", "I'm not feeling it",
    "it's not what I'm in the mood for", "it doesn't really grab me",
    "it's not really what I had in mind",
)


def reason_forms(
    reason: Facet | None, item_year: int | None, like_titles: tuple[str, ...]
) -> tuple[str, ...]:
    """Clauses saying why the item misses the goal ("I don't do horror", "that's too old")."""
    if reason is None:
        return _GENERIC_REASONS
    kind, v = reason.kind, reason.value
    if kind == "avoid":
        lex = genre_lex(v)
        too = tuple(f"it's too {a} for me" for a in lex.adj)
        return _avoid_pref(lex) + too + tuple(f"it looks way too {a}" for a in lex.adj)
    if kind == "genre":
        lex = genre_lex(v)
        return (*(f"I wanted {s}" for s in lex.sg), *(f"I was hoping for {s}" for s in lex.sg),
                *(f"it's not really {s}" for s in _articled(lex.sg)),
                *(f"I'm more in the mood for {p}" for p in lex.pl),
                *(f"it doesn't sound like {s}" for s in _articled(lex.sg)))
    if kind == "decade":
        np_, mod = decade_forms(v)
        base = (*(f"I wanted one from {n}" for n in np_),
                *(f"I was hoping for one from {n}" for n in np_),
                *(f"I said {m} movies" for m in mod))
        rel = decade_relation(v, item_year)
        if rel == "old":
            return (*base, "that's too old", "it's a bit old for me",
                    "that one's older than I wanted", "it's too old")
        if rel == "new":
            return (*base, "that's too recent", "it's too new",
                    "that one's newer than I wanted", "it's a bit too modern")
        return base
    if kind == "era":
        if v == "classic":
            return ("that's too new", "I wanted an older one", "it's a bit too recent for me",
                    "I'm after the older stuff", "it's too modern for me")
        if v == "recent":
            return ("that's too old", "it's a bit dated", "I want a more recent one",
                    "I'd rather have something newer", "it's too old for me")
        return _GENERIC_REASONS
    if kind == "tag":
        t = v
        if tag_is_adjective(t):
            return (f"it doesn't sound {t} enough", f"I wanted a {t} one",
                    f"it's not very {t}", f"I was hoping for something more {t}")
        return (f"I wanted something with {t}", f"it doesn't have any {t}",
                f"I was hoping for {t}", f"there's no {t} in it")
    if kind == "like":
        titles = like_titles or ((reason.title or v),)
        return (*(f"it's nothing like {t}" for t in titles),
                *(f"I wanted one closer to {t}" for t in titles),
                *(f"it doesn't sound like {t} at all" for t in titles))
    return _GENERIC_REASONS
