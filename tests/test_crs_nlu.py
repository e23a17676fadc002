"""The reference CRS's reading of user turns (simworld.crs.nlu), on sentences written here."""

from __future__ import annotations

import pytest

from simworld.catalog import Catalog, Item
from simworld.crs.nlu import Act, Lexicon, Reading, parse

GENRES = (
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
    "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi",
    "Thriller", "War", "Western",
)


def _catalog() -> Catalog:
    rows = [
        ("m1", "Toy Story", 1995, ("Adventure", "Animation", "Children", "Comedy"),
         ("pixar", "friendship"), 215.0),
        ("m2", "Heat", 1995, ("Action", "Crime", "Thriller"), ("heist",), 100.0),
        ("m3", "Titanic", 1997, ("Drama", "Romance"), ("shipwreck",), 150.0),
        ("m4", "The Matrix", 1999, ("Action", "Sci-Fi", "Thriller"), ("cyberpunk",), 300.0),
        ("m5", "Groundhog Day", 1993, ("Comedy", "Fantasy", "Romance"),
         ("time travel", "dark comedy"), 180.0),
        ("m6", "Unforgiven", 1992, ("Drama", "Western"), ("revenge",), 80.0),
        ("m7", "Paper Moon Parade", 1950, ("Musical", "Film-Noir", "War", "Documentary",
                                           "Horror", "Mystery", "IMAX"), ("comedy",), 5.0),
        ("m8", "Anything Else", 2003, ("Comedy", "Romance"), (), 10.0),
    ]
    return Catalog(tuple(Item(*r) for r in rows))


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    lexicon = Lexicon.from_catalog(_catalog())
    assert set(lexicon.catalog.genres) == set(GENRES)  # every genre has its synonyms
    return lexicon


def read(text: str, lex: Lexicon) -> Reading:
    return parse(text, lex)


# -- genres, synonyms and negation --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "genres"),
    [
        ("Got any good comedies?", {"Comedy"}),
        ("something funny tonight", {"Comedy"}),
        ("I feel like watching something scary", {"Horror"}),
        ("a sci fi flick", {"Sci-Fi"}),
        ("science fiction please", {"Sci-Fi"}),
        ("a romcom for date night", {"Romance", "Comedy"}),
        ("an animated film for the kids", {"Animation", "Children"}),
        ("maybe a cartoon", {"Animation"}),
        ("a tense thriller", {"Thriller"}),
        ("a good war movie", {"War"}),
        ("a documentary about nature", {"Documentary"}),
        ("classic film noir", {"Film-Noir"}),
        ("a cowboy movie", {"Western"}),
    ],
)
def test_genre_synonyms(lex: Lexicon, text: str, genres: set[str]) -> None:
    r = read(text, lex)
    assert set(r.genres) == genres
    assert r.neg_genres == ()


@pytest.mark.parametrize(
    ("text", "liked", "disliked"),
    [
        ("no horror", set(), {"Horror"}),
        ("I'm not a fan of westerns", set(), {"Western"}),
        ("I hate musicals", set(), {"Musical"}),
        ("anything but drama", set(), {"Drama"}),
        ("I like comedies but not horror", {"Comedy"}, {"Horror"}),
        ("I don't like horror or thrillers", set(), {"Horror", "Thriller"}),
        ("I hate musicals and love westerns", {"Western"}, {"Musical"}),
        ("a comedy without romance", {"Comedy"}, {"Romance"}),
        ("nothing too scary, maybe a comedy", {"Comedy"}, {"Horror"}),
        ("no, I want a comedy", {"Comedy"}, set()),
        ("westerns are boring", set(), {"Western"}),
        ("horror is not my thing", set(), {"Horror"}),
        ("I don't really want anything scary", set(), {"Horror"}),
        ("comedy rather than drama", {"Comedy"}, {"Drama"}),
        ("I don't mind horror", {"Horror"}, set()),
        ("I don't know, maybe a thriller", {"Thriller"}, set()),
    ],
)
def test_negation(lex: Lexicon, text: str, liked: set[str], disliked: set[str]) -> None:
    r = read(text, lex)
    assert set(r.genres) == liked
    assert set(r.neg_genres) == disliked


# -- periods -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "decades", "years", "after", "before"),
    [
        ("something from the 80s", (1980,), (), None, None),
        ("an '80s movie", (1980,), (), None, None),
        ("eighties action", (1980,), (), None, None),
        ("from the 1990s", (1990,), (), None, None),
        ("from the 2000s", (2000,), (), None, None),
        ("a movie from 2010", (), (2010,), None, None),
        ("anything after 2000", (), (), 2000, None),
        ("since 2005 please", (), (), 2005, None),
        ("made after the 80s", (), (), 1990, None),
        ("before 1980", (), (), None, 1980),
        ("something up to 1990", (), (), None, 1991),
        ("2005 or later", (), (), 2005, None),
        ("between 1980 and 1995", (), (), 1980, 1996),
        ("from the 70s to the 90s", (), (), 1970, 2000),
    ],
)
def test_periods(
    lex: Lexicon,
    text: str,
    decades: tuple[int, ...],
    years: tuple[int, ...],
    after: int | None,
    before: int | None,
) -> None:
    r = read(text, lex)
    assert (r.decades, r.years, r.after, r.before) == (decades, years, after, before)


def test_negated_periods(lex: Lexicon) -> None:
    assert read("nothing from the 80s", lex).neg_decades == (1980,)
    assert read("nothing from the 80s", lex).decades == ()
    assert read("nothing before 1990", lex).after == 1990


@pytest.mark.parametrize(
    ("text", "era"),
    [
        ("something old", "old"),
        ("an older classic", "old"),
        ("black and white films", "old"),
        ("something new", "new"),
        ("the latest releases", "new"),
        ("a recent one", "new"),
        ("nothing too old", "new"),
        ("not something modern", "old"),
        ("a film set in New York", None),
    ],
)
def test_era_words(lex: Lexicon, text: str, era: str | None) -> None:
    assert read(text, lex).era == era


# -- tags and titles -----------------------------------------------------------------------------
def test_catalog_tags_are_found_with_polarity(lex: Lexicon) -> None:
    r = read("I love time travel stories but no heist plots", lex)
    assert r.tags == ("time travel",)
    assert r.neg_tags == ("heist",)


def test_tag_named_like_a_genre_counts_once_as_genre(lex: Lexicon) -> None:
    r = read("a comedy", lex)
    assert r.genres == ("Comedy",)
    assert r.tags == ()  # the catalog tag "comedy" would count the genre twice


@pytest.mark.parametrize(
    ("text", "liked", "disliked", "mentioned"),
    [
        ("I loved Toy Story", ("m1",), (), ()),
        ("I hated Titanic", (), ("m3",), ()),
        ("Have you seen The Matrix?", (), (), ("m4",)),
        ("something like The Matrix", ("m4",), (), ()),
        ("Groundhog Day was great, Titanic was boring", ("m5",), ("m3",), ()),
        ("I didn't like Heat at all", (), ("m2",), ()),
    ],
)
def test_title_polarity(
    lex: Lexicon,
    text: str,
    liked: tuple[str, ...],
    disliked: tuple[str, ...],
    mentioned: tuple[str, ...],
) -> None:
    r = read(text, lex)
    assert (r.liked, r.disliked, r.mentioned) == (liked, disliked, mentioned)


def test_title_words_are_not_read_as_genres_or_acts(lex: Lexicon) -> None:
    r = read("Anything else? Maybe \"Anything Else\" by Woody", lex)
    assert r.has(Act.MORE)  # the question, lower-case-ish, is a request for more
    assert r.mentioned == ("m8",)  # the quoted title is the film


def test_lower_case_chat_names_no_everyday_title(lex: Lexicon) -> None:
    assert read("anything else?", lex).titles == ()


# -- dialogue acts -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "act"),
    [
        ("sounds good", Act.ACCEPT),
        ("I'll watch it tonight", Act.ACCEPT),
        ("perfect", Act.ACCEPT),
        ("great, thanks", Act.ACCEPT),
        ("not that one", Act.REJECT),
        ("no", Act.REJECT),
        ("I don't like it", Act.REJECT),
        ("doesn't sound like my kind of thing", Act.REJECT),
        ("I've seen it", Act.SEEN),
        ("already watched that one", Act.SEEN),
        ("anything else?", Act.MORE),
        ("other options please", Act.MORE),
        ("more", Act.MORE),
        ("why?", Act.WHY),
        ("how come you picked that?", Act.WHY),
        ("what's it about?", Act.INQUIRE),
        ("who's in it?", Act.INQUIRE),
        ("is it scary?", Act.INQUIRE),
        ("hi there", Act.GREETING),
        ("good evening!", Act.GREETING),
        ("bye", Act.GOODBYE),
        ("that's all for me, have a nice day", Act.GOODBYE),
        ("thanks a lot", Act.THANKS),
        ("let's start over", Act.RESTART),
        ("can you recommend something?", Act.REQUEST),
    ],
)
def test_acts(lex: Lexicon, text: str, act: Act) -> None:
    assert act in read(text, lex).acts


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("I haven't seen it", Act.SEEN),
        ("I've never seen it", Act.SEEN),
        ("not perfect", Act.ACCEPT),
        ("no thanks", Act.THANKS),
        ("no horror please", Act.REJECT),  # a taste, not a turn-down
        ("westerns are boring", Act.REJECT),
        ("good night", Act.ACCEPT),
        ("Heat was great", Act.ACCEPT),  # praise of a film, not acceptance
        ("something more recent", Act.MORE),
        ("I'll watch anything", Act.ACCEPT),
        ("a love story", Act.INQUIRE),
    ],
)
def test_acts_not_triggered(lex: Lexicon, text: str, absent: Act) -> None:
    assert absent not in read(text, lex).acts


def test_negated_accept_is_reject(lex: Lexicon) -> None:
    r = read("not perfect", lex)
    assert Act.REJECT in r.acts


def test_inquiry_topics_and_question_words_are_not_tastes(lex: Lexicon) -> None:
    scary = read("is it scary?", lex)
    assert scary.topic == "genre:Horror"
    assert scary.genres == ()  # asking about the item is not asking for horror
    assert read("who directed it?", lex).topic == "director"
    assert read("what year did it come out?", lex).topic == "year"
    assert read("how long is it?", lex).topic == "length"
    assert read("tell me more about it", lex).topic == "general"


def test_references_to_listed_items(lex: Lexicon) -> None:
    assert read("the second one sounds good", lex).refs == (1,)
    assert read("I'll take the last one", lex).refs == (-1,)
    assert read("none of these", lex).ref_all
    assert read("I've seen them all", lex).ref_all


def test_yes_no_answers(lex: Lexicon) -> None:
    assert read("yes, I loved it", lex).has(Act.AFFIRM)
    assert read("nope", lex).has(Act.DENY)
    assert read("I didn't like it", lex).has(Act.DENY)
    assert not read("no horror", lex).has(Act.DENY)


def test_combined_utterance(lex: Lexicon) -> None:
    r = read("Hi! I loved Groundhog Day. Any romcoms from the 90s, but nothing scary?", lex)
    assert Act.GREETING in r.acts
    assert r.liked == ("m5",)
    assert set(r.genres) == {"Romance", "Comedy"}
    assert r.neg_genres == ("Horror",)
    assert r.decades == (1990,)
    assert r.question
    assert r.has_preferences


@pytest.mark.parametrize("text", ["", "   ", "?!?", "ünïcödé ☃ 😀", "a" * 5000, "1990 2000 80s"])
def test_any_text_parses(lex: Lexicon, text: str) -> None:
    r = parse(text, lex)
    assert r.text == text
    assert isinstance(r.acts, frozenset)


def test_custom_catalog_genres_are_understood() -> None:
    cat = Catalog((Item("b1", "Dune", 1965, ("Space Opera",), ("desert planet",), 1.0),))
    lex = Lexicon.from_catalog(cat)
    r = parse("I'd love a space opera, nothing with a desert planet", lex)
    assert r.genres == ("Space Opera",)
    assert r.neg_tags == ("desert planet",)


# -- small talk, closings and other turns the simulated users produce ----------------------------
def test_small_talk_is_not_a_goodbye(lex: Lexicon) -> None:
    r = read("hey! hope you are having a good night. how's your day going?", lex)
    assert {Act.GREETING, Act.CHITCHAT} <= r.acts
    assert Act.GOODBYE not in r.acts


@pytest.mark.parametrize(
    "text",
    ["never mind, thanks anyway", "I'll figure it out myself", "this is going nowhere",
     "thanks for the help", "ok, enjoy your night", "I'll call it a night"],
)
def test_closings(lex: Lexicon, text: str) -> None:
    assert Act.GOODBYE in read(text, lex).acts


@pytest.mark.parametrize(
    "text",
    ["thanks for the suggestions, anything else?", "you're so helpful",
     "something like Heat (1995) later", "I might try another one"],
)
def test_not_closings(lex: Lexicon, text: str) -> None:
    assert Act.GOODBYE not in read(text, lex).acts


def test_no_preference(lex: Lexicon) -> None:
    assert Act.INDIFFERENT in read("any decade is fine", lex).acts
    assert Act.INDIFFERENT in read("surprise me", lex).acts
    r = read("I don't care for horror movies", lex)  # a dislike, not indifference
    assert Act.INDIFFERENT not in r.acts
    assert r.neg_genres == ("Horror",)
    assert read("old or new, doesn't matter", lex).era is None


def test_a_request_phrased_as_a_question_is_not_an_inquiry(lex: Lexicon) -> None:
    r = read("Any good comedies?", lex)
    assert r.genres == ("Comedy",)
    assert Act.INQUIRE not in r.acts
    assert Act.INQUIRE not in read("I like films with good actors", lex).acts


def test_verdicts_on_seen_films(lex: Lexicon) -> None:
    assert read("Yup, seen it. It was kind of boring", lex).opinion == -1
    assert read("I've seen it, loved it", lex).opinion == 1
    assert read("I've seen it", lex).opinion == 0


def test_critique_cancels_acceptance(lex: Lexicon) -> None:
    assert Act.ACCEPT not in read("Looks ok, but it's too long for tonight", lex).acts
    assert Act.ACCEPT in read("Never heard of it, but it sounds good", lex).acts


def test_plural_references_mean_the_whole_list(lex: Lexicon) -> None:
    r = read("the last few suggestions weren't quite it", lex)
    assert r.ref_all
    assert Act.REJECT in r.acts


def test_titles_in_questions_are_neutral(lex: Lexicon) -> None:
    r = read("Is Heat good for kids?", lex)
    assert r.mentioned == ("m2",) and r.liked == ()
    assert r.topic == "genre:Children"
    assert r.genres == ()


def test_into_needs_a_subject(lex: Lexicon) -> None:
    assert read("I'm into westerns", lex).genres == ("Western",)
    r = read("Let me look into The Matrix first", lex)
    assert r.liked == () and r.mentioned == ("m4",)


def test_ruling_out_a_shade_keeps_the_genre(lex: Lexicon) -> None:
    r = read("a comedy, but nothing too silly", lex)
    assert r.genres == ("Comedy",) and r.neg_genres == ()
    assert read("something silly", lex).genres == ("Comedy",)
    assert read("nothing scary", lex).neg_genres == ("Horror",)  # the genre word itself
