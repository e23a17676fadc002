"""Guard totals of the LLM user models: the counters, ``describe()``, a run's manifest, and
the end-of-run line; plus ``base_url_env`` taken through the scenario builder in a real run.

The OpenAI-compatible model talks to a tiny scripted aiohttp server on 127.0.0.1 (written
here): it answers every request with the next reply of a fixed cycle, some of which the
guards reject, so guards, regenerations and fallbacks all happen.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest
from aiohttp import web
from llm_contexts import dialogue
from llm_server import free_port
from servers import serve_app

from simworld.console import guards_line
from simworld.engine.runner import run_scenario
from simworld.scenario import validate_scenario
from simworld.users.models.llm_base import GuardTally
from simworld.users.models.openai_model import OpenAIUserModel

ASSISTANT = "I'd be happy to help! What kind of movies do you like?"
USERLIKE = "hey, any good thrillers from the nineties? something with a twist please"
PREFIXED = "Assistant: How can I help you today?"
URL_ENV = "SIMWORLD_TEST_GUARDS_BASE_URL"


@dataclass
class ScriptServer:
    """Answers ``POST /v1/chat/completions`` with ``replies`` in turn (cycling)."""

    replies: tuple[str, ...]
    url: str = ""
    requests: int = 0

    def next_reply(self) -> str:
        reply = self.replies[self.requests % len(self.replies)]
        self.requests += 1
        return reply


@asynccontextmanager
async def script_server(*replies: str) -> AsyncIterator[ScriptServer]:
    srv = ScriptServer(replies)

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        body = {
            "choices": [{"index": 0, "message": {"role": "assistant",
                                                 "content": srv.next_reply()}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5},
        }
        return web.json_response(body)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    async with serve_app(app) as url:
        srv.url = f"{url}/v1"
        yield srv


# -- the counters ----------------------------------------------------------------------


def test_tally_counts_fires_turns_regenerations_and_fallbacks() -> None:
    tally = GuardTally()
    tally.record(["role", "role", "role"], fallback=True, requests=3)
    tally.record(["strip", "role", "strip"], fallback=False, requests=2)
    tally.record(["long"], fallback=False, requests=1)
    tally.record([], fallback=False, requests=1)
    tally.record(["llm_error"], fallback=True, requests=1)
    totals = tally.as_dict()
    assert totals["turns"] == 5
    assert totals["regenerations"] == 2 + 1
    assert totals["fallbacks"] == 2 and totals["fallback_rate"] == pytest.approx(0.4)
    guards = totals["guards"]
    assert isinstance(guards, dict)
    assert list(guards) == ["role", "strip", "llm_error", "long"]  # most fired, then by name
    assert guards["role"] == {"fires": 4, "turns": 2, "rate": pytest.approx(0.4)}
    assert guards["strip"] == {"fires": 2, "turns": 1, "rate": pytest.approx(0.2)}
    assert guards["long"] == {"fires": 1, "turns": 1, "rate": pytest.approx(0.2)}
    json.dumps(totals)  # plain JSON values: it goes into the manifest as is


def test_an_empty_tally_has_zero_rates() -> None:
    totals = GuardTally().as_dict()
    assert totals == {"turns": 0, "guards": {}, "regenerations": 0, "fallbacks": 0,
                      "fallback_rate": 0.0}


async def test_describe_totals_match_the_turns_meta() -> None:
    async with script_server(ASSISTANT, USERLIKE, PREFIXED) as srv:
        model = OpenAIUserModel(base_url=srv.url, model="m", seed=2, mode="free",
                                max_regenerations=2, backoff_s=0.001)
        metas = []
        try:
            for ctx in dialogue(seed=3):
                metas.append((await model.respond(ctx)).meta)
        finally:
            await model.aclose()
        totals = model.describe()["guard_totals"]
        assert isinstance(totals, dict)
        fired = [g for m in metas for g in m["guards"]]  # type: ignore[attr-defined]
        assert totals["turns"] == len(metas) == 5
        assert {g: v["fires"] for g, v in totals["guards"].items()} == Counter(fired)
        assert totals["fallbacks"] == sum(bool(m["fallback"]) for m in metas)
        assert totals["regenerations"] == srv.requests - len(metas)
        assert totals["guards"]["role"]["fires"] >= 1  # the first reply is assistant-like


# -- the end-of-run line -----------------------------------------------------------------


def test_guards_line_totals_each_guard_and_the_fallbacks() -> None:
    tally = GuardTally()
    for _ in range(12):
        tally.record(["role", "role"], fallback=False, requests=2)
    for _ in range(2):
        tally.record(["leak"], fallback=True, requests=3)
    for _ in range(370):
        tally.record([], fallback=False, requests=1)
    line = guards_line({"name": "openai:m", "guard_totals": tally.as_dict()})
    assert line == (
        "guards: role 12 (3.1%), leak 2 (0.5%); regenerations 16; "
        "fallbacks 2 of 384 turns (0.5%)"
    )


def test_guards_line_without_llm_or_turns() -> None:
    assert guards_line({"name": "template"}) is None
    assert guards_line({"guard_totals": GuardTally().as_dict()}) == (
        "guards: none fired; regenerations 0; fallbacks 0 of 0 turns"
    )
    tally = GuardTally()
    tally.record(["slots"], fallback=False, requests=2)
    select = {"guard_totals": tally.as_dict(), "select": {"candidates": 4}}
    assert guards_line(select) == (
        "guards: slots 1 (100.0%); regenerations 1; fallbacks 0 of 1 candidate turns (0.0%)"
    )


# -- a real run ------------------------------------------------------------------------


def _rows(run: Path, table: str) -> list[dict[str, Any]]:
    return list(ds.dataset(run / table, format="parquet").to_table().to_pylist())


async def test_run_manifest_has_guard_totals_matching_the_turns_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run whose user model is built from the scenario: the endpoint comes from
    ``base_url_env`` (``base_url`` points at a closed port), and the manifest's totals are
    the turns table's guards and fallbacks, summed."""
    async with script_server(ASSISTANT, USERLIKE, PREFIXED, USERLIKE) as srv:
        monkeypatch.setenv(URL_ENV, srv.url)
        dead = f"http://127.0.0.1:{free_port()}/v1"
        scenario = validate_scenario({
            "name": "guards", "seed": 5,
            "population": {"size": 4},
            "schedule": {"ticks": 1, "active_share": 1.0, "max_turns": 4},
            "user_model": {"kind": "openai", "base_url": dead, "base_url_env": URL_ENV,
                           "model": "m", "mode": "free", "max_regenerations": 2,
                           "retries": 0},
        })
        outcome = await run_scenario(scenario, out_dir=tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    um = manifest["user_model"]
    assert um["base_url"] == srv.url and um["base_url_env"] == URL_ENV
    assert outcome.manifest["user_model"] == um
    turns = _rows(tmp_path, "turns")
    assert turns and all(t["error"] is None for t in turns)  # every request reached srv
    totals = um["guard_totals"]
    assert totals["turns"] == len(turns)
    fires = Counter(g for t in turns for g in t["guards"])
    assert {g: v["fires"] for g, v in totals["guards"].items()} == fires
    assert {g: v["turns"] for g, v in totals["guards"].items()} == Counter(
        g for t in turns for g in set(t["guards"])
    )
    assert totals["fallbacks"] == sum(bool(t["fallback"]) for t in turns)
    assert totals["fallback_rate"] == pytest.approx(totals["fallbacks"] / len(turns))
    assert totals["regenerations"] == srv.requests - len(turns)
    assert fires["role"] >= 1
    line = guards_line(um)
    assert line is not None and line.endswith(
        f"fallbacks {totals['fallbacks']} of {len(turns)} turns "
        f"({totals['fallbacks'] / len(turns):.1%})"
    )
    assert line.startswith("guards: ") and "role " in line
