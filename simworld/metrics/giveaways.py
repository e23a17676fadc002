"""What gives simulated user turns away: the features that most separate them from real ones.

:func:`giveaways` lists, in both directions, the word n-grams (1-2), character n-grams
(2-4, within word boundaries, as in the C2ST classifier) and surface-style facts (length
bucket, casing, end punctuation, digits, years, ``Title (1999)`` mentions, ``!``, ``...``,
...) whose share of turns differs most between simulated and real users, each with example
turns. It is the "why" behind ``realism.c2st_auc``: the list says which phrases a prompt or
phrase bank overuses, and which habits of real users it never produces.

Features. Every feature is a yes/no fact about a turn ("contains *looking for*", "starts
lower-case"), so all kinds are measured on one scale: ``k`` of the ``N`` turns of a side
have it. Word n-grams are lower-cased with contractions kept whole; character n-grams are
kept only when they hold punctuation, digits or apostrophes (``"... "``, ``"(201"``):
letters-only fragments repeat the word features less readably. N-grams in fewer than
``min_turns`` turns are not scored.

Ranking. For each feature we take the log-odds of a turn having it on each side, smoothed
with an *informative Dirichlet (here Beta) prior* centred on the pooled rate ``pi`` with
``a = prior * (N_sim + N_real) / 2`` pseudo-turns, and rank by the z-score of their
difference (Monroe, Colaresi & Quinn 2008, "Fightin' Words")::

    lo(side) = log((k + a*pi) / (N - k + a*(1-pi)))
    delta    = lo(sim) - lo(real)                    # the weight, in log-odds
    var      = sum over sides of 1/(k + a*pi) + 1/(N - k + a*(1-pi))
    z        = delta / sqrt(var)                     # the ranking score

``delta`` is the weight a (Bernoulli) naive Bayes classifier -- a linear classifier --
gives the feature; positive means more common in simulated turns. Ranking by ``z`` rather
than by ``delta`` (or by the weights of a logistic regression) is what keeps the list
readable: a feature seen in three turns can have a huge log-odds ratio but its variance is
as huge, so it ranks low, while a phrase in 6% of simulated and no real turns ranks high.
Discriminative weights would instead be split among correlated n-grams (a phrase and its
character n-grams) and are unstable for rare ones. A prior that grows with the sample keeps
the balance between "frequent, moderately skewed" and "rarer, one-sided" features about the
same whatever the sample size.

Near-duplicates are folded: walking down the ranking, a feature whose set of turns overlaps
an already listed one's with Jaccard similarity >= ``overlap`` (or, for a char n-gram, lies
90% inside it) is not listed again but named in that row's ``similar``. A row shows the
most readable member of its group (style fact, then the longest word n-gram, then char
n-gram), and word bigrams of one group are chained back into their phrase (``i am`` +
``am looking`` + ``looking for`` -> ``i am looking for``) when the phrase covers the same
turns; the row's numbers are those of what it shows.

Cost is bounded: at most ``max_turns`` turns per side (a seeded sample) are scored.
Deterministic for a seed. scikit-learn is imported inside the function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypedDict, cast

import numpy as np

from simworld.metrics.stats import subsample
from simworld.metrics.text import word_count

Kind = Literal["word", "char", "style"]
Side = Literal["sim", "real"]

METHOD = "log-odds z-score, informative Beta prior (Monroe et al. 2008), turn presence"
MAX_TURNS = 5000
EXAMPLE_CHARS = 120
_READABLE: dict[str, int] = {"style": 0, "word": 1, "char": 2}


class Giveaway(TypedDict):
    """One listed feature (JSON-ready)."""

    feature: str
    kind: Kind
    z: float  # ranking score; > 0 more common in simulated turns
    log_odds: float  # the weight: smoothed log-odds ratio sim vs real
    share_sim: float  # share of simulated turns containing the feature
    share_real: float  # share of real turns containing it
    examples: list[str]  # turns of the side it is more common in (empty if not shown)
    similar: list[str]  # folded near-duplicate features (same turns)


class Giveaways(TypedDict):
    """The result of :func:`giveaways` (JSON-ready)."""

    method: str
    n_sim: int  # turns scored per side (after sampling)
    n_real: int
    prior: float
    min_turns: int
    sim: list[Giveaway]  # more common in simulated turns, strongest first
    real: list[Giveaway]  # more common in real turns, strongest first


# -- style features ---------------------------------------------------------------------

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TITLE_YEAR = re.compile(r"\w[^()]*\(\s*(?:19|20)\d\d\s*\)")
_CAPS_WORD = re.compile(r"\b[A-Z]{2,}\b")
_LOWER_I = re.compile(r"(?<![\w'’-])i\b")  # the pronoun: "i", "i'm"
_EMOTICON = re.compile(r"[:;=]-?[()dDpP]|<3|\b(?:lol|haha\w*|lmao)\b", re.IGNORECASE)
_CONTRACTION = re.compile(r"\w['’]\w")
_SENTENCE_BREAK = re.compile(r"[.!?]+\s+\S")
_TOKEN = r"(?u)\b\w+(?:['’]\w+)?\b"  # words, contractions kept whole ("i'm")
_TOKEN_RE = re.compile(_TOKEN)
_SAYS_MORE = re.compile(r"[^a-z ]")  # a char n-gram with punctuation, digits or apostrophes
_WORD_BUCKETS = (
    (1, 1, "1 word"),
    (2, 3, "2-3 words"),
    (4, 7, "4-7 words"),
    (8, 15, "8-15 words"),
    (16, 30, "16-30 words"),
    (31, 10**9, "31+ words"),
)


def _ends(text: str) -> str:
    end = text.rstrip("\"')]} ")[-1:]
    return end if end in "?!." and end else ""


def _words_between(lo: int, hi: int) -> Callable[[str], bool]:
    return lambda text: lo <= word_count(text) <= hi


def _letters(text: str) -> list[str]:
    return [c for c in text if c.isalpha()]


STYLE: dict[str, Callable[[str], bool]] = {
    **{name: _words_between(lo, hi) for lo, hi, name in _WORD_BUCKETS},
    "very short (<= 3 words)": lambda t: word_count(t) <= 3,
    "starts lower-case": lambda t: t.strip()[:1].islower(),
    "starts upper-case": lambda t: t.strip()[:1].isupper(),
    "all lower-case": lambda t: bool(_letters(t)) and all(c.islower() for c in _letters(t)),
    "ALL-CAPS word": lambda t: bool(_CAPS_WORD.search(t)),
    "lower-case 'i'": lambda t: bool(_LOWER_I.search(t)),
    "ends with '?'": lambda t: _ends(t) == "?",
    "ends with '!'": lambda t: _ends(t) == "!",
    "ends with '.'": lambda t: _ends(t) == ".",
    "ends without . ! ?": lambda t: _ends(t) == "",
    "contains '?'": lambda t: "?" in t,
    "contains '!'": lambda t: "!" in t,
    "repeated '!!' or '??'": lambda t: "!!" in t or "??" in t,
    "ellipsis": lambda t: "..." in t or "…" in t,
    "comma": lambda t: "," in t,
    "two or more sentences": lambda t: bool(_SENTENCE_BREAK.search(t.strip())),
    "contraction (it's, don't)": lambda t: bool(_CONTRACTION.search(t)),
    "digit": lambda t: any(c.isdigit() for c in t),
    "year (19xx/20xx)": lambda t: bool(_YEAR.search(t)),
    "title with year, e.g. 'Heat (1995)'": lambda t: bool(_TITLE_YEAR.search(t)),
    "emoticon or lol/haha": lambda t: bool(_EMOTICON.search(t)),
}
"""Yes/no surface-style facts of a turn, by display name."""


def style_matrix(texts: Sequence[str]) -> np.ndarray:
    """``len(texts) x len(STYLE)`` 0/1 matrix of the :data:`STYLE` facts."""
    checks = list(STYLE.values())
    out = np.zeros((len(texts), len(checks)), dtype=np.float64)
    for i, text in enumerate(texts):
        for j, check in enumerate(checks):
            out[i, j] = check(text)
    return out


# -- scoring ----------------------------------------------------------------------------


def log_odds_z(
    k_sim: np.ndarray, n_sim: int, k_real: np.ndarray, n_real: int, prior: float
) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed log-odds ratio (sim vs real) of each feature's turn share, and its z-score.

    ``k_*``: turns of each side containing each feature; the prior puts ``prior`` pseudo-turns
    on each side at the pooled rate (see the module docstring).
    """
    k_s = np.asarray(k_sim, dtype=np.float64)
    k_r = np.asarray(k_real, dtype=np.float64)
    pooled = (k_s + k_r) / (n_sim + n_real)
    a1, a0 = prior * pooled, prior * (1.0 - pooled)
    yes_s, no_s = k_s + a1, n_sim - k_s + a0
    yes_r, no_r = k_r + a1, n_real - k_r + a0
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(yes_s / no_s) - np.log(yes_r / no_r)
        var = 1 / yes_s + 1 / no_s + 1 / yes_r + 1 / no_r
        z = delta / np.sqrt(var)
    bad = ~np.isfinite(z) | ~np.isfinite(delta)
    return np.where(bad, 0.0, delta), np.where(bad, 0.0, z)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARS else text[: EXAMPLE_CHARS - 1].rstrip() + "…"


def _examples(
    texts: Sequence[str], rows: np.ndarray, n: int, rng: np.random.Generator
) -> list[str]:
    """Up to ``n`` distinct, preferably short texts among ``texts[rows]`` (seeded)."""
    if n <= 0 or rows.size == 0:
        return []
    pick = rng.choice(rows, size=min(rows.size, 25), replace=False)
    distinct = sorted({texts[int(i)] for i in pick}, key=lambda t: (len(t), t))
    # The shortest shows the feature best, but a one-word turn says little: skip to
    # turns of 3+ words when there are enough of them.
    longer = [t for t in distinct if word_count(t) >= 3]
    chosen = (longer if len(longer) >= n else distinct)[:n]
    return [_short(t) for t in chosen]


def feature_matrix(texts: Sequence[str], min_turns: int) -> tuple[Any, list[str], list[Kind]]:
    """0/1 sparse matrix (CSC, texts x features) of the word n-grams, char n-grams and style
    facts of ``texts``, with each column's name and kind. N-grams found in fewer than
    ``min_turns`` texts are dropped, and so are letters-only char n-grams: they are fragments
    of words the word features already show, less readably."""
    from scipy import sparse

    blocks: list[Any] = []
    names: list[str] = []
    kinds: list[Kind] = []
    for kind, analyzer, ngrams in (("word", "word", (1, 2)), ("char", "char_wb", (2, 4))):
        vec = _vectorizer(analyzer, ngrams, min_turns)
        try:
            block = vec.fit_transform(list(texts)).tocsc()
        except ValueError:  # no n-gram reaches min_turns
            continue
        vocab = [str(v) for v in vec.get_feature_names_out()]
        if kind == "char":
            keep = [j for j, v in enumerate(vocab) if _SAYS_MORE.search(v)]
            block, vocab = block[:, keep], [vocab[j] for j in keep]
        blocks.append(block)
        names += vocab
        kinds += [cast(Kind, kind)] * len(vocab)
    blocks.append(sparse.csc_matrix(style_matrix(texts)))
    names += list(STYLE)
    kinds += ["style"] * len(STYLE)
    x = sparse.hstack(blocks, format="csc")
    x.data[:] = 1.0
    return x, names, kinds


def giveaways(
    sim_texts: Sequence[str],
    real_texts: Sequence[str],
    *,
    top: int = 10,
    seed: int = 0,
    max_turns: int = MAX_TURNS,
    min_turns: int = 5,
    prior: float = 0.25,
    overlap: float = 0.8,
    n_examples: int = 2,
    real_examples: bool = True,
) -> Giveaways:
    """The ``top`` features most typical of simulated turns and of real turns.

    ``sim_texts`` / ``real_texts``: user turns (at most ``max_turns`` per side are used, a
    sample seeded by ``seed``). Each listed feature carries ``n_examples`` example turns of
    the side it is typical of; ``real_examples=False`` leaves the real side's examples
    empty (e.g. when the output will be shared and the real data is private). Sides with no
    text give empty lists.
    """
    rng = np.random.default_rng(seed)
    sim = [t for t in subsample(list(sim_texts), max_turns, rng) if t.strip()]
    real = [t for t in subsample(list(real_texts), max_turns, rng) if t.strip()]
    result = Giveaways(
        method=METHOD,
        n_sim=len(sim),
        n_real=len(real),
        prior=0.0,
        min_turns=min_turns,
        sim=[],
        real=[],
    )
    if not sim or not real or top <= 0:
        return result
    x, names, kinds = feature_matrix(sim + real, min_turns)
    n_s, n_r = len(sim), len(real)
    pseudo = prior * (n_s + n_r) / 2
    result["prior"] = round(pseudo, 1)
    k_sim = np.asarray(x[:n_s].sum(axis=0)).ravel()
    k_real = np.asarray(x[n_s:].sum(axis=0)).ravel()
    _, z = log_odds_z(k_sim, n_s, k_real, n_r, pseudo)
    df = k_sim + k_real
    scored = np.flatnonzero(df >= max(min_turns, 1))
    words = [_words(t) for t in sim + real]

    def make_row(name: str, kind: Kind, hits: np.ndarray, side: Side, n: int) -> Giveaway:
        k_s = float(np.sum(hits < n_s))
        d, zz = log_odds_z(np.array([k_s]), n_s, np.array([hits.size - k_s]), n_r, pseudo)
        side_hits = hits[hits < n_s] if side == "sim" else hits[hits >= n_s] - n_s
        return Giveaway(
            feature=name,
            kind=kind,
            z=round(float(zz[0]), 3),
            log_odds=round(float(d[0]), 3),
            share_sim=round(k_s / n_s, 4),
            share_real=round((hits.size - k_s) / n_r, 4),
            examples=_examples(sim if side == "sim" else real, side_hits, n, rng),
            similar=[],
        )

    def listing(side: Side, n: int) -> list[Giveaway]:
        sign = 1 if side == "sim" else -1
        order = sorted(
            (int(i) for i in scored if sign * z[i] > 0),
            key=lambda i: (-sign * z[i], names[i], kinds[i]),
        )
        kept: list[int] = []
        folds: dict[int, list[int]] = {}
        for i in order:
            if kept:
                inter = np.asarray((x[:, kept].T @ x[:, i]).todense()).ravel()
                jac = inter / (df[kept] + df[i] - inter)
                if kinds[i] == "char":  # a fragment inside a listed feature's turns
                    jac = np.maximum(jac, np.where(inter >= 0.9 * df[i], 1.0, 0.0))
                j = int(np.argmax(jac))
                if jac[j] >= overlap:
                    folds[kept[j]].append(i)
                    continue
            kept.append(i)
            folds[i] = []
            if len(kept) >= top:
                break
        rows = []
        for i in kept:
            # Show the most readable member of the folded group (style, then word -- longer
            # n-grams first --, then char); they cover nearly the same turns.
            group = [i, *folds[i]]
            best = min(
                group,
                key=lambda g: (_READABLE[kinds[g]], -names[g].count(" "), group.index(g)),
            )
            hits = x[:, best].indices
            name = names[best]
            if kinds[best] == "word":  # "i am" + "am looking" + "looking for": one phrase
                members = [g for g in group if kinds[g] == "word"]
                phrase = _chain([names[g] for g in members])
                if phrase is not None and len(phrase) > len(name.split()):
                    # A turn with the phrase has each of its bigrams: look only there.
                    pool = np.unique(np.concatenate([x[:, g].indices for g in members]))
                    found = np.array(
                        [t for t in pool if _contains(words[int(t)], phrase)], dtype=np.int64
                    )
                    both = np.intersect1d(found, hits).size
                    if both >= overlap * (found.size + hits.size - both):
                        hits, name = found, " ".join(phrase)
            r = make_row(name, kinds[best], hits, side, n)
            r["similar"] = [names[g] for g in group if g != best and names[g] != name][:3]
            rows.append(r)
        return rows

    result["sim"] = listing("sim", n_examples)
    result["real"] = listing("real", n_examples if real_examples else 0)
    return result


def _words(text: str) -> list[str]:
    """The word tokens of ``text`` as the word features see them (lower-cased)."""
    return [w.lower() for w in _TOKEN_RE.findall(text)]


def _contains(tokens: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(list(tokens[i : i + n]) == list(phrase) for i in range(len(tokens) - n + 1))


def _chain(ngrams: Sequence[str]) -> list[str] | None:
    """The longest phrase made by chaining the word bigrams among ``ngrams`` end to start
    (``i am`` + ``am looking`` -> ``i am looking``); None when there is no bigram."""
    pairs: list[tuple[str, str]] = []
    for g in ngrams:
        if g.count(" ") == 1:
            a, b = g.split()
            pairs.append((a, b))
    best: list[str] | None = None
    for a, b in pairs:
        phrase, used = [a, b], {(a, b)}
        grown = True
        while grown and len(phrase) < 8:
            grown = False
            for p in pairs:
                if p not in used and p[0] == phrase[-1]:
                    phrase, grown = [*phrase, p[1]], True
                elif p not in used and p[1] == phrase[0]:
                    phrase, grown = [p[0], *phrase], True
                else:
                    continue
                used.add(p)
                break
        if best is None or len(phrase) > len(best):
            best = phrase
    return best


def _vectorizer(analyzer: str, ngrams: tuple[int, int], min_turns: int) -> Any:
    from sklearn.feature_extraction.text import CountVectorizer

    extra = {"token_pattern": _TOKEN} if analyzer == "word" else {}
    return CountVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        lowercase=True,
        binary=True,
        min_df=min_turns,
        dtype=np.float64,
        **extra,
    )


def feature_in(text: str, feature: str, kind: Kind) -> bool:
    """Whether ``text`` has ``feature`` of ``kind`` (as :func:`giveaways` extracts it)."""
    if kind == "style":
        check = STYLE.get(feature)
        if check is None:
            raise KeyError(f"unknown style feature {feature!r}")
        return check(text)
    if kind == "word":
        return _contains(_words(text), feature.split())
    analyzer = _vectorizer("char_wb", (2, 4), 1).build_analyzer()
    return feature in set(analyzer(text))


__all__ = [
    "MAX_TURNS",
    "METHOD",
    "STYLE",
    "Giveaway",
    "Giveaways",
    "feature_in",
    "feature_matrix",
    "giveaways",
    "log_odds_z",
    "style_matrix",
]
