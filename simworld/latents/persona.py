"""The session-level latent: who the simulated user is (persona) and how they behave (traits).

Both are sampled once per agent (see :mod:`simworld.latents.sampling`) and recorded as
``persona_*`` / ``trait_*`` columns on every session: they are ground-truth labels.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Trait levels. Ordered from "less" to "more"; scenarios pick distributions over them.
TRAIT_LEVELS: dict[str, tuple[str, ...]] = {
    "patience": ("low", "medium", "high"),
    "verbosity": ("terse", "average", "chatty"),
    "politeness": ("blunt", "neutral", "polite"),
    "mood": ("negative", "neutral", "positive"),
    "cooperativeness": ("low", "medium", "high"),
    "decisiveness": ("decisive", "hesitant", "open"),
}

# Unhelpful CRS turns tolerated before quitting, by patience level.
PATIENCE_TURNS = {"low": 2, "medium": 4, "high": 7}

ERAS = ("classic", "recent", "any")


@dataclass(frozen=True, slots=True)
class Persona:
    age_band: str
    occupation: str
    favourite_genres: tuple[str, ...]
    disliked_genres: tuple[str, ...]
    era: str  # one of ERAS: taste for old ("classic") vs new ("recent") films, or "any"

    def describe(self) -> str:
        """A natural-language profile (used by LLM user models and reports)."""
        favs = _join(self.favourite_genres) or "all kinds of films"
        era = {
            "classic": "older films, the classics",
            "recent": "recent releases",
            "any": "films from any period",
        }[self.era]
        text = (
            f"You are {_article(self.occupation)} {self.occupation} aged {self.age_band}. "
            f"You enjoy {favs.lower()} and tend to prefer {era}."
        )
        if self.disliked_genres:
            text += f" You dislike {_join(self.disliked_genres).lower()}."
        return text

    def as_columns(self) -> dict[str, object]:
        return {
            f"persona_{k}": (list(v) if isinstance(v, tuple) else v)
            for k, v in asdict(self).items()
        }


@dataclass(frozen=True, slots=True)
class Traits:
    patience: str = "medium"
    verbosity: str = "average"
    politeness: str = "neutral"
    mood: str = "neutral"
    cooperativeness: str = "medium"
    decisiveness: str = "decisive"

    @property
    def patience_turns(self) -> int:
        return PATIENCE_TURNS[self.patience]

    def level(self, name: str) -> float:
        """A trait's level in [0, 1] (0 = first level, 1 = last)."""
        levels = TRAIT_LEVELS[name]
        return levels.index(getattr(self, name)) / (len(levels) - 1)

    def describe(self) -> str:
        return (
            f"You are {self.mood} in mood, {self.politeness} in manner, and {self.verbosity} "
            f"when you write. Your patience is {self.patience}; your willingness to answer "
            f"questions is {self.cooperativeness}; when choosing you are {self.decisiveness}."
        )

    def as_columns(self) -> dict[str, object]:
        return {f"trait_{k}": v for k, v in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class Style:
    """Per-agent writing habits, drawn so the population matches real seekers' style mix.

    Rates are per-turn probabilities; ``words_mu``/``words_sigma`` parameterise a lognormal
    over words per turn (before the verbosity trait and intent shift it).
    """

    words_mu: float = 2.4
    words_sigma: float = 0.7
    lowercase_rate: float = 0.3  # turn starts lower-case
    all_lower_rate: float = 0.15  # whole turn lower-case
    no_final_punct_rate: float = 0.5  # drop the final . or !
    typo_rate: float = 0.05  # turn carries one typo
    filler_rate: float = 0.1  # turn gets a filler ("lol", "hmm", "haha")
    exclaim_rate: float = 0.1  # a final "!" instead of "."
    apostrophe_drop_rate: float = 0.0  # contractions typed without the apostrophe ("havent")

    def as_columns(self) -> dict[str, object]:
        return {f"style_{k}": v for k, v in asdict(self).items()}


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _join(items: tuple[str, ...]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
