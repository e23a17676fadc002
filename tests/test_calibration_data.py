"""The calibration tables in simworld/data, and the tools that measure them from real data.

The committed JSONs are checked for shape and plausibility everywhere; when the real corpora
(``../shared/data``) are present, both tools are re-run and must reproduce the committed
files byte for byte. The counting rules themselves are tested on small made-up dialogues.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from simworld.latents.intents import DEFAULT_INTENTS

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools"
DATA = ROOT.parent / "shared" / "data"
IARD = DATA / "iard" / "iard_dev.json"
REDIAL = (
    DATA / "redial" / "train_subset_kgsf_valid.jsonl",
    DATA / "redial" / "train_subset_kepler.jsonl",
)
MOVIES = DATA / "redial" / "movies_with_mentions.csv"
TOL = 1e-3


@pytest.fixture(scope="module")
def tools() -> Iterator[dict[str, ModuleType]]:
    """The tools, imported as modules (they import their sibling ``_shared_data``)."""
    sys.path.insert(0, str(TOOLS))
    try:
        import estimate_intent_policy
        import measure_genres
        import measure_style

        yield {"policy": estimate_intent_policy, "style": measure_style, "genres": measure_genres}
    finally:
        sys.path.remove(str(TOOLS))


def _committed(name: str) -> dict[str, Any]:
    text = resources.files("simworld.data").joinpath(name).read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def policy() -> dict[str, Any]:
    return _committed("intent_policy_iard.json")


@pytest.fixture(scope="module")
def style() -> dict[str, Any]:
    return _committed("style_redial.json")


def _assert_distribution(dist: dict[str, float], where: str) -> None:
    assert list(sorted(dist)) == sorted(DEFAULT_INTENTS), f"{where}: intents {sorted(dist)}"
    assert all(0.0 <= p <= 1.0 for p in dist.values()), f"{where}: {dist}"
    assert abs(sum(dist.values()) - 1.0) < TOL, f"{where}: sums to {sum(dist.values())}"


# --- committed intent policy -----------------------------------------------------------


def test_policy_lists_the_17_intents_in_order(policy: dict[str, Any]) -> None:
    assert tuple(policy["intents"]) == DEFAULT_INTENTS
    assert len(policy["intents"]) == 17
    assert policy["alpha"] == 0.5


def test_policy_distributions_cover_all_intents_and_sum_to_one(policy: dict[str, Any]) -> None:
    _assert_distribution(policy["start"], "start")
    assert sorted(policy["transitions"]) == sorted(DEFAULT_INTENTS)
    for intent, row in policy["transitions"].items():
        _assert_distribution(row, f"transitions[{intent}]")
    assert sorted(policy["after_action"]) == ["EXPLAIN", "OTHER", "QUESTION", "REC"]
    for group, row in policy["after_action"].items():
        _assert_distribution(row, f"after_action[{group}]")


def test_policy_is_smoothed_except_the_absorbing_close_row(policy: dict[str, Any]) -> None:
    assert policy["transitions"]["CLOSE"]["CLOSE"] == 1.0
    for intent, row in policy["transitions"].items():
        if intent != "CLOSE":
            assert min(row.values()) > 0.0, intent
    assert min(policy["start"].values()) > 0.0


def test_policy_counts_are_consistent(policy: dict[str, Any]) -> None:
    n_turns = policy["n_seeker_turns"]
    assert sum(policy["primary_counts"].values()) == n_turns
    pairs = sum(sum(row.values()) for row in policy["transition_counts"].values())
    assert pairs == n_turns - policy["n_dialogues"]
    # Every seeker turn carries at least one label, and CLOSE is never an IARD label.
    assert sum(policy["label_counts"]["seeker"].values()) >= n_turns
    assert "CLOSE" not in policy["label_counts"]["seeker"]
    tpd = policy["turns_per_dialogue"]
    assert tpd["p10"] <= tpd["median"] <= tpd["p90"]
    assert tpd["mean"] == pytest.approx(n_turns / policy["n_dialogues"], abs=1e-4)


def test_policy_reflects_known_patterns_of_human_seekers(policy: dict[str, Any]) -> None:
    # Facts of the IARD data the simulator relies on (docs/calibration.md).
    start = policy["start"]
    assert max(start, key=start.__getitem__) == "IQU"
    assert policy["after_action"]["QUESTION"]["ANS"] > policy["after_action"]["REC"]["ANS"]
    assert policy["after_action"]["REC"]["ACC"] > policy["after_action"]["QUESTION"]["ACC"]


def test_policy_loads_into_the_policy_graph(policy: dict[str, Any]) -> None:
    from simworld.latents.policy import build_graph, load_policy_table

    table = load_policy_table("iard")
    assert table == policy
    graph = build_graph(table)
    assert set(graph.nodes) == set(DEFAULT_INTENTS)


# --- committed style figures -----------------------------------------------------------


def test_style_figures_are_in_plausible_ranges(style: dict[str, Any]) -> None:
    words = style["words_per_turn"]
    assert 3.0 < words["mean"] < 30.0
    assert 0.0 < words["std"] < 30.0
    assert 0.5 < words["lognormal"]["mu"] < 3.5
    assert 0.2 < words["lognormal"]["sigma"] < 2.0
    quantiles = [words["quantiles"][f"{0.05 * k:.2f}"] for k in range(1, 20)]
    assert quantiles == sorted(quantiles)
    assert quantiles[9] == words["median"]
    for name, rate in style["rates"].items():
        assert 0.0 <= rate <= 1.0, name
    rates = style["rates"]
    assert 0.02 < rates["lowercase_start"] < 0.8
    assert rates["all_lowercase"] <= rates["lowercase_start"]
    assert 0.05 < rates["question"] < 0.6
    assert 0.05 < rates["short_turn"] < 0.6
    assert rates["typo_proxy_strict"] <= rates["typo_proxy"]
    assert 0.0 < rates["typo_proxy"] < 0.3
    assert rates["lower_i"] <= rates["lower_i_given_pronoun"]
    assert 0.0 < style["mentions_per_turn"]["mean"] < 3.0
    tps = style["turns_per_session"]
    assert 2.0 < tps["mean"] < 30.0 and tps["p10"] <= tps["median"] <= tps["p90"]


def test_style_defaults_match_the_style_dataclass(style: dict[str, Any]) -> None:
    from simworld.latents.persona import Style

    fields = set(Style.__dataclass_fields__)
    assert set(style["style_defaults"]) == fields
    Style(**style["style_defaults"])  # the figures build a valid Style


def test_style_per_user_and_per_intent_figures(style: dict[str, Any]) -> None:
    users = style["per_user"]
    assert users["n_users"] > 50
    assert 0.0 < users["lowercase_start_rate"]["mean"] < 1.0
    assert (
        0.0 <= users["lowercase_start_rate"]["std_between"] <= users["lowercase_start_rate"]["std"]
    )
    assert 3.0 < users["mean_words"]["mean"] < 30.0
    per_intent = style["per_intent_words"]
    assert set(per_intent) == {*DEFAULT_INTENTS, "ALL"}
    assert sum(per_intent[c]["n"] for c in DEFAULT_INTENTS) == per_intent["ALL"]["n"]
    # Closing and chit-chat turns are shorter than the average turn.
    assert per_intent["CLOSE"]["mean"] < per_intent["ALL"]["mean"]
    assert per_intent["OTH"]["mean"] < per_intent["ALL"]["mean"]


# --- counting rules, on made-up dialogues ----------------------------------------------


def _utterance(pos: int, role: str, labels: list[str], text: str = "x") -> dict[str, Any]:
    return {
        "utterance_pos": pos,
        "worker_id": 1 if role == "seeker" else 2,
        "role": role,
        "utterance_text": text,
        "top-level intent/action": [],
        "sub-intent/action": labels,
    }


def _write_iard(path: Path, dialogues: dict[str, list[dict[str, Any]]]) -> Path:
    data = {
        cid: {
            "accepted_recommendation": [],
            "dialogue_info": {
                ("S" if u["role"] == "seeker" else "R") + str(u["utterance_pos"]): u for u in us
            },
        }
        for cid, us in dialogues.items()
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_estimate_counts_primary_intents_close_and_action_groups(
    tools: dict[str, ModuleType], tmp_path: Path
) -> None:
    path = _write_iard(
        tmp_path / "iard.json",
        {
            "1": [
                _utterance(1, "seeker", ["OTH", "IQU"], "hi, any good comedy?"),
                _utterance(2, "recommender", ["EXP-I", "REQ", "REC-S"]),
                _utterance(3, "seeker", ["ACC"]),
                _utterance(4, "recommender", ["OTH"]),
                _utterance(5, "seeker", ["OTH"], "thanks, bye"),
            ],
            "2": [
                _utterance(1, "recommender", ["REQ", "EXP-P"]),
                _utterance(2, "seeker", ["OTH"]),
                _utterance(3, "recommender", ["RESP"]),
                _utterance(4, "seeker", ["REJ", "OTH"]),
            ],
        },
    )
    table = tools["policy"].estimate(path)
    assert table["n_dialogues"] == 2 and table["n_seeker_turns"] == 5
    assert table["primary_counts"]["IQU"] == 1 and table["primary_counts"]["CLOSE"] == 1
    assert table["primary_counts"]["OTH"] == 1 and table["primary_counts"]["REJ"] == 1
    assert table["transition_counts"]["IQU"]["ACC"] == 1
    assert table["transition_counts"]["ACC"]["CLOSE"] == 1
    assert table["transition_counts"]["OTH"]["REJ"] == 1
    assert table["after_action_n"] == {"REC": 1, "QUESTION": 1, "EXPLAIN": 0, "OTHER": 2}
    # Smoothing: start has IQU once and OTH once out of 2, alpha 0.5 over 17 intents.
    assert table["start"]["IQU"] == pytest.approx(1.5 / 10.5, abs=1e-4)
    assert table["start"]["SEE"] == pytest.approx(0.5 / 10.5, abs=1e-4)
    assert table["after_action"]["EXPLAIN"]["ACC"] == pytest.approx(1 / 17, abs=1e-4)
    assert table["label_counts"]["recommender"]["REQ"] == 2
    assert table["close_on_accept"] == 0.0  # dialogue 1 accepts, then closes in a turn of its own
    for row in (table["start"], *table["transitions"].values()):
        assert abs(sum(row.values()) - 1.0) < 1e-9


def test_round_distribution_sums_exactly_to_one(tools: dict[str, ModuleType]) -> None:
    thirds = {c: 1 / 3 for c in ("a", "b", "c")}
    rounded = tools["policy"].round_distribution(thirds)
    assert sum(round(v * 10_000) for v in rounded.values()) == 10_000
    assert rounded == {"a": 0.3334, "b": 0.3333, "c": 0.3333}


def test_estimate_reports_a_bad_label_with_its_place(
    tools: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write_iard(tmp_path / "bad.json", {"7": [_utterance(1, "seeker", ["NOPE"])]})
    code = tools["policy"].main(["--iard", str(path), "--out", str(tmp_path / "o.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad.json" in err and "dialogue 7" in err and "NOPE" in err
    assert "Traceback" not in err
    assert not (tmp_path / "o.json").exists()


def test_turn_features_of_a_made_up_turn(tools: dict[str, ModuleType]) -> None:
    style = tools["style"]
    words = "ok i think is great lol well liked and but not the one that was fun done"
    vocab = style.Vocabulary(dict.fromkeys(words.split(), 5), set())
    f = style.features("ok i think @123 is great lol", vocab)
    assert f.words == 7  # the mention is one word
    assert f.mentions == 1
    assert f.lower_start and f.all_lower and f.lower_i and f.pronoun_i
    assert not f.final_punct and not f.question and not f.typo
    assert f.fillers == frozenset({"ok", "lol"})
    g = style.features("Well, I liked @1 and @22 but not the graet one?", vocab)
    assert g.words == 11 and g.mentions == 2
    assert not g.lower_start and g.pronoun_i and not g.lower_i
    assert g.question and g.final_punct
    assert g.fillers == frozenset({"well"})
    assert g.typo and g.slip  # "graet" is unknown and one swap from "great"
    h = style.features("That was fun, well done!", vocab)
    assert h.fillers == frozenset()  # "well" counts only as the first word
    assert h.exclaim_end


def test_vocabulary_slip_rule(tools: dict[str, ModuleType]) -> None:
    vocab = tools["style"].Vocabulary(
        {"movie": 9, "really": 9, "good": 9, "land": 9, "mvoie": 1, "reallygood": 1, "lands": 1},
        {"zorro"},
    )
    assert vocab.is_unknown("mvoie") and vocab.is_slip("mvoie")  # swapped letters
    assert vocab.is_slip("reallygood")  # two words run together
    assert vocab.is_unknown("lands") and not vocab.is_slip("lands")  # an inflection
    assert not vocab.is_unknown("zorro") and not vocab.is_unknown("movie")


def test_iard_text_is_normalised_like_redial() -> None:
    sys.path.insert(0, str(TOOLS))
    try:
        import _shared_data as shared
    finally:
        sys.path.remove(str(TOOLS))
    text = shared.normalise_iard_text("saw @42 <Some Film (1999)>...loved it")
    assert text.split() == ["saw", shared.MOVIE_TOKEN, "loved", "it"]


# --- reproduction from the real data ---------------------------------------------------


def _need_data() -> None:
    missing = [p for p in (IARD, *REDIAL, MOVIES) if not p.is_file()]
    if missing:
        pytest.skip(f"real data not present: {missing[0]}")


def test_estimate_reproduces_the_committed_policy(
    tools: dict[str, ModuleType], tmp_path: Path
) -> None:
    _need_data()
    out = tmp_path / "intent_policy_iard.json"
    assert tools["policy"].main(["--iard", str(IARD), "--out", str(out)]) == 0
    committed = resources.files("simworld.data").joinpath("intent_policy_iard.json")
    assert out.read_bytes() == committed.read_bytes()


def test_measure_reproduces_the_committed_style(
    tools: dict[str, ModuleType], tmp_path: Path
) -> None:
    _need_data()
    out = tmp_path / "style_redial.json"
    argv = ["--redial", *map(str, REDIAL), "--movies", str(MOVIES), "--iard", str(IARD)]
    assert tools["style"].main([*argv, "--out", str(out)]) == 0
    committed = resources.files("simworld.data").joinpath("style_redial.json")
    assert out.read_bytes() == committed.read_bytes()


def test_measure_reproduces_the_committed_genre_table(
    tools: dict[str, ModuleType], tmp_path: Path
) -> None:
    _need_data()
    out = tmp_path / "genres_redial.json"
    assert tools["genres"].main(["--redial", *map(str, REDIAL), "--out", str(out)]) == 0
    committed = resources.files("simworld.data").joinpath("genres_redial.json")
    assert out.read_bytes() == committed.read_bytes()


def test_committed_genre_table_covers_the_catalog() -> None:
    from simworld.catalog import Catalog

    named = _committed("genres_redial.json")["named"]
    assert list(named) == list(Catalog.bundled().genres)
    assert all(0.0 <= v <= 1.0 for v in named.values())
    assert named["Comedy"] == max(named.values()) and named["IMAX"] == 0.0


def test_scripts_run_as_commands(tmp_path: Path) -> None:
    _need_data()
    out = tmp_path / "policy.json"
    done = subprocess.run(
        [sys.executable, str(TOOLS / "estimate_intent_policy.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["n_dialogues"] == 207
