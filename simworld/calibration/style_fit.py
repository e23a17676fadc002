"""Writing style measured from a corpus's real user turns, in the form the style sampler reads.

:func:`fit_style` returns a mapping shaped like ``simworld/data/style_redial.json`` (made by
``tools/measure_style.py``; definitions in docs/calibration.md), so
:func:`simworld.build.sample_style` and :func:`simworld.build.intent_length_shift` take it in
place of the bundled ReDial figures:

- ``style_defaults``: the :class:`~simworld.latents.persona.Style` fields (lognormal length
  fit, lower-case start, all lower case, no final mark, "!" ending, filler, typo and
  apostrophe-drop rates);
- ``rates``: every share measured (``short_turn``, ``question``, ``no_final_punct_without_
  question``, ...); ``filler_by_word``; ``words_per_turn`` (mean, median, quantiles);
- ``rates.apostrophe_drop``: share of contractions typed without their apostrophe
  ("havent", "im"), and ``per_user.apostrophe_drop_rate`` its spread between writers
  (:func:`apostrophe_habit`);
- ``per_user``: between-writer spreads of the lower-case habit and of the log length. A
  writer is a dialogue here (generic corpora carry no user ids): method-of-moments
  ``std_between`` over dialogues with at least :data:`MIN_UNIT_TURNS` turns; with fewer
  than :data:`MIN_UNITS` such dialogues the bundled ReDial spreads are kept
  (``per_user.source`` says which);
- ``per_intent_words``: words per turn by intent (human labels, or classifier labels for an
  unlabelled corpus), read as relative lengths;
- ``mentions``: how items are written: share of turns with a ``Title (year)`` mention,
  mean such mentions per turn.

Words are counted as in the realism metrics (:func:`simworld.metrics.text.word_count`), on
the text as imported (a mention counts as the words of its title), so the figures match
what ``simworld compare`` measures.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from simworld.datasets import Dialogue
from simworld.metrics.text import word_count
from simworld.users.style import apostrophe_counts

DECIMALS = 4
SHORT_TURN_WORDS = 3
MIN_UNIT_TURNS = 4
MIN_UNITS = 20
#: Writers with at least this many contractions count towards the apostrophe habit's spread.
MIN_UNIT_CONTRACTIONS = 3
FINAL_MARKS = frozenset(".!?…")
_LETTER_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*")
_CASED_TOKEN = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_YEAR_MENTION = re.compile(r"\(\s*(?:1[89]|20)\d\d\s*\)")
_FREQUENT = 5
_SLIP_MIN = 4
_INFLECTIONS = ("s", "es", "ies", "d", "ed", "ied", "ing", "er", "ers", "est", "ly", "y", "n")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def fit_style(
    dialogues: Sequence[Dialogue],
    intents: Sequence[Sequence[str]],
    *,
    defaults: Mapping[str, Any],
) -> dict[str, Any]:
    """Style figures of the user turns of ``dialogues``; ``intents`` holds one label per user
    turn per dialogue; ``defaults`` is the bundled ReDial style (filler patterns, fallback
    spreads)."""
    units = [[t.text for t in d.user_turns] for d in dialogues]
    texts = [t for u in units for t in u]
    if not texts:
        raise ValueError("no user turns")
    words = np.array([word_count(t) for t in texts], dtype=float)
    logs = np.log(words[words >= 1]) if np.any(words >= 1) else np.zeros(1)
    lettered = [t for t in texts if any(c.isalpha() for c in t)]
    no_q = [t for t in texts if "?" not in t]
    patterns = _filler_patterns(defaults)
    filler_hits = [_fillers(t, patterns) for t in texts]
    all_tokens = [tok for d in dialogues for t in d.turns for tok in _letter_tokens(t.text)]
    slips, unknown = _typo_proxies(texts, all_tokens)
    rates = {
        "short_turn": _share(w <= SHORT_TURN_WORDS for w in words),
        "lowercase_start": _share(_lower_start(t) for t in lettered),
        "all_lowercase": _share(not any(c.isupper() for c in t) for t in lettered),
        "no_final_punct": _share(_no_final(t) for t in texts),
        "no_final_punct_without_question": _share(_no_final(t) for t in no_q),
        "exclaim_end": _share(t.rstrip().endswith("!") for t in texts),
        "question": _share("?" in t for t in texts),
        "filler": _share(bool(h) for h in filler_hits),
        "typo_proxy": _share(unknown),
        "typo_proxy_strict": _share(slips),
        "mention_turn": _share(bool(_YEAR_MENTION.search(t)) for t in texts),
    }
    rates["apostrophe_drop"], drop_spread = apostrophe_habit(units)
    by_word: Counter[str] = Counter(w for h in filler_hits for w in h)
    style_defaults = {
        "words_mu": _r(float(logs.mean())),
        "words_sigma": _r(float(logs.std())),
        "lowercase_rate": rates["lowercase_start"],
        "all_lower_rate": rates["all_lowercase"],
        "no_final_punct_rate": rates["no_final_punct"],
        "exclaim_rate": rates["exclaim_end"],
        "filler_rate": rates["filler"],
        "typo_rate": rates["typo_proxy_strict"],
        "apostrophe_drop_rate": rates["apostrophe_drop"],
    }
    return {
        "style_defaults": style_defaults,
        "rates": rates,
        "filler_by_word": {w: _r(n / len(texts)) for w, n in sorted(by_word.items())},
        "filler_words": defaults.get("filler_words", {}),
        "words_per_turn": _words_summary(words),
        "per_user": {
            **_per_unit(units, defaults),
            "apostrophe_drop_rate": drop_spread
            if drop_spread["n_users"] >= MIN_UNITS
            else defaults.get("per_user", {}).get("apostrophe_drop_rate", drop_spread),
        },
        "per_intent_words": _per_intent(units, intents),
        "mentions": {
            "share_with_title_year": rates["mention_turn"],
            "title_year_per_turn": _r(
                sum(len(_YEAR_MENTION.findall(t)) for t in texts) / len(texts)
            ),
        },
        "n_dialogues": sum(1 for u in units if u),
        "n_user_turns": len(texts),
    }


def _r(x: float) -> float:
    return round(float(x), DECIMALS)


def _share(flags: Any) -> float:
    values = [bool(f) for f in flags]
    return _r(sum(values) / len(values)) if values else 0.0


def _lower_start(text: str) -> bool:
    first = next((c for c in text if c.isalpha()), "")
    return first.islower()


def _no_final(text: str) -> bool:
    s = text.rstrip()
    return not s or s[-1] not in FINAL_MARKS


def _filler_patterns(defaults: Mapping[str, Any]) -> tuple[dict[str, re.Pattern[str]], ...]:
    spec = defaults.get("filler_words", {})
    anywhere = {k: re.compile(v) for k, v in dict(spec.get("anywhere", {})).items()}
    at_start = {k: re.compile(v) for k, v in dict(spec.get("at_start", {})).items()}
    return anywhere, at_start


def _fillers(text: str, patterns: tuple[dict[str, re.Pattern[str]], ...]) -> set[str]:
    tokens = re.findall(r"[a-z]+", text.lower())
    anywhere, at_start = patterns
    found = {n for n, p in anywhere.items() if any(p.fullmatch(t) for t in tokens)}
    if tokens:
        found |= {n for n, p in at_start.items() if p.fullmatch(tokens[0])}
    return found


def _letter_tokens(text: str) -> list[str]:
    return _LETTER_TOKEN.findall(text.lower().replace("’", "'"))


def _typo_proxies(texts: Sequence[str], all_tokens: Sequence[str]) -> tuple[list[bool], list[bool]]:
    """Per turn: has a *slip* (strict proxy), has an *unknown* token (loose proxy).

    The vocabulary is the corpus itself (both speakers): a token seen once is unknown; an
    unknown token of 4+ letters that is not a frequent word (seen 5+ times) plus an
    inflection, and is one edit from a frequent word or two frequent words run together, is
    a slip (as in ``tools/measure_style.py``; instead of its catalog-title exclusion, a
    token written with a capital is taken for a name or a title word, not a slip).
    """
    counts = Counter(all_tokens)
    frequent = {w for w, n in counts.items() if n >= _FREQUENT}
    cache: dict[str, bool] = {}

    def slip(tok: str) -> bool:
        if tok not in cache:
            cache[tok] = _is_slip(tok, frequent)
        return cache[tok]

    slips: list[bool] = []
    unknown: list[bool] = []
    for t in texts:
        toks = [tok for tok in _letter_tokens(t) if counts[tok] <= 1]
        unknown.append(bool(toks))
        # A capitalised rare word is mostly a name or a title word, not a slip.
        lower = {w for w in _CASED_TOKEN.findall(t.replace("’", "'")) if w[:1].islower()}
        slips.append(any(len(tok) >= _SLIP_MIN and tok in lower and slip(tok) for tok in toks))
    return slips, unknown


def _is_slip(tok: str, frequent: set[str]) -> bool:
    for suffix in _INFLECTIONS:
        stem = tok[: -len(suffix)]
        if tok.endswith(suffix) and (stem in frequent or stem + "e" in frequent):
            return False
    splits = [(tok[:i], tok[i:]) for i in range(len(tok) + 1)]
    for a, b in splits:
        if a and b and a in frequent and b in frequent and len(a) > 1 and len(b) > 1:
            return True  # two words run together
        if b and a + b[1:] in frequent:
            return True  # a letter too many
        if len(b) > 1 and a + b[1] + b[0] + b[2:] in frequent:
            return True  # neighbours swapped
        for c in _ALPHABET:
            if b and a + c + b[1:] in frequent and c != b[0]:
                return True  # a wrong letter
            if a + c + b in frequent:
                return True  # a letter missing
    return False


def _words_summary(words: np.ndarray) -> dict[str, Any]:
    qs = [round(0.05 * k, 2) for k in range(1, 20)]
    return {
        "mean": _r(float(words.mean())),
        "median": _r(float(np.median(words))),
        "std": _r(float(words.std())),
        "quantiles": {str(q): _r(float(np.quantile(words, q))) for q in qs},
    }


def _per_unit(units: Sequence[Sequence[str]], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Between-dialogue spreads of the lower-case habit and of the mean log length."""
    rates: list[tuple[float, int]] = []
    mus: list[tuple[float, float, int]] = []
    for texts in units:
        lettered = [t for t in texts if any(c.isalpha() for c in t)]
        if len(lettered) >= MIN_UNIT_TURNS:
            rates.append((sum(_lower_start(t) for t in lettered) / len(lettered), len(lettered)))
        logs = [math.log(w) for w in (word_count(t) for t in texts) if w >= 1]
        if len(logs) >= MIN_UNIT_TURNS:
            arr = np.asarray(logs)
            mus.append((float(arr.mean()), float(arr.var(ddof=1)), len(logs)))
    if len(rates) < MIN_UNITS or len(mus) < MIN_UNITS:
        fallback = dict(defaults.get("per_user", {}))
        fallback["source"] = (
            f"bundled ReDial figures (fewer than {MIN_UNITS} dialogues with "
            f"{MIN_UNIT_TURNS}+ user turns)"
        )
        return fallback
    r = np.array([x for x, _ in rates])
    n = np.array([k for _, k in rates], dtype=float)
    r_between = _between_sd(r, n, float((r * n).sum() / n.sum()))
    m = np.array([x for x, _, _ in mus])
    m_samp = float(np.mean([v / k for _, v, k in mus]))
    m_between = math.sqrt(max(float(m.var()) - m_samp, 0.0))
    sig = np.sqrt(np.array([v for _, v, _ in mus]))
    return {
        "source": "corpus (a writer is a dialogue)",
        "min_turns": MIN_UNIT_TURNS,
        "n_users": len(rates),
        "lowercase_start_rate": {
            "mean": _r(float(r.mean())),
            "std": _r(float(r.std())),
            "std_between": _r(r_between),
        },
        "words_mu": {
            "mean": _r(float(m.mean())),
            "std": _r(float(m.std())),
            "std_between": _r(m_between),
        },
        "words_sigma": {"mean": _r(float(sig.mean())), "std": _r(float(sig.std()))},
    }


def _between_sd(rates: np.ndarray, counts: np.ndarray, pooled: float) -> float:
    """Spread of writers' own rates once the binomial noise of their ``counts`` is taken out
    (method of moments: observed variance minus the mean sampling variance at ``pooled``)."""
    noise = float(np.mean(pooled * (1 - pooled) / counts))
    return math.sqrt(max(float(rates.var()) - noise, 0.0))


def apostrophe_habit(units: Sequence[Sequence[str]]) -> tuple[float, dict[str, Any]]:
    """Share of contractions typed without their apostrophe over all ``units`` (a unit is one
    writer's turns), and its spread between writers: ``std_between`` by the method of moments
    over writers with at least :data:`MIN_UNIT_CONTRACTIONS` contractions (most writers never
    drop one, a few nearly always do, so the spread is wide)."""
    counts = [
        (sum(c[0] for c in per), sum(c[1] for c in per))
        for per in ([apostrophe_counts(t) for t in texts] for texts in units)
    ]
    kept = sum(w for w, _ in counts)
    dropped = sum(d for _, d in counts)
    rate = _r(dropped / (kept + dropped)) if kept + dropped else 0.0
    rows = [(d / (w + d), w + d) for w, d in counts if w + d >= MIN_UNIT_CONTRACTIONS]
    if not rows:
        return rate, {"n_users": 0, "min_contractions": MIN_UNIT_CONTRACTIONS, "std_between": 0.0}
    r = np.array([x for x, _ in rows])
    n = np.array([k for _, k in rows], dtype=float)
    return rate, {
        "mean": _r(float(r.mean())),
        "std": _r(float(r.std())),
        "std_between": _r(_between_sd(r, n, rate)),
        "n_users": len(rows),
        "min_contractions": MIN_UNIT_CONTRACTIONS,
    }


def _per_intent(
    units: Sequence[Sequence[str]], intents: Sequence[Sequence[str]]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[int]] = {}
    for texts, labels in zip(units, intents, strict=True):
        for text, label in zip(texts, labels, strict=False):
            n = word_count(text)
            groups.setdefault(label, []).append(n)
            groups.setdefault("ALL", []).append(n)
    return {code: word_summary(v) for code, v in sorted(groups.items())}


def word_summary(values: Sequence[int]) -> dict[str, Any]:
    """Words per turn of one group of turns: mean, median, n and the share of one-word
    turns (None figures for no turns). Shared with ``tools/measure_style.py``."""
    if not values:
        return {"mean": None, "median": None, "n": 0, "one_word": None}
    arr = np.asarray(values, dtype=float)
    return {
        "mean": _r(float(arr.mean())),
        "median": _r(float(np.median(arr))),
        "n": len(values),
        "one_word": _r(float((arr <= 1).mean())),
    }
