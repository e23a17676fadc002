"""Throughput of the OpenAI-compatible user model against a fixed-latency loopback server.

An aiohttp server on 127.0.0.1 answers every ``POST /v1/chat/completions`` after
``asyncio.sleep(latency)``; many user turns are requested at once through one
:class:`OpenAIUserModel` capped at ``max_in_flight`` concurrent requests. With the server
as the only delay, Little's law bounds throughput at ``max_in_flight / latency`` turns/s;
the ratio measured/limit says how much the client side (prompt rendering, template draft,
guards, style pass, HTTP) costs on top.

Run: ``python bench/llm_throughput.py`` (about half a minute; no external tools).
"""

from __future__ import annotations

import argparse
import asyncio
import time

import numpy as np
from aiohttp import web

from simworld.catalog import Catalog, Item
from simworld.latents.persona import Persona, Style, Traits
from simworld.users.base import TurnContext
from simworld.users.goal import Facet, Goal, make_state
from simworld.users.models.openai_model import OpenAIUserModel

REPLY = {
    "id": "bench",
    "object": "chat.completion",
    "choices": [{"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": "got any good comedies?"}}],
    "usage": {"prompt_tokens": 200, "completion_tokens": 6, "total_tokens": 206},
}


async def start_server(latency_s: float) -> tuple[web.AppRunner, str, dict[str, int]]:
    stats = {"requests": 0, "in_flight": 0, "max_in_flight": 0}

    async def handle(request: web.Request) -> web.Response:
        await request.read()
        stats["requests"] += 1
        stats["in_flight"] += 1
        stats["max_in_flight"] = max(stats["max_in_flight"], stats["in_flight"])
        try:
            await asyncio.sleep(latency_s)
        finally:
            stats["in_flight"] -= 1
        return web.json_response(REPLY)

    app = web.Application()
    app.router.add_post("/v1/chat/completions", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}/v1", stats


def contexts(n: int, seed: int) -> list[TurnContext]:
    """``n`` first turns (IQU, revealing the genre Comedy) of distinct simulated users."""
    items = (
        Item("b1", "Bench Picture One", 1990, ("Comedy",), ("fun",), 10.0),
        Item("b2", "Bench Picture Two", 2004, ("Comedy", "Drama"), ("quirky",), 8.0),
    )
    catalog = Catalog(items, source="<bench>")
    goal = Goal(items[0], (Facet("genre", "Comedy"), Facet("decade", "1990")), 0.8)
    persona = Persona("25-34", "teacher", ("Comedy",), (), "any")
    out = []
    for i, ss in enumerate(np.random.SeedSequence(seed).spawn(n)):
        rng = np.random.default_rng(ss)
        state = make_state(goal, catalog, frozenset(), 4)
        slots = state.plan("IQU", rng)
        out.append(TurnContext(
            persona=persona, traits=Traits(), style=Style(), state=state, intent="IQU",
            slots=slots, turn_index=0, history=(), last_reply=None, rng=rng,
        ))
        del i
    return out


async def run_case(turns: int, max_in_flight: int, latency_s: float) -> dict[str, float]:
    runner, base_url, stats = await start_server(latency_s)
    model = OpenAIUserModel(
        base_url=base_url, model="bench", mode="free", max_in_flight=max_in_flight,
        retries=0, seed=1,
    )
    ctxs = contexts(turns, seed=max_in_flight)
    try:
        await model.respond(contexts(1, seed=0)[0])  # warm-up: connection pool, imports
        stats["requests"] = stats["max_in_flight"] = 0
        started = time.perf_counter()
        results = await asyncio.gather(*(model.respond(c) for c in ctxs))
        elapsed = time.perf_counter() - started
    finally:
        await model.aclose()
        await runner.cleanup()
    fallbacks = sum(bool(r.meta["fallback"]) for r in results)
    rate = turns / elapsed
    limit = max_in_flight / latency_s
    return {
        "turns": turns, "max_in_flight": max_in_flight, "latency_ms": latency_s * 1000,
        "seconds": elapsed, "turns_per_s": rate, "limit": limit, "ratio": rate / limit,
        "server_max_in_flight": stats["max_in_flight"], "requests": stats["requests"],
        "fallbacks": fallbacks,
    }


async def main(cases: list[tuple[int, int, float]]) -> None:
    print(f"{'in_flight':>9} {'latency':>8} {'turns':>6} {'turns/s':>9} {'limit':>8} "
          f"{'ratio':>6} {'srv_max':>7} {'requests':>8}")
    for turns, k, latency in cases:
        r = await run_case(turns, k, latency)
        print(f"{k:>9} {r['latency_ms']:>6.0f}ms {turns:>6} {r['turns_per_s']:>9.1f} "
              f"{r['limit']:>8.1f} {r['ratio']:>6.2f} {r['server_max_in_flight']:>7.0f} "
              f"{r['requests']:>8.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="one small case (smoke run)")
    args = parser.parse_args()
    if args.quick:
        plan = [(64, 8, 0.05)]
    else:
        plan = [(400, 8, 0.05), (800, 16, 0.05), (1600, 64, 0.2), (1600, 128, 0.2)]
    asyncio.run(main(plan))
