"""Writing habits applied to a rendered user turn: length targets and surface noise.

Two jobs, both driven by the per-agent :class:`~simworld.latents.persona.Style` and the
traits, and both drawing only from the generator they are given:

- :func:`target_words` draws how long the next turn should be (a lognormal in words, shifted
  per intent and scaled by the verbosity trait);
- :func:`apply_style` adds the habits real seekers show: written-out forms ("I am", "have
  not") instead of contractions, fewer commas (a clause break becomes a new sentence or just
  a space), contractions typed without the apostrophe ("havent", "im": a per-writer habit),
  a filler ("oh", "yeah", "lol"), a "!" or no final punctuation, punctuation around
  film titles as ReDial's chat left it (:func:`title_punctuation`), one typo (never inside a
  film title), a lower-case start or an all lower-case turn.

The phrase bank is written the way a careful writer talks (contractions, comma-joined
clauses); real seekers in ReDial/IARD write about half as many of either (contractions in
24-30% of turns, commas in 22-25%, against 47% and 54% in unstyled template turns), and
more of their turns hold two sentences. :data:`EXPAND_RATE`, :data:`COMMA_SPLIT_RATE` and
:data:`COMMA_DROP_RATE` close those gaps; the filler words and their weights follow the
per-word filler rates measured on ReDial (``style_redial.json``: "oh" is ten times as
common as "hmm").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from simworld.latents.persona import Style, Traits

#: Multiplier on the target length per verbosity level (unknown levels count as average).
VERBOSITY_SCALE: dict[str, float] = {"terse": 0.55, "average": 1.0, "chatty": 1.7}
MIN_WORDS, MAX_WORDS = 1, 80

#: Share of turns whose contractions are written out ("I'm" -> "I am"), by politeness.
EXPAND_RATE: dict[str, float] = {"polite": 0.5, "neutral": 0.35, "blunt": 0.2}
#: In such a turn, the share of negations written out too ("haven't" -> "have not"): real
#: seekers keep "haven't"/"don't" more often than "I'm".
EXPAND_NEGATION_RATE = 0.1
#: Punctuation next to a film title written with its year, as ReDial seekers' turns show it
#: (both ReDial files, 1,401 dialogues; the chat interface inserted the title for an
#: "@mention", and people typed around it): a turn that ends with such a title has no final
#: mark in 79% of cases (770 of 975), and a mark right after one is typed after a space
#: ("Heat (1995) ?") in 56% of cases (349 of 623, at the end of a turn or inside it).
TITLE_END_BARE_RATE = 0.79
TITLE_SPACE_BEFORE_MARK_RATE = 0.56
#: Chance that a comma before a new clause ("..., I think") becomes a sentence break.
COMMA_SPLIT_RATE = 0.3
#: Chance that a turn's remaining commas are left out ("yes I have seen it").
COMMA_DROP_RATE = 0.3

#: Fillers before the turn and their relative weights (ReDial per-word filler rates).
_PREFIX_FILLERS = ("oh", "yeah", "ok", "okay", "wow", "hmm", "well")
_PREFIX_WEIGHTS = (0.053, 0.027, 0.014, 0.008, 0.007, 0.006, 0.005)
_SUFFIX_FILLERS = ("lol", "haha", "lol", "haha", "hah")
_HAPPY_SUFFIX = (":)", "haha", ":D")
_HAS_FILLER = re.compile(r"\b(oh|ooh|yeah|ok|okay|hmm+|hm|um|uh|well|wow|lol|haha)\b", re.I)
_WORD = re.compile(r"[A-Za-z]{4,}")
_PRONOUN_I = re.compile(r"\bI\b")
_CONTRACTIONS: dict[str, str] = {
    "i'm": "i am", "i'll": "i will", "it's": "it is",
    "that's": "that is", "what's": "what is", "there's": "there is", "who's": "who is",
    "don't": "do not", "doesn't": "does not", "didn't": "did not", "haven't": "have not",
    "hasn't": "has not", "isn't": "is not", "aren't": "are not", "wasn't": "was not",
    "weren't": "were not", "can't": "can not", "won't": "will not", "wouldn't": "would not",
    "you're": "you are", "we're": "we are",
    "we'll": "we will", "they're": "they are", "one's": "one is",
}
_CONTRACTION = re.compile(r"\b(" + "|".join(re.escape(k) for k in _CONTRACTIONS) + r")\b",
                          re.IGNORECASE)
#: A comma between two words (kept when both are the same word: "it, it" is no typo).
_COMMA_GAP = re.compile(r"(\w+)(,) +(?=(\w+))")
#: A comma followed by a word that starts a clause of its own.
_CLAUSE_COMMA = re.compile(
    r", (?=(?:i|it|it's|that|that's|this|what|any|anything|got|do|does|is|are|can|could|"
    r"would|will|i'm|i've|i'll|i'd|maybe|probably|not|no|so|but|sounds|looks|just|thanks|"
    r"thank)\b)", re.IGNORECASE)


def target_words(style: Style, verbosity: str, shift: float, rng: np.random.Generator) -> int:
    """Words the next turn should have: lognormal(mu + shift, sigma) x verbosity scale."""
    raw = float(rng.lognormal(style.words_mu + shift, max(style.words_sigma, 1e-6)))
    scaled = raw * VERBOSITY_SCALE.get(verbosity, 1.0)
    if not math.isfinite(scaled):
        return MAX_WORDS
    return int(min(MAX_WORDS, max(MIN_WORDS, round(scaled))))


def apply_style(
    text: str,
    style: Style,
    traits: Traits,
    rng: np.random.Generator,
    protected: Sequence[str] = (),
) -> str:
    """Apply one turn's surface habits to ``text``; ``protected`` strings get no typo.

    The draws happen in a fixed order (contractions, apostrophes, commas, filler, ending, typo,
    casing), so the same generator state always gives the same result; a style without the
    apostrophe habit draws nothing for it.
    """
    if not text:
        return text
    if rng.random() < EXPAND_RATE.get(traits.politeness, 0.35):
        text = expand_contractions(text, protected,
                                   negations=rng.random() < EXPAND_NEGATION_RATE)
    if style.apostrophe_drop_rate > 0 and rng.random() < style.apostrophe_drop_rate:
        text = drop_apostrophes(text, protected)
    text = loosen_commas(text, rng, protected)
    if rng.random() < style.filler_rate:
        text = add_filler(text, traits, rng, protected)
    exclaim = style.exclaim_rate + {"positive": 0.1, "negative": -0.05}.get(traits.mood, 0.0)
    if rng.random() < max(0.0, exclaim):
        text = _end_with(text, "!")
    elif rng.random() < style.no_final_punct_rate:
        text = _strip_end(text)
    text = title_punctuation(text, rng)
    if rng.random() < style.typo_rate:
        text = add_typo(text, rng, protected)
    # Real seekers who write the pronoun "I" keep it capitalised more often than their
    # all-lower-case rate suggests (11% lower-case "i" against 16% all-lower turns), so a
    # turn with "I" goes all lower-case at rate**1.25, one without at rate**0.95.
    lower_rate = style.all_lower_rate ** (1.25 if _PRONOUN_I.search(text) else 0.95)
    if rng.random() < lower_rate:
        text = text.lower()
    elif rng.random() < style.lowercase_rate and text[:1].isupper() and not any(
        text.lower().startswith(p.lower()) for p in protected if p
    ):
        text = text[0].lower() + text[1:]
    return text


_TITLE_MARK = re.compile(r"(\(\d{4}\))([.,!?]+)")


def title_punctuation(text: str, rng: np.random.Generator) -> str:
    """Punctuation after a title written with its year, as real seekers leave it: a final
    mark after a closing title mostly dropped (:data:`TITLE_END_BARE_RATE`), and the marks
    that stay often typed after a space (:data:`TITLE_SPACE_BEFORE_MARK_RATE`). One draw per
    title followed by a mark (two for a closing one), in order."""

    def fix(m: re.Match[str]) -> str:
        year, mark = m.group(1), m.group(2)
        if not text[m.end():].strip() and rng.random() < TITLE_END_BARE_RATE:
            return year
        return f"{year} {mark}" if rng.random() < TITLE_SPACE_BEFORE_MARK_RATE else m.group(0)

    return _TITLE_MARK.sub(fix, text)


def expand_contractions(
    text: str, protected: Sequence[str] = (), *, negations: bool = True
) -> str:
    """Write contractions out ("I'm" -> "I am"; with ``negations`` also "haven't" -> "have
    not"), keeping the case of the first letter and leaving ``protected`` spans (film titles)
    alone."""
    blocked = _protected_spans(text, protected)

    def full(m: re.Match[str]) -> str:
        word = m.group(0)
        if any(m.start() < e and s < m.end() for s, e in blocked) or (
            not negations and word.lower().endswith("n't")
        ):
            return word
        out = _CONTRACTIONS[word.lower()]
        if out.endswith(" is") and text[m.end():m.end() + 5] == " been":
            out = out[:-2] + "has"  # "it's been" is "it has been"
        if word[:1] == "I" or out.startswith("i "):
            return "I" + out[1:]
        return out[:1].upper() + out[1:] if word[:1].isupper() else out

    return _CONTRACTION.sub(full, text)


#: Contractions some writers type without the apostrophe ("havent", "im", "thats"); "I'll"
#: and "I'd" are left out, since "ill" and "id" are words of their own.
_DROPPABLE = re.compile(
    r"\b(?:(?:do|does|did|have|has|had|is|are|was|were|could|would|should|ca|wo)n['’]t"
    r"|i['’](?:m|ve)|(?:that|what|there|it|he|she)['’]s|(?:you|they|we)['’](?:re|ve))\b",
    re.IGNORECASE,
)
#: The contractions the habit is measured on, with ``{a}`` for the apostrophe ("its",
#: "were" and "well" are left out: they are words of their own).
_MEASURED_FORMS = (
    r"\b(?:(?:do|does|did|have|has|had|is|are|was|could|would|should|ca)n{a}t"
    r"|i{a}(?:m|ve)|(?:that|what|there){a}s|(?:you|they){a}re)\b"
)
_MEASURED = re.compile(_MEASURED_FORMS.format(a="['’]"), re.IGNORECASE)
_DROPPED = re.compile(_MEASURED_FORMS.format(a=""), re.IGNORECASE)


def apostrophe_counts(text: str) -> tuple[int, int]:
    """Contractions in ``text`` typed with and without their apostrophe (the unambiguous
    ones: "havent", "im", "thats"... but not "its" or "ill", which are words too)."""
    return len(_MEASURED.findall(text)), len(_DROPPED.findall(text))


def drop_apostrophes(text: str, protected: Sequence[str] = ()) -> str:
    """Type the turn's contractions without apostrophes ("I haven't" -> "I havent"), leaving
    ``protected`` spans (film titles) alone."""
    blocked = _protected_spans(text, protected)

    def bare(m: re.Match[str]) -> str:
        if any(m.start() < e and s < m.end() for s, e in blocked):
            return m.group(0)
        return m.group(0).replace("'", "").replace("’", "")

    return _DROPPABLE.sub(bare, text)


def loosen_commas(text: str, rng: np.random.Generator, protected: Sequence[str] = ()) -> str:
    """Write commas the way chat users do: a comma before a clause of its own sometimes
    becomes a sentence break ("Seen it. It was fine"), and sometimes a turn drops its
    commas altogether ("yes I have seen it"). Commas inside ``protected`` spans stay."""
    if "," not in text:
        return text
    blocked = _protected_spans(text, protected)

    def free(i: int) -> bool:
        return not any(s <= i < e for s, e in blocked)

    if rng.random() < COMMA_SPLIT_RATE:
        text = _CLAUSE_COMMA.sub(
            lambda m: ". " if free(m.start()) else m.group(0), text, count=1)
        text = re.sub(r"(\. )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
        blocked = _protected_spans(text, protected)
    if rng.random() < COMMA_DROP_RATE:
        text = _COMMA_GAP.sub(
            lambda m: m.group(0) if not free(m.start(2)) or m.group(1).lower() ==
            m.group(3).lower() else f"{m.group(1)} ", text)
    return text


def add_filler(
    text: str, traits: Traits, rng: np.random.Generator, protected: Sequence[str] = ()
) -> str:
    """Put a filler before the turn ("oh ...", "yeah, ...") or after it ("... lol", "...?
    haha"). A turn that already holds a filler word gets none."""
    if _HAS_FILLER.search(text):
        return text
    if rng.random() < 0.65:
        weights = np.array(_PREFIX_WEIGHTS) / sum(_PREFIX_WEIGHTS)
        word = _PREFIX_FILLERS[int(rng.choice(len(_PREFIX_FILLERS), p=weights))]
        titled = any(text.lower().startswith(p.lower()) for p in protected if p)
        rest = text if titled or not text[1:2].islower() else text[0].lower() + text[1:]
        sep = "," if rng.random() < 0.3 else ""
        return f"{word.capitalize()}{sep} {rest}"
    pool = _HAPPY_SUFFIX if traits.mood == "positive" and rng.random() < 0.5 else _SUFFIX_FILLERS
    word = pool[int(rng.integers(len(pool)))]
    if text.rstrip(".!?, ").lower().endswith(word.lower()):
        return text  # "... haha" already ends the turn: no "haha haha"
    if text.endswith("?"):
        return f"{text} {word}"
    return f"{_strip_end(text)} {word}"


def add_typo(text: str, rng: np.random.Generator, protected: Sequence[str] = ()) -> str:
    """One typo in a word of 4+ letters outside ``protected`` spans: an adjacent swap, a
    dropped letter or a doubled letter. Returns ``text`` unchanged when no word qualifies."""
    blocked = _protected_spans(text, protected)
    words = [m for m in _WORD.finditer(text)
             if not any(m.start() < e and s < m.end() for s, e in blocked)]
    if not words:
        return text
    m = words[int(rng.integers(len(words)))]
    w = m.group(0)
    kind = int(rng.integers(3))
    i = int(rng.integers(1, len(w) - 1))  # never the first letter
    if kind == 0 and w[i] != w[i + 1]:
        new = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    elif kind == 1:
        new = w[:i] + w[i + 1 :]
    else:
        new = w[: i + 1] + w[i] + w[i + 1 :]
    return text[: m.start()] + new + text[m.end() :]


def _protected_spans(text: str, protected: Sequence[str]) -> list[tuple[int, int]]:
    low = text.lower()
    spans: list[tuple[int, int]] = []
    for p in protected:
        key = p.strip().lower()
        if not key:
            continue
        start = low.find(key)
        while start >= 0:
            spans.append((start, start + len(key)))
            start = low.find(key, start + 1)
    return spans


def _strip_end(text: str) -> str:
    stripped = text.rstrip()
    while stripped.endswith((".", "!")) and not stripped.endswith("..."):
        stripped = stripped[:-1]
    return stripped or text


def _end_with(text: str, mark: str) -> str:
    if text.endswith("?"):
        return text
    return _strip_end(text) + mark
