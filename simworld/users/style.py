"""Writing habits applied to a rendered user turn: length targets and surface noise.

Two jobs, both driven by the per-agent :class:`~simworld.latents.persona.Style` and the
traits, and both drawing only from the generator they are given:

- :func:`target_words` draws how long the next turn should be (a lognormal in words, shifted
  per intent and scaled by the verbosity trait);
- :func:`apply_style` adds the habits real seekers show: a filler ("lol", "hmm"), a "!" or no
  final punctuation, one typo (never inside a film title), a lower-case start or an all
  lower-case turn.
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

_PREFIX_FILLERS = ("hmm", "um", "uh", "well", "oh", "hm")
_SUFFIX_FILLERS = ("lol", "haha", "lol", "haha", "hah")
_HAPPY_SUFFIX = (":)", "haha", ":D")
_WORD = re.compile(r"[A-Za-z]{4,}")


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

    The draws happen in a fixed order (filler, ending, typo, casing), so the same generator
    state always gives the same result.
    """
    if not text:
        return text
    if rng.random() < style.filler_rate:
        text = add_filler(text, traits, rng, protected)
    exclaim = style.exclaim_rate + {"positive": 0.1, "negative": -0.05}.get(traits.mood, 0.0)
    if rng.random() < max(0.0, exclaim):
        text = _end_with(text, "!")
    elif rng.random() < style.no_final_punct_rate:
        text = _strip_end(text)
    if rng.random() < style.typo_rate:
        text = add_typo(text, rng, protected)
    if rng.random() < style.all_lower_rate:
        text = text.lower()
    elif rng.random() < style.lowercase_rate and text[:1].isupper() and not any(
        text.lower().startswith(p.lower()) for p in protected if p
    ):
        text = text[0].lower() + text[1:]
    return text


def add_filler(
    text: str, traits: Traits, rng: np.random.Generator, protected: Sequence[str] = ()
) -> str:
    """Put a filler before the turn ("hmm, ...") or after it ("... lol", "...? haha")."""
    if rng.random() < 0.5:
        word = _PREFIX_FILLERS[int(rng.integers(len(_PREFIX_FILLERS)))]
        titled = any(text.lower().startswith(p.lower()) for p in protected if p)
        rest = text if titled or not text[1:2].islower() else text[0].lower() + text[1:]
        return f"{word.capitalize()}, {rest}"
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
