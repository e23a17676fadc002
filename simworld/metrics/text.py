"""Diversity of generated text: distinct-n and the Vendi score; plus simple text facts.

- ``distinct_n``: unique n-grams / all n-grams over a corpus (Li et al., 2016). Cheap, but
  blind to paraphrase.
- ``vendi_score``: the effective number of distinct items (Friedman & Dieng, 2023): the
  exponential of the Shannon entropy of the eigenvalues of ``K / n``, with ``K`` the cosine
  kernel between items. Items are embedded with TF-IDF then LSA (TruncatedSVD), so
  paraphrases sharing words count as similar. Equals 1 when all items are identical and
  ``n`` when they are mutually orthogonal. Other embedders (a small language model, any
  GGUF or sentence-transformers model) are available through ``method``; see
  :mod:`simworld.metrics.embed`.

scikit-learn is imported inside the functions that need it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")


def tokens(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens (the unit of distinct-n)."""
    return [t.lower() for t in _TOKEN.findall(text)]


def word_count(text: str) -> int:
    """Number of words (letters/digits, apostrophes kept inside words)."""
    return len(_WORD.findall(text))


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Unique n-grams divided by total n-grams across ``texts`` (0.0 when there are none)."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    seen: set[tuple[str, ...]] = set()
    total = 0
    for text in texts:
        toks = tokens(text)
        for i in range(len(toks) - n + 1):
            seen.add(tuple(toks[i : i + n]))
            total += 1
    return len(seen) / total if total else 0.0


def vendi_from_embeddings(x: np.ndarray) -> float:
    """Vendi score of row vectors under the cosine kernel; all-zero rows are dropped.

    Uses the ``d x d`` matrix ``X^T X / n`` (same non-zero eigenvalues as ``K / n``), so it
    is cheap for many items with few dimensions.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("expected a 2-D array of item vectors")
    norms = np.linalg.norm(x, axis=1)
    x = x[norms > 1e-12] / norms[norms > 1e-12, None]
    n = x.shape[0]
    if n == 0:
        return 0.0
    small = x @ x.T if n <= x.shape[1] else x.T @ x
    eig = np.linalg.eigvalsh(small / n)
    eig = eig[eig > 1e-12]
    eig = eig / eig.sum()
    return float(np.exp(-np.sum(eig * np.log(eig))))


def embed_lsa(texts: Sequence[str], *, dims: int = 100, seed: int = 0) -> np.ndarray:
    """TF-IDF (word 1-2 grams) followed by LSA to at most ``dims`` dimensions.

    When the vocabulary is small enough the TF-IDF vectors are kept as they are (an SVD to
    full rank would not change any cosine).
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True)
    try:
        tfidf = vec.fit_transform(list(texts))
    except ValueError:  # empty vocabulary: no words at all
        return np.zeros((len(texts), 0))
    k = min(dims, tfidf.shape[0], tfidf.shape[1] - 1)
    if tfidf.shape[1] <= dims or k < 1:
        return np.asarray(tfidf.toarray())
    svd = TruncatedSVD(n_components=k, random_state=seed, algorithm="randomized", n_iter=7)
    return np.asarray(svd.fit_transform(tfidf))


def vendi_score(
    texts: Sequence[str], *, dims: int = 100, seed: int = 0, method: str = "lsa"
) -> float:
    """Vendi score of ``texts`` (cosine kernel) on embeddings from ``method``.

    ``"lsa"`` (default): TF-IDF + LSA to at most ``dims`` dimensions. Any other method of
    :func:`simworld.metrics.embed.embed` (``"smollm2"``, ``"gguf:PATH"``,
    ``"sentence-transformers:NAME"``) uses that model's vectors; ``dims`` is then ignored.
    """
    if not texts:
        return 0.0
    if method == "lsa":
        return vendi_from_embeddings(embed_lsa(texts, dims=dims, seed=seed))
    from simworld.metrics.embed import embed

    return vendi_from_embeddings(embed(texts, method, seed=seed))


STYLE_FEATURES = (
    "log_chars",
    "log_words",
    "upper_share",
    "starts_upper",
    "all_lower",
    "ends_punct",
    "has_question",
    "n_exclaim",
    "has_ellipsis",
    "digit_share",
    "has_apostrophe",
)


def style_features(texts: Sequence[str]) -> np.ndarray:
    """Surface-style facts per text (columns as in :data:`STYLE_FEATURES`), roughly in [0, 5]."""
    rows = []
    for text in texts:
        s = text.strip()
        letters = [c for c in s if c.isalpha()]
        n_letters = max(len(letters), 1)
        rows.append(
            [
                np.log1p(len(s)),
                np.log1p(word_count(s)),
                sum(c.isupper() for c in letters) / n_letters,
                float(s[:1].isupper()),
                float(bool(letters) and all(c.islower() for c in letters)),
                float(s[-1:] in ".!?"),
                float("?" in s),
                float(min(s.count("!"), 3)),
                float("..." in s),
                sum(c.isdigit() for c in s) / max(len(s), 1),
                float("'" in s or "’" in s),
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(STYLE_FEATURES))
