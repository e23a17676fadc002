"""Word tables of the reference CRS's reader (:mod:`simworld.crs.nlu`).

Every entry is written with apostrophes for reading and folded like
:func:`simworld.catalog.normalize` when the tables are built. Hand-written for simworld: genre
synonyms, period words, polarity cues (negators, positive and neutral cues, cues that judge
what came before), list references and the common words that never start a title match.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from simworld.catalog import normalize

Era = Literal["old", "new"]


def folded(words: Iterable[str]) -> frozenset[str]:
    """The words as :func:`~simworld.catalog.normalize` spells them."""
    return frozenset(normalize(w) for w in words)


def folded_text(text: str) -> frozenset[str]:
    """The distinct normalized words of ``text``."""
    return frozenset(normalize(text).split())


# Phrases (normalized words) naming MovieLens genres. A phrase may name several ("romcom").
GENRE_WORDS: dict[str, tuple[str, ...]] = {
    "Action": (
        "action", "action packed", "action movie", "action movies", "action flick",
        "martial arts", "kung fu", "explosions", "car chase", "car chases", "shoot em up",
    ),
    "Adventure": ("adventure", "adventures", "adventurous", "quest", "treasure hunt",
                  "swashbuckling", "swashbuckler"),
    "Animation": ("animation", "animated", "cartoon", "cartoons", "anime", "stop motion",
                  "pixar"),
    "Children": ("kids", "kid", "children", "children's", "childrens", "child", "family friendly",
                 "family film", "family films", "family movie", "family movies", "whole family",
                 "kid friendly", "for the family", "toddler", "toddlers", "pixar"),
    "Comedy": ("comedy", "comedies", "comedic", "funny", "funnier", "funniest", "hilarious",
               "humor", "humour", "humorous", "laugh", "laughs", "laughing", "lighthearted",
               "light hearted", "silly", "goofy", "feel good", "dark comedy", "black comedy",
               "comedy movie", "slapstick", "witty"),
    "Crime": ("crime", "crimes", "gangster", "gangsters", "mob", "mobster", "mafia", "heist",
              "heists", "criminal", "criminals", "cops", "police", "detective", "detectives"),
    "Documentary": ("documentary", "documentaries", "doc", "docs", "docu", "nonfiction",
                    "non fiction"),
    "Drama": ("drama", "dramas", "dramatic", "tearjerker", "tear jerker", "serious"),
    "Fantasy": ("fantasy", "fantasies", "magic", "magical", "wizard", "wizards", "dragon",
                "dragons", "fairy tale", "fairy tales", "sword and sorcery"),
    "Film-Noir": ("film noir", "noir", "films noirs"),
    "Horror": ("horror", "horrors", "horror movie", "horror movies", "scary", "scarier",
               "scariest", "scare", "scares", "spooky", "creepy", "frightening", "terrifying",
               "slasher", "slashers", "zombie", "zombies", "haunted", "ghost story", "gore",
               "gory", "monster movie"),
    "IMAX": ("imax",),
    "Musical": ("musical", "musicals", "singing", "song and dance", "broadway", "sing along"),
    "Mystery": ("mystery", "mysteries", "whodunit", "whodunnit", "murder mystery", "detective",
                "detectives", "mysterious"),
    "Romance": ("romance", "romances", "romantic", "love story", "love stories", "date night",
                "date movie", "romcom", "romcoms", "rom com", "rom coms",
                "romantic comedy", "romantic comedies"),
    "Sci-Fi": ("sci fi", "scifi", "science fiction", "futuristic", "space", "outer space",
               "aliens", "alien", "time travel", "robots", "dystopian", "cyberpunk"),
    "Thriller": ("thriller", "thrillers", "thrilling", "suspense", "suspenseful", "tense",
                 "psychological thriller", "edge of my seat", "edge of your seat"),
    "War": ("war", "war movie", "war movies", "war film", "war films", "military", "world war",
            "wwii", "ww2", "soldiers", "combat"),
    "Western": ("western", "westerns", "cowboy", "cowboys", "wild west", "spaghetti western"),
}
# Both genres for these phrases (the per-genre table lists each under one genre only).
GENRE_COMBOS: dict[str, tuple[str, ...]] = {
    "romcom": ("Romance", "Comedy"), "romcoms": ("Romance", "Comedy"),
    "rom com": ("Romance", "Comedy"), "rom coms": ("Romance", "Comedy"),
    "romantic comedy": ("Romance", "Comedy"), "romantic comedies": ("Romance", "Comedy"),
    "pixar": ("Animation", "Children"), "superhero": ("Action", "Adventure"),
    "superheroes": ("Action", "Adventure"), "superhero movie": ("Action", "Adventure"),
    "murder mystery": ("Mystery", "Crime"), "detective": ("Mystery", "Crime"),
    "detectives": ("Mystery", "Crime"), "psychological thriller": ("Thriller",),
}

# Words for a shade of a genre rather than the genre: "nothing too silly" or "not too gory"
# rules out the shade, not every comedy or horror film; said positively they count.
WEAK_GENRE_WORDS = frozenset({
    "silly", "goofy", "slapstick", "witty", "hilarious", "laughing", "lighthearted",
    "light hearted", "gore", "gory", "tense", "serious", "dramatic", "tearjerker",
    "tear jerker", "magical", "mysterious", "thrilling", "explosions", "combat", "soldiers",
    "funnier", "funniest", "scarier", "scariest", "creepy", "space", "robots", "aliens",
    "alien", "police", "cops", "mob", "quest", "singing",
})

DECADE_WORDS: dict[str, int] = {
    "twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
    "seventies": 1970, "eighties": 1980, "nineties": 1990, "noughties": 2000, "aughts": 2000,
    "two thousands": 2000, "twenty tens": 2010,
}

ERA_WORDS: dict[str, Era] = {
    "old": "old", "older": "old", "oldie": "old", "oldies": "old", "old school": "old",
    "classic": "old", "classics": "old", "vintage": "old", "golden age": "old", "retro": "old",
    "black and white": "old", "old fashioned": "old", "golden oldie": "old",
    "new": "new", "newer": "new", "newest": "new", "recent": "new",
    "latest": "new", "modern": "new", "current": "new", "contemporary": "new",
    "new release": "new", "new releases": "new", "this year": "new", "last year": "new",
    "brand new": "new", "just came out": "new", "came out recently": "new",
}
# Phrases that contain era or genre words but mean neither; matched first, they hide them.
BLOCKERS = (
    "new york", "new jersey", "new zealand", "new orleans", "new mexico", "new year",
    "new years", "years old", "year old", "how old", "old man", "old woman", "old friend",
    "star wars", "fresh prince", "the doc", "no problem", "no worries", "kidding", "no kidding",
    "good old", "something new to watch",
)

# Negative cues; ``negator`` ones also keep a following "like"/"want" negative.
NEGATORS = (
    "no", "not", "don't", "dont", "do not", "never", "didn't", "didnt", "did not", "doesn't",
    "doesnt", "does not", "won't", "wont", "wouldn't", "isn't", "aren't", "can't", "cant",
    "cannot", "nothing", "none", "nor", "neither", "no more", "not really", "not too", "less",
    "without", "not a", "not any", "nothing too", "please no", "too", "way too", "overly",
    "a little too", "a bit too", "sounds kind of", "sounds a bit", "seems a bit", "seems a little",
    "sounds a little", "seems kind of",
)
NEG_VERBS = (
    "hate", "hated", "hates", "dislike", "disliked", "dislikes", "can't stand", "cannot stand",
    "don't care for", "do not care for", "didn't care for", "not crazy about",
    "cant stand", "can't bear", "couldn't stand", "anything but", "everything but",
    "all but", "anything except", "except", "other than", "rather than", "instead of",
    "avoid", "skip", "loathe", "despise", "detest", "tired of", "sick of", "fed up with",
    "enough of", "enough with", "stay away from", "steer clear of", "not a fan of",
    "not into", "not big on", "not keen on", "not in the mood for", "no interest in",
    "allergic to", "hated it", "ugh", "spare me", "anything besides", "besides",
)
POS_CUES = (
    "like", "likes", "liked", "love", "loved", "loves", "enjoy", "enjoyed", "enjoys", "want",
    "wanted", "prefer", "preferably", "i'm into", "im into", "i am into", "really into",
    "mostly into", "been into", "we're into", "big into", "fan of", "big fan", "favorite",
    "favourite",
    "adore", "adored", "something", "looking for", "in the mood for", "how about", "maybe",
    "perhaps", "also", "fond of", "dig", "recommend", "suggest", "give me", "show me",
    "i'd like", "id like", "i'd love", "rather", "instead", "just", "only", "mostly", "some",
    "more", "similar to", "kind of", "sort of", "more like", "ideally", "fancy",
    "craving", "crave", "keen on", "open to", "don't mind", "dont mind", "wouldn't mind",
    "do not mind", "i guess", "what about", "any", "my favorite", "my favourite",
    "my favorites", "my favourites", "one of my favorites", "one of my favourites",
    "same style as", "in the style of", "along the lines of", "closer to", "similar",
    "in the same spirit as", "in that vein", "the vibe of",
)
# Cancel a following cue without effect of their own ("I don't know, ...").
NEUTRAL = (
    "don't know", "dont know", "do not know", "not sure", "no idea", "don't care",
    "dont care", "doesn't matter", "does not matter", "not picky", "no preference",
    "no preferences", "no matter", "not bad", "never mind", "nevermind", "not yet",
    "no rush", "not seen", "haven't seen", "havent seen", "have not seen", "never seen",
    "not watched", "haven't watched", "never watched", "didn't see", "not that one",
    "not this one", "no thanks", "no thank you", "never heard of", "haven't heard of",
    "not heard of", "never mind",
)
# Judgements after the mention ("westerns are boring", "loved it").
POST_NEG = (
    "not my thing", "isn't my thing", "aren't my thing", "not for me", "not my cup of tea",
    "not my style", "boring", "sucks", "suck", "sucked", "terrible", "awful", "overrated",
    "bad", "the worst", "was meh", "is meh", "are meh", "too much", "is a no", "are a no",
    "not a fan", "not really my thing", "not great",
    "wasn't good", "wasn't great", "disappointing", "was disappointing", "hated it",
    "didn't like it", "did not like it", "no thanks", "please no", "gets old", "not really",
    "don't do it for me", "doesn't do it for me", "does not do it for me", "wasn't for me",
    "isn't for me", "was not for me", "wasn't my thing", "wasn't my cup of tea",
    "do not do it for me", "just don't do it for me",
)
POST_POS = (
    "is great", "are great", "was great", "great", "amazing", "awesome", "good", "is my thing",
    "my favorite", "my favourite", "rocks", "rock", "loved it", "loved", "love it", "fun",
    "brilliant", "fantastic", "excellent", "the best", "best", "enjoyed", "enjoyed it",
    "is fine", "are fine", "would be nice", "please", "masterpiece",
    "classic", "a classic", "blew me away", "incredible", "wonderful", "really good",
    "perfect", "my favorite", "my favourite", "my favorites", "my favourites",
    "one of my favorites", "one of my favourites", "more like it", "more like that",
    "anything like it", "something like it", "similar", "anything similar",
)
REFS: dict[str, str] = {
    "first one": "0", "the first": "0", "first suggestion": "0", "first movie": "0",
    "1st": "0", "top one": "0", "second": "1", "second one": "1", "2nd": "1",
    "third": "2", "third one": "2", "3rd": "2", "middle one": "1",
    "last one": "-1", "the last": "-1", "last suggestion": "-1", "the last ones": "all",
    "the last suggestions": "all", "the last picks": "all", "last picks": "all",
    "the last movies": "all", "last few": "all", "the last few": "all",
    "last couple": "all", "the last couple": "all",
    "all of them": "all", "them all": "all", "all three": "all", "both": "all",
    "none of them": "all", "none of these": "all", "none of those": "all", "all of these": "all",
    "all of those": "all", "any of them": "all", "any of these": "all", "these": "all",
    "those": "all", "them": "all",
}

# Common conversational words: a catalog tag made only of these is not matched (it would fire
# on ordinary chat: "good", "great movie").
COMMON = folded_text(
    """a about after again all also am an and any anything are as at away back bad be been
    before best better big but by can come could day did do does don't done down else end
    ever every everything find fine first for from fun get give go going good got great had
    has have he her here him his home how i i'd i'll i'm i've if in into is it it's just know
    last let let's life like little long look lot love made make man me more most movie
    movies much my new night no not nothing now of off ok okay old on one only or other our
    out over people perfect pretty really right say see seen she show so some something
    sounds still sure take tell than thank thanks that that's the their them then there
    these they thing things think this those time to too two up us very want was watch
    watched way we well were what when where which who why will with would yeah yes you
    your film films story great awesome amazing excellent brilliant fantastic cool nice
    interesting overrated boring beautiful wonderful favorite favourite must see seen it
    hope wish doing today tonight weekend work fun future moving death food game school
    original simple ending justice class river grace twist annoying smart clever predictable
    tv television video history business writing memory race president court help trying
    try guess honest honestly lol haha maybe picky mood sorry next real true cool sad happy
    busy tired early late soon kind sort type style vibe bit lot stuff ok yes no please
    dumb silly weird ridiculous normal easy games mind plan plans idea ideas family friends
    friend partner wife husband girlfriend boyfriend kids children parents"""
)

SEPARATOR_WORDS = frozenset({"but", "however", "though", "although", "whereas", "except"})
NOT_SPLIT_BEFORE_BUT = frozenset({"anything", "everything", "all", "nothing"})
INTERJECTIONS = folded({"no", "nope", "nah", "yes", "yeah", "yep", "yup", "ok", "okay",
                            "sure", "hmm", "well", "oh", "ah"})
CLAUSE_STARTERS = folded({
    "i", "i'd", "i'm", "i'll", "i've", "id", "im", "ive", "just", "maybe", "actually",
    "something", "let's", "lets", "how", "what", "we", "my", "that", "this", "it", "it's",
    "please", "perhaps", "can", "could", "would", "do", "give", "show", "find", "any",
    "anything", "rather", "instead", "definitely", "absolutely", "totally", "really",
})
