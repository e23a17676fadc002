"""Measure how real ReDial seekers write, the figures simworld's style sampler is calibrated to.

Writes ``simworld/data/style_redial.json``. A *turn* is a run of consecutive chat messages
from the seeker (``initiatorWorkerId``) joined by a space; blank turns are dropped. Movie
mentions (``@<digits>``) become one placeholder word before words are counted and are
counted separately. Every figure is defined in docs/calibration.md; the ones the
:class:`simworld.latents.persona.Style` dataclass takes directly are repeated under
``style_defaults`` with its field names. Per-intent turn lengths come from IARD's
human-labelled seeker turns (primary intent as in ``tools/estimate_intent_policy.py``).

Usage: ``python tools/measure_style.py [--redial PATH ...] [--movies PATH] [--iard PATH]
[--out PATH]``
"""

from __future__ import annotations

import argparse
import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from _shared_data import (
    IARD_PATH,
    INTENTS,
    REDIAL_MENTION,
    REDIAL_MOVIES_PATH,
    REDIAL_PATHS,
    load_iard,
    normalise_iard_text,
    normalise_redial_text,
    read_jsonl,
    seeker_primaries,
    source_entry,
    write_figures,
)

from simworld.calibration.style_fit import apostrophe_habit, word_summary
from simworld.errors import DataError

DECIMALS = 4
OUT_PATH = Path(__file__).resolve().parents[1] / "simworld" / "data" / "style_redial.json"
SHORT_TURN_WORDS = 3  # a "very short" turn has at most this many words
MIN_USER_TURNS = 10  # seekers with fewer turns are left out of the per-user figures
QUANTILES = tuple(round(0.05 * k, 2) for k in range(1, 20))
FINAL_PUNCT = frozenset(".!?…")

# Fillers / interjections, as whole lower-cased tokens (spelling variants included).
# "well" and "ok"/"okay" are ordinary words inside a sentence, so they count only as the
# turn's first token.
FILLERS_ANYWHERE: dict[str, re.Pattern[str]] = {
    "lol": re.compile(r"l+o+l+(?:o+l+)*"),
    "haha": re.compile(r"a?(?:ha){2,}h?"),
    "hmm": re.compile(r"hm+"),
    "um": re.compile(r"u+m+"),
    "oh": re.compile(r"o+h+"),
    "yeah": re.compile(r"yeah*|yeh"),
    "wow": re.compile(r"wo+w+"),
}
FILLERS_AT_START: dict[str, re.Pattern[str]] = {
    "ok": re.compile(r"o+k+(?:a+y+)?|k"),
    "well": re.compile(r"well"),
}

# Typo proxies (see Vocabulary).
UNKNOWN_MAX_COUNT = 1
FREQUENT_COUNT = 5
SLIP_MIN_LEN = 4
INFLECTIONS = ("s", "es", "ies", "d", "ed", "ied", "ing", "er", "ers", "est", "ly", "y", "n", "en")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"

LETTER_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)*")
ASCII_WORD = re.compile(r"[A-Za-z]+")
HAS_ALNUM = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class Turn:
    """One seeker turn of one ReDial dialogue."""

    user: str
    text: str  # as written, mentions kept as "@id"


def load_seeker_turns(paths: Sequence[Path]) -> tuple[list[list[Turn]], list[str]]:
    """Seeker turns per dialogue, and every turn of either role (for the vocabulary)."""
    dialogues: list[list[Turn]] = []
    all_turns: list[str] = []
    for path in paths:
        for number, row in enumerate(read_jsonl(path), start=1):
            turns = _merge_turns(path, number, row)
            all_turns.extend(text for _, text in turns)
            seeker = str(row["initiatorWorkerId"])
            dialogues.append([Turn(seeker, text) for sender, text in turns if sender == seeker])
    return dialogues, all_turns


def _merge_turns(path: Path, number: int, row: Mapping[str, Any]) -> list[tuple[str, str]]:
    messages = row.get("messages")
    if "initiatorWorkerId" not in row or not isinstance(messages, list):
        raise DataError(
            "expected 'initiatorWorkerId' and a list 'messages'", file=str(path), line=number
        )
    turns: list[tuple[str, list[str]]] = []
    for m in messages:
        if not isinstance(m, dict) or not isinstance(m.get("text"), str):
            raise DataError("a message lacks a string 'text'", file=str(path), line=number)
        sender = str(m.get("senderWorkerId"))
        if turns and turns[-1][0] == sender:
            turns[-1][1].append(m["text"])
        else:
            turns.append((sender, [m["text"]]))
    merged = [(sender, " ".join(parts).strip()) for sender, parts in turns]
    return [(sender, text) for sender, text in merged if text]


def word_count(normalised: str) -> int:
    """Whitespace tokens holding a letter or digit (a movie placeholder is one word)."""
    return sum(1 for tok in normalised.split() if HAS_ALNUM.search(tok))


def letter_tokens(text: str) -> list[str]:
    """Lower-cased alphabetic tokens (inner apostrophes kept), mentions removed."""
    return LETTER_TOKEN.findall(REDIAL_MENTION.sub(" ", text).lower().replace("’", "'"))


def filler_words(text: str) -> set[str]:
    """Which fillers (keys of FILLERS_*) a turn uses."""
    tokens = re.findall(r"[a-z]+", REDIAL_MENTION.sub(" ", text).lower())
    found = {
        name for name, pat in FILLERS_ANYWHERE.items() if any(pat.fullmatch(t) for t in tokens)
    }
    if tokens:
        found |= {name for name, pat in FILLERS_AT_START.items() if pat.fullmatch(tokens[0])}
    return found


def load_title_vocabulary(path: Path) -> set[str]:
    """Lower-cased alphabetic tokens of the ReDial movie titles (column ``movieName``)."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames is None or "movieName" not in reader.fieldnames:
                raise DataError("expected a 'movieName' column", file=str(path), line=1)
            vocab: set[str] = set()
            for row in reader:
                vocab.update(LETTER_TOKEN.findall((row["movieName"] or "").lower()))
    except OSError as exc:
        raise DataError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    return vocab


class Vocabulary:
    """The word list the typo proxies check against, built offline from the corpus itself.

    A token is *unknown* when it occurs at most ``UNKNOWN_MAX_COUNT`` times in the whole
    corpus (both roles, all files) and is not a word of a catalog title. An unknown token is
    a *slip* when it also looks like a keyboard slip of a frequent word: at least
    ``SLIP_MIN_LEN`` letters, not a frequent word plus an inflection suffix, and either one
    edit (insert, delete, replace, swap two neighbours) away from a frequent word or two
    frequent words run together. Frequent = seen at least ``FREQUENT_COUNT`` times.
    """

    def __init__(self, counts: Mapping[str, int], titles: set[str]) -> None:
        self.counts = counts
        self.titles = titles
        self.frequent = {t for t, n in counts.items() if n >= FREQUENT_COUNT}

    def is_unknown(self, token: str) -> bool:
        return self.counts.get(token, 0) <= UNKNOWN_MAX_COUNT and token not in self.titles

    def is_slip(self, token: str) -> bool:
        if len(token) < SLIP_MIN_LEN or "'" in token or self._inflected(token):
            return False
        if any(
            token[:i] in self.frequent and token[i:] in self.frequent
            for i in range(2, len(token) - 1)
        ):
            return True
        return not self.frequent.isdisjoint(_edits1(token))

    def _inflected(self, token: str) -> bool:
        return any(
            token.endswith(suffix) and stem in self.frequent
            for suffix in INFLECTIONS
            for stem in (token[: -len(suffix)], token[: -len(suffix)] + "e")
        )

    def summary(self) -> dict[str, int]:
        unknown = [t for t in self.counts if self.is_unknown(t)]
        return {
            "frequent_count": FREQUENT_COUNT,
            "n_corpus_tokens": int(sum(self.counts.values())),
            "n_corpus_types": len(self.counts),
            "n_frequent_types": len(self.frequent),
            "n_slip_types": sum(1 for t in unknown if self.is_slip(t)),
            "n_title_vocabulary": len(self.titles),
            "n_unknown_types": len(unknown),
            "slip_min_len": SLIP_MIN_LEN,
            "unknown_max_count": UNKNOWN_MAX_COUNT,
        }


def _edits1(word: str) -> set[str]:
    """Every string one edit away from ``word`` (Norvig's four edit kinds, a-z)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in ALPHABET}
    inserts = {a + c + b for a, b in splits for c in ALPHABET}
    return deletes | swaps | replaces | inserts


@dataclass(frozen=True, slots=True)
class TurnFeatures:
    """What is measured on one seeker turn."""

    words: int
    has_letters: bool
    lower_start: bool
    all_lower: bool
    final_punct: bool
    exclaim_end: bool
    question: bool
    fillers: frozenset[str]
    typo: bool  # has a token the vocabulary does not know (typo_proxy)
    slip: bool  # ... that also looks like a keyboard slip (typo_proxy_strict)
    pronoun_i: bool  # uses the pronoun I at all (either case)
    lower_i: bool  # writes it "i" at least once
    mentions: int


def features(text: str, vocab: Vocabulary) -> TurnFeatures:
    """Measure one turn against the corpus vocabulary (for the typo proxies)."""
    normalised = normalise_redial_text(text)
    bare = REDIAL_MENTION.sub(" ", text)
    letters = [c for c in bare if c.isalpha()]
    end = normalised.rstrip()[-1:]
    i_tokens = [t for t in ASCII_WORD.findall(bare) if t in ("I", "i")]
    unknown = [t for t in letter_tokens(text) if vocab.is_unknown(t)]
    return TurnFeatures(
        words=word_count(normalised),
        has_letters=bool(letters),
        lower_start=bool(letters) and letters[0].islower(),
        all_lower=bool(letters) and not any(c.isupper() for c in letters),
        final_punct=end in FINAL_PUNCT,
        exclaim_end=end == "!",
        question="?" in text,
        fillers=frozenset(filler_words(text)),
        typo=bool(unknown),
        slip=any(vocab.is_slip(t) for t in unknown),
        pronoun_i=bool(i_tokens),
        lower_i="i" in i_tokens,
        mentions=len(REDIAL_MENTION.findall(text)),
    )


def measure(
    redial_paths: Sequence[Path] = REDIAL_PATHS,
    movies_path: Path = REDIAL_MOVIES_PATH,
    iard_path: Path = IARD_PATH,
) -> dict[str, Any]:
    """All style figures (see the module docstring and docs/calibration.md)."""
    dialogues, all_turns = load_seeker_turns(redial_paths)
    vocab = Vocabulary(
        Counter(t for text in all_turns for t in letter_tokens(text)),
        load_title_vocabulary(movies_path),
    )
    per_turn = [(t.user, features(t.text, vocab)) for d in dialogues for t in d]
    by_seeker: dict[str, list[str]] = defaultdict(list)
    for d in dialogues:
        for t in d:
            by_seeker[t.user].append(t.text)
    drop_rate, drop_spread = apostrophe_habit([texts for _, texts in sorted(by_seeker.items())])
    feats = [f for _, f in per_turn]
    if not feats:
        raise DataError("no seeker turns found", file=", ".join(str(p) for p in redial_paths))
    with_letters = [f for f in feats if f.has_letters]
    no_question = [f for f in feats if not f.question]
    with_pronoun = [f for f in feats if f.pronoun_i]
    words = np.array([f.words for f in feats], dtype=float)
    logw = np.log(words[words > 0])
    filler_by = {
        name: _r(sum(1 for f in feats if name in f.fillers) / len(feats))
        for name in (*FILLERS_ANYWHERE, *FILLERS_AT_START)
    }
    rates = {
        "all_lowercase": _share(with_letters, lambda f: f.all_lower),
        "exclaim_end": _share(feats, lambda f: f.exclaim_end),
        "filler": _share(feats, lambda f: bool(f.fillers)),
        "lower_i": _share(feats, lambda f: f.lower_i),
        "lower_i_given_pronoun": _share(with_pronoun, lambda f: f.lower_i),
        "lowercase_start": _share(with_letters, lambda f: f.lower_start),
        "mention_turn": _share(feats, lambda f: f.mentions > 0),
        "no_final_punct": _share(feats, lambda f: not f.final_punct),
        "no_final_punct_without_question": _share(no_question, lambda f: not f.final_punct),
        "question": _share(feats, lambda f: f.question),
        "short_turn": _share(feats, lambda f: f.words <= SHORT_TURN_WORDS),
        "typo_proxy": _share(feats, lambda f: f.typo),
        "typo_proxy_strict": _share(feats, lambda f: f.slip),
        "apostrophe_drop": drop_rate,
    }
    lognormal = {
        "mu": _r(float(logw.mean())),
        "sigma": _r(float(logw.std())),
        "n": int(logw.size),
    }
    return {
        "filler_by_word": filler_by,
        "filler_words": {
            "anywhere": {k: p.pattern for k, p in FILLERS_ANYWHERE.items()},
            "at_start": {k: p.pattern for k, p in FILLERS_AT_START.items()},
        },
        "mentions_per_turn": {
            "mean": _r(float(np.mean([f.mentions for f in feats]))),
            "share_with_mention": rates["mention_turn"],
        },
        "n_dialogues": len(dialogues),
        "n_seeker_turns": len(feats),
        "n_seekers": len({u for u, _ in per_turn}),
        "n_turns_with_letters": len(with_letters),
        "n_turns_with_pronoun_i": len(with_pronoun),
        "per_intent_words": per_intent_words(iard_path),
        "per_user": {**per_user(per_turn), "apostrophe_drop_rate": drop_spread},
        "rates": rates,
        "source": {
            "iard": source_entry(iard_path),
            "redial": [source_entry(p) for p in redial_paths],
            "redial_movies": source_entry(movies_path),
        },
        "style_defaults": {
            "all_lower_rate": rates["all_lowercase"],
            "apostrophe_drop_rate": rates["apostrophe_drop"],
            "exclaim_rate": rates["exclaim_end"],
            "filler_rate": rates["filler"],
            "lowercase_rate": rates["lowercase_start"],
            "no_final_punct_rate": rates["no_final_punct"],
            "typo_rate": rates["typo_proxy_strict"],
            "words_mu": lognormal["mu"],
            "words_sigma": lognormal["sigma"],
        },
        "turns_per_session": _summary([len(d) for d in dialogues]),
        "typo_proxy": vocab.summary(),
        "words_per_turn": {
            **_summary(words.tolist()),
            "lognormal": lognormal,
            "quantiles": {
                f"{q:.2f}": _r(float(v))
                for q, v in zip(QUANTILES, np.quantile(words, QUANTILES), strict=True)
            },
        },
    }


def per_user(per_turn: Sequence[tuple[str, TurnFeatures]]) -> dict[str, Any]:
    """How seekers differ: the spread across seekers of their own rates and lengths.

    ``std`` is the plain spread of the per-seeker values; ``std_between`` removes the part
    explained by each seeker's finite number of turns (method of moments: observed variance
    minus the mean sampling variance), an estimate of how much habits really differ.
    """
    by_user: dict[str, list[TurnFeatures]] = defaultdict(list)
    for user, f in per_turn:
        by_user[user].append(f)
    users = {u: fs for u, fs in sorted(by_user.items()) if len(fs) >= MIN_USER_TURNS}
    lower_rates, lower_noise = [], []
    pooled = _share_raw([f for fs in users.values() for f in fs if f.has_letters], "lower_start")
    for fs in users.values():
        lettered = [f for f in fs if f.has_letters]
        lower_rates.append(_share_raw(lettered, "lower_start"))
        lower_noise.append(pooled * (1 - pooled) / len(lettered))
    mean_words, words_noise, mus, mu_noise, sigmas = [], [], [], [], []
    for fs in users.values():
        w = np.array([f.words for f in fs], dtype=float)
        mean_words.append(float(w.mean()))
        words_noise.append(float(w.var(ddof=1)) / w.size)
        lw = np.log(w[w > 0])
        mus.append(float(lw.mean()))
        mu_noise.append(float(lw.var(ddof=1)) / lw.size if lw.size > 1 else 0.0)
        sigmas.append(float(lw.std()))
    return {
        "lowercase_start_rate": _spread(lower_rates, lower_noise),
        "mean_words": _spread(mean_words, words_noise),
        "min_turns": MIN_USER_TURNS,
        "n_users": len(users),
        "words_mu": _spread(mus, mu_noise),
        "words_sigma": {"mean": _r(float(np.mean(sigmas))), "std": _r(float(np.std(sigmas)))},
    }


def per_intent_words(path: Path) -> dict[str, Any]:
    """Words per IARD seeker turn by primary intent (mean, median, n, share of one-word
    turns), and over all turns."""
    by_intent: dict[str, list[int]] = {c: [] for c in INTENTS}
    for utterances in load_iard(path).values():
        for u, intent in seeker_primaries(utterances):
            by_intent[intent].append(word_count(normalise_iard_text(u.text)))
    everything = [n for ns in by_intent.values() for n in ns]
    out: dict[str, Any] = {c: word_summary(ns) for c, ns in by_intent.items()}
    out["ALL"] = word_summary(everything)
    return out


def _spread(values: Sequence[float], noise: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=float)
    between = max(float(arr.var()) - float(np.mean(noise)), 0.0)
    return {
        "mean": _r(float(arr.mean())),
        "std": _r(float(arr.std())),
        "std_between": _r(math.sqrt(between)),
    }


def _summary(values: Iterable[float]) -> dict[str, float]:
    arr = np.asarray(list(values), dtype=float)
    return {
        "mean": _r(float(arr.mean())),
        "median": _r(float(np.median(arr))),
        "p10": _r(float(np.quantile(arr, 0.1))),
        "p90": _r(float(np.quantile(arr, 0.9))),
        "std": _r(float(arr.std())),
    }


def _share(items: Sequence[TurnFeatures], pred: Callable[[TurnFeatures], bool]) -> float:
    return _r(sum(1 for f in items if pred(f)) / len(items)) if items else 0.0


def _share_raw(items: Sequence[TurnFeatures], attr: str) -> float:
    return sum(1 for f in items if getattr(f, attr)) / len(items)


def _r(x: float) -> float:
    return round(x, DECIMALS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--redial", type=Path, nargs="+", default=list(REDIAL_PATHS), help="ReDial JSONL files"
    )
    parser.add_argument("--movies", type=Path, default=REDIAL_MOVIES_PATH, help="ReDial movies CSV")
    parser.add_argument("--iard", type=Path, default=IARD_PATH, help="IARD JSON file")
    parser.add_argument("--out", type=Path, default=OUT_PATH, help="where to write the figures")
    args = parser.parse_args(argv)
    return write_figures(
        args.out,
        lambda: measure(args.redial, args.movies, args.iard),
        lambda f: f"{f['n_seeker_turns']} seeker turns",
    )


if __name__ == "__main__":
    raise SystemExit(main())
