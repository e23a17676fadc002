"""What gives simulated turns away: ranking on invented texts whose differences are known,
examples that really contain their feature, determinism, and the report and CLI outputs.

All texts here are invented for the tests; no real dialogue text is used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console
from simrun import make_run, write_real_jsonl

from simworld.compare import compare_giveaways, format_giveaways
from simworld.datasets import load_dialogues
from simworld.errors import DataError
from simworld.metrics.giveaways import (
    STYLE,
    Giveaway,
    Giveaways,
    feature_in,
    giveaways,
    log_odds_z,
    style_matrix,
)
from simworld.report import build_report

ROOT = Path(__file__).resolve().parents[1]

GENRES = ("comedy", "horror", "drama", "western", "thriller", "musical")
# Both sides write lower-case turns without end punctuation; the simulated side overuses
# one phrase, and only the real side writes ALL-CAPS words.
SHARED = ("do you have another {g} title", "thanks that sounds great", "maybe something {g}")
SIM_BANK = (
    *SHARED,
    "i am looking for a {g} movie",
    "i am looking for something {g}",
    "i am looking for a {g} film tonight",
)
REAL_BANK = (
    *SHARED,
    "any good {g} movies",
    "OMG that {g} one was SO good",
    "NO WAY i loved that {g} one",
    "hey whats a good {g} one",
    "i liked the last {g} flick",
)


def _texts(bank: tuple[str, ...], n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [
        bank[int(rng.integers(len(bank)))].format(g=GENRES[int(rng.integers(len(GENRES)))])
        for _ in range(n)
    ]


@pytest.fixture(scope="module")
def texts() -> tuple[list[str], list[str]]:
    return _texts(SIM_BANK, 600, 1), _texts(REAL_BANK, 500, 2)


@pytest.fixture(scope="module")
def found(texts: tuple[list[str], list[str]]) -> Giveaways:
    return giveaways(*texts, top=8, seed=3)


def _names(rows: list[Giveaway]) -> list[str]:
    return [name for r in rows for name in (r["feature"], *r["similar"])]


def test_overused_phrase_ranks_top_on_the_sim_side(found: Giveaways) -> None:
    first = found["sim"][0]
    # The phrase's bigrams cover the same turns, so they are chained back into the phrase.
    assert first["feature"] == "i am looking for" and first["kind"] == "word"
    assert first["share_sim"] > 0.4 and first["share_real"] == 0.0
    assert all(r["z"] > 0 and r["log_odds"] > 0 for r in found["sim"])
    zs = [r["z"] for r in found["sim"]]
    assert zs == sorted(zs, reverse=True)
    # The phrase's words and char fragments are folded into its row, not listed apart.
    listed = {r["feature"] for r in found["sim"]}
    assert not listed & {"looking", "looking for", "am looking", "i am"}


def test_real_only_style_ranks_on_the_real_side(found: Giveaways) -> None:
    names = _names(found["real"][:5])
    assert "ALL-CAPS word" in names, names
    assert all(r["z"] < 0 and r["share_real"] > r["share_sim"] for r in found["real"])
    # What both sides write alike is not a giveaway.
    assert not {"another", "sounds great", "title"} & set(_names(found["sim"] + found["real"]))


def test_examples_contain_their_feature(found: Giveaways, texts: tuple[list[str], ...]) -> None:
    sim, real = texts
    for side, pool in (("sim", sim), ("real", real)):
        rows = found["sim"] if side == "sim" else found["real"]
        for r in rows:
            assert 1 <= len(r["examples"]) <= 2
            assert len(set(r["examples"])) == len(r["examples"])
            for example in r["examples"]:
                assert example in pool, (side, example)
                assert feature_in(example, r["feature"], r["kind"]), (r["feature"], example)


def test_deterministic_json_ready_and_bounded(texts: tuple[list[str], list[str]]) -> None:
    a = giveaways(*texts, top=5, seed=11, max_turns=200)
    assert a == giveaways(*texts, top=5, seed=11, max_turns=200)
    assert a["n_sim"] == 200 and a["n_real"] == 200
    assert len(a["sim"]) == 5 and len(a["real"]) == 5
    assert json.loads(json.dumps(a, allow_nan=False)) == a
    hidden = giveaways(*texts, top=5, seed=11, max_turns=200, real_examples=False)
    assert all(r["examples"] == [] for r in hidden["real"])
    assert all(r["examples"] for r in hidden["sim"])


def test_empty_sides_and_zero_top() -> None:
    assert giveaways([], ["a real turn"])["sim"] == []
    assert giveaways(["a sim turn"] * 9, ["  "])["real"] == []
    assert giveaways(["a b"] * 9, ["c d"] * 9, top=0)["sim"] == []


def test_log_odds_z_is_antisymmetric_and_frequency_robust() -> None:
    k_sim, k_real = np.array([50.0, 3.0, 20.0]), np.array([0.0, 0.0, 20.0])
    delta, z = log_odds_z(k_sim, 1000, k_real, 1000, prior=250)
    delta_b, z_b = log_odds_z(k_real, 1000, k_sim, 1000, prior=250)
    assert np.allclose(delta, -delta_b) and np.allclose(z, -z_b)
    assert z[0] > z[1] > 0  # same direction, but three turns are weak evidence
    assert z[2] == pytest.approx(0.0)


def test_style_facts() -> None:
    names = list(STYLE)
    m = style_matrix(["Heat (1995) was great!", "ok", "what about THIS one...", "i'd say no"])
    on = [{names[j] for j in np.flatnonzero(row)} for row in m]
    assert {"title with year, e.g. 'Heat (1995)'", "year (19xx/20xx)", "ends with '!'"} <= on[0]
    assert {"1 word", "very short (<= 3 words)", "all lower-case", "ends without . ! ?"} <= on[1]
    assert {"ALL-CAPS word", "ellipsis", "starts lower-case"} <= on[2]
    assert {"lower-case 'i'", "contraction (it's, don't)"} <= on[3]
    assert feature_in("So I'm looking for it", "i'm looking for", "word")
    assert not feature_in("looking at it for now", "looking for", "word")
    assert feature_in("wait... what", "... ", "char")
    with pytest.raises(KeyError, match="unknown style feature"):
        feature_in("x", "no such fact", "style")


def test_compare_giveaways_table_and_report(tmp_path: Path) -> None:
    run = make_run(tmp_path / "run", seed=0)
    real = load_dialogues(write_real_jsonl(tmp_path / "real.jsonl", style="casual"), "jsonl")
    found = compare_giveaways(run, real, top=4)
    assert len(found["sim"]) == 4 and len(found["real"]) == 4
    console = Console(record=True, width=160)
    for table in format_giveaways(found):
        console.print(table)
    text = console.export_text()
    assert "more common in simulated turns" in text and "more common in real turns" in text
    assert found["sim"][0]["examples"][0][:20] in text
    index = build_report(run, real=real, giveaways=4, real_examples=False)
    saved = json.loads((index.parent / "giveaways.json").read_text())
    assert saved["sim"] == found["sim"] and all(not r["examples"] for r in saved["real"])
    assert "More common in simulated turns" in index.read_text(encoding="utf-8")
    with pytest.raises(DataError, match="no user turns"):
        compare_giveaways(run, [], top=4)


def test_cli_compare_prints_the_giveaways(tmp_path: Path) -> None:
    def simworld(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "simworld", *args],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": "160"},
        )

    out = tmp_path / "run"
    proc = simworld(
        "run",
        "scenarios/quickstart.yaml",
        "--out",
        str(out),
        "-q",
        "--set",
        "population.size=30",
        "--set",
        "schedule.ticks=1",
    )
    assert proc.returncode == 0, proc.stderr
    real = write_real_jsonl(tmp_path / "real.jsonl", style="casual", n=30)
    metrics = tmp_path / "cmp" / "metrics.json"
    proc = simworld(
        "compare",
        str(out),
        "--real",
        str(real),
        "--format",
        "jsonl",
        "--giveaways",
        "5",
        "--json",
        str(metrics),
    )
    assert proc.returncode == 0, proc.stderr
    assert "what gives simulated turns away" in proc.stdout
    assert "more common in real turns" in proc.stdout
    # a small run: the C2ST sample is smaller than the default, and the output says so
    assert "note: the C2ST used" in proc.stdout
    saved = json.loads((tmp_path / "cmp" / "metrics.giveaways.json").read_text())
    assert len(saved["sim"]) == 5 and saved["real"][0]["examples"]
    top = saved["sim"][0]
    # char n-grams show their spaces as "␣"; words and style features print as they are
    shown = top["feature"].replace(" ", "␣") if top["kind"] == "char" else top["feature"]
    assert shown in proc.stdout
    assert "realism.c2st_auc" in json.loads(metrics.read_text())

    proc = simworld(
        "compare", str(out), "--real", str(real), "--format", "jsonl", "--giveaways", "0"
    )
    assert proc.returncode == 0, proc.stderr
    assert "realism.c2st_auc" in proc.stdout and "what gives" not in proc.stdout
    proc = simworld(
        "compare", str(out), "--real", str(real), "--format", "jsonl", "--giveaways", "-1"
    )
    assert proc.returncode == 2 and "--giveaways" in proc.stderr
    assert "Traceback" not in proc.stderr
