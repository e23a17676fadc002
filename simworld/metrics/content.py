"""What user turns talk about and in what tone: genre topics and sentiment buckets.

- :func:`genre_mentions`: the genres each turn mentions, found through a genre vocabulary
  (a catalog's genre names plus everyday synonyms: "scary" -> Horror, "kids" -> Children).
  Compared as a distribution over genre mentions (turns mentioning none do not count).
- :func:`sentiment_buckets`: VADER's compound score per turn, bucketed into ``neg``
  (<= -0.05), ``neu`` and ``pos`` (>= 0.05), the thresholds VADER's authors recommend.
  Needs the ``vaderSentiment`` package (the ``analysis`` extra).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

# The MovieLens genres (the bundled catalog's vocabulary), used when no catalog is given.
DEFAULT_GENRES: tuple[str, ...] = (
    "Action",
    "Adventure",
    "Animation",
    "Children",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "IMAX",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
)

# Everyday words people use for a genre (keys are lower-cased genre names).
SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "action": ("action",),
    "adventure": ("adventure", "adventures", "adventurous"),
    "animation": ("animation", "animated", "cartoon", "cartoons", "anime", "pixar"),
    "children": ("children", "children's", "kids", "kid", "family", "families"),
    "comedy": ("comedy", "comedies", "comedic", "funny", "humor", "humour", "hilarious"),
    "crime": ("crime", "gangster", "gangsters", "mafia", "mob", "heist", "detective"),
    "documentary": ("documentary", "documentaries"),
    "drama": ("drama", "dramas", "dramatic"),
    "fantasy": ("fantasy", "magic", "magical", "wizard", "wizards"),
    "film-noir": ("noir", "film noir", "film-noir"),
    "horror": ("horror", "scary", "slasher", "slashers", "zombie", "zombies", "creepy"),
    "imax": ("imax",),
    "musical": ("musical", "musicals"),
    "mystery": ("mystery", "mysteries", "whodunit", "whodunnit"),
    "romance": ("romance", "romantic", "rom-com", "romcom", "rom com", "love story"),
    "sci-fi": ("sci-fi", "scifi", "sci fi", "science fiction", "science-fiction"),
    "thriller": ("thriller", "thrillers", "suspense", "suspenseful"),
    "war": ("war",),
    "western": ("western", "westerns", "cowboy", "cowboys"),
}


class GenreVocabulary:
    """Maps words in a text to the genres they name."""

    def __init__(self, genres: Iterable[str] = DEFAULT_GENRES) -> None:
        self.genres = tuple(sorted(set(genres)))
        phrases: dict[str, str] = {}
        for genre in self.genres:
            key = genre.lower()
            for phrase in (key, key.replace("-", " "), *SYNONYMS.get(key, ())):
                phrases.setdefault(phrase, genre)
        self._phrase_genre = phrases
        ordered = sorted(phrases, key=len, reverse=True)
        alternation = "|".join(re.escape(p) for p in ordered)
        self._pattern = re.compile(rf"(?<![a-z0-9])(?:{alternation})(?![a-z0-9])")

    def mentions(self, text: str) -> list[str]:
        """The genres ``text`` mentions, each once, in order of first mention."""
        found: list[str] = []
        for match in self._pattern.finditer(text.lower()):
            genre = self._phrase_genre[match.group(0)]
            if genre not in found:
                found.append(genre)
        return found


def genre_mentions(texts: Sequence[str], vocabulary: GenreVocabulary) -> list[list[str]]:
    """Per text, the genres it mentions."""
    return [vocabulary.mentions(t) for t in texts]


def sentiment_buckets(texts: Sequence[str]) -> list[str]:
    """``neg`` / ``neu`` / ``pos`` per text from VADER's compound score."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as exc:
        raise ImportError(
            "sentiment metrics need vaderSentiment: pip install 'simworld[analysis]'"
        ) from exc
    analyzer = SentimentIntensityAnalyzer()
    out = []
    for text in texts:
        score = float(analyzer.polarity_scores(text)["compound"])
        out.append("neg" if score <= -0.05 else "pos" if score >= 0.05 else "neu")
    return out
