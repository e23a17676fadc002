"""Critic selection over an LLM user model: K samples per turn from a real HTTP backend.

The OpenAI-compatible model talks to a scripted aiohttp server on 127.0.0.1 (the one of
``test_llm_guard_totals``); the calibration bundle is fitted on the invented corpus of
``test_calibration``. The run is built from a scenario, as a user would write it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from test_calibration import small_scenario, write_corpus
from test_llm_guard_totals import script_server

from simworld.calibration.bundle import save_bundle
from simworld.calibration.fit import fit_bundle
from simworld.datasets import load_dialogues
from simworld.engine.runner import run_scenario
from simworld.scenario import validate_scenario

K = 4
REPLIES = (
    "hey any good thrillers? something with a twist pls",
    "I would like to request a thriller film with an unexpected ending, please.",
    "nah not that one, too slow",
    "I am afraid that this suggestion does not suit my preferences.",
    "ooh ok ill watch that, thx",
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("select_llm")
    dialogues = load_dialogues(write_corpus(tmp / "real.jsonl"), "jsonl")
    fitted = fit_bundle(dialogues, scenario=small_scenario(), seed=3, source={"path": "x"})
    return save_bundle(fitted, tmp / "bundle")


async def test_openai_model_with_select_samples_k_candidates_per_turn(
    bundle: Path, tmp_path: Path
) -> None:
    async with script_server(*REPLIES) as srv:
        scenario = validate_scenario({
            "name": "select-llm", "seed": 4,
            "population": {"size": 4},
            "schedule": {"ticks": 1, "active_share": 1.0, "max_turns": 4},
            "user_model": {"kind": "openai", "base_url": srv.url, "model": "m",
                           "mode": "free", "max_regenerations": 0, "retries": 0,
                           "calibration": str(bundle), "select": {"candidates": K}},
        })
        await run_scenario(scenario, out_dir=tmp_path)
    turns: list[dict[str, Any]] = ds.dataset(tmp_path / "turns", format="parquet").to_table(
    ).to_pylist()
    assert turns and all(t["error"] is None for t in turns)
    # every kept turn was chosen among K samples, each one request to the server
    assert all(t["n_candidates"] == K for t in turns)
    assert srv.requests == K * len(turns)
    assert all(0.0 <= t["critic_score"] <= 1.0 for t in turns)
    # token counts are the real cost: summed over the K candidates (10 in per request)
    assert all(t["tokens_in"] == 10 * K for t in turns)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    select = manifest["user_model"]["select"]
    assert select["candidates_per_turn"] == K and select["turns"] == len(turns)
    assert select["mean_critic_score_kept"] >= select["mean_critic_score_generated"] - 1e-9
    # the guard totals count every candidate the model wrote
    assert manifest["user_model"]["guard_totals"]["turns"] == K * len(turns)
