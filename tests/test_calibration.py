"""Calibration bundles: fitting, the files on disk, loading, scenario wiring and the CLI.

The corpora here are tiny invented JSONL files written into tmp_path; the one test on the
real corpora beside the project skips when they are absent.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.dataset as ds
import pytest
import yaml

from simworld.build import (
    make_intent_policy,
    make_user_model,
    sample_population,
    sample_style,
    style_calibration,
)
from simworld.calibration import CalibrationBundle, fit_bundle, load_bundle, save_bundle
from simworld.calibration.bundle import CHAIN, CRITIC, MANIFEST, STYLE
from simworld.calibration.chain import estimate_chain, labelled_intents
from simworld.calibration.critic import (
    Critic,
    CriticStack,
    char_ngrams,
    fit_critic,
    word_ngrams,
)
from simworld.calibration.style_fit import MIN_UNITS, apostrophe_habit, fit_style
from simworld.catalog import Catalog
from simworld.cli import main
from simworld.datasets import load_dialogues
from simworld.engine.runner import run_scenario
from simworld.errors import ConfigError, DataError
from simworld.latents.intents import CLOSE, DEFAULT_INTENTS
from simworld.latents.policy import load_policy_table, make_policy
from simworld.scenario import Scenario, load_scenario, validate_scenario
from simworld.users.models.select import SelectUserModel

# Invented user turns per intent, written the way chatty real users might.
TURNS: dict[str, tuple[str, ...]] = {
    "IQU": (
        "hey can u find me a funny movie",
        "looking for something scary tonight",
        "any good thrillers?",
        "need a movie for date night lol",
    ),
    "PRO": (
        "i like stuff with twists",
        "nothing too long pls",
        "love old westerns",
        "into space movies",
    ),
    "REJ": ("nah not that one", "meh seen better", "no thanks, too slow", "not feeling it"),
    "SEE": ("seen it already", "watched that last week lol", "yep saw it"),
    "ACC": ("ooh ok ill watch that", "perfect thanks!", "sounds good ill try it"),
    "OTH": ("thanks bye", "ok cya", "thx!"),
}
CHAIN_ = ("IQU", "PRO", "REJ", "SEE", "ACC", "OTH")


def write_corpus(
    path: Path, *, n: int = 30, seed: int = 0, labelled: bool = True, system_labels: bool = False
) -> Path:
    rng = np.random.default_rng(seed)
    lines = []
    for d in range(n):
        turns: list[dict[str, Any]] = []
        length = int(rng.integers(3, len(CHAIN_) + 1))
        for intent in [*CHAIN_[: length - 1], "OTH"]:
            pool = TURNS[intent]
            turn: dict[str, Any] = {"speaker": "user", "text": pool[int(rng.integers(len(pool)))]}
            if labelled:
                turn["intent"] = intent
            turns.append(turn)
            reply: dict[str, Any] = {"speaker": "system", "text": "How about this one?"}
            if system_labels:
                reply["intent"] = "REC-S"
            turns.append(reply)
        lines.append(json.dumps({"dialogue_id": f"d{d}", "turns": turns}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def small_scenario(seed: int = 1, **extra: Any) -> Scenario:
    data: dict[str, Any] = {
        "seed": seed,
        "population": {"size": 16},
        "schedule": {"ticks": 1, "active_share": 1.0, "max_turns": 8},
    }
    data.update(extra)
    return validate_scenario(data)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus") / "real.jsonl")


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    dialogues = load_dialogues(corpus, "jsonl")
    bundle = fit_bundle(dialogues, scenario=small_scenario(), seed=3, source={"path": "x"})
    return save_bundle(bundle, tmp_path_factory.mktemp("bundle") / "b")


# -- style -----------------------------------------------------------------------------------
def test_style_rates_are_measured_from_user_turns(tmp_path: Path) -> None:
    rows = [
        {
            "dialogue_id": "a",
            "turns": [
                {"speaker": "user", "text": "hello there", "intent": "OTH"},
                {"speaker": "system", "text": "HELLO! What do you like?"},
                {"speaker": "user", "text": "Comedy please!", "intent": "PRO"},
            ],
        },
        {
            "dialogue_id": "b",
            "turns": [
                {"speaker": "user", "text": "any horror movies?", "intent": "IQU"},
                {"speaker": "user", "text": "like Alien (1979) or so", "intent": "IQU"},
                {"speaker": "system", "text": "Try this."},
                {"speaker": "user", "text": "Thanks, bye.", "intent": "OTH"},
            ],
        },
    ]
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    dialogues = load_dialogues(path, "jsonl")
    style = fit_style(dialogues, labelled_intents(dialogues), defaults=style_calibration())
    # user turns: "hello there" | "Comedy please!" | "any horror movies? like Alien (1979) or
    # so" (merged) | "Thanks, bye."
    rates = style["rates"]
    assert style["n_user_turns"] == 4
    assert rates["lowercase_start"] == 0.5
    assert rates["exclaim_end"] == 0.25
    assert rates["question"] == 0.25
    assert rates["no_final_punct"] == 0.5  # "hello there", "... or so"
    assert rates["mention_turn"] == 0.25
    assert style["style_defaults"]["lowercase_rate"] == 0.5
    assert style["per_intent_words"]["CLOSE"]["mean"] == 2.0  # the closing OTH -> CLOSE
    assert style["per_user"]["source"].startswith("bundled")  # two dialogues: too few


# -- chain -----------------------------------------------------------------------------------
def test_apostrophe_habit_rate_and_spread_between_writers() -> None:
    droppers = [["I havent seen it", "im in", "thats it"]] * 10
    keepers = [["I haven't seen it", "I'm in", "that's it"]] * 30
    rate, spread = apostrophe_habit(droppers + keepers)
    assert rate == 0.25
    assert spread["n_users"] == 40 and spread["mean"] == 0.25
    assert spread["std_between"] > 0.35  # all-or-nothing writers: a wide spread
    same, flat = apostrophe_habit([["I havent seen it", "I'm in"]] * 40)
    assert same == 0.5 and flat["n_users"] == 0  # two contractions each: too few to count
    assert apostrophe_habit([["hello there"]]) == (0.0, flat | {"n_users": 0})


def test_fitted_style_carries_the_apostrophe_habit(tmp_path: Path) -> None:
    lines = []
    for d in range(MIN_UNITS + 5):
        bare = d % 5 == 0
        turns = [
            {"speaker": "user", "text": "im looking for a comedy" if bare else "I'm looking"},
            {"speaker": "system", "text": "Sure."},
            {"speaker": "user", "text": "havent seen it" if bare else "haven't seen it"},
            {"speaker": "user", "text": "thats fine" if bare else "that's fine"},
        ]
        lines.append(json.dumps({"dialogue_id": f"d{d}", "turns": turns}))
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(lines) + "\n")
    dialogues = load_dialogues(path, "jsonl")
    fitted = fit_style(dialogues, [["OTH"] * 3] * len(dialogues), defaults=style_calibration())
    assert fitted["rates"]["apostrophe_drop"] == 0.2
    assert fitted["style_defaults"]["apostrophe_drop_rate"] == 0.2
    assert fitted["per_user"]["apostrophe_drop_rate"]["n_users"] == MIN_UNITS + 5
    rng = np.random.default_rng(0)
    cfg = validate_scenario({}).style
    drawn = [sample_style(rng, fitted, cfg).apostrophe_drop_rate for _ in range(2000)]
    assert abs(float(np.mean(drawn)) - 0.2) < 0.03
    assert np.mean(np.array(drawn) > 0.9) > 0.05  # some writers nearly always drop it
    # A bundle fitted before the habit was measured: no habit.
    legacy = dict(fitted)
    legacy["style_defaults"] = {
        k: v for k, v in fitted["style_defaults"].items() if k != "apostrophe_drop_rate"
    }
    assert sample_style(np.random.default_rng(1), legacy, cfg).apostrophe_drop_rate == 0.0


def test_chain_rows_are_distributions_and_the_policy_loads_them(tmp_path: Path) -> None:
    table = estimate_chain([["IQU", "PRO", "ACC", CLOSE], ["IQU", "REJ", CLOSE]])
    assert table["intents"] == list(DEFAULT_INTENTS)
    for row in [table["start"], *table["transitions"].values()]:
        assert abs(sum(row.values()) - 1.0) < 1e-9
    assert table["transitions"][CLOSE][CLOSE] == 1.0
    # add-0.5 smoothing over 17 intents: (2 + 0.5) / (2 + 8.5)
    assert table["start"]["IQU"] == pytest.approx(2.5 / 10.5, abs=1e-4)
    assert max(table["start"], key=table["start"].__getitem__) == "IQU"
    assert table["transitions"]["IQU"]["PRO"] == table["transitions"]["IQU"]["REJ"]
    assert table["transition_counts"]["IQU"]["PRO"] == 1
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(table))
    policy = make_policy(str(path))
    assert policy.intents == DEFAULT_INTENTS


def test_system_action_labels_give_after_action(tmp_path: Path) -> None:
    with_actions = load_dialogues(write_corpus(tmp_path / "a.jsonl", system_labels=True), "jsonl")
    fitted = fit_bundle(with_actions, scenario=small_scenario(), seed=0)
    assert fitted.chain["after_action_source"] == "corpus"
    assert fitted.chain["after_action_n"]["REC"] > 0


# -- critic ----------------------------------------------------------------------------------
def test_numpy_scores_match_scikit_learn() -> None:
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    from simworld.metrics.text import style_features

    real = [t for pool in TURNS.values() for t in pool] * 2
    sim = [
        "Could you recommend a film?",
        "I would like a comedy, please.",
        "Thank you, goodbye.",
        "I have seen that one.",
    ] * 4
    critic = fit_critic(real, sim, seed=0)
    texts = [*real, *sim]
    blocks = []
    for analyzer in (word_ngrams, char_ngrams):
        vec = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=2, max_features=20_000)
        blocks.append(vec.fit_transform(texts))
    style = (style_features(texts) - critic.style_mean) / critic.style_scale
    x = hstack([*blocks, style]).toarray()
    expected = x @ critic.coef + critic.intercept
    probe = ["ok thx", "I would like a film", "nah seen it lol", ""]
    assert np.allclose(critic.decision(texts), expected, atol=1e-9)
    assert critic.score(probe).shape == (4,)


def test_critic_prefers_the_real_looking_candidate() -> None:
    real = [t for pool in TURNS.values() for t in pool] * 2
    sim = [
        "Could you please recommend a film for me?",
        "I would prefer something else.",
        "Thank you very much for your help.",
        "I have already seen that film.",
        "That sounds wonderful, I will watch it.",
        "I am looking for a comedy.",
    ] * 2
    critic = fit_critic(real, sim, seed=0)
    # Unseen texts in each style.
    casual = critic.score(["lol nah too scary", "ok cool ill watch it", "meh idk"])
    formal = critic.score(["I would prefer a drama, please.", "Thank you for the suggestion."])
    assert casual.min() > formal.max()


# -- bundle round trip -------------------------------------------------------------------------
def test_fit_save_load_gives_the_same_numbers(bundle_dir: Path) -> None:
    loaded = load_bundle(bundle_dir)
    again = load_bundle(bundle_dir)
    assert again is loaded  # cached while the files are unchanged
    style = json.loads((bundle_dir / STYLE).read_text())
    chain = json.loads((bundle_dir / CHAIN).read_text())
    assert dict(loaded.style) == style and dict(loaded.chain) == chain
    assert loaded.critic is not None
    resaved = save_bundle(loaded, bundle_dir.parent / "copy")
    reloaded = load_bundle(resaved)
    assert reloaded.style == loaded.style and reloaded.chain == loaded.chain
    texts = ["nah not that one", "Could you recommend a comedy?", "thx!"]
    assert reloaded.critic is not None
    assert np.array_equal(reloaded.critic.score(texts), loaded.critic.score(texts))
    manifest = loaded.manifest
    assert manifest["format_version"] == 1 and manifest["seed"] == 3
    assert manifest["source"]["n_user_turns"] > 0
    assert manifest["source"]["intent_labels"] == "corpus"
    assert 0.0 <= manifest["critic"]["heldout_auc"] <= 1.0
    assert set(manifest["files"]) == {STYLE, CHAIN, CRITIC}


def test_fit_is_deterministic_for_a_seed(corpus: Path) -> None:
    dialogues = load_dialogues(corpus, "jsonl")
    a = fit_bundle(dialogues, scenario=small_scenario(), seed=5)
    b = fit_bundle(dialogues, scenario=small_scenario(), seed=5)
    assert a.style == b.style and a.chain == b.chain
    assert a.critic is not None and b.critic is not None
    assert len(a.critic.rounds) == len(b.critic.rounds) == 3
    for ca, cb in zip(a.critic.rounds, b.critic.rounds, strict=True):
        assert np.array_equal(ca.coef, cb.coef)


def test_later_rounds_train_against_selected_turns_and_leave_round_one_alone(
    corpus: Path,
) -> None:
    dialogues = load_dialogues(corpus, "jsonl")
    one = fit_bundle(dialogues, scenario=small_scenario(), seed=5, rounds=1)
    three = fit_bundle(dialogues, scenario=small_scenario(), seed=5, rounds=3, round_candidates=4)
    assert one.critic is not None and three.critic is not None
    assert len(one.critic.rounds) == 1 and len(three.critic.rounds) == 3
    assert np.array_equal(one.critic.rounds[0].coef, three.critic.rounds[0].coef)
    records = three.manifest["critic"]["rounds"]
    assert [r["round"] for r in records] == [1, 2, 3]
    assert [r["select_candidates"] for r in records] == [None, 4, 4]
    assert "earlier_rounds_heldout_auc" not in records[0]
    for r in records[1:]:
        assert 0.0 <= r["earlier_rounds_heldout_auc"] <= 1.0
        assert 0.0 <= r["heldout_auc"] <= 1.0
    # The later rounds met other simulated turns (their own seeds), so they differ.
    assert not np.array_equal(three.critic.rounds[1].coef[:5], three.critic.rounds[2].coef[:5])
    # One round's manifest keeps the single-critic fields at the top.
    assert one.manifest["critic"]["heldout_auc"] == records[0]["heldout_auc"]
    with pytest.raises(ValueError, match="rounds must be >= 1"):
        fit_bundle(dialogues, scenario=small_scenario(), rounds=0)


def test_a_stack_adds_its_rounds_logits_and_reads_single_critics() -> None:
    real = [t for pool in TURNS.values() for t in pool] * 2
    a = fit_critic(real, ["Could you recommend a film?", "I have seen that one."] * 4, seed=0)
    b = fit_critic(real, ["Thank you, goodbye.", "I would like a comedy, please."] * 4, seed=0)
    stack = CriticStack((a, b))
    texts = ["nah seen it", "Could you recommend a comedy?", ""]
    assert np.allclose(stack.decision(texts), a.decision(texts) + b.decision(texts))
    again = CriticStack.from_json(json.loads(json.dumps(stack.to_json())))
    assert np.array_equal(again.decision(texts), stack.decision(texts))
    # critic.json of a bundle written before rounds existed: one round.
    single = CriticStack.from_json(a.to_json())
    assert len(single.rounds) == 1
    assert np.array_equal(single.decision(texts), a.decision(texts))
    with pytest.raises(ValueError, match="at least one round"):
        CriticStack(())


def test_unlabelled_corpus_is_labelled_by_a_classifier(tmp_path: Path) -> None:
    dialogues = load_dialogues(write_corpus(tmp_path / "u.jsonl", labelled=False), "jsonl")
    fitted = fit_bundle(dialogues, scenario=small_scenario(), seed=0)
    assert fitted.manifest["source"]["intent_labels"].startswith("classifier")
    assert "bundled IARD" in fitted.chain["after_action_source"]
    counts = fitted.chain["primary_counts"]
    assert sum(counts.values()) == fitted.manifest["source"]["n_user_turns"]
    assert counts[CLOSE] > 0  # a last turn predicted OTH closes the dialogue


# -- malformed corpora and bundles -------------------------------------------------------------
def test_corpus_without_user_turns_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "sys.jsonl"
    path.write_text(
        json.dumps({"dialogue_id": "a", "turns": [{"speaker": "system", "text": "Hello"}]}) + "\n"
    )
    with pytest.raises(DataError, match="no user turns"):
        fit_bundle(load_dialogues(path, "jsonl"), scenario=small_scenario())
    few = write_corpus(tmp_path / "few.jsonl", n=2)
    with pytest.raises(DataError, match="at least 4 dialogues"):
        fit_bundle(load_dialogues(few, "jsonl"), scenario=small_scenario())


def _copy(bundle_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "b"
    out.mkdir()
    for f in bundle_dir.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    return out


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (MANIFEST, lambda d: d.update(format_version=99), "format_version: this simworld reads"),
        (MANIFEST, lambda d: d.update(format="other"), "format: expected"),
        (MANIFEST, lambda d: d.pop("files"), "files: expected"),
        (STYLE, lambda d: d["style_defaults"].update(typo_rate="x"), "style_defaults.typo_rate"),
        (STYLE, lambda d: d["style_defaults"].update(lowercase_rate=3), "out of range"),
        (
            STYLE,
            lambda d: d["style_defaults"].update(apostrophe_drop_rate="x"),
            "style_defaults.apostrophe_drop_rate: expected a number",
        ),
        (CHAIN, lambda d: d.update(intents=["IQU"]), "intents: must include CLOSE"),
        (CHAIN, lambda d: d["transitions"].update(IQU={"PRO": -1}), "transitions.IQU.PRO"),
        (CRITIC, lambda d: d["rounds"][1]["coef"].pop(), r"rounds\[1\]: coef: expected"),
        (CRITIC, lambda d: d["rounds"][0].update(format="x"), r"rounds\[0\]: format: expected"),
        (CRITIC, lambda d: d.update(rounds=[]), "rounds: expected a non-empty list"),
        (CRITIC, lambda d: d.update(format="pickle"), "format: expected"),
    ],
)
def test_malformed_bundles_fail_with_one_line_errors(
    bundle_dir: Path, tmp_path: Path, name: str, change: Any, message: str
) -> None:
    broken = _copy(bundle_dir, tmp_path)
    _edit(broken / name, change)
    with pytest.raises(DataError, match=message) as err:
        load_bundle(broken)
    assert name in str(err.value) and "\n" not in str(err.value)


def test_missing_and_unreadable_bundle_files(bundle_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        load_bundle(tmp_path / "nowhere")
    broken = _copy(bundle_dir, tmp_path)
    (broken / STYLE).unlink()
    with pytest.raises(DataError, match=r"style\.json: missing"):
        load_bundle(broken)
    (broken / STYLE).write_text("{not json")
    with pytest.raises(DataError, match=r"style\.json:1: invalid JSON"):
        load_bundle(broken)


# -- scenario wiring -------------------------------------------------------------------------
def _scenario_file(tmp_path: Path, user_model: dict[str, Any]) -> Path:
    path = tmp_path / "scen" / "s.yaml"
    path.parent.mkdir(exist_ok=True)
    data = {
        "seed": 2,
        "population": {"size": 12},
        "schedule": {"ticks": 1, "active_share": 1.0, "max_turns": 8},
        "user_model": user_model,
        "output": {"dir": str(tmp_path / "out")},
    }
    path.write_text(yaml.safe_dump(data))
    return path


def test_relative_calibration_resolves_from_the_scenario_file(
    bundle_dir: Path, tmp_path: Path
) -> None:
    copy = _copy(bundle_dir, tmp_path)  # tmp_path/b; the scenario is in tmp_path/scen
    path = _scenario_file(tmp_path, {"calibration": "../b", "select": {"candidates": 3}})
    scenario = load_scenario(path)
    assert scenario.user_model.calibration == str(copy.resolve())
    select = scenario.user_model.select
    assert select is not None and select.candidates == 3 and select.temperature == 1.0
    assert select.match_length is False
    # The style, the intent chain and the user model come from the bundle.
    bundle = load_bundle(copy)
    lat = sample_population(scenario, Catalog.bundled())
    assert len(lat) == 12
    policy = make_intent_policy(scenario, path.parent)
    start = np.array([bundle.chain["start"][c] for c in policy.intents])
    assert np.allclose(policy.graph.nodes["IQU"]["start"], start[policy.intents.index("IQU")])
    assert policy.graph.nodes["IQU"]["start"] != load_policy_table()["start"]["IQU"]
    model = make_user_model(scenario.user_model, scenario)
    assert isinstance(model, SelectUserModel) and model.candidates == 3


@pytest.mark.parametrize(
    ("user_model", "message"),
    [
        ({"calibration": "missing-dir"}, "user_model.calibration: .*does not exist"),
        ({"select": {"candidates": 4}}, "select needs calibration"),
        ({"calibration": "../b", "select": {"candidates": 0}}, "select.candidates"),
        ({"calibration": "../b", "select": {"candidats": 2}}, "unknown key 'candidats'"),
    ],
)
def test_bad_calibration_settings_are_config_errors(
    bundle_dir: Path, tmp_path: Path, user_model: dict[str, Any], message: str
) -> None:
    _copy(bundle_dir, tmp_path)
    with pytest.raises(ConfigError, match=message) as err:
        load_scenario(_scenario_file(tmp_path, user_model))
    assert "s.yaml" in str(err.value)


def test_select_needs_a_bundle_with_a_critic(bundle_dir: Path, tmp_path: Path) -> None:
    loaded = load_bundle(bundle_dir)
    no_critic = CalibrationBundle(loaded.style, loaded.chain, None, loaded.manifest)
    save_bundle(no_critic, tmp_path / "b")
    assert not (tmp_path / "b" / CRITIC).exists()
    ok = load_scenario(_scenario_file(tmp_path, {"calibration": "../b"}))
    assert ok.user_model.calibration is not None
    with pytest.raises(ConfigError, match=r"no critic\.json"):
        load_scenario(_scenario_file(tmp_path, {"calibration": "../b", "select": {}}))


# -- CLI ---------------------------------------------------------------------------------------
def _small_scenario_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "calib-scenario.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "seed": 4,
                "population": {"size": 16},
                "schedule": {"ticks": 1, "active_share": 1.0, "max_turns": 8},
            }
        )
    )
    return path


def test_cli_errors_are_one_line_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = [
        ["--real", str(tmp_path / "nope.jsonl"), "--format", "jsonl"],
        ["--real", str(write_corpus(tmp_path / "c.jsonl")), "--format", "iard"],
    ]
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"dialogue_id": "a", "turns": []}) + "\n")
    cases.append(["--real", str(empty), "--format", "jsonl"])
    for args in cases:
        code = main(["calibrate", *args, "--out", str(tmp_path / "out")])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2
        assert err[-1].startswith("error: ") and "Traceback" not in "\n".join(err)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--rounds", "0", "expected an integer >= 1, got 0"),
        ("--round-candidates", "1", "expected an integer >= 2, got 1"),
        ("--rounds", "two", "expected an integer, got 'two'"),
    ],
)
def test_cli_bad_round_settings_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    corpus = write_corpus(tmp_path / "c.jsonl")
    args = ["calibrate", "--real", str(corpus), "--format", "jsonl", "--out", str(tmp_path / "o")]
    with pytest.raises(SystemExit) as exc:
        main([*args, flag, value])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert f"argument {flag}: {message}" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_cli_calibrate_then_a_calibrated_run_records_critic_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus(tmp_path / "real.jsonl", seed=9)
    code = main(
        [
            "calibrate",
            "--real",
            str(corpus),
            "--format",
            "jsonl",
            "--out",
            str(tmp_path / "cal"),
            "--seed",
            "1",
            "--scenario",
            str(_small_scenario_yaml(tmp_path)),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "held-out AUC" in out
    assert "round 2: against turns kept from 8 candidates" in out
    assert "round 3: against" in out and "round 4" not in out
    manifest = json.loads((tmp_path / "cal" / MANIFEST).read_text())
    assert manifest["source"]["format"] == "jsonl"
    assert len(manifest["source"]["sha256"]) == 64
    assert manifest["simulation"]["agents"] == 16

    scen_path = _scenario_file(tmp_path, {"calibration": "../cal", "select": {"candidates": 4}})
    scenario = load_scenario(scen_path)
    outcome = asyncio.run(
        run_scenario(scenario, out_dir=tmp_path / "run", base_dir=scen_path.parent)
    )
    turns = ds.dataset(outcome.out_dir / "turns", format="parquet").to_table().to_pylist()
    assert turns
    assert all(t["n_candidates"] == 4 for t in turns)
    assert all(0.0 <= t["critic_score"] <= 1.0 for t in turns)
    assert all(t["select_ms"] is not None and t["select_ms"] >= 0 for t in turns)
    select = outcome.manifest["user_model"]["select"]
    assert select["candidates_per_turn"] == 4.0 and select["turns"] == len(turns)


# -- real corpora (beside the dev checkout only) ------------------------------------------------
def test_iard_labels_give_a_chain_close_to_the_bundled_one(shared_data: Path) -> None:
    dialogues = load_dialogues(shared_data / "iard" / "iard_dev.json", "iard")
    table = estimate_chain(labelled_intents(dialogues))
    bundled = load_policy_table("iard")
    # Same estimator, same data: the start distribution matches the bundled table's.
    for code in DEFAULT_INTENTS:
        assert table["start"][code] == pytest.approx(bundled["start"][code], abs=2e-4)


def test_critic_json_is_plain_data(bundle_dir: Path) -> None:
    stack = json.loads((bundle_dir / CRITIC).read_text())
    assert stack["format"] == "simworld-critic-stack/1" and len(stack["rounds"]) == 3
    data = stack["rounds"][0]
    critic = Critic.from_json(data)
    assert set(data) >= {"word_ngrams", "char_ngrams", "coef", "intercept"}
    assert len(critic.coef) == len(data["word_ngrams"]) + len(data["char_ngrams"]) + len(
        data["style_features"]
    )


def test_run_digest_follows_bundle_content_not_its_path(bundle_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        d.mkdir()
        for f in bundle_dir.iterdir():
            (d / f.name).write_bytes(f.read_bytes())

    def digest(path: Path) -> str:
        return validate_scenario({"user_model": {"calibration": str(path)}}).sim_digest()

    assert digest(a) == digest(b)
    assert digest(a) != validate_scenario({}).sim_digest()
    _edit(b / STYLE, lambda d: d["style_defaults"].update(filler_rate=0.5))
    assert digest(a) != digest(b)


def test_select_k1_run_equals_the_run_without_select(bundle_dir: Path, tmp_path: Path) -> None:
    def run(user_model: dict[str, Any], name: str) -> list[tuple[str, int, str, str]]:
        scenario = validate_scenario(
            {
                "seed": 6,
                "population": {"size": 12},
                "schedule": {"ticks": 2, "active_share": 1.0, "max_turns": 8},
                "user_model": user_model,
            }
        )
        out = asyncio.run(run_scenario(scenario, out_dir=tmp_path / name)).out_dir
        rows = ds.dataset(out / "turns", format="parquet").to_table().to_pylist()
        return sorted(
            (r["agent_id"], r["tick"] * 100 + r["turn_index"], r["intent"], r["user_text"])
            for r in rows
        )

    plain = run({"calibration": str(bundle_dir)}, "plain")
    k1 = run({"calibration": str(bundle_dir), "select": {"candidates": 1}}, "k1")
    assert plain and k1 == plain


def test_cli_set_calibration_is_relative_to_the_working_directory(
    bundle_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--set user_model.calibration=b`` means ./b where the command was typed, not a path
    next to the scenario file (which lives elsewhere)."""
    scen = _scenario_file(tmp_path, {"kind": "template"})
    monkeypatch.chdir(bundle_dir.parent)
    code = main(
        [
            "run",
            str(scen),
            "-q",
            "--out",
            str(tmp_path / "run"),
            "--set",
            f"user_model.calibration={bundle_dir.name}",
            "--set",
            "user_model.select.candidates=2",
        ]
    )
    assert code == 0
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["user_model"]["select"]["candidates"] == 2


def test_close_on_accept_counts_dialogues_that_end_on_their_accept() -> None:
    from simworld.calibration.chain import close_on_accept

    assert close_on_accept([["IQU", "ACC"], ["ACC", "CLOSE"], ["REJ", "CLOSE"]]) == 0.5
    assert close_on_accept([["IQU", "CLOSE"]]) == 0.0
