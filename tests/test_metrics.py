"""Metric functions against known answers on constructed inputs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simrun import CASUAL, PHRASES, sim_text

from simworld.latents.persona import TRAIT_LEVELS
from simworld.metrics.behaviour import behaviour, behaviour_gaps
from simworld.metrics.classify import gold_label, to_iard
from simworld.metrics.content import GenreVocabulary, sentiment_buckets
from simworld.metrics.coverage import latent_grid, persona_intent_grid, trait_intent_matrix
from simworld.metrics.fidelity import intent_fidelity, label_leaks, persona_separability
from simworld.metrics.load import load_stats
from simworld.metrics.outcomes import outcomes, success_by_segment
from simworld.metrics.realism import c2st_auc, labels_jsd
from simworld.metrics.stats import (
    auc_from_scores,
    bootstrap_ci,
    distribution,
    jsd,
    total_variation,
    wasserstein_1d,
)
from simworld.metrics.text import distinct_n, vendi_from_embeddings, vendi_score
from simworld.metrics.transfer import intent_transfer

weights = st.dictionaries(
    st.sampled_from("abcdef"), st.floats(min_value=0.01, max_value=100), min_size=1
)

# -- divergences ----------------------------------------------------------------------


def test_jsd_known_values() -> None:
    assert jsd({"a": 1, "b": 3}, {"a": 2, "b": 6}) == pytest.approx(0.0, abs=1e-12)
    assert jsd({"a": 1}, {"b": 1}) == pytest.approx(1.0)
    # p = (1/2, 1/2), q = (1, 0), m = (3/4, 1/4): JSD = (KL(p||m) + KL(q||m)) / 2
    kl_p = 0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)
    kl_q = math.log2(1 / 0.75)
    assert jsd({"a": 1, "b": 1}, {"a": 1}) == pytest.approx((kl_p + kl_q) / 2)
    assert jsd({"a": 1, "b": 1}, {"a": 1}) == pytest.approx(0.3113, abs=1e-4)
    assert total_variation({"a": 0.5, "b": 0.5}, {"a": 1.0}) == pytest.approx(0.5)
    with pytest.raises(ValueError):
        jsd({}, {"a": 1})


@settings(max_examples=60, deadline=None)
@given(weights, weights)
def test_jsd_symmetric_and_bounded(p: dict[str, float], q: dict[str, float]) -> None:
    d = jsd(p, q)
    assert 0.0 <= d <= 1.0
    assert d == pytest.approx(jsd(q, p), abs=1e-12)
    assert 0.0 <= total_variation(p, q) <= 1.0
    assert jsd(p, p) == pytest.approx(0.0, abs=1e-12)
    # Lin (1991): JSD (bits) <= total variation distance
    assert d <= total_variation(p, q) + 1e-9


def test_distribution_and_labels_jsd() -> None:
    assert distribution(["b", "a", "b", "b"]) == {"a": 0.25, "b": 0.75}
    rng = np.random.default_rng(0)
    same, ci = labels_jsd(["x", "y"] * 50, ["y", "x"] * 50, rng)
    assert same == pytest.approx(0.0, abs=1e-12)
    assert 0.0 <= ci[0] <= ci[1] <= 1.0
    far, _ = labels_jsd(["x"] * 20, ["y"] * 20, rng)
    assert far == pytest.approx(1.0)


def test_wasserstein_1d() -> None:
    assert wasserstein_1d([0, 1, 2], [2, 1, 0]) == 0.0
    assert wasserstein_1d([0], [3]) == pytest.approx(3.0)
    assert wasserstein_1d([0, 0, 1, 1], [0, 1]) == pytest.approx(0.0)
    rng = np.random.default_rng(1)
    a = rng.normal(size=200)
    assert wasserstein_1d(a, a + 2.5) == pytest.approx(2.5)
    b = rng.exponential(size=150)
    from scipy.stats import wasserstein_distance

    assert wasserstein_1d(a, b) == pytest.approx(wasserstein_distance(a, b))


def test_auc_and_bootstrap() -> None:
    assert auc_from_scores([2, 3], [1, 2]) == pytest.approx(0.875)
    rng = np.random.default_rng(2)
    pos, neg = rng.normal(1, 1, 80), rng.normal(0, 1, 70)
    from sklearn.metrics import roc_auc_score

    y = np.r_[np.ones(80), np.zeros(70)]
    assert auc_from_scores(pos, neg) == pytest.approx(roc_auc_score(y, np.r_[pos, neg]))
    data = list(rng.normal(5, 1, 100))
    lo, hi = bootstrap_ci(lambda x: float(np.mean(x)), [data], rng=np.random.default_rng(3))
    again = bootstrap_ci(lambda x: float(np.mean(x)), [data], rng=np.random.default_rng(3))
    assert (lo, hi) == again
    assert lo < float(np.mean(data)) < hi and hi - lo < 1.0


# -- classifier two-sample test -------------------------------------------------------


def _phrases(seed: int, n: int) -> list[str]:
    rng = np.random.default_rng(seed)
    intents = list(PHRASES)
    return [sim_text(intents[i % len(intents)], rng) for i in range(n)]


def test_c2st_identical_sets_is_chance() -> None:
    texts = _phrases(0, 240)
    res = c2st_auc(texts, list(texts), np.random.default_rng(0))
    assert res["auc"] == pytest.approx(0.5, abs=0.05)
    assert res["p_value"] > 0.05
    assert res["n_per_class"] == 240


def test_c2st_disjoint_styles_is_separable() -> None:
    sim = _phrases(1, 200)
    real = [CASUAL[i % len(CASUAL)] + f" #{i}" for i in range(200)]
    res = c2st_auc(sim, real, np.random.default_rng(0))
    assert res["auc"] > 0.95
    assert res["ci"][0] <= res["auc"] <= res["ci"][1]
    assert res["p_value"] < 1e-6 and res["accuracy"] > 0.9


def test_c2st_uses_a_fixed_sample_per_class() -> None:
    from simworld.metrics.realism import C2ST_N

    sim, real = _phrases(2, 300), [CASUAL[i % len(CASUAL)] + f" {i}" for i in range(500)]
    assert c2st_auc(sim, real, np.random.default_rng(0))["n_per_class"] == 300
    res = c2st_auc(sim, real, np.random.default_rng(0), max_per_class=50)
    assert res["n_per_class"] == 50 and C2ST_N > 50


def test_c2st_too_few_texts_is_nan() -> None:
    res = c2st_auc(["a", "b"], ["c", "d"], np.random.default_rng(0))
    assert math.isnan(res["auc"])


# -- diversity ------------------------------------------------------------------------


def test_distinct_n() -> None:
    assert distinct_n(["a b a b"], 1) == pytest.approx(2 / 4)
    assert distinct_n(["a b a b"], 2) == pytest.approx(2 / 3)
    assert distinct_n(["hi there", "hi there"], 2) == pytest.approx(1 / 2)
    assert distinct_n(["Hi!", "hi !"], 1) == pytest.approx(2 / 4)  # punctuation is a token
    assert distinct_n([], 1) == 0.0


def test_vendi_identical_vs_orthogonal() -> None:
    assert vendi_from_embeddings(np.eye(5)) == pytest.approx(5.0)
    assert vendi_from_embeddings(np.ones((7, 3))) == pytest.approx(1.0)
    assert vendi_score(["the same words"] * 6) == pytest.approx(1.0)
    orthogonal = ["alpha beta", "gamma delta", "epsilon zeta", "eta theta"]
    assert vendi_score(orthogonal) == pytest.approx(4.0, rel=1e-6)
    mixed = vendi_score(["alpha beta", "alpha beta", "gamma delta"])
    assert 1.0 < mixed < 3.0


# -- content and behaviour ------------------------------------------------------------


def test_genre_vocabulary_and_sentiment() -> None:
    vocab = GenreVocabulary()
    assert vocab.mentions("any scary movies? or SCI FI, maybe a rom-com") == [
        "Horror",
        "Sci-Fi",
        "Romance",
    ]
    assert vocab.mentions("I loved Star Wars") == []
    assert GenreVocabulary(["Heist"]).mentions("a heist film") == ["Heist"]
    assert sentiment_buckets(["I love it, wonderful!", "I hate this, awful", "a film"]) == [
        "pos",
        "neg",
        "neu",
    ]


def test_behaviour_stats() -> None:
    a = behaviour([["ok", "what is it about?"], ["thanks a lot"]])
    assert a.words_per_turn == (1, 4, 3) and a.turns_per_session == (2, 1)
    assert a.question_rate == pytest.approx(1 / 3)
    assert a.short_share == pytest.approx(2 / 3)
    gaps = behaviour_gaps(a, a)
    assert all(v == 0 for v in gaps.values())
    b = behaviour([["one two three four five six"]])
    assert behaviour_gaps(a, b)["words_per_turn_w1"] == pytest.approx(6 - 8 / 3)


# -- intents: labels, transfer, fidelity ----------------------------------------------


def test_gold_label_and_iard_mapping() -> None:
    assert gold_label(("OTH", "IQU"), "IQU") == "IQU"
    assert gold_label(("OTH", "IQU"), "REJ") == "IQU"
    assert gold_label(("OTH",)) == "OTH"
    assert gold_label(()) is None
    assert to_iard("CLOSE") == "OTH" and to_iard("ACC") == "ACC"


def _labelled(seed: int, n: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    intents = [i for i in PHRASES if i != "CLOSE"]
    labels = [intents[i % len(intents)] for i in range(n)]
    return [sim_text(lab, rng) for lab in labels], labels


def test_intent_transfer_same_style_is_high() -> None:
    sim_texts, sim_labels = _labelled(0, 210)
    real_texts, real_labels = _labelled(1, 140)
    real_multi = [(lab,) if i % 5 else ("OTH", lab) for i, lab in enumerate(real_labels)]
    res = intent_transfer(sim_texts, [*sim_labels[:-1], "CLOSE"], real_texts, real_multi)
    assert res["labels"] == sorted(set(real_labels))  # OTH only as a co-label: never primary
    assert res["macro_f1"] > 0.9 and res["ceiling"] > 0.9 and res["augmented"] > 0.9
    assert set(res["per_class"]) == set(res["labels"])
    assert res["n_test"] == 140


def test_intent_transfer_label_set_and_ceiling_do_not_depend_on_the_run() -> None:
    sim_texts, sim_labels = _labelled(0, 210)
    real_texts, real_labels = _labelled(1, 140)
    gold = [(lab,) for lab in real_labels]
    full = intent_transfer(sim_texts, sim_labels, real_texts, gold)
    missing = sorted(set(sim_labels))[0]
    keep = [i for i, lab in enumerate(sim_labels) if lab != missing]
    partial = intent_transfer(
        [sim_texts[i] for i in keep], [sim_labels[i] for i in keep], real_texts, gold
    )
    assert partial["labels"] == full["labels"] and missing in partial["labels"]
    assert partial["ceiling"] == pytest.approx(full["ceiling"])
    # the intent the run never wrote cannot be learnt from it: F1 0, and it costs the macro
    assert partial["per_class"][missing] == 0.0
    assert partial["macro_f1"] < full["macro_f1"]


def test_intent_transfer_unrelated_text_is_low() -> None:
    sim_texts, sim_labels = _labelled(0, 210)
    rng = np.random.default_rng(5)
    real_labels = list(rng.permutation(sim_labels[:140]))
    real_texts, _ = _labelled(1, 140)
    res = intent_transfer(sim_texts, sim_labels, real_texts, [(lab,) for lab in real_labels])
    assert res["macro_f1"] < 0.4


def _turns(n_sessions: int, shuffle: bool) -> list[dict[str, Any]]:
    rng = np.random.default_rng(0)
    rows = []
    for s in range(n_sessions):
        for i, intent in enumerate(["IQU", "PRO", "REJ", "ACC", "CLOSE"]):
            label = str(rng.choice(list(PHRASES))) if shuffle else intent
            rows.append(
                {
                    "session_id": f"s{s}",
                    "turn_index": i,
                    "intent": label,
                    "user_text": sim_text(intent, rng),
                }
            )
    return rows


def test_intent_fidelity_true_vs_shuffled_labels() -> None:
    true = intent_fidelity(_turns(40, shuffle=False))
    assert true["macro_f1"] > 0.9
    k = len(true["labels"])
    assert np.array(true["confusion"]).shape == (k, k)
    assert int(np.trace(np.array(true["confusion"]))) >= 0.9 * true["n_test"]
    shuffled = intent_fidelity(_turns(40, shuffle=True))
    assert shuffled["macro_f1"] < 0.5


def test_label_leaks() -> None:
    sessions = {"s": {"persona_occupation": "nurse", "persona_age_band": "25-34"}}
    turns = [
        {"session_id": "s", "user_text": "IQU: any comedy?"},
        {"session_id": "s", "user_text": "as a nurse I like calm films"},
        {"session_id": "s", "user_text": "my verbosity is low"},
        {"session_id": "s", "user_text": "genre=comedy please"},
        {"session_id": "s", "user_text": "I'm 25-34 years old"},
        {"session_id": "s", "user_text": "I see, what else? nursery rhymes are fine"},
    ]
    res = label_leaks(turns, sessions)
    assert res["rate"] == pytest.approx(5 / 6)
    assert res["by_kind"] == {k: pytest.approx(1 / 6) for k in res["by_kind"]}


def test_persona_separability() -> None:
    texts, sessions = {}, {}
    for i in range(40):
        chatty = i % 2 == 0
        texts[f"s{i}"] = "well I would really love something long and detailed" if chatty else "ok"
        sessions[f"s{i}"] = {
            "trait_verbosity": "chatty" if chatty else "terse",
            "persona_era": ["classic", "recent", "any"][(i // 2) % 3],  # independent of i % 2
        }
    res = persona_separability(texts, sessions, attributes=["trait_verbosity", "persona_era"])
    assert res["trait_verbosity"]["accuracy"] == pytest.approx(1.0)
    assert res["trait_verbosity"]["majority"] == pytest.approx(0.5)
    era = res["persona_era"]
    assert era["accuracy"] <= era["majority"] + 0.1  # the text says nothing about era


# -- coverage, outcomes, load ---------------------------------------------------------


def test_latent_grid_coverage() -> None:
    traits = {f"trait_{t}": levels[0] for t, levels in TRAIT_LEVELS.items()}
    sessions = {"s": {"persona_age_band": "25-34", **traits}}
    turns = [{"session_id": "s", "intent": "IQU"}] * 3
    res = latent_grid(turns, sessions, intents=("IQU", "ACC"))
    n_cells = 1 * sum(len(v) for v in TRAIT_LEVELS.values()) * 2
    assert res["cells"] == n_cells
    assert res["coverage"] == pytest.approx(len(TRAIT_LEVELS) / n_cells)
    assert res["entropy"] == pytest.approx(math.log2(len(TRAIT_LEVELS)) / math.log2(n_cells))
    rows, cols, matrix = trait_intent_matrix(turns, sessions, intents=("IQU", "ACC"))
    assert matrix.sum() == 3 * len(TRAIT_LEVELS) and cols == ["IQU", "ACC"]
    assert matrix[rows.index("patience=low"), 0] == 3


def test_persona_intent_grid_counts_every_persona_value() -> None:
    sessions = {
        "a": {
            "persona_age_band": "25-34",
            "persona_era": "classic",
            "persona_favourite_genres": ["Drama", "War"],
        },
        "b": {
            "persona_age_band": "45-54",
            "persona_era": "classic",
            "persona_favourite_genres": ["Drama"],
        },
    }
    turns = [
        {"session_id": "a", "intent": "IQU"},
        {"session_id": "a", "intent": "IQU"},
        {"session_id": "b", "intent": "ACC"},
    ]
    res = persona_intent_grid(turns, sessions, intents=("IQU", "ACC"))
    # values: 2 age bands + 1 era + 2 genres = 5, times 2 intents
    assert res["cells"] == 10
    # a: 25-34, classic, Drama, War with IQU (4 cells); b: 45-54, classic, Drama with ACC (3)
    assert res["realised"] == 7
    assert res["coverage"] == pytest.approx(0.7)
    assert 0.0 < res["entropy"] < 1.0
    assert math.isnan(persona_intent_grid([], {}, intents=("IQU",))["coverage"])


def _session(sid: str, success: bool, n: int, rank: int | None, **kw: Any) -> dict[str, Any]:
    return {
        "session_id": sid,
        "success": success,
        "n_turns": n,
        "target_rank": rank,
        "termination": "goal_reached" if success else "user_quit",
        **kw,
    }


def test_outcomes_on_constructed_sessions() -> None:
    sessions = [
        _session("a", True, 2, 1, trait_patience="high"),
        _session("b", True, 4, 5, trait_patience="low"),
        _session("c", False, 3, None, trait_patience="low"),
        _session("d", True, 1, 12, trait_patience="medium"),
    ]
    turns = [
        {"session_id": "a", "turn_index": 1, "target_in_items": False},
        {"session_id": "a", "turn_index": 0, "target_in_items": True},
        {"session_id": "b", "turn_index": 0, "target_in_items": False},
        {"session_id": "b", "turn_index": 1, "target_named_by_user": True},
        {"session_id": "d", "turn_index": 0, "target_in_items": False},
    ]
    out = outcomes(sessions, turns)
    assert out["success_at"] == {1: 0.25, 2: 0.5, 3: 0.5, 4: 0.75}
    assert out["success_rate"] == 0.75
    assert out["turns_to_success_mean"] == pytest.approx(7 / 3)
    assert out["recall_at"] == {1: 0.25, 5: 0.5, 10: 0.5}
    assert out["first_turn_success"] == pytest.approx(1 / 3)
    assert out["target_leak_rate"] == 0.25
    assert out["success_rate_leak_free"] == pytest.approx(2 / 3)
    assert out["recall_at_leak_free"][5] == pytest.approx(1 / 3)
    assert out["termination"] == {"goal_reached": 0.75, "user_quit": 0.25}
    seg = success_by_segment(sessions, ["trait_patience"])["trait_patience"]
    assert list(seg) == ["low", "medium", "high"]  # trait order, not alphabetical
    assert seg["low"] == (0.5, 2)


def test_load_stats() -> None:
    turns: list[dict[str, Any]] = [
        {"latency_ms": float(v), "error": None, "tick": v % 2} for v in range(1, 101)
    ]
    turns += [{"latency_ms": 5000.0, "error": "timeout", "tick": 0}] * 3
    turns += [{"latency_ms": None, "error": "http_500", "tick": 1}]
    res = load_stats(
        turns, {"started_at": "2026-01-01T00:00:00", "finished_at": "2026-01-01T00:00:52"}
    )
    assert res["latency_p50_ms"] == pytest.approx(50.5)
    assert res["latency_p99_ms"] == pytest.approx(99.01)
    assert res["errors"] == {"http_500": 1, "timeout": 3}
    assert res["error_rate"] == pytest.approx(4 / 104)
    assert (res["throughput"], res["throughput_unit"]) == (2.0, "turns/s")
    per_tick = load_stats(turns, {})
    assert (per_tick["throughput"], per_tick["throughput_unit"]) == (52.0, "turns/tick")
